"""A synthetic indicator set for one deal, the size of the peer tool's benchmark: N indicators
with quarterly targets and about 7.5 measurements per indicator. Used by the query-count tests
and by `dealmonitor bench iptt`; written with bulk inserts (it is test data, not user input)."""

import datetime as dt
import random
from decimal import Decimal

from .constants import Aggregation, Direction, IndicatorKind, IndicatorScope, Level
from .models import Element, Indicator, Measurement, Pathway, Target
from .periods import calendar_periods

LEVELS = [Level.OUTPUT, Level.OUTCOME, Level.IMPACT]


def build(deal, *, indicators=200, quarters=12, measurements=1500, seed=7):
    rng = random.Random(seed)
    pathway, _ = Pathway.objects.get_or_create(deal=deal)
    elements = Element.objects.bulk_create([
        Element(pathway=pathway, level=level, title=f"{level.label} {i}", order=i)
        for i, level in enumerate(LEVELS, start=1)
    ])
    start = dt.date(2023, 1, 1)
    periods = calendar_periods(start, dt.date(2023 + (quarters - 1) // 4, 12, 31), "kwartaal")[:quarters]
    kinds = [IndicatorKind.NUMERIC, IndicatorKind.NUMERIC, IndicatorKind.PERCENTAGE, IndicatorKind.MILESTONE]
    aggregations = list(Aggregation)
    created = Indicator.objects.bulk_create([
        Indicator(
            deal=deal, element=elements[i % len(elements)], name=f"Indicator {i:04d}",
            kind=kinds[i % len(kinds)], unit="stuks",
            direction=Direction.LOWER if i % 5 == 0 else Direction.HIGHER,
            aggregation=aggregations[i % len(aggregations)],
            baseline_value=Decimal(10) if kinds[i % len(kinds)] != IndicatorKind.MILESTONE else None,
            target_value=Decimal(50) if kinds[i % len(kinds)] != IndicatorKind.MILESTONE else None,
            target_status="gerealiseerd" if kinds[i % len(kinds)] == IndicatorKind.MILESTONE else "",
            scope=IndicatorScope.PERFORMANCE, is_example=True,
        )
        for i in range(indicators)
    ])
    targets = []
    for ind in created:
        for n, p in enumerate(periods, start=1):
            if ind.kind == IndicatorKind.MILESTONE:
                targets.append(Target(indicator=ind, period_start=p.start, period_end=p.end,
                                      label=p.label, status="gestart" if n < quarters else "gerealiseerd"))
            else:
                targets.append(Target(indicator=ind, period_start=p.start, period_end=p.end,
                                      label=p.label, value=Decimal(min(100, 10 + 4 * n))))
    Target.objects.bulk_create(targets, batch_size=2000)
    span = (periods[-1].end - periods[0].start).days
    rows = []
    for k in range(measurements):
        ind = created[k % len(created)]
        day = periods[0].start + dt.timedelta(days=rng.randrange(span))
        if ind.kind == IndicatorKind.MILESTONE:
            rows.append(Measurement(indicator=ind, date=day, status=rng.choice(ind.statuses), is_example=True))
        else:
            rows.append(Measurement(indicator=ind, date=day, value=Decimal(rng.randrange(0, 100)),
                                    evidence_url="https://example.org/bewijs" if k % 3 == 0 else "",
                                    is_example=True))
    Measurement.objects.bulk_create(rows, batch_size=2000)
    return created
