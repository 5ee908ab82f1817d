"""The contributions per partner: the performance table computes them for sums and latest
values by a path of their own (selectors._partner_rows, for speed). It must give the same
cells and totals as the general path, which applies the progress rules to each partner's own
measurements (selectors._part_rows), whatever the measurements, periods and rules."""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from dealmonitor.impact import progress, selectors
from dealmonitor.impact.constants import Aggregation, Direction, IndicatorKind, Meaning
from dealmonitor.impact.periods import Period, calendar_periods

values = st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False,
                                          allow_infinity=False))
days = st.dates(min_value=dt.date(2022, 10, 1), max_value=dt.date(2026, 3, 31))
observations = st.lists(st.tuples(days, values, st.booleans(), st.sampled_from([1, 2, 3, None])),
                        max_size=30)
QUARTERS = calendar_periods(dt.date(2023, 1, 1), dt.date(2025, 12, 31), "kwartaal")
# overlapping periods: quarters and the years they make up
WITH_YEARS = sorted(QUARTERS + [Period(dt.date(y, 1, 1), dt.date(y, 12, 31), str(y)) for y in (2023, 2024)])


def _cell(c):
    return (repr(c.target), repr(c.actual), repr(c.percent), c.status, c.count, c.evidence, c.target_status,
            c.actual_status)  # repr: the same figures to the last decimal shown


@settings(max_examples=100, deadline=None)
@given(
    raw=observations,
    kind=st.sampled_from([IndicatorKind.NUMERIC, IndicatorKind.PERCENTAGE]),
    aggregation=st.sampled_from(list(Aggregation)),
    meaning=st.sampled_from(list(Meaning)),
    periods=st.sampled_from([QUARTERS, WITH_YEARS, QUARTERS[2:7]]),
)
def test_partner_rows_are_the_rules_applied_to_each_partners_measurements(raw, kind, aggregation,
                                                                           meaning, periods):
    spec = progress.Spec(kind=kind, direction=Direction.HIGHER, aggregation=aggregation, meaning=meaning)
    obs = sorted(((day, value, "", evidence, org, n) for n, (day, value, evidence, org) in enumerate(raw)),
                 key=lambda o: (o[0], o[5]))
    obs = [progress.Obs(*o) for o in obs]
    dates = [o[0] for o in obs]
    row_cells = selectors._cells(spec, obs, dates, periods, [None] * len(periods))
    keys = sorted({o.org for o in obs}, key=lambda k: (k is None, k or 0))

    def label(k):
        return str(k)

    fast = selectors._partner_rows(spec, obs, dates, periods, keys, label, row_cells)
    general = selectors._part_rows(spec, obs, dates, periods, lambda o: [(o.org, o)], keys, label,
                                   row_cells=row_cells)
    if fast is None:  # levels that add up: only the general path
        assert spec.is_level and spec.adds_up
        return
    assert [(p.key, p.label, p.dimension, [_cell(c) for c in p.cells], _cell(p.total)) for p in fast] == [
        (p.key, p.label, p.dimension, [_cell(c) for c in p.cells], _cell(p.total)) for p in general]
