"""The progress rules, in one place. docs/progress-rules.md explains them for users.

Pure functions on plain values (no database), so the performance table, the charts, the
dashboard, the exports and the reports all compute progress the same way, and property-based
tests can exercise them.

- Percentage of target respects direction: progress is measured from the baseline towards the
  target, so a target below the baseline is met by going down.
- Meaning says what one measurement is: a new amount (`toename`: measurements add up) or the
  level on its date (`stand`: the latest counts; for several reporting organisations, the sum
  of each one's latest level). Percentages are always levels.
- Aggregation decides the actual value of a period for new amounts: `cumulative` is the running
  total through the end of the period, `per_period` the sum of the period's measurements,
  `latest` the last value measured in the period.
- A period without a measurement has no actual value: it is shown as missing, never as zero.
- Status per period: met from 100 %, on track from ON_TRACK_FROM, at risk from AT_RISK_FROM,
  off track below that.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate, repeat
from operator import attrgetter, is_not, itemgetter
from typing import NamedTuple

from .constants import (
    AT_RISK_FROM,
    ON_TRACK_FROM,
    Aggregation,
    Direction,
    IndicatorKind,
    Meaning,
    Status,
)

HUNDRED = Decimal(100)
ZERO = Decimal(0)
# The thresholds as percentages: `percent / 100 >= ON_TRACK_FROM` is `percent >= 90` exactly
# (dividing a Decimal by 100 only moves its exponent), and the table compares thousands.
_ON_TRACK_PERCENT, _AT_RISK_PERCENT = ON_TRACK_FROM * HUNDRED, AT_RISK_FROM * HUNDRED
# The members the rules return and compare with, as plain names: reading a member off its
# class costs more than a cell's arithmetic, and a large deal's table has thousands of cells.
_MET, _ON_TRACK, _AT_RISK = Status.MET, Status.ON_TRACK, Status.AT_RISK
_OFF_TRACK = Status.OFF_TRACK
_NO_DATA, _NO_TARGET = Status.NO_DATA, Status.NO_TARGET
_LOWER, _HIGHER = Direction.LOWER, Direction.HIGHER
_MILESTONE = IndicatorKind.MILESTONE


class Obs(NamedTuple):
    """One measurement: date, numeric value or milestone status, and whether it has evidence.
    (A named tuple: the performance table of a large deal builds thousands of them, and a
    frozen dataclass takes several times longer to construct.)"""

    date: object
    value: Decimal | None = None
    status: str = ""
    has_evidence: bool = False
    org: int | None = None  # the reporting organisation's id
    id: int | None = None  # the measurement's id


@dataclass
class Cell:
    target: Decimal | None
    actual: Decimal | None
    percent: Decimal | None
    status: str
    count: int = 0
    evidence: int = 0
    target_status: str = ""
    actual_status: str = ""


@dataclass
class Spec:
    """What the rules need to know of an indicator."""

    kind: str = IndicatorKind.NUMERIC
    direction: str = Direction.HIGHER
    aggregation: str = Aggregation.PER_PERIOD
    baseline: Decimal | None = None
    statuses: list = field(default_factory=list)
    meaning: str = Meaning.INCREMENT
    # derived once (the table asks them for every cell): a measurement is a level; the
    # figures of partners and categories add up to the total
    is_level: bool = field(init=False, default=False)
    adds_up: bool = field(init=False, default=False)

    def __post_init__(self):
        self.is_level = self.meaning == Meaning.LEVEL or self.kind == IndicatorKind.PERCENTAGE
        self.adds_up = self.kind == IndicatorKind.NUMERIC and self.aggregation != Aggregation.LATEST


def percent_of_target(actual, target, baseline=None, direction=_HIGHER):
    """How far `actual` has come from the baseline to the target, in percent (None: unknown).

    Without a baseline, progress is counted from zero when higher is better; when lower is
    better there is no natural zero, so the target is compared with the actual as a ratio.
    """
    if actual is None or target is None:
        return None
    actual, target = Decimal(actual), Decimal(target)
    if baseline is None:
        if direction == _LOWER:
            if actual <= 0:
                return HUNDRED if target >= actual else ZERO
            return target / actual * HUNDRED
        baseline = ZERO
    baseline = Decimal(baseline)
    span = target - baseline
    if span == 0:
        reached = actual >= target if direction == _HIGHER else actual <= target
        return HUNDRED if reached else ZERO
    return (actual - baseline) / span * HUNDRED


def milestone_percent(actual_status, target_status, statuses):
    """A milestone's progress: the position of its status against the target status."""
    if not actual_status or not target_status:
        return None
    if actual_status not in statuses or target_status not in statuses:
        return None
    goal = statuses.index(target_status)
    if goal == 0:
        return HUNDRED
    return Decimal(statuses.index(actual_status)) / Decimal(goal) * HUNDRED


