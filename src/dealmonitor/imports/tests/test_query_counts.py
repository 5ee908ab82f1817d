"""Imports without N+1: the number of queries of an import does not grow with its rows.

- the deal import (`deals.services.import_portfolio`, what `dealmonitor import` and the demo
  load run): the 26 demo deals in at most 300 queries, into an empty database and again;
- a spreadsheet of measurements, checked and written: the same queries for 40 rows as for
  400.

(On PostgreSQL bulk rows go by COPY, which Django's query log does not see; on SQLite every
batch is one counted statement. The counts hold on both.)"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook

from dealmonitor.deals.constants import DealStatus
from dealmonitor.deals.models import Deal, Source, Theme
from dealmonitor.organisations.models import Organisation, Person
from dealmonitor.deals.services import import_portfolio
from dealmonitor.deals.tests.factories import DealFactory
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.models import Measurement
from dealmonitor.imports.checking import check_parts
from dealmonitor.imports.jobs import workbook_parts
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import import_checked
from dealmonitor.utils.partial_dates import Precision

pytestmark = pytest.mark.django_db

PHASE_QUERIES = 6  # a finished deal enters its last phase: a phase change and the deal, with history


def _queries(fn):
    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def _finished(records):
    return sum(1 for r in records if r.status.value == DealStatus.AFGEROND)


def _empty():
    Deal.objects.all().delete()
    Organisation.objects.all().delete()
    Person.objects.all().delete()
    Source.objects.all().delete()
    Theme.objects.all().delete()


def test_the_deal_import_does_not_grow_a_query_per_row(demo_records):
    half = demo_records[:13]
    counts = {}
    for name, records in (("half", half), ("all", demo_records)):
        _empty()
        counts[name] = _queries(lambda: import_portfolio(actor=None, records=records))
        counts[name + " again"] = _queries(lambda: import_portfolio(actor=None, records=records))
    assert counts["all"] <= 300, counts
    # twice the deals, partners, facts and sources: no more queries, but for the phase of a
    # finished deal
    assert counts["all"] - counts["half"] <= PHASE_QUERIES * (_finished(demo_records) - _finished(half)), counts
    # a second import reads and changes nothing: the same queries for 13 deals as for 26
    assert counts["all again"] == counts["half again"], counts


def test_all_26_demo_deals_into_an_empty_database_in_at_most_300_queries(demo_records):
    assert _queries(lambda: import_portfolio(actor=None, records=demo_records)) <= 300


def _sheet(deal, names, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "Metingen"
    ws.append(["deal_id", "indicator", "datum", "waarde", "bron", "verificatie"])
    for k in range(rows):
        ws.append([deal.slug, names[k % len(names)], dt.date(2022, 1, 1) + dt.timedelta(days=k),
                   k / 4, "telling", "zelfgerapporteerd"])
    out = io.BytesIO()
    wb.save(out)
    return read_spreadsheet(out.getvalue(), "metingen.xlsx")


def test_checking_and_writing_measurements_takes_the_same_queries_for_ten_times_the_rows():
    deal = DealFactory(slug="cd-tellen", signing_date=dt.date(2022, 1, 1), signing_date_precision=Precision.DAY,
                       end_date=dt.date(2030, 1, 1), end_date_precision=Precision.YEAR)
    names = [impact_services.save_indicator(actor=None, deal=deal, name=f"Indicator {i}", unit="stuks",
                                            target_value=Decimal(100)).name for i in range(4)]
    counts = []
    for rows in (40, 400):
        sheets = _sheet(deal, names, rows)

        def run():
            result = check_parts(None, workbook_parts(sheets), previews=False)
            assert result.ok, [str(p) for p in result.problems[:3]]
            import_checked(actor=None, result=result)

        Measurement.objects.all().delete()
        counts.append(_queries(run))
        assert Measurement.objects.count() == rows
    assert counts[0] == counts[1], counts
