"""`dealmonitor bench_import`: a spreadsheet of 100,000 measurement rows (50 indicators of one
deal) imported the way the import page and `dealmonitor import` do it: read the .xlsx, check
every row, write every measurement with its history row, in one transaction.

Target (issue 20): checked and written at 10,000 rows/s or more. Each run is rolled back, so
runs measure the same work; the figures are medians over the runs, in wall-clock time and in
the CPU time of the Python process (on a busy machine the wall clock also counts waiting for
a core and for the database server). On PostgreSQL the write includes the foreign-key checks a
commit would run (they are deferred), so the rollback does not flatter it."""

import datetime as dt
import os
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.db import connection, transaction
from openpyxl import Workbook

TARGET_ROWS_PER_S = 10_000
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


class _Rollback(Exception):
    pass


def _server_cpu():
    """CPU seconds the PostgreSQL backend of this connection has used, when the server runs
    on this machine and its /proc is readable; else None. With the Python process's CPU it
    tells what the import costs on an idle machine, whatever the load while measuring."""
    if connection.vendor != "postgresql":
        return None
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return None


def _deal():
    from dealmonitor.deals.models import Deal
    from dealmonitor.impact import services as impact_services
    from dealmonitor.utils.partial_dates import Precision

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
    return deal, names


def _once(data, name, rows):
    from dealmonitor.impact.models import Measurement

    from .checking import check_parts
    from .jobs import workbook_parts
    from .reading import read_spreadsheet
    from .services import import_checked

    out = {}
    try:
        with transaction.atomic():
            deal, _names = _deal()
            server = [_server_cpu()]
            clock = [(time.perf_counter(), time.process_time())]
            sheets = read_spreadsheet(data, name)
            clock.append((time.perf_counter(), time.process_time()))
            server.append(_server_cpu())
            result = check_parts(None, workbook_parts(sheets), previews=False)
            assert not result.problems, result.problems[:5]
            clock.append((time.perf_counter(), time.process_time()))
            server.append(_server_cpu())
            import_checked(actor=None, result=result)
            if connection.vendor == "postgresql":
                # the foreign keys are checked at commit (DEFERRABLE INITIALLY DEFERRED); the
                # run is rolled back, so they are checked here, inside the time of the write
                with connection.cursor() as cursor:
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            clock.append((time.perf_counter(), time.process_time()))
            server.append(_server_cpu())
            written = Measurement.objects.filter(indicator__deal=deal).count()
            history = Measurement.history.filter(indicator__deal=deal, history_change_reason="import").count()
            assert written == rows and history == rows, (written, history)
            for i, step in enumerate(("read", "check", "write")):
                out[f"{step}_s"] = clock[i + 1][0] - clock[i][0]
                out[f"{step}_cpu_s"] = clock[i + 1][1] - clock[i][1]
                if None not in server:
                    out[f"{step}_server_cpu_s"] = server[i + 1] - server[i]
            raise _Rollback
    except _Rollback:
        pass
    return out


def worker(options):
    rows, repeat = options["rows"], options.get("repeat", 3)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "metingen.xlsx"
        try:
            with transaction.atomic():
                _deal_obj, names = _deal()
                raise _Rollback
        except _Rollback:
            pass
        _sheet(path, rows, names)
        data = path.read_bytes()
        runs = [_once(data, path.name, rows) for _ in range(repeat)]
    median = {key: round(statistics.median(r[key] for r in runs), 2) for key in runs[0]}
    return {"vendor": connection.vendor, "rows": rows, "runs": repeat,
            "file_mb": round(len(data) / 1e6, 1), **median}


def report(results, write):
    write(f"Spreadsheet import: {results[0]['rows']:,} measurement rows "
          f"({results[0]['file_mb']} MB .xlsx), {INDICATORS} indicators of one deal; "
          f"medians of {results[0]['runs']} runs, each rolled back")
    write(f"{'database':<11} {'read s':>7} {'check s':>8} {'write s':>8} {'check+write rows/s':>19} "
          f"{'with reading':>13} {'(CPU s: read':>13} {'check':>6} {'write)':>7}")
    verdicts = []
    for r in results:
        rate = r["rows"] / max(r["check_s"] + r["write_s"], 1e-9)
        whole = r["rows"] / max(r["read_s"] + r["check_s"] + r["write_s"], 1e-9)
        verdicts.append(rate >= TARGET_ROWS_PER_S)
        write(f"{r['vendor']:<11} {r['read_s']:>7.2f} {r['check_s']:>8.2f} {r['write_s']:>8.2f} "
              f"{rate:>19,.0f} {whole:>13,.0f} {r['read_cpu_s']:>13.2f} {r['check_cpu_s']:>6.2f} "
              f"{r['write_cpu_s']:>7.2f}")
    for r in results:
        if "write_server_cpu_s" in r:
            cpu = sum(r[f"{step}_cpu_s"] + r[f"{step}_server_cpu_s"] for step in ("check", "write"))
            write(f"{r['vendor']}: CPU of Python and the database server for check+write "
                  f"{cpu:.2f} s ({r['rows'] / cpu:,.0f} rows/s if nothing else ran; server CPU: "
                  f"check {r['check_server_cpu_s']:.2f} s, write {r['write_server_cpu_s']:.2f} s)")
    write(f"load average at the end: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
          "(wall clock counts waiting for a core; the CPU seconds do not)")
    verdict = all(verdicts)
    write(f"target: checked and written at {TARGET_ROWS_PER_S:,} rows/s or more on every database: "
          f"{'met' if verdict else 'NOT met'}")
    return verdict
