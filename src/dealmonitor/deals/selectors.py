"""Reads of deal data, shaped for the pages and already scoped to what the user may see.

`visible_deals(user)` is the gateway: every page, API endpoint, export and report that lists
or looks up deals reads through it (docs/decisions/0004-roles.md).
"""

import functools
from collections import Counter, OrderedDict

from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce, Greatest

from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.prepared import Prepared, keep, run_together

from . import rules as deal_rules
from .constants import DealStatus, Phase
from .models import (
    Ambition, Deal, DealFact, Participation, PartnerCount, PhaseChange, Result, Role, Source,
    Theme, Track, WorkingGroup,
)


def visible_deals(user):
    """The deals `user` may read: all of them for the system (None), programme administrators
    and evaluators; the published ones plus the deals they have a role in for everyone else
    (the public: published deals only)."""
    return _readable_by(user, Deal.objects.all())


def _readable_by(user, deals):
    """`deals` (a queryset of deals) limited as `visible_deals` says."""
    if deal_rules.sees_everything(user):
        return deals
    return deals.filter(visible_deals_q(user, ""))


def visible_deals_q(user, field="deal"):
    """A filter on rows that belong to a deal (through `field`, '' for deals themselves): the
    rows of deals `user` may read, as `visible_deals` says. Unlike `field__in=visible_deals(...)`
    it adds no subquery over every deal: nothing for who sees everything (the planner otherwise
    reads all 10,000 deals at scale L to join them), a flag and a short list for everyone else."""
    if deal_rules.sees_everything(user):
        return Q(**{f"{field}__isnull" if field else "pk__isnull": False})
    prefix = f"{field}__" if field else ""
    return Q(**{f"{prefix}is_published": True}) | Q(
        **{f"{prefix}pk__in": list(deal_rules.memberships(user))})


def visible_deals_sql(user, alias):
    """`visible_deals_q` as an SQL condition on the deals table under `alias`, for a written-out
    query: ("", []) for who sees everything, else (condition, parameters). The condition is
    compiled from `visible_deals_q` itself, so the gateway's rule is written in one place."""
    if deal_rules.sees_everything(user):
        return "", []
    query = Deal.objects.filter(visible_deals_q(user, "")).query
    query.change_aliases({Deal._meta.db_table: alias})
    sql, params = query.get_compiler(connection=connection).compile(query.where)
    return sql, list(params)


def internal_deals_q(user, field="deal"):
    """A filter on rows that belong to a deal (through `field`, '' for deals themselves): the
    rows of deals whose internal data `user` may see (deals/internal.py)."""
    if deal_rules.sees_everything(user):
        # Always true, yet (unlike an empty Q) it survives being OR-ed with another filter.
        return Q(**{f"{field}__isnull" if field else "pk__isnull": False})
    lookup = f"{field}__in" if field else "pk__in"
    return Q(**{lookup: list(deal_rules.memberships(user))})


def _latest_partner_count():
    return Subquery(
        PartnerCount.objects.filter(deal=OuterRef("pk"))
        .order_by(F("as_of").desc(nulls_last=True), "-count")
        .values("count")[:1]
    )


def _listed_partners():
    return Coalesce(Subquery(
        Participation.objects.filter(deal=OuterRef("pk")).order_by()
        .values("deal").annotate(n=Count("pk")).values("n")[:1]
    ), Value(0))


def portfolio(user, filters=None):
    """Deals for the portfolio table, each with `listed_partners` (organisations recorded in
    Dealmonitor), `reported_partners` (the latest size a source gives) and `partner_total`
    (the larger of the two: a source's count can be older than the partners listed).

    The counts are subqueries rather than a join with GROUP BY, so that the database counts
    the partners of the deals on the page only, not of the whole portfolio first."""
    return _readable_by(user, _with_partner_counts().all()).prefetch_related("themes")


@functools.cache
def _with_partner_counts():
    """Every deal with its partner counts, by name: the queryset (never run itself) is made
    once per process and copied for each use; building its subqueries and their expressions
    afresh cost 0.7 ms of every portfolio page at scale L, as much as compiling its SQL."""
    return (
        Deal.objects
        .annotate(
            listed_partners=_listed_partners(),
            reported_partners=_latest_partner_count(),
        )
        .annotate(
            partner_total=Greatest(Coalesce("reported_partners", Value(0)), "listed_partners")
        )
        .order_by("name")
    )


# What the portfolio table shows of a deal (deals/portfolio_html.py): not the description,
# aliases and dates a deal page reads.
PORTFOLIO_COLUMNS = ("slug", "name", "kind", "other_kind", "status", "phase")


