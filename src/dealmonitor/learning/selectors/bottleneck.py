"""Bottlenecks as the user may see them, grouped by ministry and status."""


from collections import Counter, OrderedDict, defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from dealmonitor.deals.internal import public_bottlenecks_q
from dealmonitor.deals.selectors import internal_deals_q, visible_deals
from dealmonitor.organisations.constants import OrganisationType

from ..constants import BottleneckStatus
from ..models import (
    Bottleneck,
    Lesson,
)


# Bottlenecks ------------------------------------------------------------------------------


def visible_bottlenecks(user):
    """Bottlenecks of the deals `user` may read; one that is not resolved is internal to its
    deal (deals/internal.py) and shown only to those who may see the deal's internals."""
    return Bottleneck.objects.filter(deal__in=visible_deals(user)).filter(
        public_bottlenecks_q() | internal_deals_q(user)
    )


def bottlenecks(user, filters=None):
    filters = filters or {}
    qs = visible_bottlenecks(user).select_related("deal", "ministry").order_by(
        "ministry__name", "status", "signalled_on", "id"
    )
    if filters.get("status"):
        qs = qs.filter(status=filters["status"])
    if filters.get("ministry"):
        qs = qs.filter(ministry_id=filters["ministry"])
    if filters.get("kind"):
        qs = qs.filter(kind=filters["kind"])
    return qs


@dataclass
class MinistryGroup:
    ministry: object
    rows: list = field(default_factory=list)

    @property
    def open_count(self):
        return sum(1 for b in self.rows if b.is_open)


def bottlenecks_by_ministry(rows, today=None):
    """Groups (one per ministry, 'not yet raised' last) of bottlenecks, open ones first and
    longest open first; each bottleneck gets `days` (days open, or days it was open)."""
    today = today or timezone.localdate()
    groups = OrderedDict()
    for b in rows:
        b.days = b.days_open(today)
        groups.setdefault(b.ministry_id, MinistryGroup(b.ministry)).rows.append(b)
    for group in groups.values():
        group.rows.sort(key=lambda b: (not b.is_open, -b.days))
    return sorted(groups.values(), key=lambda g: (g.ministry is None, g.ministry.name if g.ministry else ""))


def status_matrix(rows):
    """Counts per ministry and status: (ministry name, [count per status], total)."""
    counts = defaultdict(Counter)
    names = {}
    for b in rows:
        counts[b.ministry_id][b.status] += 1
        names[b.ministry_id] = b.ministry.name if b.ministry else None
    out = []
    for key in sorted(counts, key=lambda k: (names[k] is None, names[k] or "")):
        out.append((names[key], [counts[key][s.value] for s in BottleneckStatus], sum(counts[key].values())))
    totals = [sum(counts[k][s.value] for k in counts) for s in BottleneckStatus]
    return out, totals


def ministries_with_bottlenecks(user):
    from dealmonitor.organisations.models import Organisation

    return Organisation.objects.filter(
        type=OrganisationType.MINISTERIE, pk__in=visible_bottlenecks(user).values("ministry")
    ).order_by("name")


def bottleneck_detail_rows(user):
    """The bottlenecks `user` may read, with what the page of one shows."""
    return (
        visible_bottlenecks(user).select_related("deal", "ministry")
        .prefetch_related("status_changes__recorded_by", "uptakes",
                          Prefetch("lessons", Lesson.objects.select_related("deal")))
    )
