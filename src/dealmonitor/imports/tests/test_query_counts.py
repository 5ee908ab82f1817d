"""Imports without N+1: the number of queries of an import does not grow with its rows.

- the deal import (`deals.services.import_portfolio`, what `dealmonitor import` and the demo
  load run): the 26 demo deals in at most 300 queries, into an empty database and again;
- a spreadsheet of measurements, checked and written: the same queries for 40 rows as for
  400.

(On PostgreSQL bulk rows go by COPY, which Django's query log does not see, and their history
rows by one INSERT … SELECT per batch; on SQLite every batch is one counted statement. The
counts hold on both.)"""

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


# A fuller sheet: a reporting organisation, a note, a verification state and a breakdown per
# measurement (category rows), so every per-row path of the check and the write is counted.

def _full_sheet(deal, org, names, rows):
    wb = Workbook()
    ws = wb.active
    ws.title = "Metingen"
    ws.append(["deal_id", "indicator", "datum", "waarde", "bron", "organisatie_id", "verificatie",
               "betrouwbaarheid", "toelichting", "dimensie", "categorie"])
    for k in range(rows):
        day = dt.date(2022, 1, 1) + dt.timedelta(days=k)
        name = names[k % len(names)]
        ws.append([deal.slug, name, day, 10 + k % 7, "telling", org.slug, "zelfgerapporteerd",
                   "hoog", f"meting {k}", None, None])
        if k % 2 == 0:  # every other measurement split over the two municipalities
            for town, part in (("Utrecht", 4), ("Zeist", 6 + k % 7)):
                ws.append([deal.slug, name, day, part, None, org.slug, None, None, None,
                           "gemeente", town])
    out = io.BytesIO()
    wb.save(out)
    return read_spreadsheet(out.getvalue(), "metingen.xlsx")


@pytest.fixture
def counted_deal():
    from dealmonitor.deals.tests.factories import ParticipationFactory

    deal = DealFactory(slug="cd-tellen", signing_date=dt.date(2022, 1, 1), signing_date_precision=Precision.DAY,
                       end_date=dt.date(2030, 1, 1), end_date_precision=Precision.YEAR)
    org = ParticipationFactory(deal=deal).organisation
    names = [impact_services.save_indicator(
        actor=None, deal=deal, name=f"Indicator {i}", unit="stuks", target_value=Decimal(100),
        whole_numbers=True, breakdown=[{"dimension": "gemeente", "categories": ["Utrecht", "Zeist"]}],
    ).name for i in range(5)]
    return deal, org, names


def _check_and_write(sheets):
    result = check_parts(None, workbook_parts(sheets), previews=False)
    assert result.ok, [str(p) for p in result.problems[:3]]
    import_checked(actor=None, result=result)


def test_measurements_with_organisations_and_breakdowns_take_the_same_queries_for_1000_rows_as_for_100(
        counted_deal):
    from dealmonitor.impact.models import MeasurementPart

    deal, org, names = counted_deal
    counts = {}
    for rows in (100, 1000):
        sheets = _full_sheet(deal, org, names, rows)
        Measurement.objects.all().delete()
        counts[rows] = _queries(lambda: _check_and_write(sheets))
        assert Measurement.objects.filter(reporting_organisation=org).count() == rows
        assert MeasurementPart.objects.count() == rows  # two parts for every other row
        assert Measurement.history.filter(history_change_reason="import").count() >= rows
    assert counts[100] == counts[1000], counts


def test_beyond_one_batch_the_queries_grow_by_a_fixed_number_per_batch(counted_deal, monkeypatch):
    """The write goes in batches of IMPORT_BATCH rows (5,000); each batch costs a fixed number
    of queries: on SQLite the new keys (two) and one statement each for the rows and their
    history rows; on PostgreSQL the new keys and the history rows, copied from the rows by the
    database (the rows go by COPY, which the query log does not see). Here with batches of 100,
    so 1,000 measurements (and their 1,000 parts) are ten batches each."""
    deal, org, names = counted_deal
    per_batch = 4 if connection.vendor == "sqlite" else 2
    monkeypatch.setattr(impact_services, "IMPORT_BATCH", 100)
    counts = {}
    for rows in (100, 1000):
        sheets = _full_sheet(deal, org, names, rows)
        Measurement.objects.all().delete()
        counts[rows] = _queries(lambda: _check_and_write(sheets))
    # nine more batches of measurements and nine more of their parts (two parts for every
    # other measurement: as many parts as measurements)
    assert counts[1000] - counts[100] == per_batch * (9 + 9), counts


