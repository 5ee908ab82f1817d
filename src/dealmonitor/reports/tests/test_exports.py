"""Exports: workbooks that LibreOffice opens, the long-format CSV with its codebook, open data
without internal fields, and the round trip: an export imported into an empty database gives
the same data."""

import csv
import datetime as dt
import io
import json
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from dealmonitor.deals.models import Deal, Participation
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.models import Indicator, Measurement
from dealmonitor.imports.checking import check_parts
from dealmonitor.imports.jobs import workbook_parts
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import import_checked
from dealmonitor.learning import services as learning_services
from dealmonitor.organisations.models import Organisation
from dealmonitor.reports import exports

pytestmark = pytest.mark.django_db

DATA_SHEETS = ("Deal", "Partners", "Indicatoren", "Metingen")


@pytest.fixture
def filled(deal, numeric, milestone, partner_org):
    """A deal with partners (with an internal commitment), indicators, targets, measurements,
    a lesson and an open and a resolved bottleneck."""
    Participation.objects.filter(deal=deal, organisation=partner_org).update(
        commitment_money=Decimal("12500.50"), stance="enthousiast", role_description="trekker")
    impact_services.set_targets(actor=None, indicator=numeric, targets=[
        {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31), "label": "2023", "value": Decimal(40)},
        {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "label": "2024", "value": Decimal(80)},
    ])
    for day, value in ((dt.date(2023, 6, 30), Decimal("12.5")), (dt.date(2023, 12, 31), Decimal(30))):
        impact_services.record_measurement(actor=None, indicator=numeric, date=day, value=value,
                                           source="telling", reporting_organisation=partner_org)
    impact_services.record_measurement(actor=None, indicator=milestone, date=dt.date(2024, 2, 1),
                                       status="gestart", evidence_url="https://example.org/verslag")
    learning_services.save_lesson(actor=None, deal=deal, title="Bewoners eerst", text="Begin bij de bewoners.",
                                  kind="inzicht", visibility="programma", learned_on=dt.date(2023, 5, 1))
    learning_services.report_bottleneck(actor=None, deal=deal, title="Subsidieregel knelt", kind="financiering",
                                        signalled_on=dt.date(2023, 2, 1))
    solved = learning_services.report_bottleneck(actor=None, deal=deal, title="Datadeling geregeld",
                                                 kind="data", signalled_on=dt.date(2023, 1, 1))
    learning_services.change_bottleneck_status(actor=None, bottleneck=solved, status="opgelost",
                                               date=dt.date(2023, 9, 1), resolution="Convenant getekend.")
    return deal


def _sheets(data):
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_the_deal_workbook_has_every_part_and_libreoffice_reads_it(filled, tmp_path, staff_user):
    data = exports.deal_workbook(staff_user, filled)
    sheets = _sheets(data)
    assert list(sheets) == ["Deal", "Partners", "Indicatoren", "Metingen", "Veranderpad", "Prestatietabel",
                            "Leerervaringen", "Knelpunten", "Codeboek"]
    assert sheets["Deal"][1][:2] == ["cd-proef", "City Deal Proef"]
    assert {r[1] for r in sheets["Indicatoren"][1:]} == {"Woningen verduurzaamd", "Handreiking"}
    assert len(sheets["Metingen"]) == 4
    assert "Subsidieregel knelt" in {r[0] for r in sheets["Knelpunten"][1:]}
    libreoffice = shutil.which("libreoffice") or shutil.which("soffice")
    assert libreoffice, "LibreOffice is missing: `make test` installs it"
    for name, content in (("deal.xlsx", data), ("portfolio.xlsx", exports.portfolio_workbook(staff_user))):
        (tmp_path / name).write_bytes(content)
        subprocess.run([libreoffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                        "--convert-to", "csv", "--outdir", str(tmp_path), str(tmp_path / name)],
                       check=True, capture_output=True, timeout=120)
        converted = (tmp_path / name.replace(".xlsx", ".csv")).read_text(encoding="utf-8", errors="replace")
        assert "cd-proef" in converted  # the first sheet, read by LibreOffice


