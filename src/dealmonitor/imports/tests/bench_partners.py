"""Figures, not a test (not collected: run it by its path): the queries and the time of checking
and writing a Partners sheet of 5 to 400 rows (every other row an organisation registered
beside 10,000 others, every other one new), by a deal team member, whose every reference is
checked. Prints per size the queries (the same every run) and the median and slowest of the
runs in ms:

    PYTHONPATH=src DJANGO_SETTINGS_MODULE=dealmonitor.conf.ci \\
        pytest -n 0 -s src/dealmonitor/imports/tests/bench_partners.py

(add DATABASE_URL=postgres://… for PostgreSQL). See docs/performance.md."""

import statistics
import time

import pytest
from django.db import connection

from dealmonitor.deals import rules as deal_rules
from dealmonitor.imports.checking import check_parts
from dealmonitor.imports.jobs import workbook_parts
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import import_checked
from dealmonitor.organisations.models import Organisation

from .conftest import xlsx

pytestmark = pytest.mark.django_db

SIZES = (5, 20, 40, 80, 400)
REPEAT = 5
REGISTERED = 10_000


def _sheet(rows, start):
    out = [["deal_id", "organisatie_id", "organisatie_naam", "organisatie_type", "soort_deelname"]]
    for k in range(start, start + rows):
        kind, name = ("bestaand", "Bestaande") if k % 2 == 0 else ("nieuw", "Nieuwe")
        out.append(["cd-proef", f"{kind}-{k}", f"{name} Stichting {k}", "maatschappelijke organisatie",
                    "partner"])
    return read_spreadsheet(xlsx({"Partners": out}), "partners.xlsx")


class _Counter:
    """Counts the statements sent, as CaptureQueriesContext does, but past the 9,000 its log
    keeps."""

    def __init__(self):
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def test_partners_sheet_figures(deal, team_user):
    Organisation.objects.bulk_create([
        Organisation(slug=f"bestaand-{k}", name=f"Bestaande Stichting {k}",
                     type="maatschappelijke organisatie", name_key=f"bestaande stichting {k}")
        for k in range(0, 2 * REGISTERED, 2)])
    deal_rules.deal_roles(team_user, deal)  # read once per user
    start = 0
    figures = {}
    for _run in range(REPEAT):
        for rows in SIZES:
            sheets = _sheet(rows, start)
            start += rows + rows % 2
            counter = _Counter()
            began = time.perf_counter()
            with connection.execute_wrapper(counter):
                result = check_parts(team_user, workbook_parts(sheets), previews=False)
                assert result.ok, [str(p) for p in result.problems[:3]]
                import_checked(actor=team_user, result=result)
            ms = (time.perf_counter() - began) * 1000
            figures.setdefault(rows, []).append((counter.count, ms))
    for rows, runs in figures.items():
        queries = sorted({q for q, _ms in runs})
        times = [ms for _q, ms in runs]
        print(f"partners {connection.vendor} rows={rows} queries={'/'.join(map(str, queries))} "
              f"median={statistics.median(times):.0f} ms slowest={max(times):.0f} ms")
