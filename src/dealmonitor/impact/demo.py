"""Impact demo data on the real deals, through the ordinary services.

Facts from the data file become indicators: every deal's partner counts over time (measured
values with their source as evidence), and every ambition with a number (an end target, or a
population figure for context). One deal, Impact Ondernemen, also gets an example pathway with
periodic targets and measurements: those are invented and flagged `is_example`, which the UI
shows as "voorbeeld".
"""

import datetime as dt
from decimal import Decimal

from dealmonitor.deals.constants import AmbitionScope
from dealmonitor.deals.models import Deal

from . import services
from .constants import Aggregation, AssumptionStatus, Direction, IndicatorKind, IndicatorScope, Level
from .models import Indicator
from .periods import calendar_periods

PARTNERS = "Aantal partners"


def _indicator(deal, name, **fields):
    existing = Indicator.objects.filter(deal=deal, name=name).first()
    if existing:
        return existing, False
    return services.save_indicator(actor=None, deal=deal, name=name, **fields), True


def _first_web(sources):
    return next((s.reference for s in sources if s.is_web), "")


def load(stdout=None):
    created = 0
    for deal in Deal.objects.prefetch_related("partner_counts__sources", "ambitions"):
        counts = [c for c in deal.partner_counts.all() if c.as_of]
        if counts:
            ind, new = _indicator(
                deal, PARTNERS,
                description="Omvang van het partnerschap volgens openbare bronnen.",
                kind=IndicatorKind.NUMERIC, unit="organisaties", direction=Direction.HIGHER,
                aggregation=Aggregation.LATEST, data_source="openbare bronnen (agendastad.nl e.a.)",
                frequency="anders", scope=IndicatorScope.PERFORMANCE,
            )
            if new:
                created += 1
                for count in sorted(counts, key=lambda c: c.as_of):
                    _record_fact(ind, count)
        for ambition in deal.ambitions.all():
            if ambition.target_value is None or ambition.unit in ("jaar", ""):
                continue
            percent = ambition.unit.startswith("procent")
            name = ambition.text[:120].rstrip(".")
            if ambition.scope == AmbitionScope.CONTEXT:
                fields = {
                    "scope": IndicatorScope.POPULATION,
                    "baseline_value": None if percent and ambition.target_value > 100 else ambition.target_value,
                    "target_value": None,
                }
            else:
                fields = {"scope": IndicatorScope.PERFORMANCE, "target_value": ambition.target_value}
                if ambition.target_year:
                    fields["target_date"] = dt.date(ambition.target_year, 12, 31)
            _, new = _indicator(
                deal, name, description=ambition.text, ambition=ambition,
                kind=IndicatorKind.PERCENTAGE if percent else IndicatorKind.NUMERIC,
                unit=ambition.unit, direction=Direction.HIGHER,
                aggregation=Aggregation.LATEST if percent else Aggregation.CUMULATIVE,
                data_source="ambitie uit openbare bron", frequency="jaar", **fields,
            )
            created += new
    created += _example_pathway()
    if stdout:
        stdout.write(f"impact demo: {created} indicators created")
    return created


def _record_fact(indicator, count):
    from .models import Measurement

    # Facts from sources may predate the deal's signing (counts at the kick-off); they go in
    # through the model, with history, since the date check is for new measurements.
    m = Measurement(
        indicator=indicator, date=count.as_of, value=Decimal(count.count),
        source=(count.note or "openbare bron")[:300],
        evidence_url=_first_web(count.sources.all()), verification="geverifieerd",
    )
    m._history_user = None
    m._change_reason = "demo"
    m.save()


