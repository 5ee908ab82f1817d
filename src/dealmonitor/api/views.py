from rest_framework import viewsets

from dealmonitor.deals.selectors import visible_deals
from dealmonitor.organisations.models import Organisation

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


class OrganisationViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_field = "slug"
    lookup_value_regex = "[^/]+"
    serializer_class = serializers.OrganisationSerializer
    filterset_fields = ["type", "government_level"]
    queryset = Organisation.objects.order_by("name")