# The register around a file: what an import reads of the shared tables (organisations,
# people, sources, themes) depends on what the file names, not on how many rows the register
# holds (at scale L the deal import read all 100,000 organisations and 30,000 people to
# import 26 deals).

def _register(n):
    """`n` organisations, people, sources and themes that no demo deal names."""
    orgs = [Organisation(slug=f"elders-{k}", name=f"Elders Organisatie {k}", type="bedrijf")
            for k in range(n)]
    for org in orgs:
        org.refresh_identity()
    Organisation.objects.bulk_create(orgs)
    Person.objects.bulk_create([Person(slug=f"iemand-elders-{k}") for k in range(n)])
    Source.objects.bulk_create([Source(reference=f"https://elders.example/{k}") for k in range(n)])
    Theme.objects.bulk_create([Theme(name=f"elders {k}") for k in range(n)])


def _rows_read(fn):
    """(queries, {model name: instances read from the database}) while `fn` runs."""
    from django.db.models.signals import post_init

    instances = []
    post_init.connect(lambda sender, instance, **kw: instances.append(instance), weak=False,
                      dispatch_uid="rows-read")
    try:
        queries = _queries(fn)
    finally:
        post_init.disconnect(dispatch_uid="rows-read")
    made = {}
    for instance in instances:  # from_db marks an instance as read after its __init__
        if not instance._state.adding:
            made[type(instance).__name__] = made.get(type(instance).__name__, 0) + 1
    return queries, made


@pytest.mark.parametrize("again", [False, True], ids=["into an empty register", "a second time"])
def test_the_deal_import_reads_only_the_shared_rows_its_file_names(demo_records, again):
    runs = {}
    for size in (0, 300):
        _empty()
        _register(size)
        if again:
            import_portfolio(actor=None, records=demo_records)
        runs[size] = _rows_read(lambda: import_portfolio(actor=None, records=demo_records))
    assert runs[300] == runs[0], runs


# The Partners sheet: new organisations (compared with the register) and existing ones (whose
# use the user may see), checked and written by a deal team member, whose every reference is
# checked (the programme administrator's are not).

def _partners_sheet(n, start=0):
    rows = [["deal_id", "organisatie_id", "organisatie_naam", "organisatie_type", "soort_deelname"]]
    for k in range(start, start + n):
        rows.append(["cd-proef", f"bestaand-{k}", f"Bestaande Stichting {k}", "maatschappelijke organisatie",
                     "partner"])
        rows.append(["cd-proef", f"nieuw-{k}", f"Nieuwe Stichting {k}", "maatschappelijke organisatie",
                     "partner"])
    from .conftest import xlsx

    return read_spreadsheet(xlsx({"Partners": rows}), "partners.xlsx")


def test_a_partners_sheet_takes_the_same_queries_for_40_rows_as_for_10(deal, team_user):
    from dealmonitor.deals import rules as deal_rules
    from dealmonitor.deals.models import Participation

    Organisation.objects.bulk_create([
        Organisation(slug=f"bestaand-{k}", name=f"Bestaande Stichting {k}", type="maatschappelijke organisatie",
                     name_key=f"bestaande stichting {k}") for k in range(100)])
    deal_rules.deal_roles(team_user, deal)  # the user's memberships: read once per user, not per row
    counts = {}
    for n, start in ((5, 0), (20, 50)):
        sheets = _partners_sheet(n, start)

        def run():
            result = check_parts(team_user, workbook_parts(sheets), previews=False)
            assert result.ok, [str(p) for p in result.problems[:3]]
            import_checked(actor=team_user, result=result)

        counts[n] = _queries(run)
        assert Participation.objects.filter(deal=deal, organisation__slug__startswith="nieuw-").count() == (
            5 if n == 5 else 25)
    assert counts[5] == counts[20], counts


def test_checking_new_partners_reads_only_the_registered_organisations_that_can_match(deal, team_user):
    """A new organisation is refused for the identifier or normalised name of a registered one;
    the check reads those rows, not every organisation of its type (tens of thousands at L)."""
    sheets = _partners_sheet(3, 900)  # organisations bestaand-900… and nieuw-900…, none registered
    check_parts(team_user, workbook_parts(sheets), previews=False)  # what is read once per process
    read = {}
    for size in (0, 200):
        Organisation.objects.filter(slug__startswith="elders-").delete()
        Organisation.objects.bulk_create([
            Organisation(slug=f"elders-{k}", name=f"Elders {k}", type="maatschappelijke organisatie",
                         name_key=f"elders {k}") for k in range(size)])
        read[size] = _rows_read(lambda: check_parts(team_user, workbook_parts(sheets), previews=False))
    assert read[200] == read[0], read