def _example_pathway():
    deal = Deal.objects.filter(slug="cd-impact-ondernemen").first()
    if deal is None or Indicator.objects.filter(deal=deal, name="Gemeenten met een pilot impactvol inkopen").exists():
        return 0
    pathway = services.get_or_create_pathway(actor=None, deal=deal)
    services.update_pathway(
        actor=None, pathway=pathway,
        beneficiary_group="Impactondernemers en de mensen voor wie zij werken (voorbeeld).",
        beneficiary_involvement="Ondernemers zitten in de werkgroepen en toetsen de instrumenten (voorbeeld).",
    )
    el = {}
    for level, title in [
        (Level.AMBITIE, "Impact ondernemen is gewoon ondernemen"),
        (Level.BELEID, "Impactvol inkopen in gemeentelijk beleid"),
        (Level.ACTIVITEITEN, "Pilots impactvol aanbesteden met gemeenten"),
        (Level.OUTPUT, "Gemeenten die een pilot draaien"),
        (Level.OUTCOME, "Meer opdrachten voor impactondernemers"),
        (Level.IMPACT, "Meer mensen met een afstand tot werk aan het werk"),
    ]:
        el[level] = services.add_element(
            actor=None, pathway=pathway, level=level, title=title, is_example=True,
            is_active_ingredient=level == Level.ACTIVITEITEN,
        )
    chain = [Level.AMBITIE, Level.BELEID, Level.ACTIVITEITEN, Level.OUTPUT, Level.OUTCOME, Level.IMPACT]
    links = [services.add_link(actor=None, cause=el[a], effect=el[b]) for a, b in zip(chain, chain[1:])]
    assumption = services.add_assumption(
        actor=None, link=links[3],
        text="Gemeenten die een pilot draaien, gunnen daarna vaker aan impactondernemers.",
        is_example=True,
    )
    services.add_assumption_evidence(
        actor=None, assumption=assumption, date=dt.date(2023, 6, 30), stance="voor",
        text="Rapport Impact Meten (juni 2023) noemt eerste gunningen na pilots (voorbeeld).",
        new_status=AssumptionStatus.ONDERSTEUND,
    )
    services.add_assumption(
        actor=None, link=links[4],
        text="Opdrachten aan impactondernemers leiden tot extra banen voor mensen met een afstand tot werk.",
        is_example=True,
    )
    pilots = services.save_indicator(
        actor=None, deal=deal, name="Gemeenten met een pilot impactvol inkopen",
        element=el[Level.OUTPUT], kind=IndicatorKind.NUMERIC, unit="gemeenten",
        direction=Direction.HIGHER, aggregation=Aggregation.CUMULATIVE, baseline_value=Decimal(0),
        baseline_date=dt.date(2021, 3, 11), target_value=Decimal(12), target_date=dt.date(2026, 12, 31),
        data_source="registratie werkgroep (voorbeeld)", frequency="jaar", is_example=True,
    )
    periods = calendar_periods(dt.date(2022, 1, 1), dt.date(2024, 12, 31), "jaar")
    services.set_targets(actor=None, indicator=pilots, targets=[
        {"period_start": p.start, "period_end": p.end, "label": p.label, "value": Decimal(v)}
        for p, v in zip(periods, (3, 6, 9))
    ])
    for day, value, url in [
        (dt.date(2022, 6, 30), 1, ""), (dt.date(2022, 12, 31), 2, "https://citydealimpactondernemen.nl/inspiratiesessie-city-deal-2-0/"),
        (dt.date(2023, 6, 30), 2, ""), (dt.date(2024, 6, 30), 3, ""),
    ]:
        services.record_measurement(
            actor=None, indicator=pilots, date=day, value=value, evidence_url=url,
            source="werkgroep Impactvol Inkopen (voorbeeld)", is_example=True,
        )
    share = services.save_indicator(
        actor=None, deal=deal, name="Aandeel inkoop bij impactondernemers",
        element=el[Level.OUTCOME], kind=IndicatorKind.PERCENTAGE, unit="procent",
        direction=Direction.HIGHER, aggregation=Aggregation.LATEST, baseline_value=Decimal(2),
        target_value=Decimal(5), target_date=dt.date(2026, 12, 31),
        data_source="inkoopanalyse gemeenten (voorbeeld)", frequency="jaar", is_example=True,
    )
    services.set_targets(actor=None, indicator=share, targets=[
        {"period_start": dt.date(y, 1, 1), "period_end": dt.date(y, 12, 31), "label": str(y), "value": Decimal(v)}
        for y, v in [(2022, 2.5), (2023, 3), (2024, 3.5)]
    ])
    for day, value in [(dt.date(2022, 12, 31), 2.4), (dt.date(2023, 12, 31), 2.6)]:
        services.record_measurement(
            actor=None, indicator=share, date=day, value=Decimal(str(value)),
            source="inkoopanalyse (voorbeeld)", is_example=True,
        )
    tool = services.save_indicator(
        actor=None, deal=deal, name="Handreiking impactvol aanbesteden",
        element=el[Level.OUTPUT], kind=IndicatorKind.MILESTONE, target_status="gerealiseerd",
        target_date=dt.date(2024, 12, 31), data_source="werkgroep (voorbeeld)", frequency="eenmalig",
        is_example=True,
    )
    services.record_measurement(
        actor=None, indicator=tool, date=dt.date(2023, 6, 30), status="gestart",
        source="werkgroep (voorbeeld)", is_example=True,
    )
    return 3
