"""The performance table's queries are written out (selectors: `_indicators`,
`_observations_of`, `_targets`, `_parts`): each gives what the ORM's query of the same rows
gives, value for value and of the same type (a Decimal with the same places, a date, a bool),
on SQLite and PostgreSQL. The ORM's queries are kept here as the reference."""

import datetime as dt
from collections import defaultdict
from decimal import Decimal

import pytest

from dealmonitor.impact import progress, selectors
from dealmonitor.impact.constants import IndicatorKind, IndicatorScope, Level, Verification
from dealmonitor.impact.models import Indicator, Measurement, MeasurementPart, Target

pytestmark = pytest.mark.django_db


def _orm_observations(ids, verified_only):
    by_indicator = defaultdict(list)
    for ind_id, date, value, status, efile, eurl, org, pk in (
        selectors.counted_measurements(verified_only).filter(indicator_id__in=ids)
        .order_by("indicator_id", "date", "id")
        .values_list("indicator_id", "date", "value", "status", "evidence_file", "evidence_url",
                     "reporting_organisation_id", "id")
    ):
        by_indicator[ind_id].append(progress.Obs(date, value, status, bool(efile or eurl), org, pk))
    return by_indicator


def _orm_targets(ids):
    by_indicator, periods = defaultdict(dict), []
    for ind_id, start, end, label, value, status in Target.objects.filter(indicator_id__in=ids).values_list(
            "indicator_id", "period_start", "period_end", "label", "value", "status"):
        period = selectors.Period(start, end, label or start.isoformat())
        if period not in periods:
            periods.append(period)
        by_indicator[ind_id][periods.index(period)] = (value, status)
    return by_indicator, periods


def _orm_parts(ids, verified_only):
    by_measurement = defaultdict(lambda: defaultdict(dict))
    for pk, dim, cat, value in MeasurementPart.objects.filter(
        measurement__in=selectors.counted_measurements(verified_only).filter(indicator_id__in=ids)
    ).values_list("measurement_id", "dimension", "category", "value"):
        by_measurement[pk][dim][cat] = value
    return by_measurement


def _typed(value):
    """A value with its type and, for a Decimal, its places: 1 and 1.0000 differ here."""
    if isinstance(value, dict):
        return {k: _typed(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value).__name__, [_typed(v) for v in value]
    return type(value).__name__, str(value)


@pytest.fixture
def table_data(deal, other_deal, elements, partner_org, other_org):
    """Indicators of every kind, with and without an element, unit, breakdown and baseline;
    measurements withdrawn or not, verified or not, with a file, an address or no evidence, a
    value, none, or a status; values per category; targets with and without a label."""
    breakdown = [{"dimension": "geslacht", "categories": ["man", "vrouw"]}]
    made = [
        Indicator.objects.create(deal=deal, name="Woningen", kind=IndicatorKind.NUMERIC, unit="woningen",
                                 element=elements[Level.OUTPUT], baseline_value=Decimal("1.5"),
                                 target_value=Decimal(100), breakdown=breakdown, is_example=True,
                                 target_date=dt.date(2025, 1, 1)),
        Indicator.objects.create(deal=deal, name="Tevreden", kind=IndicatorKind.PERCENTAGE,
                                 target_value=Decimal("80.25")),
        Indicator.objects.create(deal=deal, name="Handreiking", kind=IndicatorKind.MILESTONE,
                                 target_status="gerealiseerd", milestone_statuses=["idee", "gerealiseerd"],
                                 element=elements[Level.OUTCOME]),
        Indicator.objects.create(deal=deal, name="Bewoners", scope=IndicatorScope.POPULATION),
    ]
    Indicator.objects.create(deal=other_deal, name="Elders", target_value=Decimal(3))
    numeric, percentage, milestone, _population = made
    evidence = [{}, {"evidence_url": "https://example.org/bewijs"}, {"evidence_file": "bewijs/a.pdf"}]
    for n, (day, value) in enumerate([(dt.date(2022, 3, 1), Decimal("2.5")), (dt.date(2022, 3, 1), Decimal(7)),
                                      (dt.date(2023, 1, 31), None), (dt.date(2023, 6, 30), Decimal("0.0001")),
                                      (dt.date(2024, 2, 29), Decimal(-3))]):
        for indicator in (numeric, percentage):
            m = Measurement.objects.create(
                indicator=indicator, date=day, value=value, withdrawn=n == 4 and indicator == percentage,
                verification=Verification.VERIFIED if n % 2 else Verification.SELF_REPORTED,
                reporting_organisation=(partner_org, other_org, None)[n % 3], **evidence[n % 3])
            if indicator == numeric and value is not None:
                MeasurementPart.objects.create(measurement=m, dimension="geslacht", category="man",
                                               value=value / 2)
    Measurement.objects.create(indicator=milestone, date=dt.date(2023, 5, 1), status="idee")
    Measurement.objects.create(indicator=milestone, date=dt.date(2023, 5, 1), status="gerealiseerd",
                               verification=Verification.VERIFIED)
    for indicator in (numeric, percentage, milestone):
        for year, label in ((2022, "2022"), (2023, ""), (2024, "Jaar 3")):
            Target.objects.create(indicator=indicator, period_start=dt.date(year, 1, 1),
                                  period_end=dt.date(year, 12, 31), label=label,
                                  value=None if indicator == milestone else Decimal(year - 2000) / 4,
                                  status="gerealiseerd" if indicator == milestone else "")
    return made


def test_the_indicators_are_those_the_orm_reads(deal, table_data):
    for scope in (IndicatorScope.PERFORMANCE, IndicatorScope.POPULATION, None):
        orm = sorted(selectors.indicators_for(deal, scope).values(*selectors.INDICATOR_COLUMNS),
                     key=lambda i: i["id"])
        written = sorted(selectors._indicators(deal, scope), key=lambda i: i["id"])
        assert [_typed(i) for i in written] == [_typed(i) for i in orm]
        assert written and list(written[0]) == list(selectors.INDICATOR_COLUMNS)


def test_the_measurements_targets_and_parts_are_those_the_orm_reads(deal, table_data):
    ids = [i.pk for i in table_data] + [Indicator.objects.get(name="Elders").pk]
    for verified_only in (False, True):
        written = selectors._observations_of(ids, verified_only)
        assert _typed(dict(written)) == _typed(dict(_orm_observations(ids, verified_only)))
        assert all(type(o) is progress.Obs for obs in written.values() for o in obs)
        assert (_typed({k: dict(v) for k, v in selectors._parts(ids, verified_only).items()})
                == _typed({k: dict(v) for k, v in _orm_parts(ids, verified_only).items()}))
    assert sum(len(obs) for obs in written.values()) == 5  # the verified ones
    targets, periods = selectors._targets(ids)
    orm_targets, orm_periods = _orm_targets(ids)
    assert _typed(dict(targets)) == _typed(dict(orm_targets)) and periods == orm_periods
    empty = selectors._observations_of([]), selectors._parts([]), selectors._targets([])
    assert empty == ({}, {}, ({}, []))
