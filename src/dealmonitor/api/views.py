from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.response import Response

from dealmonitor.connections import selectors as connection_selectors
from dealmonitor.connections.serializers import RelatedDealSerializer

from dealmonitor.deals.access import visible_deals
from dealmonitor.deals.selectors import visible_organisations

from . import serializers


SLUG_PATTERN = "[-a-zA-Z0-9_]+"
SLUG = OpenApiParameter("slug", str, OpenApiParameter.PATH, pattern=f"^{SLUG_PATTERN}$",
                        description="The deal's stable identifier, e.g. cd-health-hub.")


@extend_schema_view(retrieve=extend_schema(parameters=[SLUG]), related=extend_schema(parameters=[SLUG]))
class DealViewSet(viewsets.ReadOnlyModelViewSet):
    """Deals, by their stable identifier (the data file's id)."""

    lookup_field = "slug"
    lookup_value_regex = SLUG_PATTERN
    deal_path = ""  # the rows are deals
    filterset_fields = ["kind", "status", "phase"]

    def get_queryset(self):
        qs = visible_deals(self.request.user).prefetch_related("themes").order_by("name")
        if self.action == "retrieve":
            qs = qs.prefetch_related("participations__organisation")
        return qs

    def get_serializer_class(self):
        if self.action == "retrieve":
            return serializers.DealDetailSerializer
        return serializers.DealSerializer

    @extend_schema(responses=RelatedDealSerializer(many=True), filters=False)
    @action(detail=True, pagination_class=None, filterset_fields=[])
    def related(self, request, slug=None):
        """Related deals, best first, with the reasons (connections app)."""
        items = connection_selectors.related_for_deal(request.user, self.get_object())["items"]
        return Response(connection_selectors.related_as_data(items))


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    serializer_class = serializers.OrganisationSerializer
    filterset_fields = ["type", "government_level"]

    def get_queryset(self):
        return visible_organisations(self.request.user).order_by("name")


def not_found(request, exception=None):
    """Django's 404 for every address; under /api/ as JSON, as the OpenAPI document says."""
    from django.http import JsonResponse
    from django.views.defaults import page_not_found

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


class TokenView(ObtainAuthToken):
    """Exchange a username and password for the API token of that user (`Authorization: Token
    <key>`). Sign-in attempts are limited as on the sign-in page (django-axes)."""

    throttle_classes = ()
