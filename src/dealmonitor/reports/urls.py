from django.urls import include, path

from . import views

app_name = "reports"

programme_urlpatterns = [
    path("", views.index, name="index"),
    path("portfolio.xlsx", views.portfolio_workbook, name="portfolio_workbook"),
    path("metingen.csv", views.long_csv, name="long_csv"),
    path("codeboek.csv", views.codebook_csv, name="codebook_csv"),
    path("open-data/deals.json", views.open_data, name="open_data"),
    path("portfolio/", views.portfolio_report, name="portfolio_report"),
    path("portfolio.pdf", views.portfolio_report, {"fmt": "pdf"}, name="portfolio_report_pdf"),
    path("portfolio-pdf/", views.portfolio_pdf_start, name="portfolio_pdf_start"),
    path("portfolio-pdf/<uuid:uuid>/", views.portfolio_pdf_job, name="portfolio_pdf_job"),
    path("portfolio-pdf/<uuid:uuid>/portfoliorapportage.pdf", views.portfolio_pdf_download,
         name="portfolio_pdf_download"),
]

# Every page of one deal lives under /deals/<slug>/ (the address tree, deals/urls.py).
deal_urlpatterns = [
    path("werkmap.xlsx", views.deal_workbook, name="deal_workbook"),
    path("jaarverslag/", views.deal_report, name="deal_report"),
    path("jaarverslag.pdf", views.deal_report, {"fmt": "pdf"}, name="deal_report_pdf"),
    path("jaarverslag.docx", views.deal_report, {"fmt": "docx"}, name="deal_report_docx"),
]

urlpatterns = [
    path("rapporten/", include(programme_urlpatterns)),
    path("deals/<slug:slug>/", include(deal_urlpatterns)),
]
