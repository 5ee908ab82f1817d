"""Reads of indicators and measurements, shaped for the performance table, charts and the
dashboard. Each builds its result in a fixed number of queries, whatever the number of
indicators, targets and measurements (guarded by query-count tests)."""

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from . import progress
from .constants import LEVEL_ORDER, IndicatorScope, Level, Status
from .models import Element, Indicator, Measurement, Target
from .periods import Period


@dataclass
class Row:
    indicator: object  # a lightweight dict of the indicator's fields
    level: str
    cells: list
    total: progress.Cell
    observations: list = field(default_factory=list)


@dataclass
class PerformanceTable:
    periods: list
    rows: list
    levels: list
    all_periods: list

    @property
    def status_counts(self):
        counts = {s.value: 0 for s in Status}
        for row in self.rows:
            counts[row.total.status] += 1
        return counts


INDICATOR_COLUMNS = (
    "id", "name", "kind", "unit", "direction", "aggregation", "baseline_value", "target_value",
    "target_status", "target_date", "milestone_statuses", "scope", "is_example", "element_id",
    "element__level", "element__title", "deal_id",
)


def _spec(ind):
    from .constants import DEFAULT_MILESTONE_STATUSES

    return progress.Spec(
        kind=ind["kind"], direction=ind["direction"], aggregation=ind["aggregation"],
        baseline=ind["baseline_value"],
        statuses=ind["milestone_statuses"] or DEFAULT_MILESTONE_STATUSES,
    )


def _observations(indicator_ids):
    by_indicator = defaultdict(list)
    rows = (
        Measurement.objects.filter(indicator_id__in=indicator_ids)
        .order_by("indicator_id", "date", "id")
        .values_list("indicator_id", "date", "value", "status", "evidence_file", "evidence_url")
    )
    for ind_id, date, value, status, efile, eurl in rows:
        by_indicator[ind_id].append(progress.Obs(date, value, status, bool(efile or eurl)))
    return by_indicator


def _targets(indicator_ids):
    by_indicator = defaultdict(dict)
    rows = Target.objects.filter(indicator_id__in=indicator_ids).values_list(
        "indicator_id", "period_start", "period_end", "label", "value", "status"
    )
    periods = {}  # a deal has a handful of distinct periods: build each Period once
    for ind_id, start, end, label, value, status in rows:
        key = (start, end, label)
        period = periods.get(key)
        if period is None:
            period = periods[key] = Period(start, end, label or start.isoformat())
        by_indicator[ind_id][period] = (value, status)
    return by_indicator


def indicators_for(deal, scope=None):
    qs = Indicator.objects.filter(deal=deal)
    if scope:
        qs = qs.filter(scope=scope)
    return qs


def performance_table(deal, *, level=None, period=None, scope=IndicatorScope.PERFORMANCE):
    """The indicator performance tracking table: indicators by pathway level against periods,
    with target, actual, % met and status per period and in total. Three queries."""
    qs = indicators_for(deal, scope)
    indicators = list(qs.values(*INDICATOR_COLUMNS))
    # The same indicators as a subquery: one short statement instead of hundreds of ids.
    ids = qs.values("id")
    observations = _observations(ids)
    targets = _targets(ids)

    all_periods = sorted({p for per in targets.values() for p in per})
    periods = [p for p in all_periods if not period or p.label == period]
    rows = []
    for ind in indicators:
        ind_level = ind["element__level"] or ""
        if level and ind_level != level:
            continue
        spec = _spec(ind)
        obs = observations.get(ind["id"], [])  # in date order (see _observations)
        dates = [o.date for o in obs]
        cells = []
        for p in periods:
            target = targets[ind["id"]].get(p)
            # The period's measurements and those before it, found by bisection in the
            # sorted dates rather than by scanning all of them for every period.
            first, last = bisect_left(dates, p.start), bisect_right(dates, p.end)
            in_period, before = obs[first:last], obs[:first]
            if target is None:
                c = progress.cell(spec, in_period, before)
                c.status = Status.NO_TARGET if (c.actual is not None or c.actual_status) else ""
            else:
                c = progress.cell(spec, in_period, before, target[0], target[1])
            cells.append(c)
        total = progress.total(spec, obs, ind["target_value"], ind["target_status"])
        rows.append(Row(indicator=ind, level=ind_level, cells=cells, total=total, observations=obs))
    rows.sort(key=lambda r: (LEVEL_ORDER.get(r.level, 99), r.indicator["name"]))
    levels = [lv for lv in Level if any(r.level == lv.value for r in rows)]
    return PerformanceTable(periods=periods, rows=rows, levels=levels, all_periods=all_periods)


def indicator_progress(deal_ids):
    """{deal id: its performance indicators, each {"indicator", "total", "measurements",
    "evidence"}}: progress against the end target by the rules of the performance table, and
    how many measurements carry evidence. Two queries, whatever the number of deals."""
    indicators = Indicator.objects.filter(deal_id__in=deal_ids, scope=IndicatorScope.PERFORMANCE)
    observations = _observations(indicators.values("id"))
    by_deal = defaultdict(list)
    for ind in indicators.values(*INDICATOR_COLUMNS):
        obs = observations.get(ind["id"], [])
        by_deal[ind["deal_id"]].append({
            "indicator": ind, "level": ind["element__level"] or "",
            "total": progress.total(_spec(ind), obs, ind["target_value"], ind["target_status"]),
            "measurements": len(obs), "evidence": sum(1 for o in obs if o.has_evidence),
        })
    for rows in by_deal.values():
        rows.sort(key=lambda r: (LEVEL_ORDER.get(r["level"], 99), r["indicator"]["name"]))
    return by_deal


@dataclass
class Dashboard:
    table: PerformanceTable
    status_counts: dict
    latest: list
    evidence: dict
    elements_by_level: list
    population: list


def dashboard(deal):
    """The deal at a glance: pathway, indicators by status, latest measurements and evidence
    coverage of outputs and outcomes."""
    table = performance_table(deal)
    elements = list(
        Element.objects.filter(pathway__deal=deal).values("id", "level", "title", "is_active_ingredient")
    )
    by_level = [(lv, [e for e in elements if e["level"] == lv.value]) for lv in Level]
    latest = list(
        Measurement.objects.filter(indicator__deal=deal)
        .select_related("indicator", "reporting_organisation")
        .order_by("-date", "-id")[:10]
    )
    # Evidence coverage: outputs and outcomes (elements) with at least one measurement with
    # evidence on one of their indicators.
    covered = set(
        Measurement.objects.filter(
            indicator__deal=deal, indicator__element__level__in=[Level.OUTPUT, Level.OUTCOME]
        )
        .filter(~Q(evidence_file="") | ~Q(evidence_url=""))
        .values_list("indicator__element_id", flat=True)
        .distinct()
    )
    coverage = {}
    for lv in (Level.OUTPUT, Level.OUTCOME):
        items = [e for e in elements if e["level"] == lv.value]
        coverage[lv.value] = {
            "label": lv.label,
            "total": len(items),
            "covered": sum(1 for e in items if e["id"] in covered),
            "missing": [e for e in items if e["id"] not in covered],
        }
    population = list(indicators_for(deal, IndicatorScope.POPULATION).order_by("name"))
    return Dashboard(
        table=table, status_counts=table.status_counts, latest=latest, evidence=coverage,
        elements_by_level=by_level, population=population,
    )
