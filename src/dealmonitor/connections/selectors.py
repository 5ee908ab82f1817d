"""Reads for the connections pages and the API, already scoped to what the user may see."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from dealmonitor.deals.rules import sees_everything
from dealmonitor.deals.selectors import visible_deals, visible_deals_q

from . import reasons as reason_text
from . import rules as connection_rules
from .constants import DecisionStatus, ReasonKind
from .models import CommunityEvent, Connection, RelatedSuggestion


@dataclass
class RelatedItem:
    other: object
    score: float | None
    rank: int | None
    reasons: list = field(default_factory=list)  # the stored evidence
    decision: Connection | None = None
    deal: object = None  # the deal whose list this is

    @property
    def reason_texts(self):
        return reason_text.describe_all(self.reasons)

    @property
    def learning_text(self):
        """One sentence: what the two deals could learn from each other."""
        return reason_text.learning_sentence(self.deal, self.other, self.reasons)

    @property
    def confirmed(self):
        return bool(self.decision and self.decision.status == DecisionStatus.CONFIRMED)

    @property
    def dismissed(self):
        return bool(self.decision and self.decision.status == DecisionStatus.DISMISSED)


def deal_choices(user):
    """The deals `user` may read, by name, for a choice of deal."""
    return visible_deals(user).order_by("name").only("slug", "name")


def themes_in_use(deals):
    """The themes of the given deals, by name, for a choice of theme."""
    from dealmonitor.deals.models import Theme

    return Theme.objects.filter(deals__in=deals).distinct().order_by("name")


def network_deals(user, theme=None):
    """The deals the partner network shows: those the user may read, of one theme if given."""
    deals = visible_deals(user)
    if theme:
        deals = deals.filter(themes__pk=theme)
    return deals.distinct()


def group_by_type(organisations):
    """[(type label, [organisation, ...])], the largest group first, then by label."""
    groups = {}
    for org in organisations:
        groups.setdefault(org["type_label"], []).append(org)
    return sorted(groups.items(), key=lambda kv: (-len(kv[1]), str(kv[0])))


def decisions_for(deal):
    """The decisions on `deal`'s connections by the other deal's key, each with both deals
    (the columns a related item shows, as for a suggestion's other deal: not their texts)."""
    deal_fields = [f.removeprefix("other__") for f in SUGGESTION_FIELDS if f.startswith("other__")]
    return {
        c.other_than(deal).pk: c
        for c in Connection.objects.filter(Q(deal_a=deal) | Q(deal_b=deal))
        .select_related("deal_a", "deal_b")
        .only(*(f.name for f in Connection._meta.concrete_fields),
              *(f"{side}__{f}" for side in ("deal_a", "deal_b") for f in deal_fields))
    }


# What a related deal's item shows of the other deal (its name, link, phase and signing date for
# the sentence on what the two could learn): not its description or aliases.
SUGGESTION_FIELDS = ("deal_id", "other_id", "rank", "score", "reasons", "other__id", "other__slug",
                     "other__name", "other__kind", "other__status", "other__phase",
                     "other__signing_date", "other__is_published")


def related_for_deal(user, deal, limit=10):
    """A deal's related deals, as people decided them: confirmed connections first, then the
    engine's suggestions in rank order; dismissed ones apart. Three queries, whatever the size
    of the portfolio. Returns {"items": [...], "dismissed": [...]}."""
    visible = visible_deals(user)
    decisions = decisions_for(deal)
    if decisions and not sees_everything(user):
        readable = set(visible.filter(pk__in=list(decisions)).values_list("pk", flat=True))
        decisions = {pk: c for pk, c in decisions.items() if pk in readable}
    suggestions = list(
        RelatedSuggestion.objects.filter(visible_deals_q(user, "other"), deal=deal)
        .select_related("other")
        .only(*SUGGESTION_FIELDS)
        .order_by("rank")
    )
    seen = set()
    confirmed, open_items, dismissed = [], [], []
    for s in suggestions:
        item = RelatedItem(s.other, s.score, s.rank, _readable_reasons(user, deal, s.other, s.reasons),
                           decisions.get(s.other_id), deal)
        seen.add(s.other_id)
        (dismissed if item.dismissed else confirmed if item.confirmed else open_items).append(item)
    for other_pk, decision in decisions.items():
        if other_pk in seen:
            continue
        item = RelatedItem(decision.other_than(deal), None, None, [], decision, deal)
        (confirmed if item.confirmed else dismissed).append(item)
    confirmed.sort(key=lambda i: (i.rank is None, i.rank or 0, i.other.name))
    items = confirmed + open_items[: max(0, limit - len(confirmed))]
    return {"items": items, "dismissed": dismissed}


def _readable_reasons(user, deal, other, reasons):
    """A shared regulation comes from the deals' bottlenecks, which are internal until they
    are resolved: that reason is shown only to who may see the internals of both deals."""
    if connection_rules.sees_internals_of_both(user, (deal, other)):
        return reasons
    return [r for r in reasons if r.get("kind") != ReasonKind.REGULATION]


def confirmed_connections(user, limit=50):
    """Confirmed connections between deals the user may both read, latest first."""
    visible = visible_deals(user)
    return (
        Connection.objects.filter(status=DecisionStatus.CONFIRMED, deal_a__in=visible,
                                  deal_b__in=visible)
        .select_related("deal_a", "deal_b", "event")
        .order_by("-decided_at")[:limit]
    )


def related_as_data(items):
    """The list as plain data, for the API and the command line."""
    return [
        {
            "deal": item.other.slug,
            "name": item.other.name,
            "score": round(item.score, 3) if item.score is not None else None,
            "rank": item.rank,
            "decision": item.decision.status if item.decision else None,
            "kind": (item.decision.kind or None) if item.decision else None,
            "learning": item.learning_text,
            "reasons": item.reason_texts,
            "evidence": item.reasons,
        }
        for item in items
    ]


def events(user):
    return CommunityEvent.objects.prefetch_related(
        Prefetch("deals", queryset=visible_deals(user))
    ).order_by("-date")


def event_detail(user, pk):
    """An event with only the deals the user may read: the deals taking part, the saved
    tables, and the lessons and connections noted there."""
    visible = visible_deals(user)
    event = CommunityEvent.objects.prefetch_related(
        Prefetch("deals", queryset=visible.prefetch_related("themes", "phase_changes"))
    ).get(pk=pk)
    return {
        "event": event,
        "deals": list(event.deals.all()),
        "tables": list(event.tables.prefetch_related(Prefetch("deals", queryset=visible))),
        "lessons": event.lessons.filter(Q(deal__isnull=True) | Q(deal__in=visible))
        .select_related("deal"),
        "connections": event.connections.filter(deal_a__in=visible, deal_b__in=visible)
        .select_related("deal_a", "deal_b"),
    }
