"""The REST API, version 1. Mounted at /api/v1/ (outside the language prefixes)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import views
from .generic import viewset_for
from .resources import RESOURCES

router = DefaultRouter()
router.register("deals", views.DealViewSet, basename="deal")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
for resource in RESOURCES:
    router.register(resource.name, viewset_for(resource), basename=resource.name.rstrip("s"))

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", views.documentation, name="docs"),
    path("token/", views.TokenView.as_view(), name="token"),
    path("", include(router.urls)),
]
