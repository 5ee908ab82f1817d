from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from dealmonitor.deals.models import Deal, Participation
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.partial_dates import to_iso


@extend_schema_field({"type": "string", "nullable": True, "pattern": r"^\d{4}(-\d{2}(-\d{2})?)?$",
                      "example": "2016-03"})
class PartialDateField(serializers.Field):
    """A date with reduced precision as ISO 8601 text: `2016`, `2016-03` or `2016-03-09`."""

    def __init__(self, date_field, **kwargs):
        self.date_field = date_field
        kwargs.setdefault("source", "*")
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, instance):
        return to_iso(
            getattr(instance, self.date_field), getattr(instance, f"{self.date_field}_precision")
        )


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["slug", "name", "type", "subtype", "government_level", "cbs_code", "kvk_number", "oin",
                  "web_domain"]


class ParticipationSerializer(serializers.ModelSerializer):
    organisation = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    joined_on = PartialDateField("joined_on")

    class Meta:
        model = Participation
        fields = ["organisation", "kind", "role_description", "joined_on", "confidence"]


class DealSerializer(serializers.ModelSerializer):
    themes = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    signing_date = PartialDateField("signing_date")
    end_date = PartialDateField("end_date")
    extended_to = PartialDateField("extended_to")

    class Meta:
        model = Deal
        fields = [
            "slug", "name", "kind", "other_kind", "aliases", "themes", "description",
            "signing_date", "end_date", "extended_to", "status", "phase",
        ]


class DealDetailSerializer(DealSerializer):
    participations = ParticipationSerializer(many=True, read_only=True)

    class Meta(DealSerializer.Meta):
        fields = [*DealSerializer.Meta.fields, "participations"]
