from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from dealmonitor.connections import selectors as connection_selectors
from dealmonitor.connections.serializers import RelatedDealSerializer

from dealmonitor.deals.selectors import visible_deals
from dealmonitor.organisations.selectors import visible_organisations

from . import serializers


class DealViewSet(viewsets.ReadOnlyModelViewSet):
    """Deals, by their stable identifier (the data file's id)."""

    lookup_field = "slug"
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