def status_for(percent, has_target=True):
    if not has_target:
        return _NO_TARGET
    if percent is None:
        return _NO_DATA
    if percent >= HUNDRED:
        return _MET
    if percent >= _ON_TRACK_PERCENT:
        return _ON_TRACK
    if percent >= _AT_RISK_PERCENT:
        return _AT_RISK
    return _OFF_TRACK


def aggregate(spec, in_period, before=()):
    """The actual value of one period from its measurements (`in_period`) and, for cumulative
    indicators, the measurements before it. None when the period has no measurement."""
    values = [o for o in in_period if o.value is not None]
    if not values:
        return None
    if spec.is_level and spec.adds_up:
        # a level stays until its organisation reports a new one (cumulative), or counts
        # within its period only (per period)
        if spec.aggregation == Aggregation.CUMULATIVE:
            return levels_sum(list(before) + values)
        return levels_sum(values)
    if spec.is_level:
        return max(values, key=lambda o: o.date).value
    if spec.aggregation == Aggregation.CUMULATIVE:
        earlier = sum((o.value for o in before if o.value is not None), Decimal(0))
        return earlier + sum((o.value for o in values), Decimal(0))
    if spec.aggregation == Aggregation.LATEST or spec.kind == IndicatorKind.PERCENTAGE:
        return max(values, key=lambda o: o.date).value
    return sum((o.value for o in values), Decimal(0))


def levels_sum(observations):
    """The level reported by several organisations: the sum of each one's latest level."""
    latest = {}
    for o in observations:  # in date order: a later one replaces an earlier one
        if o.value is not None:
            latest[o.org] = o.value
    return sum(latest.values(), Decimal(0))


def latest_status(observations):
    with_status = [o for o in observations if o.status]
    return max(with_status, key=lambda o: o.date).status if with_status else ""


def cell(spec, in_period, before=(), target=None, target_status=""):
    """Target, actual, percentage and status of one indicator in one period."""
    evidence = sum(1 for o in in_period if o.has_evidence)
    if spec.kind == _MILESTONE:
        actual_status = latest_status(in_period)
        percent = milestone_percent(actual_status, target_status, spec.statuses)
        return Cell(
            target=None, actual=None, percent=percent,
            status=status_for(percent, has_target=bool(target_status)),
            count=len(in_period), evidence=evidence,
            target_status=target_status, actual_status=actual_status,
        )
    actual = aggregate(spec, in_period, before)
    percent = percent_of_target(actual, target, spec.baseline, spec.direction)
    return Cell(
        target=target, actual=actual, percent=percent,
        status=status_for(percent, has_target=target is not None),
        count=len(in_period), evidence=evidence,
    )


# Many periods at once --------------------------------------------------------------------
#
# The performance table asks `cell` for every indicator in every period: 200 indicators by 12
# quarters. Asked one period at a time, every period re-reads the measurements before it (a
# cumulative figure adds them up again) and goes through the rules' branches again. The
# functions below give the same figures for all of an indicator's periods in one pass over its
# measurements; the tests (impact/tests/test_progress.py) hold them to `cell` and `aggregate`.

_SUM, _RUNNING_SUM, _LEVELS, _RUNNING_LEVELS, _LAST = range(5)


def _mode(spec):
    """Which branch of `aggregate` the indicator takes."""
    if spec.is_level and spec.adds_up:
        return _RUNNING_LEVELS if spec.aggregation == Aggregation.CUMULATIVE else _LEVELS
    if spec.is_level:
        return _LAST
    if spec.aggregation == Aggregation.CUMULATIVE:
        return _RUNNING_SUM
    if spec.aggregation == Aggregation.LATEST or spec.kind == IndicatorKind.PERCENTAGE:
        return _LAST
    return _SUM


def running_values(spec, observations, ends):
    """{end: the running figure of observations[:end]} for each index in `ends`, as
    `aggregate(spec, observations[:end])` of a cumulative indicator gives it when one of them
    has a value (the observations in date order): the sum of the values so far, or for levels
    the sum of each organisation's latest. One pass, whatever the number of ends."""
    if not spec.is_level:
        sums = list(accumulate((ZERO if o[1] is None else o[1] for o in observations),
                               initial=ZERO))
        return {end: sums[end] for end in ends}
    out, latest, k = {}, {}, 0
    for end in sorted(set(ends)):
        while k < end:
            o = observations[k]
            if o[1] is not None:
                latest[o[4]] = o[1]
            k += 1
        out[end] = sum(latest.values(), ZERO)
    return out


