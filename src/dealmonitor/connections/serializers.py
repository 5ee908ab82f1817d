"""The related-deals list in the REST API (/api/v1/deals/{slug}/related/)."""

from rest_framework import serializers


class RelatedDealSerializer(serializers.Serializer):
    deal = serializers.CharField(help_text="The related deal's identifier (the data file's id).")
    name = serializers.CharField()
    score = serializers.FloatField(allow_null=True, help_text="Sum of the weighted signals.")
    rank = serializers.IntegerField(allow_null=True, help_text="Rank among the suggestions.")
    decision = serializers.ChoiceField(
        choices=["confirmed", "dismissed"], allow_null=True,
        help_text="A person's decision on this pair; dismissed pairs are left out.",
    )
    kind = serializers.CharField(allow_null=True, help_text="The kind of a confirmed link.")
    learning = serializers.CharField(
        allow_blank=True,
        help_text="One sentence on what the two deals could learn from each other (empty for a "
                  "confirmed link without a suggestion).")
    reasons = serializers.ListField(child=serializers.CharField(), help_text="In plain language.")
    evidence = serializers.ListField(child=serializers.DictField(), help_text="The same as data.")
