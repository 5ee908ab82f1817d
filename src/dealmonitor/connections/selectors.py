"""Reads for the connections pages and the API, already scoped to what the user may see."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Prefetch, Q

from dealmonitor.deals.models import Deal
from dealmonitor.deals.rules import sees_everything
from dealmonitor.deals.selectors import visible_deals, visible_deals_sql
from dealmonitor.utils.prepared import row_converter

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


# What a related deal's item shows of the other deal (its name, link, phase and signing date for
# the sentence on what the two could learn): not its description or aliases.
OTHER_DEAL_FIELDS = ("id", "slug", "name", "kind", "status", "phase", "signing_date",
                     "is_published")


def related_for_deal(user, deal, limit=10):
    """A deal's related deals, as people decided them: confirmed connections first, then the
    engine's suggestions in rank order; dismissed ones apart; only other deals the user may
    read. One query, whatever the size of the portfolio (`_related_rows`). Returns
    {"items": [...], "dismissed": [...]}."""
    suggestions, decisions = _related_rows(user, deal)
    readable = _ReadableReasons(user, deal)
    seen = set()
    confirmed, open_items, dismissed = [], [], []
    for other, rank, score, reasons in suggestions:
        item = RelatedItem(other, score, rank, readable(other, reasons), decisions.get(other.pk),
                           deal)
        seen.add(other.pk)
        (dismissed if item.dismissed else confirmed if item.confirmed else open_items).append(item)
    for other_pk, decision in decisions.items():
        if other_pk in seen:
            continue
        item = RelatedItem(decision.other_than(deal), None, None, [], decision, deal)
        (confirmed if item.confirmed else dismissed).append(item)
    confirmed.sort(key=lambda i: (i.rank is None, i.rank or 0, i.other.name))
    items = confirmed + open_items[: max(0, limit - len(confirmed))]
    return {"items": items, "dismissed": dismissed}


def _related_rows(user, deal):
    """`deal`'s stored suggestions in rank order, as (other deal, rank, score, reasons), and the
    decisions on its connections by the other deal's key, latest first (each with both deals),
    of the other deals `user` may read: one written-out query (a UNION of the suggestions and
    the connections on either side, each joined with the other deal). Through the ORM these
    were two or three querysets (the decisions, the readable ones among them, the suggestions)
    compiled anew on every page: a third of the related-deals page's own time at scale L.

    The deals are model instances with the columns a related item shows (as `.only()` reads
    them), the decisions with all their columns; values pass through the converters the ORM
    applies (dates and flags on SQLite, JSON)."""
    quote = connection.ops.quote_name
    deal_meta, suggestion_meta, connection_meta = (
        Deal._meta, RelatedSuggestion._meta, Connection._meta)
    deal_fields = [f for f in deal_meta.concrete_fields if f.name in OTHER_DEAL_FIELDS]
    decision_fields = list(connection_meta.concrete_fields)
    suggestion_fields = [suggestion_meta.get_field(n) for n in ("rank", "score", "reasons")]
    deal_columns = ", ".join(f"d.{quote(f.column)}" for f in deal_fields)
    visible, visible_params = visible_deals_sql(user, "d")
    where_visible = f" AND {visible}" if visible else ""
    column = {f.name: quote(f.column) for f in (*decision_fields, *suggestion_fields)}
    no_suggestion = ", ".join(["NULL"] * len(suggestion_fields))
    no_decision = ", ".join(["NULL"] * len(decision_fields))
    decision_columns = ", ".join(f"c.{quote(f.column)}" for f in decision_fields)
    parts = [
        f"SELECT 0, {', '.join(f's.{quote(f.column)}' for f in suggestion_fields)}, "
        f"{no_decision}, {deal_columns} FROM {quote(suggestion_meta.db_table)} s "
        f"JOIN {quote(deal_meta.db_table)} d ON d.{quote(deal_meta.pk.column)} = "
        f"s.{quote(suggestion_meta.get_field('other').column)} "
        f"WHERE s.{quote(suggestion_meta.get_field('deal').column)} = %s{where_visible}"
    ]
    for side, other_side in (("deal_a", "deal_b"), ("deal_b", "deal_a")):
        parts.append(
            f"SELECT 1, {no_suggestion}, {decision_columns}, {deal_columns} "
            f"FROM {quote(connection_meta.db_table)} c "
            f"JOIN {quote(deal_meta.db_table)} d ON d.{quote(deal_meta.pk.column)} = "
            f"c.{column[other_side]} WHERE c.{column[side]} = %s{where_visible}")
    first_decision = 1 + len(suggestion_fields)
    decided_at = first_decision + decision_fields.index(connection_meta.get_field("decided_at"))
    order = (f" ORDER BY 1, 2, {decided_at + 1} DESC, "
             f"{first_decision + decision_fields.index(connection_meta.pk) + 1}")
    params = [deal.pk, *visible_params] * 3
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts) + order, params)
        rows = cursor.fetchall()
    convert_suggestion = row_converter(suggestion_fields) or tuple
    convert_decision = row_converter(decision_fields) or tuple
    convert_deal = row_converter(deal_fields) or tuple
    deal_names = [f.attname for f in deal_fields]
    decision_names = [f.attname for f in decision_fields]
    first_deal = first_decision + len(decision_fields)
    suggestions, decisions = [], {}
    for row in rows:
        other = Deal.from_db(connection.alias, deal_names, convert_deal(row[first_deal:]))
        if row[0] == 0:
            suggestions.append((other, *convert_suggestion(row[1:first_decision])))
            continue
        decision = Connection.from_db(connection.alias, decision_names,
                                      convert_decision(row[first_decision:first_deal]))
        if decision.deal_a_id == deal.pk:
            decision.deal_a, decision.deal_b = deal, other
        else:
            decision.deal_a, decision.deal_b = other, deal
        decisions[other.pk] = decision
    return suggestions, decisions


class _ReadableReasons:
    """`readable(other, reasons)`: the reasons of a suggestion of `deal` that `user` may read.
    A shared regulation comes from the deals' bottlenecks, which are internal until they are
    resolved: that reason is shown only to who may see the internals of both deals. Whether
    the user sees `deal`'s internals is asked once per list."""

    def __init__(self, user, deal):
        self.user = user
        self.sees_deal = connection_rules.sees_internals_of_both(user, (deal,))
        # who sees every deal sees the internals of every deal (deals/rules.py)
        self.sees_all = sees_everything(user)

    def __call__(self, other, reasons):
        if self.sees_all or (
                self.sees_deal and connection_rules.sees_internals_of_both(self.user, (other,))):
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
