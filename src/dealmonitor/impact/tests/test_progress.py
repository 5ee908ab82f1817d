"""The progress rules (impact/progress.py), with property-based tests for direction,
aggregation and missing data."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dealmonitor.impact import progress
from dealmonitor.impact.constants import Aggregation, Direction, IndicatorKind, Meaning, Status

amounts = st.decimals(min_value=-10_000, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=0, max_value=10_000, places=2, allow_nan=False, allow_infinity=False)
days = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))


def test_a_target_below_the_baseline_is_met_by_going_down():
    # 40 % of people do not meet the norm; aim for 30 %. Measured: 35 %.
    assert progress.percent_of_target(35, 30, 40, Direction.LOWER) == 50
    assert progress.percent_of_target(30, 30, 40, Direction.LOWER) == 100
    assert progress.percent_of_target(45, 30, 40, Direction.LOWER) == -50  # wrong way


@given(baseline=amounts, target=amounts, actual=amounts)
def test_moving_towards_the_target_never_lowers_progress(baseline, target, actual):
    if target == baseline:
        return
    step = Decimal("0.5") if target > baseline else Decimal("-0.5")
    before = progress.percent_of_target(actual, target, baseline)
    after = progress.percent_of_target(actual + step, target, baseline)
    assert after > before


@given(baseline=amounts, target=amounts)
def test_reaching_the_target_is_100_percent_and_the_baseline_is_0(baseline, target):
    if target == baseline:
        return
    assert progress.percent_of_target(target, target, baseline) == 100
    assert progress.percent_of_target(baseline, target, baseline) == 0


@given(target=positive.filter(lambda v: v > 0), actual=positive.filter(lambda v: v > 0))
def test_lower_is_better_without_baseline_rewards_lower_values(target, actual):
    lower = progress.percent_of_target(actual, target, None, Direction.LOWER)
    higher = progress.percent_of_target(actual * 2, target, None, Direction.LOWER)
    assert lower > higher


@given(values=st.lists(st.tuples(days, positive), min_size=1, max_size=20))
def test_cumulative_adds_everything_so_far_and_latest_takes_the_last(values):
    obs = [progress.Obs(d, v) for d, v in values]
    cumulative = progress.Spec(aggregation=Aggregation.CUMULATIVE)
    latest = progress.Spec(aggregation=Aggregation.LATEST)
    per_period = progress.Spec(aggregation=Aggregation.PER_PERIOD)
    split = len(obs) // 2
    before, in_period = obs[:split], obs[split:]
    assert progress.aggregate(cumulative, in_period, before) == sum(v for _, v in values)
    assert progress.aggregate(per_period, in_period, before) == sum(o.value for o in in_period)
    last = max(in_period, key=lambda o: o.date)
    assert progress.aggregate(latest, in_period, before) == last.value


@settings(max_examples=50)
@given(before=st.lists(st.tuples(days, positive), max_size=5), target=positive,
       aggregation=st.sampled_from(list(Aggregation)))
def test_a_period_without_measurements_is_missing_never_zero(before, target, aggregation):
    spec = progress.Spec(aggregation=aggregation)
    earlier = [progress.Obs(d, v) for d, v in before]
    cell = progress.cell(spec, [], earlier, target)
    assert cell.actual is None
    assert cell.percent is None
    assert cell.status == Status.NO_DATA


def test_status_thresholds():
    assert progress.status_for(Decimal(100)) == Status.MET
    assert progress.status_for(Decimal(90)) == Status.ON_TRACK
    assert progress.status_for(Decimal("89.9")) == Status.AT_RISK
    assert progress.status_for(Decimal(70)) == Status.AT_RISK
    assert progress.status_for(Decimal("69.9")) == Status.OFF_TRACK
    assert progress.status_for(None) == Status.NO_DATA
    assert progress.status_for(Decimal(50), has_target=False) == Status.NO_TARGET


def test_milestones_compare_ordered_statuses():
    spec = progress.Spec(kind=IndicatorKind.MILESTONE, statuses=["niet gestart", "gestart", "gerealiseerd"])
    obs = [progress.Obs(dt.date(2023, 1, 1), status="gestart"),
           progress.Obs(dt.date(2023, 6, 1), status="gerealiseerd")]
    cell = progress.cell(spec, obs, target_status="gerealiseerd")
    assert (cell.actual_status, cell.percent, cell.status) == ("gerealiseerd", 100, Status.MET)
    half = progress.cell(spec, obs[:1], target_status="gerealiseerd")
    assert (half.percent, half.status) == (50, Status.OFF_TRACK)
    assert progress.cell(spec, [], target_status="gerealiseerd").status == Status.NO_DATA


def test_percentages_per_period_take_the_latest_not_the_sum():
    spec = progress.Spec(kind=IndicatorKind.PERCENTAGE, aggregation=Aggregation.PER_PERIOD)
    obs = [progress.Obs(dt.date(2023, 1, 1), Decimal(40)), progress.Obs(dt.date(2023, 6, 1), Decimal(45))]
    assert progress.aggregate(spec, obs) == 45


# All periods at once (what the performance table asks): the same cells as one at a time ----

OBSERVATIONS = st.lists(st.tuples(
    st.dates(min_value=dt.date(2023, 1, 1), max_value=dt.date(2023, 12, 31)),  # the same day, often
    st.none() | positive,
    st.sampled_from(["", "gestart", "gerealiseerd"]),
    st.booleans(),
    st.none() | st.integers(min_value=1, max_value=3),  # the reporting organisation
), max_size=12)
PERIODS = st.lists(st.tuples(
    st.dates(min_value=dt.date(2022, 12, 1), max_value=dt.date(2023, 12, 31)),
    st.integers(min_value=0, max_value=150),  # days long: periods may nest and overlap
    st.none() | st.tuples(st.none() | positive, st.sampled_from(["", "gestart", "gerealiseerd"])),
), max_size=6)


@pytest.mark.parametrize("kind,aggregation,meaning", [
    (kind, aggregation, meaning) for kind in (IndicatorKind.NUMERIC, IndicatorKind.PERCENTAGE)
    for aggregation in Aggregation for meaning in Meaning] + [
    (IndicatorKind.MILESTONE, Aggregation.LATEST, Meaning.INCREMENT)])
@settings(max_examples=40)
@given(direction=st.sampled_from(list(Direction)), baseline=st.none() | positive, rows=OBSERVATIONS,
       periods=PERIODS)
def test_all_periods_at_once_give_the_cells_of_one_period_at_a_time(kind, aggregation, meaning, direction,
                                                                    baseline, rows, periods):
    from bisect import bisect_left, bisect_right

    spec = progress.Spec(kind=kind, direction=direction, aggregation=aggregation, baseline=baseline,
                         statuses=["niet gestart", "gestart", "gerealiseerd"], meaning=meaning)
    obs = sorted((progress.Obs(day, value, status, evidence, org, pk)
                  for pk, (day, value, status, evidence, org) in enumerate(rows)),
                 key=lambda o: (o.date, o.id))
    dates = [o.date for o in obs]
    periods = sorted(periods, key=lambda p: p[:2])
    spans = [(bisect_left(dates, start), bisect_right(dates, start + dt.timedelta(days=days)))
             for start, days, _target in periods]
    targets = [target for _start, _days, target in periods]
    one_by_one = [progress.cell(spec, obs[first:last], obs[:first], *(target or ()))
                  for (first, last), target in zip(spans, targets)]
    assert progress.period_cells(spec, obs, spans, targets) == one_by_one
    if spec.kind != IndicatorKind.MILESTONE:
        assert progress.period_actuals(spec, obs, spans) == [
            progress.aggregate(spec, obs[first:last], obs[:first]) for first, last in spans]
        # what a contribution carries into a period where it reported nothing new
        assert progress.period_actuals(spec, obs, [(0, last) for _first, last in spans]) == [
            progress.aggregate(spec, obs[:last]) for _first, last in spans]


def test_the_latest_of_a_day_with_two_measurements_is_the_first_recorded():
    # `aggregate` takes the first of the latest date (max keeps the first): so does the pass
    spec = progress.Spec(aggregation=Aggregation.LATEST)
    day = dt.date(2023, 5, 1)
    obs = [progress.Obs(day, Decimal(1), id=1), progress.Obs(day, Decimal(2), id=2),
           progress.Obs(day, None, id=3)]
    assert progress.aggregate(spec, obs) == 1
    assert progress.period_actuals(spec, obs, [(0, 3), (1, 3), (2, 3)]) == [1, 2, None]
