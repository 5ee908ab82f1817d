"""The sheet Indicatoren: indicators with their targets (one row per target period); its
columns, what an import writes and the rows an export gives. The checks are in
imports/checking/indicator.py."""

from collections import defaultdict

from django.utils.translation import gettext_lazy as _

from dealmonitor.impact import services as impact_services
from dealmonitor.impact.constants import (
    Aggregation,
    Direction,
    Frequency,
    IndicatorKind,
    IndicatorScope,
    Level,
    Meaning,
)
from dealmonitor.impact.models import Element, Indicator, Target
from dealmonitor.utils.text_limits import LONG_TEXT

from .base import (
    BOOLEAN,
    CHOICE,
    DATE,
    DEAL_ID,
    DECIMAL,
    LIST,
    REASON,
    TEXT,
    Column,
    SheetKind,
    num,
    same,
    yes,
)

INDICATORS = SheetKind("indicators", "Indicatoren", _("Indicators and targets"), [
    DEAL_ID,
    Column("indicator", _("name of the indicator"), TEXT, True,
           aliases=("naam", "name", "indicator naam", "indicatornaam"), max_length=300),
    Column("niveau", _("level of the pathway element"), CHOICE, choices=Level, aliases=("level",)),
    Column("element", _("title of the pathway element"), TEXT,
           aliases=("pathway element", "element van het veranderpad"), max_length=300),
    Column("soort", _("kind of indicator"), CHOICE, choices=IndicatorKind, aliases=("kind",)),
    Column("eenheid", _("unit"), TEXT, aliases=("unit",), max_length=100),
    Column("richting", _("direction"), CHOICE, choices=Direction, aliases=("direction",)),
    Column("aggregatie", _("aggregation"), CHOICE, choices=Aggregation,
           aliases=("aggregation", "optelling")),
    Column("basiswaarde", _("baseline"), DECIMAL, aliases=("baseline", "nulmeting")),
    Column("basisdatum", _("baseline date"), DATE, aliases=("baseline date",)),
    Column("einddoel", _("end target"), DECIMAL, aliases=("target", "end target", "streefwaarde")),
    Column("einddoel_status", _("end target of a milestone (status)"), TEXT,
           aliases=("end target status",), max_length=100),
    Column("einddoel_datum", _("end target date"), DATE, aliases=("target date",)),
    Column("mijlpaalstatussen", _("statuses of a milestone, in order, separated by semicolons"),
           LIST, aliases=("milestone statuses", "statussen")),
    Column("gegevensbron", _("data source"), TEXT, aliases=("data source", "bron"),
           max_length=300),
    Column("frequentie", _("frequency"), CHOICE, choices=Frequency, aliases=("frequency",)),
    Column("bereik", _("scope"), CHOICE, choices=IndicatorScope, aliases=("scope",)),
    Column("omschrijving", _("description"), TEXT, aliases=("description",),
           max_length=LONG_TEXT),
    Column("voorbeeld", _("invented for the demo (yes or no)"), BOOLEAN, aliases=("example",)),
    # what a measurement means and which values it may take (docs/progress-rules.md)
    Column("betekenis", _("a measurement is a new amount (toename) or the level on that date (stand)"),
           CHOICE, choices=Meaning, aliases=("meaning",)),
    Column("hele_getallen", _("whole numbers only (yes or no)"), BOOLEAN,
           aliases=("whole numbers",)),
    Column("negatief_toegestaan", _("negative values allowed (yes or no)"), BOOLEAN,
           aliases=("negative allowed",)),
    Column("minimum", _("lowest allowed value"), DECIMAL, aliases=("value min", "min")),
    Column("maximum", _("highest allowed value"), DECIMAL, aliases=("value max", "max")),
    Column("uitsplitsing", _("breakdown: dimensions separated by semicolons, each with a colon and "
                             "its categories separated by commas (gemeente: Utrecht, Zeist; leeftijd)"),
           TEXT, aliases=("breakdown",), max_length=6000),
    Column("doel_periode", _("name of the target period (e.g. 2024)"), TEXT,
           aliases=("period", "periode", "target period"), max_length=50),
    Column("doel_begin", _("first day of the target period"), DATE,
           aliases=("period start", "periode begin", "begin")),
    Column("doel_einde", _("last day of the target period"), DATE,
           aliases=("period end", "periode einde", "einde")),
    Column("doel_waarde", _("target in this period"), DECIMAL,
           aliases=("doel", "target value", "periodedoel")),
    Column("doel_status", _("target status of a milestone in this period"), TEXT,
           aliases=("target status",), max_length=100),
])

