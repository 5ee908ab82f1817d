from django.urls import include, path

from . import views

app_name = "impact"

urlpatterns = [
    # The pathway editor, effects and assumptions: urls_pathway.py
    path("deals/<slug:slug>/", include("dealmonitor.impact.urls_pathway")),
    path("deals/<slug:slug>/dashboard/", views.dashboard, name="dashboard"),
    path("deals/<slug:slug>/indicatoren/", views.indicator_list, name="indicators"),
    path("deals/<slug:slug>/indicatoren/nieuw/", views.indicator_create, name="indicator_create"),
    path("deals/<slug:slug>/indicatoren/<int:pk>/", views.indicator_detail, name="indicator"),
    path("deals/<slug:slug>/indicatoren/<int:pk>/wijzigen/", views.indicator_edit, name="indicator_edit"),
    path("deals/<slug:slug>/indicatoren/<int:pk>/doelen/", views.indicator_targets, name="indicator_targets"),
    path("deals/<slug:slug>/indicatoren/<int:pk>/meting/", views.measurement_create, name="measurement_create"),
    path("deals/<slug:slug>/prestaties/", views.performance_table, name="performance"),
    path("deals/<slug:slug>/prestaties.<str:fmt>", views.performance_export, name="performance_export"),
    path("bewijs/<int:pk>/", views.evidence_download, name="evidence"),
]
