from django.db.models import Count, Prefetch, Q

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
    visible = Q(participations__deal__in=visible_deals(user))
    return Organisation.objects.annotate(
        deal_count=Count("participations__deal", filter=visible, distinct=True)
    ).order_by("-deal_count", "name")