KINDS = (INDICATORS,)


def rows(scope):
    indicators = (
        Indicator.objects.filter(deal__in=scope.deals).select_related("deal", "element")
        .order_by("deal__slug", "name", "id")
    )
    targets = defaultdict(list)
    for t in Target.objects.filter(indicator__deal__in=scope.deals).order_by("period_start"):
        targets[t.indicator_id].append(t)
    for ind in indicators:
        base = {
            "deal_id": ind.deal.slug, "indicator": ind.name,
            "niveau": ind.element.level if ind.element else "",
            "element": ind.element.title if ind.element else "",
            "soort": ind.kind, "eenheid": ind.unit, "richting": ind.direction,
            "aggregatie": ind.aggregation, "basiswaarde": num(ind.baseline_value),
            "basisdatum": ind.baseline_date, "einddoel": num(ind.target_value),
            "einddoel_status": ind.target_status, "einddoel_datum": ind.target_date,
            "mijlpaalstatussen": "; ".join(ind.milestone_statuses or []),
            "gegevensbron": ind.data_source, "frequentie": ind.frequency, "bereik": ind.scope,
            "omschrijving": ind.description, "voorbeeld": yes(ind.is_example),
            "betekenis": ind.meaning, "hele_getallen": yes(ind.whole_numbers),
            "negatief_toegestaan": yes(ind.allow_negative), "minimum": num(ind.value_min),
            "maximum": num(ind.value_max), "uitsplitsing": breakdown_text(ind.dimensions),
        }
        for t in targets.get(ind.pk) or [None]:
            if t is None:
                yield base
            else:
                yield {**base, "doel_periode": t.label, "doel_begin": t.period_start,
                       "doel_einde": t.period_end, "doel_waarde": num(t.value),
                       "doel_status": t.status}


EXPORTS = ((INDICATORS, rows),)


def breakdown_text(breakdown):
    """An indicator's breakdown in one cell: "gemeente: Utrecht, Zeist; leeftijd: 0-17, ..."."""
    return "; ".join(f"{d['dimension']}: {', '.join(d.get('categories') or [])}"
                     for d in breakdown or [])


def breakdown_from_text(text):
    """The cell back as [{"dimension", "categories"}] (impact.services.clean_breakdown checks it)."""
    rows = []
    for item in (text or "").split(";"):
        if not item.strip():
            continue
        dimension, _sep, rest = item.partition(":")
        rows.append({"dimension": dimension.strip().lower(),
                     "categories": [c.strip() for c in rest.split(",") if c.strip()]})
    return rows


def _targets_of(indicator, rows=None):
    """Targets as comparable tuples, from the database or from planned rows."""
    if rows is None:
        rows = indicator.targets.values("period_start", "period_end", "label", "value", "status")
    return sorted(
        (r["period_start"], r["period_end"], r["label"] or "",
         r["value"].normalize() if r["value"] is not None else None, r["status"] or "")
        for r in rows
    )


def write(w):
    for (deal_slug, name), item in w.plan.indicators.items():
        d = w.deal(deal_slug)
        fields = dict(item["fields"])
        if item["element"]:
            key = (deal_slug, *item["element"])
            if key not in w.elements:
                w.elements[key] = Element.objects.get(
                    pathway__deal=d, level=item["element"][0], title=item["element"][1])
            fields["element"] = w.elements[key]
        existing = Indicator.objects.filter(deal=d, name=name).first()
        if existing and same(existing, fields):
            indicator = existing
        else:
            indicator = impact_services.save_indicator(
                actor=w.actor, deal=d, indicator=existing, name=name, reason=REASON, **fields)
        if _targets_of(indicator) != _targets_of(None, item["targets"]):
            impact_services.set_targets(actor=w.actor, indicator=indicator,
                                        targets=item["targets"], reason=REASON)
        w.indicators[(deal_slug, name)] = indicator
        w.step()
