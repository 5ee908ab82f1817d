"""The REST API, version 1. Mounted at /api/v1/ (outside the language prefixes)."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import areas, views
from .generic import viewset_for
from .resources import RESOURCES

router = DefaultRouter()
router.register("deals", views.DealViewSet, basename="deal")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
# areas and their context figures (api/areas.py); a deal's areas are under its address
router.register("areas", areas.AreaViewSet, basename="area")
router.register("topics", areas.TopicViewSet, basename="topic")
router.register("figure-sources", areas.FigureSourceViewSet, basename="figure-source")
router.register("figures", areas.FigureViewSet, basename="figure")
router.register("figure-imports", areas.FigureImportViewSet, basename="figure-import")
for resource in RESOURCES:
    router.register(resource.name, viewset_for(resource), basename=resource.name.rstrip("s"))

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", views.documentation, name="docs"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("", include(router.urls)),
]
