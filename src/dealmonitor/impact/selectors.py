"""Reads of indicators and measurements, shaped for the performance table, charts and the
dashboard. Each builds its result in a fixed number of queries, whatever the number of
indicators, targets and measurements (guarded by query-count tests)."""

import datetime as dt
import functools
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from itertools import groupby
from operator import itemgetter
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, Q
from django.utils.translation import gettext

from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.prepared import row_converter

from . import progress
from .constants import (
    DEFAULT_MILESTONE_STATUSES,
    Aggregation,
    DIMENSIONS,
    LEVEL_ORDER,
    IndicatorKind,
    IndicatorScope,
    Level,
    Meaning,
    Status,
    Verification,
)
from .models import Element, Indicator, Measurement, MeasurementPart, Target, well_formed_breakdown
from .periods import PERIODICITIES, Period, calendar_periods

PERIODICITY_BY_MONTHS = {months: name for name, months in PERIODICITIES.items()}


@dataclass
class Part:
    """One contribution to an indicator's figures: a reporting organisation's, or a category's
    of one dimension of its breakdown. Its cells line up with the table's periods."""

    key: object  # the organisation's id, or the category
    label: str
    cells: list
    total: progress.Cell
    dimension: str = ""  # for a category: the dimension's code


@dataclass
class Row:
    indicator: object  # a lightweight dict of the indicator's fields
    level: str
    cells: list
    total: progress.Cell
    observations: list = field(default_factory=list)
    meaning: str = ""  # toename or stand: what one measurement is
    adds_up: bool = False  # whether partners' and categories' figures add up to the row's
    # the last day of each of the table's periods (one list, shared by the rows)
    ends: list = field(default_factory=list)
    # how to compute the contributions, on first use (a page that does not show them does not
    # pay for them: 200 indicators with a dozen partners each are thousands of cells)
    _partners: object = None
    _categories: object = None

    @property
    def series(self):
        """What the chart plots: (period end, actual) of each period with data, the table's
        figures. (Made when asked: the table's page does not show it.)"""
        return [(end, c.actual) for end, c in zip(self.ends, self.cells) if c.actual is not None]

    @property
    def partners(self):
        """Contributions per reporting organisation, when more than one reported (name order)."""
        if callable(self._partners):
            self._partners = self._partners()
        return self._partners or []

    @property
    def categories(self):
        """Values per category, per dimension of the breakdown: [(dimension, label, [Part])]."""
        if callable(self._categories):
            self._categories = self._categories()
        return self._categories or []


@dataclass
class PerformanceTable:
    periods: list
    rows: list
    levels: list
    all_periods: list
    verified_only: bool = False  # only measurements the deal team verified count
    untargeted: list = field(default_factory=list)  # periods shown for data past any target

    @property
    def status_counts(self):
        counts = {s.value: 0 for s in Status}
        for row in self.rows:
            counts[row.total.status] += 1
        return counts


INDICATOR_COLUMNS = (
    "id", "name", "kind", "unit", "direction", "aggregation", "baseline_value", "target_value",
    "target_status", "target_date", "milestone_statuses", "scope", "is_example", "element_id",
    "element__level", "element__title", "deal_id", "meaning", "breakdown",
)


def _spec(ind):
    return progress.Spec(
        kind=ind["kind"], direction=ind["direction"], aggregation=ind["aggregation"],
        baseline=ind["baseline_value"],
        statuses=ind["milestone_statuses"] or DEFAULT_MILESTONE_STATUSES,
        meaning=ind.get("meaning") or Meaning.INCREMENT,
    )


def counted_measurements(verified_only=False):
    """The measurements that count in progress figures: not withdrawn; with `verified_only`,
    only those the deal team verified."""
    qs = Measurement.objects.filter(withdrawn=False)
    if verified_only:
        qs = qs.filter(verification=Verification.VERIFIED)
    return qs


def _observations(indicator_ids, verified_only=False):
    """{indicator id: [Obs in date order]}."""
    by_indicator = defaultdict(list)
    rows = (
        counted_measurements(verified_only).filter(indicator_id__in=indicator_ids)
        .order_by("indicator_id", "date", "id")
        .values_list("indicator_id", "date", "value", "status", "evidence_file", "evidence_url",
                     "reporting_organisation_id", "id")
    )
    # Obs are built as plain tuples of their fields (a large deal has thousands: calling the
    # named tuple's constructor takes twice as long)
    new, Obs = tuple.__new__, progress.Obs
    for ind_id, date, value, status, efile, eurl, org, pk in rows:
        by_indicator[ind_id].append(new(Obs, (date, value, status, bool(efile or eurl), org, pk)))
    return by_indicator


# The performance table's queries written out ------------------------------------------------
#
# The table's four queries (the deal's indicators; by their ids the measurements, targets and
# values per category) as written SQL with the ids in it, not through the ORM: at scale L the
# ORM took about as long to build, compile and read them as the database took to answer
# (7,700 rows for 200 indicators), and 200 ids as parameters made psycopg parse the
# statement anew each time.
# The values are converted as the ORM converts them (on SQLite a decimal comes back as a
# float, Django makes it a Decimal of the field's places; on PostgreSQL nothing is
# converted). impact/tests/test_table_queries.py holds them to the ORM's queries.


