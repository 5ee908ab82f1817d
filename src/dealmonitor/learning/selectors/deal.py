"""A deal's learning page and what is due on it."""


import datetime as dt

from django.db.models import Count, Prefetch
from django.utils import timezone

from dealmonitor.deals.constants import DealStatus
from dealmonitor.deals.selectors import visible_deals

from ..constants import REVISIT_AFTER_DAYS
from ..models import (
    ScalingPlan,
    StartConversation,
)
from .bottleneck import visible_bottlenecks
from .lesson import visible_lessons


# A deal's learning page -------------------------------------------------------------------


def deal_learning(user, deal):
    return {
        "bottlenecks": list(
            visible_bottlenecks(user).filter(deal=deal).select_related("deal", "ministry")
            .order_by("-signalled_on", "id")
        ),
        "lessons": list(visible_lessons(user).filter(deal=deal).order_by("-learned_on", "id")),
        "rounds": list(
            deal.assessment_rounds.select_related("template")
            .annotate(organisations=Count("answers__organisation", distinct=True))
            .order_by("-opened_on", "-id")
        ),
        "uptakes": list(deal.uptakes.select_related("bottleneck__deal", "deliverable").order_by("date", "id")),
        "deliverables": list(
            deal.deliverables.prefetch_related(
                Prefetch("adoptions", queryset=deal_adoptions())
            ).order_by("name")
        ),
        "phase_changes": list(deal.phase_changes.all()),
        "milestones": list(deal.milestones.all()),
        "experiments": list(deal.experiments.select_related("lesson__deal")),
        "scaling_plan": ScalingPlan.objects.filter(deal=deal).first(),
        "start_conversation": StartConversation.objects.filter(deal=deal).first(),
    }


def revisits_due(user, today=None):
    """Scaling plans and start conversations not revisited for a year, oldest first."""
    today = today or timezone.localdate()
    limit = today - dt.timedelta(days=REVISIT_AFTER_DAYS)
    deals = visible_deals(user)
    rows = [("scaling", p) for p in ScalingPlan.objects.filter(reviewed_on__lte=limit, deal__in=deals)
            .exclude(deal__status=DealStatus.AFGEROND).select_related("deal")]
    rows += [("start", c) for c in StartConversation.objects.filter(reviewed_on__lte=limit, deal__in=deals)
             .exclude(deal__status=DealStatus.AFGEROND).select_related("deal")]
    return sorted(rows, key=lambda r: (r[1].reviewed_on, r[1].deal.name))


def deal_adoptions():
    from ..models import Adoption

    return Adoption.objects.select_related("organisation").order_by("date", "id")
