from django.db.models import Count, Prefetch

from dealmonitor.deals.models import Participation
from dealmonitor.deals.selectors import visible_deals

from .models import Organisation


def organisation_detail(user, slug):
    participations = (
        Participation.objects.filter(deal__in=visible_deals(user))
        .select_related("deal")
        .prefetch_related("sources")
        .order_by("deal__name")
    )
    return Organisation.objects.prefetch_related(
        Prefetch("participations", queryset=participations)
    ).get(slug=slug)


def organisations_list(user):
    return Organisation.objects.annotate(
        deal_count=Count("participations__deal", distinct=True)
    ).order_by("-deal_count", "name")
