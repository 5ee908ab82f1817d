from django.urls import path

from . import views

app_name = "deals"

urlpatterns = [
    path("", views.portfolio, name="portfolio"),
    path("deals/<slug:slug>/", views.deal_detail, name="detail"),
    path("deals/<slug:slug>/fase/", views.change_phase, name="change_phase"),
    path("deals/<slug:slug>/wijzigingen/", views.change_log, name="change_log"),
    path(
        "deals/<slug:slug>/wijzigingen/<str:label>/<int:history_id>/terugzetten/",
        views.restore_change, name="restore_change",
    ),
]
