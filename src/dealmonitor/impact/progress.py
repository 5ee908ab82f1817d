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


def percent_of_target(actual, target, baseline=None, direction=Direction.HIGHER):
    """How far `actual` has come from the baseline to the target, in percent (None: unknown).

    Without a baseline, progress is counted from zero when higher is better; when lower is
    better there is no natural zero, so the target is compared with the actual as a ratio.
    """
    if actual is None or target is None:
        return None
    actual, target = Decimal(actual), Decimal(target)
    if baseline is None:
        if direction == Direction.LOWER:
            if actual <= 0:
                return HUNDRED if target >= actual else Decimal(0)
            return target / actual * HUNDRED
        baseline = Decimal(0)
    baseline = Decimal(baseline)
    span = target - baseline
    if span == 0:
        reached = actual >= target if direction == Direction.HIGHER else actual <= target
        return HUNDRED if reached else Decimal(0)
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
        return Status.NO_TARGET
    if percent is None:
        return Status.NO_DATA
    share = percent / HUNDRED
    if share >= 1:
        return Status.MET
    if share >= ON_TRACK_FROM:
        return Status.ON_TRACK
    if share >= AT_RISK_FROM:
        return Status.AT_RISK
    return Status.OFF_TRACK


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
    if spec.kind == IndicatorKind.MILESTONE:
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


def total(spec, observations, end_target=None, end_status=""):
    """Progress over the whole deal against the end target."""
    observations = sorted(observations, key=lambda o: o.date)
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
