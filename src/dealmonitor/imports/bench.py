"""`dealmonitor bench_import`: a spreadsheet of 100,000 measurement rows (50 indicators of one
deal) imported the way the import page and `dealmonitor import` do it: read the .xlsx, check
every row, write every measurement with its history row, in one transaction.
Target: at most 20 s from file to committed rows."""

import datetime as dt
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.db import connection
from openpyxl import Workbook

TARGET_S = 20
INDICATORS = 50


def _sheet(path, rows, names):
    rng = random.Random(11)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Metingen")
    ws.append(["deal_id", "indicator", "datum", "waarde", "bron", "verificatie"])
    start = dt.date(2022, 1, 1)
    for k in range(rows):
        ws.append(["cd-bench-import", names[k % len(names)], start + dt.timedelta(days=k % 1400),
                   rng.randrange(0, 10_000) / 10, "benchmark", "zelfgerapporteerd"])
    wb.save(path)


def worker(options):
    from dealmonitor.deals.models import Deal
    from dealmonitor.impact import services as impact_services
    from dealmonitor.impact.models import Measurement
    from dealmonitor.utils.partial_dates import Precision

    from .checking import check_parts
    from .jobs import workbook_parts
    from .reading import read_spreadsheet
    from .services import import_checked

    rows = options["rows"]
    deal = Deal.objects.create(
        slug="cd-bench-import", name="City Deal Importbenchmark", kind="city_deal",
        signing_date=dt.date(2022, 1, 1), signing_date_precision=Precision.DAY,
        end_date=dt.date(2026, 1, 1), end_date_precision=Precision.YEAR,
    )
    names = [
        impact_services.save_indicator(actor=None, deal=deal, name=f"Indicator {i:02d}",
                                       unit="stuks", target_value=Decimal(1000)).name
        for i in range(INDICATORS)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "metingen.xlsx"
        _sheet(path, rows, names)
        size = path.stat().st_size
        t0 = time.perf_counter()
        sheets = read_spreadsheet(path.read_bytes(), path.name)
        t1 = time.perf_counter()
        result = check_parts(None, workbook_parts(sheets), previews=False)
        assert not result.problems, result.problems[:5]
        t2 = time.perf_counter()
        import_checked(actor=None, result=result)
        t3 = time.perf_counter()
    written = Measurement.objects.filter(indicator__deal=deal).count()
    history = Measurement.history.filter(indicator__deal=deal, history_change_reason="import").count()
    assert written == rows and history == rows, (written, history)
    return {
        "vendor": connection.vendor, "rows": rows, "file_mb": round(size / 1e6, 1),
        "read_s": round(t1 - t0, 2), "check_s": round(t2 - t1, 2), "write_s": round(t3 - t2, 2),
        "total_s": round(t3 - t0, 2), "measurements": written, "history_rows": history,
    }


def report(results, write):
    write(f"Spreadsheet import: {results[0]['rows']:,} measurement rows "
          f"({results[0]['file_mb']} MB .xlsx), {INDICATORS} indicators of one deal")
    write(f"{'database':<11} {'read s':>7} {'check s':>8} {'write s':>8} {'total s':>8} "
          f"{'rows/s':>8} {'history rows':>13}")
    for r in results:
        write(f"{r['vendor']:<11} {r['read_s']:>7.2f} {r['check_s']:>8.2f} {r['write_s']:>8.2f} "
              f"{r['total_s']:>8.2f} {r['rows'] / r['total_s']:>8.0f} {r['history_rows']:>13,}")
    verdict = all(r["total_s"] <= TARGET_S for r in results)
    write(f"target: {results[0]['rows']:,} rows in at most {TARGET_S} s on every database: "
          f"{'met' if verdict else 'NOT met'}")
    return verdict