def portfolio_table(user):
    """`portfolio(user)` reading only the columns the portfolio page shows; the themes of the
    deals on the page come from `with_theme_names`."""
    return _readable_by(user, _portfolio_table().all())


@functools.cache
def _portfolio_table():
    """Every deal as the portfolio table reads it (made once per process, as
    `_with_partner_counts`)."""
    return _with_partner_counts().only(*PORTFOLIO_COLUMNS)


def with_theme_names(deals):
    """`deals` (a list), each with `theme_names`: the stored names of its themes, by name,
    read in one query of plain values. A prefetch built a Theme per link and ran Django's
    prefetch machinery, a seventh of the portfolio page's own time."""
    names = {deal.pk: [] for deal in deals}
    if names:
        with connection.cursor() as cursor:
            cursor.execute(_theme_names_sql(len(names)), list(names))
            for deal_id, name in cursor.fetchall():
                names[deal_id].append(name)
    for deal in deals:
        deal.theme_names = names[deal.pk]
    return deals


def _link_table(model, name):
    """The link table of the many-to-many `model.<name>` and its two columns: the row's own
    and the other side's (for the written-out queries below)."""
    field = model._meta.get_field(name)
    link = field.remote_field.through._meta
    return (link.db_table, link.get_field(field.m2m_field_name()).column,
            link.get_field(field.m2m_reverse_field_name()).column)


def _theme_names_sql(count):
    """SELECT the deal's key and the theme's name of the theme links of `count` deals, by the
    theme's name: written out, as the ORM compiled this join anew on every portfolio page
    (half a millisecond)."""
    quote = connection.ops.quote_name
    link_table, deal_column, theme_column = _link_table(Deal, "themes")
    theme = Theme._meta
    name = quote(theme.get_field("name").column)
    return (
        f"SELECT l.{quote(deal_column)}, t.{name} FROM {quote(link_table)} l "
        f"JOIN {quote(theme.db_table)} t ON t.{quote(theme.pk.column)} = l.{quote(theme_column)} "
        f"WHERE l.{quote(deal_column)} IN ({', '.join(['%s'] * count)}) ORDER BY t.{name}"
    )


def portfolio_totals(deals):
    """Totals by status and by phase over a (filtered) queryset, counted in the database in
    one query. A deal is counted once: by its key when a filter joined rows that could repeat
    it (the queryset is then DISTINCT), else plainly: COUNT(*) (no sort for a distinct count),
    which PostgreSQL answers from the (status, phase) index alone; COUNT(id) read every deal's
    row for its key (3.8 against 1 ms at 10,000 deals)."""
    n = Count("pk", distinct=True) if deals.query.distinct else Count("*")
    by_status, by_phase = Counter(), Counter()
    for status, phase, count in deals.order_by().values_list("status", "phase").annotate(n=n):
        by_status[status] += count
        by_phase[phase] += count
    status_rows = [(s.value, s.label, by_status.get(s.value, 0)) for s in DealStatus]
    phase_rows = [(p.value, p.label, by_phase.get(p.value, 0)) for p in Phase]
    phase_rows.append(("", None, by_phase.get("", 0)))
    return {
        "total": sum(by_status.values()),
        "by_status": status_rows,
        "by_phase": phase_rows,
    }


def themes_in_use(user):
    """The themes of the deals `user` may read, by name (the portfolio's theme filter): a
    semi-join (EXISTS), not a join of every deal's themes made DISTINCT afterwards."""
    links = Deal.themes.through.objects.filter(theme=OuterRef("pk"))
    if not deal_rules.sees_everything(user):
        links = links.filter(deal__in=visible_deals(user))
    return Theme.objects.filter(Exists(links)).order_by("name")


def theme_names_in_use(user):
    """The names of `themes_in_use(user)`, by name, read with one written-out query: the
    portfolio's theme filter lists them on every page, where the ORM compiled the semi-join
    anew and made a Theme of each (the filter still checks a chosen theme with the queryset)."""
    quote = connection.ops.quote_name
    link_table, deal_column, theme_column = (quote(x) for x in _link_table(Deal, "themes"))
    theme = Theme._meta
    name = quote(theme.get_field("name").column)
    visible, params = visible_deals_sql(user, "d")
    readable = (f" JOIN {quote(Deal._meta.db_table)} d ON d.{quote(Deal._meta.pk.column)} = "
                f"l.{deal_column} WHERE {visible} AND" if visible else " WHERE")
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT t.{name} FROM {quote(theme.db_table)} t WHERE EXISTS (SELECT 1 FROM "
            f"{link_table} l{readable} l.{theme_column} = t.{quote(theme.pk.column)}) "
            f"ORDER BY t.{name}", params)
        return [row[0] for row in cursor.fetchall()]


