"""`dealmonitor bench iptt`: the indicator performance table of one deal with 200 indicators,
12 quarterly targets each and 1,500 measurements (the data set of the peer tool's figures:
1.1 to 1.4 s and 406 queries on this machine class). Target: at most 60 ms median."""

from django.db import connection
from django.test import Client
from django.urls import reverse

from dealmonitor.utils.bench import timed
from dealmonitor.utils.queries import count_queries

PEER_MS = (1100, 1400)
PEER_QUERIES = 406
TARGET_MS = 60


def worker(options):
    from dealmonitor.deals.models import Deal

    from . import selectors, synthetic
    from .models import Measurement, Target

    deal = Deal.objects.create(slug="cd-bench", name="City Deal Benchmark", kind="city_deal")
    synthetic.build(deal, indicators=options["indicators"], quarters=12,
                    measurements=options["measurements"])
    repeat = options["repeat"]
    with count_queries() as ctx:
        table = selectors.performance_table(deal)
    assert len(table.rows) == options["indicators"]
    selector = timed(lambda: selectors.performance_table(deal), repeat=repeat)

    client = Client(HTTP_HOST="127.0.0.1")
    path = reverse("impact:performance", kwargs={"slug": deal.slug})
    with count_queries() as page_ctx:
        assert client.get(path).status_code == 200
    page = timed(lambda: client.get(path), repeat=max(5, repeat // 3))

    ids = list(deal.indicators.values_list("id", flat=True))

    def floor():
        # The bare SQL that returns the same figures: the three result sets, nothing built.
        list(deal.indicators.values_list("id", "name", "kind", "aggregation", "target_value"))
        list(Measurement.objects.filter(indicator_id__in=ids).values_list("indicator_id", "date", "value", "status"))
        list(Target.objects.filter(indicator_id__in=ids).values_list("indicator_id", "period_start", "period_end", "value"))

    sql_floor = timed(floor, repeat=repeat)
    return {
        "vendor": connection.vendor,
        "indicators": options["indicators"],
        "targets": Target.objects.filter(indicator__deal=deal).count(),
        "measurements": Measurement.objects.filter(indicator__deal=deal).count(),
        "table": {**selector, "queries": ctx.count},
        "page": {**page, "queries": page_ctx.count},
        "sql_floor": sql_floor,
    }


def report(results, write):
    write("Indicator performance table: 1 deal, "
          f"{results[0]['indicators']} indicators, {results[0]['targets']} targets, "
          f"{results[0]['measurements']} measurements")
    write(f"{'database':<11} {'what':<26} {'median ms':>10} {'p95 ms':>8} {'queries':>8} {'vs floor':>9} {'peer/ours':>10}")
    for r in results:
        floor = r["sql_floor"]["median_ms"]
        for label, key in (("table (selector)", "table"), ("page (HTML, 200 rows)", "page")):
            m = r[key]
            write(f"{r['vendor']:<11} {label:<26} {m['median_ms']:>10.1f} {m['p95_ms']:>8.1f} "
                  f"{m['queries']:>8} {m['median_ms'] / floor:>8.1f}x "
                  f"{PEER_MS[0] / m['median_ms']:>5.0f}-{PEER_MS[1] / m['median_ms']:.0f}x")
        write(f"{r['vendor']:<11} {'bare SQL floor':<26} {floor:>10.1f} {r['sql_floor']['p95_ms']:>8.1f} {3:>8}")
    verdict = all(r["table"]["median_ms"] <= TARGET_MS for r in results)
    write(f"target: table median <= {TARGET_MS} ms on every database: {'met' if verdict else 'NOT met'}; "
          f"peer tool: {PEER_MS[0]}-{PEER_MS[1]} ms and {PEER_QUERIES} queries")
    return verdict
