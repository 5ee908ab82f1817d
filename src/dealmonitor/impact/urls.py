from django.urls import include, path

from . import views

app_name = "impact"

# Every page of one deal lives under /deals/<slug>/ (the address tree, deals/urls.py).
deal_urlpatterns = [
    # The pathway editor, effects and assumptions: urls_pathway.py
    path("", include("dealmonitor.impact.urls_pathway")),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("indicatoren/", views.indicator_list, name="indicators"),
    path("indicatoren/nieuw/", views.indicator_create, name="indicator_create"),
    path("indicatoren/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicatoren/<int:pk>/wijzigen/", views.indicator_edit, name="indicator_edit"),
    path("indicatoren/<int:pk>/doelen/", views.indicator_targets, name="indicator_targets"),
    path("indicatoren/<int:pk>/meting/", views.measurement_create, name="measurement_create"),
    path("indicatoren/<int:pk>/metingen/<int:mid>/corrigeren/", views.measurement_edit,
         name="measurement_edit"),
    path("indicatoren/<int:pk>/metingen/<int:mid>/intrekken/", views.measurement_withdraw,
         name="measurement_withdraw"),
    path("indicatoren/<int:pk>/metingen/<int:mid>/verifieren/", views.measurement_verify,
         name="measurement_verify"),
    path("indicatoren/<int:pk>/metingen/<int:mid>/terugsturen/", views.measurement_send_back,
         name="measurement_send_back"),
    path("prestaties/", views.performance_table, name="performance"),
    path("prestaties.<str:fmt>", views.performance_export, name="performance_export"),
]

urlpatterns = [
    path("deals/<slug:slug>/", include(deal_urlpatterns)),
    path("impact/bewijs/<int:pk>/", views.evidence_download, name="evidence"),
]