def test_internal_fields_only_for_those_who_may_see_them(filled, staff_user, outsider):
    internal = _sheets(exports.deal_workbook(staff_user, filled))
    public = _sheets(exports.deal_workbook(outsider, filled))
    assert "toezegging_euro" in internal["Partners"][0] and "houding" in internal["Partners"][0]
    assert "toezegging_euro" not in public["Partners"][0] and "houding" not in public["Partners"][0]
    assert [r[0] for r in public["Knelpunten"][1:]] == ["Datadeling geregeld"]  # the open one is internal


def test_open_data_holds_published_results_but_no_internal_field(filled, client):
    from dealmonitor.deals.tests.factories import DealFactory

    DealFactory(unpublished=True, name="City Deal Nog Geheim")
    response = client.get(reverse("reports:open_data"))
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    deal = next(d for d in data["deals"] if d["id"] == "cd-proef")
    numeric = next(i for i in deal["indicators"] if i["name"] == "Woningen verduurzaamd")
    assert [m["value"] for m in numeric["measurements"]] == ["12.5", "30"]
    assert [b["title"] for b in deal["bottlenecks_resolved"]] == ["Datadeling geregeld"]
    text = response.content.decode()
    for internal in ("12500", "enthousiast", "Subsidieregel knelt", "commitment", "stance", "example.org/verslag",
                     "City Deal Nog Geheim"):
        assert internal not in text


def test_long_csv_and_its_codebook(filled, client, staff_user):
    # the whole portfolio is for exporters; one published deal for anyone who may read it
    assert client.get(reverse("reports:long_csv")).status_code == 302
    one = client.get(reverse("reports:long_csv") + "?deal=cd-proef")
    assert one.status_code == 200 and len(one.content.decode().splitlines()) == 4
    client.force_login(staff_user)
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("reports:long_csv")).content.decode())))
    assert len(rows) == 3
    first = rows[0]
    assert (first["deal_id"], first["indicator"], first["datum"], first["waarde"], first["niveau"]) == (
        "cd-proef", "Handreiking", "2024-02-01", "", "output")
    assert first["status"] == "gestart" and first["bewijs"] == "ja"
    codebook = list(csv.reader(io.StringIO(client.get(reverse("reports:codebook_csv")).content.decode())))
    assert [r[0] for r in codebook[1:]] == list(rows[0].keys())


def _snapshot():
    """Everything the workbook carries, without database ids."""
    return {
        "deals": sorted(Deal.objects.values_list("slug", "name", "kind", "status", "phase", "signing_date",
                                                 "signing_date_precision", "end_date", "end_date_precision",
                                                 "description")),
        "organisations": sorted(Organisation.objects.values_list("slug", "name", "type", "government_level")),
        "participations": sorted(Participation.objects.values_list(
            "deal__slug", "organisation__slug", "kind", "role_description", "stance", "commitment_money")),
        "indicators": sorted(Indicator.objects.values_list(
            "deal__slug", "name", "kind", "unit", "direction", "aggregation", "baseline_value", "target_value",
            "target_status", "element__level", "element__title", "scope")),
        "targets": sorted(Indicator.objects.values_list("name", "targets__period_start", "targets__period_end",
                                                        "targets__label", "targets__value")),
        "measurements": sorted(Measurement.objects.values_list(
            "indicator__name", "date", "value", "status", "source", "evidence_url",
            "reporting_organisation__slug", "verification")),
    }


def test_an_exported_workbook_imports_into_an_empty_database_as_the_same_data(filled, staff_user):
    before = _snapshot()
    data = exports.portfolio_workbook(staff_user)
    for model in (Measurement, Indicator, Participation, Deal, Organisation):
        model.objects.all().delete()
    assert not Deal.objects.exists()
    result = check_parts(None, workbook_parts(read_spreadsheet(data, "portfolio.xlsx")))
    assert result.ok, result.problems
    import_checked(actor=None, result=result)
    assert _snapshot() == before
    # and the second export equals the first, sheet by sheet
    again = _sheets(exports.portfolio_workbook(staff_user))
    first = _sheets(data)
    for name in DATA_SHEETS:
        assert again[name] == first[name], name
