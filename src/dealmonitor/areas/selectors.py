"""Reading areas and figures. Figures are public facts: no scoping by user; a deal's areas
are read after the deal itself was found through the gateway (deals/access.py)."""

from dataclasses import dataclass, field

from dealmonitor.deals.models import Participation
from dealmonitor.organisations import reference
from dealmonitor.organisations.constants import OrganisationType

from .models import Area, DealArea, Figure


def partner_municipality_codes(deal):
    """The CBS codes of the municipalities among the deal's partners, as they are today (a
    partner registered under the code of a municipality that merged counts as its successor)."""
    codes = Participation.objects.filter(
        deal=deal, organisation__type=OrganisationType.GEMEENTE,
    ).exclude(organisation__cbs_code="").values_list("organisation__cbs_code", flat=True)
    return {reference.current_code(c) or c for c in codes}


@dataclass
class DealAreaRow:
    area: Area
    origin: str  # "partner" (a partner municipality) or "gekozen" (chosen by the deal team)
    note: str = ""
    figures: list = field(default_factory=list)

    @property
    def sources(self):
        seen = {}
        for figure in self.figures:
            seen.setdefault(figure.source_id, figure.source)
        return list(seen.values())


def deal_areas(deal):
    """The deal's areas: its partner municipalities (unless the team left one out) and the
    areas the team chose, in code order; and the municipalities left out. Three queries."""
    defaults = partner_municipality_codes(deal)
    declared = {d.area.code: d for d in DealArea.objects.filter(deal=deal).select_related("area")}
    areas = {a.code: a for a in Area.objects.filter(code__in=defaults - set(declared))}
    rows, left_out = [], []
    for code in sorted(defaults | set(declared)):
        choice = declared.get(code)
        if choice is not None and not choice.included:
            left_out.append(choice.area)
            continue
        if choice is not None:
            origin = "partner" if code in defaults else "gekozen"
            rows.append(DealAreaRow(choice.area, origin, choice.note))
        elif code in areas:
            rows.append(DealAreaRow(areas[code], "partner"))
    return rows, left_out


def figures_for(areas):
    """The figures of `areas`, by topic and period, with their topic and source (one query)."""
    return list(
        Figure.objects.filter(area__in=areas).select_related("topic", "source")
        .order_by("area_id", "topic__name", "period_start", "period_end")
    )


def deal_context(deal):
    """The deal's areas with their figures, for the section "Context: cijfers over het
    gebied". A constant number of queries, however many areas and figures."""
    rows, left_out = deal_areas(deal)
    by_area = {}
    for figure in figures_for([r.area for r in rows]):
        by_area.setdefault(figure.area_id, []).append(figure)
    for row in rows:
        row.figures = by_area.get(row.area.pk, [])
    sources = {}
    for row in rows:
        for source in row.sources:
            sources.setdefault(source.pk, source)
    return {"rows": rows, "left_out": left_out, "sources": list(sources.values()),
            "has_figures": any(r.figures for r in rows)}


def choosable_areas(deal, query=""):
    """Areas a deal team may add, found by name or code (at most 50)."""
    qs = matching_areas(Area.objects.filter(valid_to__isnull=True), query)
    return list(qs.order_by("kind", "name")[:50])


def matching_areas(queryset, query=""):
    """`queryset` limited to the areas whose name holds `query` or whose CBS code is it (the
    search of the areas page, the deal tab and the API)."""
    from django.db.models import Q

    query = (query or "").strip()
    if not query:
        return queryset
    return queryset.filter(Q(name__icontains=query) | Q(code__iexact=query))


def current_area(code):
    """The existing (not ended) area with this CBS code, or None: what a deal team may add."""
    code = (code or "").strip().upper()
    return Area.objects.filter(code=code, valid_to__isnull=True).first() if code else None


def search_areas(query="", kind=""):
    from django.db.models import Count

    qs = Area.objects.annotate(figure_count=Count("figures"))
    if kind:
        qs = qs.filter(kind=kind)
    qs = matching_areas(qs, query)
    return qs.select_related("successor").order_by("code")