def _column(model, name):
    return connection.ops.quote_name(model._meta.get_field(name).column)


def _fields(model, *names):
    return [model._meta.get_field(name) if name else None for name in names]


def _fetch(sql, params, fields):
    """The rows of `sql`, each value of a column of `fields` (None: a computed column) as the
    ORM would give it."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    convert = row_converter(fields)
    return [convert(row) for row in rows] if convert else rows


def _ids_sql(ids):
    """The ids as a list of SQL numbers (they are the database's own keys, made ints here)."""
    return ", ".join(str(int(pk)) for pk in ids) or "NULL"


def _counted_sql(alias, verified_only):
    """The condition of `counted_measurements` on the measurements' table as `alias`, and its
    parameters (none unless only verified measurements count)."""
    sql = f"NOT {alias}.{_column(Measurement, 'withdrawn')}"
    if verified_only:
        return f"{sql} AND {alias}.{_column(Measurement, 'verification')} = %s", [Verification.VERIFIED.value]
    return sql, None


def _indicator_filter(deal, scope):
    """(the SQL condition on the indicators `i` of the deal, of `scope` when given; its
    parameters)."""
    where = f"i.{_column(Indicator, 'deal')} = {int(deal.pk)}"
    if scope:
        return where + f" AND i.{_column(Indicator, 'scope')} = %s", [str(scope)]
    return where, []


def _with_elements():
    """The indicators `i` joined to their pathway elements `e`, for a FROM clause."""
    quote = connection.ops.quote_name
    return (f"{quote(Indicator._meta.db_table)} i LEFT JOIN {quote(Element._meta.db_table)} e "
            f"ON e.{_column(Element, 'id')} = i.{_column(Indicator, 'element')}")


def _indicator_ids(deal, scope):
    """(a subquery of the ids of the deal's indicators of `scope`; its parameters)."""
    where, params = _indicator_filter(deal, scope)
    quote = connection.ops.quote_name
    return f"SELECT i.{_column(Indicator, 'id')} FROM {quote(Indicator._meta.db_table)} i WHERE {where}", params


def _indicators(deal, scope, only=None):
    """The deal's indicators (of `scope`, when given; those of the ids `only`, when given) as
    `values(*INDICATOR_COLUMNS)` gives them, unordered, in one written-out query."""
    # "element__level" is the element's field, "element_id" and "deal_id" the keys' fields
    fields = [Element._meta.get_field(name.removeprefix("element__")) if name.startswith("element__")
              else Indicator._meta.get_field(name.removesuffix("_id")) for name in INDICATOR_COLUMNS]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{'e' if f.model is Element else 'i'}.{quote(f.column)}" for f in fields)
    where, params = _indicator_filter(deal, scope)
    if only is not None:
        where += f" AND i.{_column(Indicator, 'id')} IN ({_ids_sql(only)})"
    sql = f"SELECT {columns} FROM {_with_elements()} WHERE {where}"
    return [dict(zip(INDICATOR_COLUMNS, row)) for row in _fetch(sql, params or None, fields)]


def _observations_of(indicator_ids, verified_only=False):
    """`_observations` of a list of indicator ids, in one written-out query; whether a
    measurement has evidence is asked of the database."""
    q = functools.partial(_column, Measurement)
    counted, params = _counted_sql("m", verified_only)
    sql = (
        f"SELECT m.{q('indicator')}, m.{q('date')}, m.{q('value')}, m.{q('status')}, "
        f"m.{q('evidence_file')} <> '' OR m.{q('evidence_url')} <> '', "
        f"m.{q('reporting_organisation')}, m.{q('id')} "
        f"FROM {connection.ops.quote_name(Measurement._meta.db_table)} m "
        f"WHERE m.{q('indicator')} IN ({_ids_sql(indicator_ids)}) AND {counted} "
        f"ORDER BY m.{q('indicator')}, m.{q('date')}, m.{q('id')}"
    )
    rows = _fetch(sql, params, _fields(Measurement, "indicator", "date", "value", "status", None,
                                       "reporting_organisation", "id"))
    by_indicator = defaultdict(list)
    new, Obs = tuple.__new__, progress.Obs
    if rows and type(rows[0][4]) is not bool:  # SQLite has no booleans: 1 or 0
        rows = [(r[0], r[1], r[2], r[3], bool(r[4]), r[5], r[6]) for r in rows]
    # one list per indicator (the rows come in its order), each Obs made from the row's
    # fields after the indicator's
    for ind_id, group in groupby(rows, itemgetter(0)):
        by_indicator[ind_id] = [new(Obs, row[1:]) for row in group]
    return by_indicator


def _parts(indicator_ids, verified_only=False):
    """{measurement id: {dimension: {category: value}}}: the values per category of the
    counted measurements of a list of indicator ids, in one written-out query."""
    q = functools.partial(_column, Measurement)
    p = functools.partial(_column, MeasurementPart)
    counted, params = _counted_sql("m", verified_only)
    sql = (
        f"SELECT p.{p('measurement')}, p.{p('dimension')}, p.{p('category')}, p.{p('value')} "
        f"FROM {connection.ops.quote_name(MeasurementPart._meta.db_table)} p "
        f"JOIN {connection.ops.quote_name(Measurement._meta.db_table)} m "
        f"ON m.{q('id')} = p.{p('measurement')} "
        f"WHERE m.{q('indicator')} IN ({_ids_sql(indicator_ids)}) AND {counted}"
    )
    by_measurement = defaultdict(lambda: defaultdict(dict))
    for pk, dim, cat, value in _fetch(sql, params, _fields(MeasurementPart, "measurement", "dimension",
                                                          "category", "value")):
        by_measurement[pk][dim][cat] = value
    return by_measurement


def _targets(indicator_ids):
    """({indicator id: {k: (value, status)}}, [Period]): each indicator's targets by the number
    k of their period in the list of the distinct periods. (Numbers, not the periods, as keys:
    the table looks up every indicator's target in every period, and a period's hash is
    computed afresh each time.) One written-out query."""
    t = functools.partial(_column, Target)
    sql = (
        f"SELECT {t('indicator')}, {t('period_start')}, {t('period_end')}, {t('label')}, "
        f"{t('value')}, {t('status')} FROM {connection.ops.quote_name(Target._meta.db_table)} "
        f"WHERE {t('indicator')} IN ({_ids_sql(indicator_ids)})"
    )
    rows = _fetch(sql, None, _fields(Target, "indicator", "period_start", "period_end", "label", "value",
                                     "status"))
    by_indicator = defaultdict(dict)
    numbers, periods = {}, []  # a deal has a handful of distinct periods: build each once
    for ind_id, start, end, label, value, status in rows:
        key = (start, end, label)
        k = numbers.get(key)
        if k is None:
            period = _target_period(start, end, label)
            if period not in periods:
                periods.append(period)
            k = numbers[key] = periods.index(period)
        by_indicator[ind_id][k] = (value, status)
    return by_indicator, periods


def _target_period(start, end, label):
    """The period of a target: its label, or its first day when it has none. (`_targets` and
    `performance_structure` must agree: the indicator page's columns are the whole table's.)"""
    return Period(start, end, label or start.isoformat())


def _order(level, name, pk):
    """Where an indicator's row stands in the table: by pathway level, then by name."""
    return (LEVEL_ORDER.get(level or "", 99), name, pk)


class Place(NamedTuple):
    """Where an indicator's row stands in the table."""

    id: int
    name: str
    level: str  # its pathway level, "" when it is not linked to the pathway


def performance_structure(deal, scope=IndicatorScope.PERFORMANCE, places=True):
    """([Place] of the deal's indicators (of `scope`) in the table's order, none unless
    `places`; the target periods of all of them): what the table's layout takes from the
    indicators, their pathway elements and targets, not from the measurements. Two queries (one
    without `places`) that read no figures. (As one query with the days of
    `performance_layout`, three selects joined by UNION ALL, PostgreSQL planned two parallel
    workers for it at scale L, whose start took longer than the three queries: 9.7 ms against
    3.9.)"""
    t = functools.partial(_column, Target)
    where, params = _indicator_filter(deal, scope)
    found = [] if not places else [Place(pk, name, level or "") for pk, name, level in _fetch(
        f"SELECT i.{_column(Indicator, 'id')}, i.{_column(Indicator, 'name')}, "
        f"e.{_column(Element, 'level')} FROM {_with_elements()} WHERE {where}", params, (None,) * 3)]
    found.sort(key=lambda p: _order(p.level, p.name, p.id))
    ids, params = _indicator_ids(deal, scope)
    periods = []
    for start, end, label in _fetch(
            f"SELECT DISTINCT {t('period_start')}, {t('period_end')}, {t('label')} "
            f"FROM {connection.ops.quote_name(Target._meta.db_table)} WHERE {t('indicator')} IN ({ids})",
            params, _fields(Target, "period_start", "period_end", "label")):
        period = _target_period(start, end, label)
        if period not in periods:
            periods.append(period)
    return found, periods


def _days_outside(deal, scope, periods, verified_only):
    """The days of the counted measurements of the deal's indicators (of `scope`) outside
    every one of `periods`: only those matter (`untargeted_periods`), and a flagship deal has a
    thousand days, all within its targets. One query that reads no figures."""
    q = functools.partial(_column, Measurement)
    ids, params = _indicator_ids(deal, scope)
    counted, counted_params = _counted_sql("m", verified_only)
    outside, spans = "", []
    for start, end in _covered(periods):
        outside += f" AND NOT (m.{q('date')} BETWEEN %s AND %s)"
        spans += [start, end]
    return sorted({row[0] for row in _fetch(
        f"SELECT DISTINCT m.{q('date')} FROM {connection.ops.quote_name(Measurement._meta.db_table)} m "
        f"WHERE m.{q('indicator')} IN ({ids}) AND {counted}{outside}",
        params + (counted_params or []) + spans, _fields(Measurement, "date"))})


def indicators_for(deal, scope=None):
    qs = Indicator.objects.filter(deal=deal)
    if scope:
        qs = qs.filter(scope=scope)
    return qs


def _months(period):
    nxt = period.end + dt.timedelta(days=1)
    return (nxt.year - period.start.year) * 12 + nxt.month - period.start.month


def _covered(periods):
    """The days the periods cover, as separate spans [first, last] in order (periods that
    overlap or touch make one span)."""
    covered = []
    for p in sorted(periods):
        if covered and p.start <= covered[-1][1] + dt.timedelta(days=1):
            covered[-1][1] = max(covered[-1][1], p.end)
        else:
            covered.append([p.start, p.end])
    return covered


def untargeted_periods(target_periods, dates):
    """Calendar periods for measurements that fall in no target period (after the last target,
    say), of the length most of the target periods have (a year when there are none), that
    overlap no target period: so every measurement is shown in a period ("geen doel")."""
    lengths = Counter(_months(p) for p in target_periods if p.start.day == 1)
    months = next((m for m, _ in lengths.most_common() if m in PERIODICITY_BY_MONTHS), 12)
    periodicity = PERIODICITY_BY_MONTHS[months]
    # a day is in a target period when it is in the span that starts last on or before it
    covered = _covered(target_periods)
    starts = [start for start, _end in covered]
    extra = {}
    last = None  # the calendar period of the previous day outside the targets
    for day in dates:
        i = bisect_right(starts, day) - 1
        if i >= 0 and day <= covered[i][1]:
            continue
        if last is not None and last.contains(day):
            continue  # decided for its period already
        period = last = calendar_periods(day, day, periodicity)[0]
        if period.start in extra:
            continue
        if any(p.start <= period.end and period.start <= p.end for p in target_periods):
            continue  # overlaps a target period: shown there where it falls, else not at all
        extra[period.start] = period
    return sorted(extra.values())


def _spans(dates, periods):
    """(first, last) per period: its measurements are obs[first:last], found by bisection in
    the sorted dates rather than by scanning all of them for every period."""
    return [(bisect_left(dates, p.start), bisect_right(dates, p.end)) for p in periods]


def _cells(spec, obs, dates, periods, targets, spans=None):
    """The row's cells; `targets`: per period its (value, status), None where it has none;
    `spans`: those of `_spans`, when the caller has them."""
    cells = progress.period_cells(spec, obs, _spans(dates, periods) if spans is None else spans,
                                  targets)
    if None in targets:
        for c, target in zip(cells, targets):
            if target is None:  # a period of another indicator's targets, or of data past them
                c.status = Status.NO_TARGET if (c.actual is not None or c.actual_status) else ""
    return cells


def _contribution_cells(spec, obs, dates, periods, spans=None):
    """A contribution's cells: its actual per period, by the row's rules, without a target,
    percentage or status of its own. Most contributions have data in a few periods only (a
    partner of a 200-indicator deal reports once or twice per indicator): `spans`, when
    given, are (period number, first, last) of only the periods where it has measurements
    (obs[first:last]); every other period shares one empty cell. The table of the generated
    flagship computes some 40,000 of them."""
    Cell = progress.Cell
    if spans is None:
        spans = [(i, first, last) for i, (first, last) in enumerate(_spans(dates, periods))
                 if first < last]
    empty = Cell(None, None, None, "")  # one for the part's empty periods: never changed
    cells = [empty] * len(periods)
    if spec.kind == IndicatorKind.MILESTONE:  # the status of each period's latest measurement
        for i, first, last in spans:
            c = cells[i] = progress.cell(spec, obs[first:last])
            c.status = ""  # a contribution has no target of its own
        return cells
    actuals = progress.period_actuals(spec, obs, [(first, last) for _i, first, last in spans])
    for (i, first, last), actual in zip(spans, actuals):
        evidence = 0
        for k in range(first, last):
            if obs[k][3]:
                evidence += 1
        cells[i] = Cell(None, actual, None, "", last - first, evidence)
    return cells


def _row_periods(dates, periods):
    """For each of the row's observations (by its index in the row), the numbers of the
    periods it falls in (usually one; none for a period not shown; several where periods
    overlap)."""
    found = [[] for _ in dates]
    for i, (first, last) in enumerate(_spans(dates, periods)):
        for j in range(first, last):
            found[j].append(i)
    return found


def _part_rows(spec, obs, dates, periods, key_of, keys, label_of, dimension="", row_cells=()):
    """Cells per key (organisation or category) from the indicator's observations: the same
    rules as the row's, on the observations that belong to the key. A running figure
    (cumulative) is carried into a period where the row has data but the key reported nothing
    new, as the row's figure carries it. One pass over the observations finds the periods each
    key has data in; only those are computed."""
    groups = defaultdict(list)
    places = defaultdict(list)  # per key, the index in the row of each of its observations
    for j, o in enumerate(obs):
        for key, sub in key_of(o):
            groups[key].append(sub)
            places[key].append(j)
    row_periods = _row_periods(dates, periods)
    row_spans = _spans(dates, periods)
    carry = spec.adds_up and spec.aggregation == Aggregation.CUMULATIVE
    parts = []
    for key in keys:
        sub = groups.get(key, [])
        sub_dates = [o[0] for o in sub]
        # the key's observations in period i are those at the row's indices [first, last)
        at = places.get(key, [])
        numbers = sorted({i for j in at for i in row_periods[j]})
        spans = [(i, bisect_left(at, row_spans[i][0]), bisect_left(at, row_spans[i][1]))
                 for i in numbers]
        cells = _contribution_cells(spec, sub, sub_dates, periods, spans)
        if carry and row_cells and sub:
            carried = [i for i, c in enumerate(cells)
                       if c.actual is None and row_cells[i].actual is not None]
            ends = [bisect_right(sub_dates, periods[i].end) for i in carried]
            running = progress.period_actuals(spec, sub, [(0, end) for end in ends])
            for i, end, actual in zip(carried, ends, running):
                if end:  # a new cell: the empty ones are shared
                    cells[i] = progress.Cell(None, actual, None, "")
        total = progress.total(spec, sub)
        parts.append(Part(key=key, label=label_of(key), cells=cells, total=total, dimension=dimension))
    return parts


def _partner_rows(spec, obs, dates, periods, keys, label_of, row_cells):
    """`_part_rows` of the partners (each observation belongs to its organisation) of an
    indicator whose figures are sums or the latest value: the same cells and totals, written
    out for these rules in one pass over the row's observations and one per period (a
    200-indicator deal has thousands of partner rows, and the general path's calls per row
    cost more than their arithmetic). Levels and milestones: None (the caller takes the
    general path). impact/tests/test_partner_rows.py holds the two to the same figures."""
    mode = progress._mode(spec)
    if spec.kind == IndicatorKind.MILESTONE or mode not in (progress._SUM, progress._RUNNING_SUM,
                                                          progress._LAST):
        return None
    Cell, ZERO, NO_TARGET = progress.Cell, progress.ZERO, Status.NO_TARGET
    running = mode == progress._RUNNING_SUM
    latest = mode == progress._LAST
    # per key: its running sum through each of its observations (by the row's index), the
    # index of its first observation with a value, and its total's sum, count and evidence
    through = [None] * len(obs)
    run, first_valued, sums, count, evidence, last = {}, {}, {}, {}, {}, {}
    for k, o in enumerate(obs):
        key, value = o[4], o[1]
        if running:
            through[k] = run[key] = run.get(key, ZERO) + (ZERO if value is None else value)
        if value is not None:
            sums[key] = sums.get(key, ZERO) + value
            if key not in first_valued:
                first_valued[key] = k
        count[key] = count.get(key, 0) + 1
        evidence[key] = evidence.get(key, 0) + (1 if o[3] else 0)
        last[key] = o
    n = len(periods)
    empty = Cell(None, None, None, "")  # the empty periods of the row's partners share it
    cells = {key: [empty] * n for key in keys}
    row_spans = _spans(dates, periods)
    for i, (first, end) in enumerate(row_spans):
        if first == end:
            continue
        groups = {}
        for k in range(first, end):
            key = obs[k][4]
            g = groups.get(key)
            if g is None:
                groups[key] = [k]
            else:
                g.append(k)
        for key, ks in groups.items():
            actual = None
            if latest:  # the first of those with a value on the latest date (as `max` picks)
                j = len(ks) - 1
                while j >= 0 and obs[ks[j]][1] is None:
                    j -= 1
                if j >= 0:
                    day = obs[ks[j]][0]
                    for m in range(j - 1, -1, -1):
                        if obs[ks[m]][0] != day:
                            break
                        if obs[ks[m]][1] is not None:
                            j = m
                    actual = obs[ks[j]][1]
            elif running:
                if any(obs[k][1] is not None for k in ks):
                    actual = through[ks[-1]]
            else:
                found = [obs[k][1] for k in ks if obs[k][1] is not None]
                if found:
                    actual = sum(found, ZERO)
            cells[key][i] = Cell(None, actual, None, "", len(ks),
                                 sum(1 for k in ks if obs[k][3]))
    if running and spec.adds_up and row_cells:
        # a running figure carried into the row's periods where the key reported nothing new
        places = defaultdict(list)
        for k, o in enumerate(obs):
            places[o[4]].append(k)
        for key in keys:
            own, at = cells[key], places[key]
            for i, c in enumerate(own):
                if c.actual is None and row_cells[i].actual is not None:
                    before = bisect_left(at, row_spans[i][1])
                    if before:
                        has = first_valued.get(key, len(obs)) < row_spans[i][1]
                        own[i] = Cell(None, through[at[before - 1]] if has else None, None, "")
    parts = []
    for key in keys:
        # the total, as `progress.total` gives it: every measurement, or the last one
        if latest:
            o = last[key]
            total = Cell(None, o[1], None, NO_TARGET, 1, 1 if o[3] else 0)
        else:
            total = Cell(None, sums.get(key), None, NO_TARGET, count[key], evidence[key])
        parts.append(Part(key=key, label=label_of(key), cells=cells[key], total=total))
    return parts


NOT_BROKEN_DOWN = "niet uitgesplitst"


def _partners(spec, obs, obs_dates, periods, orgs, names, cells):
    names = names()
    ordered = sorted(orgs, key=lambda k: (k is None, names.get(k, "")))

    def label_of(k):
        return names.get(k, "") if k is not None else gettext("no organisation")

    fast = _partner_rows(spec, obs, obs_dates, periods, ordered, label_of, cells)
    if fast is not None:
        return fast
    return _part_rows(spec, obs, obs_dates, periods, lambda o: [(o.org, o)], ordered, label_of,
                      row_cells=cells)


def _categories(spec, obs, obs_dates, periods, breakdown, parts, cells):
    new, Obs = tuple.__new__, progress.Obs
    result = []
    for dim in well_formed_breakdown(breakdown):
        code = dim["dimension"]
        categories = list(dim.get("categories") or DIMENSIONS.get(code, ("", []))[1])

        def key_of(o, code=code, categories=categories):
            # every measurement gives every category its share (0 where it has none) and the
            # rest to "niet uitgesplitst", so that a level's latest measurement per
            # organisation is the same one in each category
            value = o[1]
            if value is None:
                return []
            values = parts.get(o[5], {}).get(code) or {}
            zero = value - value
            rest = value - sum(values.values(), zero)
            date, status, evidence, org, pk = o[0], o[2], o[3], o[4], o[5]
            # new tuples of the same fields (`_replace` takes several times longer)
            return [(cat, new(Obs, (date, values.get(cat, zero), status, evidence, org, pk)))
                    for cat in categories] + [
                (NOT_BROKEN_DOWN, new(Obs, (date, rest, status, evidence, org, pk)))]

        found = _part_rows(spec, obs, obs_dates, periods, key_of, categories + [NOT_BROKEN_DOWN],
                           lambda k: k, code, row_cells=cells)
        # "niet uitgesplitst" only where something was not broken down (in a period or in total)
        found = [p for p in found
                 if p.key != NOT_BROKEN_DOWN or p.total.actual or any(c.actual for c in p.cells)]
        result.append((code, str(DIMENSIONS.get(code, (code,))[0]), found))
    return result


class Columns(NamedTuple):
    """The periods of a deal's whole performance table: every target period of its indicators
    and a calendar period for counted measurements past them, in order."""

    all_periods: list
    untargeted: list


def performance_layout(deal, scope=IndicatorScope.PERFORMANCE, verified_only=False, places=True,
                       structure=None):
    """([Place] of the deal's indicators in the table's order (none unless `places`), the
    whole table's `Columns`): three queries that read no figures, one with `structure` (what
    `performance_structure` gave, kept)."""
    found, every_target_period = structure or performance_structure(deal, scope, places)
    untargeted = untargeted_periods(every_target_period, _days_outside(deal, scope, every_target_period,
                                                                      verified_only))
    return found, Columns(sorted(every_target_period + untargeted), untargeted)


def performance_table(deal, *, level=None, period=None, scope=IndicatorScope.PERFORMANCE,
                      verified_only=False, indicator=None, deal_columns=False, indicators=None,
                      columns=None):
    """The indicator performance tracking table: indicators by pathway level against periods,
    with target, actual, % met and status per period and in total; per indicator reported by
    several organisations their contributions, and per dimension of its breakdown the values
    per category, which add up to the row's figures. Periods: every target period, and a
    calendar period for measurements in none ("geen doel"). Withdrawn measurements do not
    count; with `verified_only`, only verified ones do. Four queries whatever the size (a fifth,
    the reporting organisations' names, when contributions per partner are asked for). With
    `indicator` (an id): that indicator's row only, with its own periods as the columns (its
    totals are those of its row in the whole table); with `deal_columns` as well, with the
    whole table's columns, read with two more queries (the row is then its row in the whole
    table, cell for cell). With `indicators` (ids) and `columns` (`performance_layout`): the
    rows of those indicators as they are in the whole table."""
    only = indicators if indicators is not None else None if indicator is None else [indicator]
    indicators = _indicators(deal, scope, only)  # (rows are sorted below: no join for the order)
    # The ids as a list, not a subquery: with `indicator_id IN (SELECT id … WHERE deal_id = …)`
    # PostgreSQL scanned all 200,000 indicators of scale L in parallel (25 ms) before it used
    # the measurements' (indicator, date) index; with the ids it goes to that index at once.
    ids = [ind["id"] for ind in indicators]
    observations = _observations_of(ids, verified_only)
    targets, target_periods = _targets(ids)
    # the values per category of the measurements that count, of the indicators with a
    # breakdown (the others have none to look up): asked for always, so a deal with breakdowns
    # takes the same number of queries as one without (a query per feature would make the
    # count depend on the data)
    parts = _parts([ind["id"] for ind in indicators if well_formed_breakdown(ind["breakdown"])],
                   verified_only)

    day = itemgetter(0)
    dates = {ind_id: list(map(day, obs)) for ind_id, obs in observations.items()}
    if columns is None and indicator is not None and deal_columns:
        _none, columns = performance_layout(deal, scope, verified_only, places=False)
    if columns is None:  # the periods of these indicators' targets and measurements
        seen = set()
        for days in dates.values():
            seen.update(days)
        untargeted = untargeted_periods(target_periods, sorted(seen))
        all_periods = sorted(target_periods + untargeted)
    else:
        all_periods, untargeted = columns
    periods = [p for p in all_periods if not period or p.label == period]
    # the column of each target period (k in _targets), None when it is not shown
    column = {p: i for i, p in enumerate(periods)}
    columns = [column.get(p) for p in target_periods]
    no_targets = [None] * len(periods)
    # each period's first and last day, and its last for the chart's series
    bounds = [(p.start, p.end) for p in periods]
    ends = [p.end for p in periods]
    organisation = itemgetter(4)

    @functools.cache
    def names():  # one query, when the first row's partners are asked for
        org_ids = {o[4] for obs in observations.values() for o in obs} - {None}
        return dict(Organisation.objects.filter(pk__in=org_ids).values_list("id", "name")) if org_ids else {}

    rows = []
    for ind in indicators:
        ind_level = ind["element__level"] or ""
        if level and ind_level != level:
            continue
        spec = _spec(ind)
        pk = ind["id"]
        obs = observations.get(pk, [])  # in date order (see _observations)
        obs_dates = dates.get(pk, [])
        wanted = no_targets
        if pk in targets:
            wanted = list(no_targets)
            for k, target in targets[pk].items():
                if columns[k] is not None:
                    wanted[columns[k]] = target
        spans = [(bisect_left(obs_dates, start), bisect_right(obs_dates, end)) for start, end in bounds]
        cells = _cells(spec, obs, obs_dates, periods, wanted, spans)
        total = progress.total(spec, obs, ind["target_value"], ind["target_status"], in_date_order=True)
        row = Row(indicator=ind, level=ind_level, cells=cells, total=total, observations=obs,
                  meaning=spec.meaning if spec.kind == IndicatorKind.NUMERIC else "",
                  adds_up=spec.adds_up, ends=ends)
        orgs = set(map(organisation, obs))
        if len(orgs) > 1:
            row._partners = functools.partial(_partners, spec, obs, obs_dates, periods, orgs, names, cells)
        if well_formed_breakdown(ind["breakdown"]):
            row._categories = functools.partial(_categories, spec, obs, obs_dates, periods, ind["breakdown"],
                                                parts, cells)
        rows.append(row)
    rows.sort(key=lambda r: _order(r.level, r.indicator["name"], r.indicator["id"]))
    present = {r.level for r in rows}
    levels = [lv for lv in Level if lv.value in present]
    return PerformanceTable(periods=periods, rows=rows, levels=levels, all_periods=all_periods,
                            verified_only=verified_only, untargeted=untargeted)


def partners_not_reported(deal_ids, period_start, period_end):
    """{deal id: [{"organisation": {"id", "name", "slug"}, "indicators": [names]}]}: the
    partners of each deal that have reported on some of its performance indicators but not in
    the period [period_start, period_end] (withdrawn measurements do not count). A partner
    that never reported on any indicator is listed with all of them. Three queries, whatever
    the number of deals, partners and indicators. For the indicator pages."""
    found = _not_reported(deal_ids, Q(), Q(date__gte=period_start, date__lte=period_end))
    return {deal_id: [{"organisation": org, "indicators": [name for name, _label in lacking]}
                      for org, lacking in rows] for deal_id, rows in found.items()}


def partners_behind(deal_ids, periods):
    """As `partners_not_reported`, but each indicator in the period of its own reporting
    frequency: `periods` is {frequency: Period}, e.g. the last ended month, quarter, half year
    and year. Indicators of another frequency, and of a deal signed after the period ended,
    are not asked for. {deal id: [{"organisation", "indicators": [{"name", "period"}]}]}. Three
    queries. For Mijn deals."""
    asked, in_period = Q(pk__in=[]), Q(pk__in=[])
    for frequency, period in periods.items():
        started = Q(deal__signing_date__isnull=True) | Q(deal__signing_date__lte=period.end)
        asked |= Q(frequency=frequency) & started
        in_period |= Q(indicator__frequency=frequency, date__gte=period.start, date__lte=period.end)
    labels = {frequency: period.label for frequency, period in periods.items()}
    found = _not_reported(deal_ids, asked, in_period, labels)
    return {deal_id: [{"organisation": org,
                       "indicators": [{"name": name, "period": label} for name, label in lacking]}
                      for org, lacking in rows] for deal_id, rows in found.items()}


def _not_reported(deal_ids, asked, in_period, labels=None):
    """{deal id: [(organisation, [(indicator name, period label)])]}: per deal, its partners
    (name order) that have no counted measurement `in_period` for the performance indicators
    `asked` that they report on (all of them when they never reported on any)."""
    from dealmonitor.deals.models import Participation

    partners = defaultdict(list)
    for deal_id, org_id, name, slug in (
        Participation.objects.filter(deal_id__in=deal_ids)
        .order_by("organisation__name")
        .values_list("deal_id", "organisation_id", "organisation__name", "organisation__slug")
    ):
        partners[deal_id].append({"id": org_id, "name": name, "slug": slug})
    indicators = defaultdict(dict)
    for pk, deal_id, name, frequency in Indicator.objects.filter(
        asked, deal_id__in=deal_ids, scope=IndicatorScope.PERFORMANCE
    ).values_list("id", "deal_id", "name", "frequency"):
        indicators[deal_id][pk] = (name, (labels or {}).get(frequency, ""))
    reported_ever = defaultdict(set)  # (deal, org) -> indicator ids
    reported_now = set()  # (indicator, org)
    for ind_id, deal_id, org_id, n_in_period in (
        counted_measurements().filter(indicator__deal_id__in=deal_ids,
                                      indicator__scope=IndicatorScope.PERFORMANCE,
                                      reporting_organisation__isnull=False)
        .values_list("indicator_id", "indicator__deal_id", "reporting_organisation_id")
        .annotate(in_period=Count("id", filter=in_period))
        .order_by()
    ):
        reported_ever[(deal_id, org_id)].add(ind_id)
        if n_in_period:
            reported_now.add((ind_id, org_id))
    result = {}
    for deal_id in deal_ids:
        missing = []
        asked_here = indicators[deal_id]
        for org in partners.get(deal_id, []):
            own = (reported_ever.get((deal_id, org["id"])) or set(asked_here)) & set(asked_here)
            lacking = sorted(asked_here[i] for i in own if (i, org["id"]) not in reported_now)
            if lacking:
                missing.append((org, lacking))
        result[deal_id] = missing
    return result


def indicator_progress(deal_ids, verified_only=False):
    """{deal id: its performance indicators, each {"indicator", "total", "measurements",
    "evidence"}}: progress against the end target by the rules of the performance table, and
    how many measurements carry evidence (withdrawn ones do not count; with `verified_only`,
    only verified ones do). Two queries, whatever the number of deals."""
    indicators = Indicator.objects.filter(deal_id__in=deal_ids, scope=IndicatorScope.PERFORMANCE)
    observations = _observations(indicators.values("id"), verified_only)
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


class StatusRow(NamedTuple):
    """An indicator against its end target, as the dashboard lists it."""

    id: int
    name: str
    is_example: bool
    level: str
    percent: object
    status: str


@dataclass
class Dashboard:
    # each indicator's end figure, not the table: a template's context refers to itself, and
    # a table in it (some 11,000 objects for 200 indicators) lived until the garbage collector
    # found the cycle
    rows: list
    status_counts: dict
    latest: list
    evidence: dict
    elements_by_level: list
    population: list
    # the latest period that has begun, and the partners that have not reported on it
    current_period: object = None
    not_reported: list = field(default_factory=list)


def evidence_coverage(deal, elements=None):
    """Per level (outputs, outcomes): how many elements of the pathway have at least one
    counted measurement with evidence on one of their indicators, and which do not.
    `elements`: the pathway's elements as `dashboard` reads them, when the caller has them."""
    if elements is None:
        elements = list(Element.objects.filter(pathway__deal=deal).values("id", "level", "title"))
    covered = set(
        Measurement.objects.filter(
            indicator__deal=deal, indicator__element__level__in=[Level.OUTPUT, Level.OUTCOME],
            withdrawn=False,
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
    return coverage


def dashboard(deal):
    """The deal at a glance: pathway, indicators by status, latest measurements and evidence
    coverage of outputs and outcomes."""
    table = performance_table(deal)
    elements = list(
        Element.objects.filter(pathway__deal=deal).values("id", "level", "title", "is_active_ingredient")
    )
    by_level = [(lv, [e for e in elements if e["level"] == lv.value]) for lv in Level]
    latest = list(
        Measurement.objects.filter(indicator__deal=deal, withdrawn=False)
        .select_related("indicator", "reporting_organisation")
        .order_by("-date", "-id")[:10]
    )
    coverage = evidence_coverage(deal, elements)
    population = list(indicators_for(deal, IndicatorScope.POPULATION).order_by("name"))
    today = dt.date.today()
    begun = [p for p in table.all_periods if p.start <= today]
    current = max(begun, key=lambda p: (p.start, -p.end.toordinal())) if begun else None
    not_reported = (partners_not_reported([deal.pk], current.start, current.end)[deal.pk]
                    if current else [])
    rows = [StatusRow(r.indicator["id"], r.indicator["name"], r.indicator["is_example"], r.level,
                      r.total.percent, r.total.status) for r in table.rows]
    return Dashboard(
        rows=rows, status_counts=table.status_counts, latest=latest, evidence=coverage,
        elements_by_level=by_level, population=population, current_period=current,
        not_reported=not_reported,
    )