# The lists of a deal whose rows each carry their own sources (deal page).
SOURCED_LISTS = (
    ("participations", Participation), ("facts", DealFact), ("roles", Role),
    ("partner_counts", PartnerCount), ("results", Result), ("ambitions", Ambition),
)


# Every list the deal page shows, read by the deal's key in SQL compiled once per process
# (utils/prepared.py): Django's prefetch_related compiled the eleven queries anew on every
# page, a third of the selector's time. Each list is ordered as its model orders it, less the
# leading "deal" (one deal's rows): that ordering would join every query with the deal's
# table to sort by the deal's name.
_DEAL_LISTS = (
    ("themes", Prepared(lambda deal: Theme.objects.filter(deals=deal).order_by("name"))),
    ("tracks", Prepared(lambda deal: Track.objects.filter(deal_id=deal).select_related(
        "lead_person", "lead_organisation").order_by("name"))),
    ("working_groups", Prepared(
        lambda deal: WorkingGroup.objects.filter(deal_id=deal).order_by("name"))),
    ("phase_changes", Prepared(lambda deal: PhaseChange.objects.filter(deal_id=deal).order_by(
        F("started_on").asc(nulls_first=True), "recorded_at"))),
    ("participations", Prepared(lambda deal: Participation.objects.filter(
        deal_id=deal).select_related("organisation").order_by("organisation__name"))),
    ("facts", Prepared(lambda deal: DealFact.objects.filter(deal_id=deal).order_by("field"))),
    ("roles", Prepared(lambda deal: Role.objects.filter(deal_id=deal).select_related(
        "person").order_by("kind", "person__slug"))),
    ("partner_counts", Prepared(lambda deal: PartnerCount.objects.filter(deal_id=deal).order_by(
        F("as_of").asc(nulls_first=True), "count"))),
    ("results", Prepared(lambda deal: Result.objects.filter(deal_id=deal).order_by("date", "id"))),
    ("ambitions", Prepared(
        lambda deal: Ambition.objects.filter(deal_id=deal).order_by("scope", "id"))),
)
# The deal's sources: a many-to-many without a way back (related_name "+"), read through its
# link table.
_ALL_SOURCES = Prepared(lambda deal: Deal.all_sources.through.objects.filter(
    deal_id=deal).select_related("source").order_by("source__reference"))


def deal_detail(user, slug):
    """One deal with everything its page shows, in a fixed number of queries: the deal
    through the gateway (`visible_deals`), then by its key its lists (`_DEAL_LISTS`), its
    sources and the sources of the rows of the six lists with sources (`_sources_sql`),
    sent together (`utils/prepared.py`, `together`: on PostgreSQL one wait for all). The lists
    are kept where `deal.<list>.all()` finds them, each row's sources in its `source_list`."""
    deal = visible_deals(user).get(slug=slug)
    calls = [(query, (deal.pk,)) for _name, query in _DEAL_LISTS]
    calls.append((_ALL_SOURCES, (deal.pk,)))
    *lists, links = run_together(calls, extra=[_sources_statement(deal.pk)])
    for (name, _query), rows in zip(_DEAL_LISTS, lists):
        keep(deal, name, rows)
    keep(deal, "all_sources", [link.source for link in lists[-1]])
    _give_sources(deal, links)
    return deal


def _give_sources(deal, links):
    """`row.source_list` of every row of the lists with sources: its sources in a plain list,
    by reference. Not Django's prefetch cache: filling it built a related manager and a
    filtered queryset per row, and reading it (`row.sources.all`) another manager, a fifth of
    the deal page's own time for a deal of some forty partners. `links`: the rows of
    `_sources_statement`."""
    got = {}
    for n, pk, source_id, reference in links:
        got.setdefault((n, pk), []).append(Source(pk=source_id, reference=reference))
    for n, (name, _model) in enumerate(SOURCED_LISTS):
        for row in getattr(deal, name).all():
            row.source_list = got.get((n, row.pk), [])


def _sources_statement(deal_id):
    """(SQL, parameters): n (the list's place in SOURCED_LISTS), the row's key, the source's
    key and reference of every source of the deal's rows of the six lists, by reference; one
    UNION written out (the ORM compiled its six parts anew on every page, a tenth of the
    page's time)."""
    parts = [_sources_sql(model, n) for n, (_name, model) in enumerate(SOURCED_LISTS)]
    return " UNION ALL ".join(parts) + " ORDER BY 4", [int(deal_id)] * len(parts)


