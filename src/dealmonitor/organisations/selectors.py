from django.db.models import Count, Prefetch, Q

from dealmonitor.deals.models import Participation
from dealmonitor.deals.rules import sees_everything
from dealmonitor.deals.selectors import visible_deals

from .models import Organisation


def visible_organisations(user):
    """Organisations that take part in a deal `user` may read (every organisation for the
    system, programme administrators and evaluators): an organisation named only in
    unpublished deals stays as hidden as those deals."""
    if sees_everything(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        pk__in=Participation.objects.filter(deal__in=visible_deals(user)).values("organisation_id")
    )


def organisation_detail(user, slug):
    participations = (
        Participation.objects.filter(deal__in=visible_deals(user))
        .select_related("deal")
        .prefetch_related("sources")
        .order_by("deal__name")
    )
    return visible_organisations(user).prefetch_related(
        Prefetch("participations", queryset=participations)
    ).get(slug=slug)


def organisations_list(user):
    visible = Q(participations__deal__in=visible_deals(user))
    return visible_organisations(user).annotate(
        deal_count=Count("participations__deal", filter=visible, distinct=True)
    ).order_by("-deal_count", "name")