def period_actuals(spec, observations, spans):
    """The actual value of each period: for every (first, last) in `spans`, what
    `aggregate(spec, observations[first:last], observations[:first])` gives, with the
    observations in date order (a numeric indicator; None for a period without a value)."""
    mode = _mode(spec)
    values = [o[1] for o in observations]
    # how many of the observations so far have a value
    counted = list(accumulate(map(is_not, values, repeat(None)), initial=0))
    running = None
    if mode == _RUNNING_SUM or mode == _RUNNING_LEVELS:
        running = running_values(spec, observations,
                                 [last for first, last in spans if first < last])
    actuals = []
    for first, last in spans:
        n = counted[last] - counted[first]
        if not n:
            actuals.append(None)
        elif running is not None:
            actuals.append(running[last])
        elif mode == _SUM:
            in_period = values[first:last]
            if n < last - first:
                in_period = [v for v in in_period if v is not None]
            actuals.append(sum(in_period, ZERO))
        elif mode == _LEVELS:
            actuals.append(levels_sum(observations[first:last]))
        else:  # _LAST: the first of those with a value on the latest date (as `max` picks)
            j = last - 1
            while values[j] is None:
                j -= 1
            day = observations[j][0]
            for k in range(j - 1, first - 1, -1):
                if observations[k][0] != day:
                    break
                if values[k] is not None:
                    j = k
            actuals.append(values[j])
    return actuals


def period_cells(spec, observations, spans, targets):
    """`cell` of every period in one pass: for every (first, last) in `spans` and its target
    ((value, status) or None), what `cell(spec, observations[first:last],
    observations[:first], *target)` gives, with the observations in date order."""
    # how many of the observations so far have evidence
    evidence = list(accumulate(map(itemgetter(3), observations), initial=0))
    if spec.kind == _MILESTONE:
        return _milestone_cells(spec, observations, spans, targets, evidence)
    baseline, direction = spec.baseline, spec.direction
    # `percent_of_target` from a baseline, written out below for Decimal figures (the table
    # computes thousands); any other case goes through the function
    base = baseline if type(baseline) is Decimal else None
    cells = []
    append = cells.append
    actuals = period_actuals(spec, observations, spans)
    for (first, last), target, actual in zip(spans, targets, actuals):
        # `percent_of_target` written out for Decimal figures: the table has thousands of cells
        if not target:
            append(Cell(None, actual, None, _NO_TARGET, last - first, evidence[last] - evidence[first]))
            continue
        value = target[0]
        if value is None:
            status, percent = _NO_TARGET, None
        elif actual is None:
            status, percent = _NO_DATA, None
        else:
            span = value - base if base is not None and type(value) is Decimal else None
            if span and type(actual) is Decimal:
                percent = (actual - base) / span * HUNDRED
            else:
                percent = percent_of_target(actual, value, baseline, direction)
            status = status_for(percent)
        append(Cell(value, actual, percent, status, last - first, evidence[last] - evidence[first]))
    return cells


def _milestone_cells(spec, observations, spans, targets, evidence):
    """`period_cells` of a milestone: what `cell` gives for each period, which reads the
    period's measurements only, with the evidence counted once for all periods."""
    statuses = spec.statuses
    cells = []
    for (first, last), target in zip(spans, targets):
        target_status = target[1] if target else ""
        actual_status = latest_status(observations[first:last])
        percent = milestone_percent(actual_status, target_status, statuses)
        cells.append(Cell(None, None, percent, status_for(percent, has_target=bool(target_status)),
                          last - first, evidence[last] - evidence[first], target_status, actual_status))
    return cells


def total(spec, observations, end_target=None, end_status="", *, in_date_order=False):
    """Progress over the whole deal against the end target. (`in_date_order`: the caller's
    observations are sorted by date already, as the performance table reads them.)"""
    if not in_date_order:
        observations = sorted(observations, key=attrgetter("date"))
    if spec.kind == IndicatorKind.MILESTONE:
        return cell(spec, observations, target_status=end_status)
    if spec.is_level and spec.adds_up:
        return cell(spec, observations, (), end_target)
    if spec.is_level:
        return cell(spec, observations[-1:], (), end_target)
    if spec.aggregation == Aggregation.CUMULATIVE:
        return cell(spec, observations, (), end_target)
    if spec.aggregation == Aggregation.PER_PERIOD:
        return cell(spec, observations, (), end_target)
    return cell(spec, observations[-1:], (), end_target)