def _sources_sql(model, n):
    """SELECT n, the row's key, the source's key and reference for the rows of `model` of one
    deal (a parameter): its sources' link table joined with the sources and the rows."""
    quote = connection.ops.quote_name
    link_table, row_column, source_column = _link_table(model, "sources")
    source, meta = Source._meta, model._meta
    return (
        f"SELECT {int(n)}, l.{quote(row_column)}, s.{quote(source.pk.column)}, "
        f"s.{quote(source.get_field('reference').column)} "
        f"FROM {quote(link_table)} l JOIN {quote(source.db_table)} s "
        f"ON s.{quote(source.pk.column)} = l.{quote(source_column)} "
        f"JOIN {quote(meta.db_table)} r ON r.{quote(meta.pk.column)} = l.{quote(row_column)} "
        f"WHERE r.{quote(meta.get_field('deal').column)} = %s"
    )


TYPE_LABELS = dict(OrganisationType.choices)


def _bars(counter):
    """Rows (label, count, percent of the largest) for a bar chart, largest first."""
    if not counter:
        return []
    top = max(counter.values()) or 1
    return [
        {"key": key, "label": TYPE_LABELS.get(key, key), "count": n, "percent": round(100 * n / top)}
        for key, n in sorted(counter.items(), key=lambda kv: (-kv[1], str(kv[0])))
    ]


def partnership_composition(deal):
    """The composition of the partnership by organisation type, two ways:

    - `reported`: the latest breakdown a source gives (large deals list only some partners);
    - `listed`: the organisations recorded in Dealmonitor, grouped by type.
    """
    with_breakdown = [c for c in deal.partner_counts.all() if c.breakdown]
    reported = None
    if with_breakdown:
        latest = max(with_breakdown, key=lambda c: (c.as_of is not None, c.as_of, c.count))
        reported = {
            "count": latest,
            "bars": _bars(Counter({k: v for k, v in latest.breakdown.items()})),
            "total": sum(latest.breakdown.values()),
        }
    listed = Counter(p.organisation.type for p in deal.participations.all())
    return {"reported": reported, "listed": _bars(listed), "listed_total": sum(listed.values())}


def participations_by_type(deal):
    groups = OrderedDict((t.value, {"label": t.label, "rows": []}) for t in OrganisationType)
    for p in deal.participations.all():
        groups.setdefault(p.organisation.type, {"label": p.organisation.type, "rows": []})
        groups[p.organisation.type]["rows"].append(p)
    return [(key, g["label"], g["rows"]) for key, g in groups.items() if g["rows"]]


def partner_count_history(deal):
    counts = list(deal.partner_counts.all())
    top = max((c.count for c in counts), default=0) or 1
    return [{"row": c, "percent": round(100 * c.count / top)} for c in counts]


def facts_by_field(deal):
    return {f.field: f for f in deal.facts.all()}


def search_q(text):
    return Q(name__icontains=text) | Q(aliases__icontains=text) | Q(description__icontains=text)


# Organisations as far as a user may see them: through the deals they take part in. (The
# register itself, dealmonitor.organisations, knows nothing of deals.)


def visible_organisations(user):
    """Organisations that take part in a deal `user` may read (every organisation for the
    system, programme administrators and evaluators): an organisation named only in
    unpublished deals stays as hidden as those deals."""
    if deal_rules.sees_everything(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(
        pk__in=Participation.objects.filter(deal__in=visible_deals(user)).values("organisation_id")
    )


def merged_organisation(user, slug):
    """The organisation an old identifier was merged into, if `user` may see it, else None."""
    from dealmonitor.organisations.merging import merged_into

    kept = merged_into(slug)
    if kept is None or not visible_organisations(user).filter(pk=kept.pk).exists():
        return None
    return kept


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


def search_organisations(user, text, limit=10):
    """Registered organisations `user` may see whose name contains `text` (also as normalised:
    "den haag" finds "Gemeente 's-Gravenhage"), for picking a partner while typing."""
    from dealmonitor.organisations.identity import normalise_name

    text = (text or "").strip()[:100]
    if len(text) < 2:
        return []
    key = normalise_name(text, OrganisationType.GEMEENTE) if text else ""
    query = Q(name__icontains=text) | Q(slug__icontains=text)
    if key:
        query |= Q(name_key__icontains=key) | Q(name_key__icontains=normalise_name(text))
    return list(visible_organisations(user).filter(query).order_by("name")[:limit])


def deal_partners(deal):
    """A deal's participations with their organisation, by name."""
    return list(deal.participations.select_related("organisation").order_by("organisation__name"))
