from django.urls import path

from . import views, views_partners

app_name = "deals"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("deals/<slug:slug>/", views.deal_detail, name="detail"),
    path("deals/<slug:slug>/fase/", views.change_phase, name="change_phase"),
    path("deals/<slug:slug>/wijzigingen/", views.change_log, name="change_log"),
    path("deals/<slug:slug>/partners/", views_partners.partners, name="partners"),
    path("deals/<slug:slug>/partners/zoeken/", views_partners.organisation_options,
         name="organisation_options"),
    path("deals/<slug:slug>/partners/<int:pk>/", views_partners.partner_edit, name="partner_edit"),
    path("deals/<slug:slug>/partners/<int:pk>/toezegging/", views_partners.partner_commitment,
         name="partner_commitment"),
    path(
        "deals/<slug:slug>/wijzigingen/<str:label>/<int:history_id>/terugzetten/",
        views.restore_change, name="restore_change",
    ),
]
