"""Exports: workbooks that LibreOffice opens, the long-format CSV with its codebook, open data
without internal fields, and the round trip: an export imported into an empty database gives
the same data."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from dealmonitor.deals.models import Deal, Participation, Theme
from dealmonitor.deals.tests.factories import OrganisationFactory
from dealmonitor.ecosystem import services as ecosystem_services
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.constants import Level
from dealmonitor.impact.models import (
    Assumption,
    AssumptionEvidence,
    Element,
    Indicator,
    Link,
    Measurement,
    Pathway,
)
from dealmonitor.imports.checking import check_parts
from dealmonitor.imports.jobs import workbook_parts
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import ImportRefused, import_checked
from dealmonitor.learning import services as learning_services
from dealmonitor.learning.models import Bottleneck, BottleneckStatusChange, Lesson
from dealmonitor.organisations.models import Organisation
from dealmonitor.reports import exports

pytestmark = pytest.mark.django_db

# The sheets in the import format: every one must come back the same.
DATA_SHEETS = ("Deal", "Partners", "Veranderpad", "Verbanden", "Aannames", "Onderbouwing",
               "Indicatoren", "Metingen", "Knelpunten", "Knelpuntstatussen", "Leerervaringen")


@pytest.fixture
def filled(deal, numeric, milestone, partner_org, elements):
    """A deal with partners (with an internal commitment), a pathway with links, assumptions
    and evidence, indicators, targets, measurements, lessons and an open and a resolved
    bottleneck with their status history."""
    activities, output, outcome = (elements[lv] for lv in (Level.ACTIVITEITEN, Level.OUTPUT, Level.OUTCOME))
    impact_services.update_element(actor=None, element=activities, description="Wijkgericht werken",
                                   is_active_ingredient=True)
    impact_services.update_element(actor=None, element=outcome, is_example=True)
    first = impact_services.add_link(actor=None, cause=activities, effect=output)
    second = impact_services.add_link(actor=None, cause=output, effect=outcome)
    tested = impact_services.add_assumption(actor=None, link=first, text="Bewoners doen mee")
    impact_services.add_assumption_evidence(actor=None, assumption=tested, date=dt.date(2023, 4, 1),
                                            stance="voor", text="80% kwam naar de avond",
                                            url="https://example.org/opkomst", new_status="ondersteund")
    impact_services.add_assumption_evidence(actor=None, assumption=tested, date=dt.date(2023, 8, 1),
                                            stance="tegen", text="Minder animo in de zomer")
    impact_services.add_assumption(actor=None, link=second, text="Lagere lasten maken bewoners tevreden",
                                   is_example=True)
    ministry = OrganisationFactory(slug="ministerie-van-bzk", name="Ministerie van BZK", type="ministerie",
                                   government_level="rijk")
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
    blocking = learning_services.report_bottleneck(
        actor=None, deal=deal, title="Subsidieregel knelt", kind="financiering", signalled_on=dt.date(2023, 2, 1),
        rule="Regeling X", level="rijk", ministry=ministry, description="De regeling sluit wijken uit.",
        note="Gemeld in het dealoverleg")
    learning_services.change_bottleneck_status(actor=None, bottleneck=blocking, status="geagendeerd",
                                               date=dt.date(2023, 3, 1), note="In het BO besproken")
    solved = learning_services.report_bottleneck(actor=None, deal=deal, title="Datadeling geregeld",
                                                 kind="data", signalled_on=dt.date(2023, 1, 1))
    learning_services.change_bottleneck_status(actor=None, bottleneck=solved, status="in_behandeling",
                                               date=dt.date(2023, 2, 1))
    learning_services.change_bottleneck_status(actor=None, bottleneck=solved, status="opgelost",
                                               date=dt.date(2023, 9, 1), resolution="Convenant getekend.")
    learning_services.save_lesson(actor=None, deal=deal, title="Bewoners eerst", text="Begin bij de bewoners.",
                                  kind="inzicht", visibility="programma", learned_on=dt.date(2023, 5, 1),
                                  phase="aanjagen", tags="participatie, wijk",
                                  themes=[Theme.objects.get_or_create(name="Wonen")[0]],
                                  indicators=[numeric], bottlenecks=[solved])
    learning_services.save_lesson(actor=None, deal=deal, title="Afspraken vastleggen", text="Leg het vast.",
                                  kind="tegenslag", visibility="deal", learned_on=dt.date(2023, 10, 2),
                                  is_example=True)
    return deal


def _sheets(data):
    wb = load_workbook(io.BytesIO(data), read_only=True)
    return {ws.title: [list(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_the_deal_workbook_has_every_part(filled, staff_user):
    data = exports.deal_workbook(staff_user, filled)
    sheets = _sheets(data)
    assert list(sheets) == ["Deal", "Partners", "Veranderpad", "Verbanden", "Aannames", "Onderbouwing",
                            "Indicatoren", "Metingen", "Prestatietabel", "Knelpunten", "Knelpuntstatussen",
                            "Leerervaringen", "Codeboek"]  # no needs or offers: no sheets for them
    assert sheets["Deal"][1][:2] == ["cd-proef", "City Deal Proef"]
    assert {r[1] for r in sheets["Indicatoren"][1:]} == {"Woningen verduurzaamd", "Handreiking"}
    assert len(sheets["Metingen"]) == 4
    assert "Subsidieregel knelt" in {r[1] for r in sheets["Knelpunten"][1:]}
    assert sheets["Veranderpad"][0][:3] == ["deal_id", "niveau", "element"]  # Dutch headers, for people too
    # LibreOffice opens it: test_office.py


def test_internal_fields_only_for_those_who_may_see_them(filled, staff_user, outsider):
    internal = _sheets(exports.deal_workbook(staff_user, filled))
    public = _sheets(exports.deal_workbook(outsider, filled))
    assert "toezegging_euro" in internal["Partners"][0] and "houding" in internal["Partners"][0]
    assert "toezegging_euro" not in public["Partners"][0] and "houding" not in public["Partners"][0]
    assert [r[1] for r in public["Knelpunten"][1:]] == ["Datadeling geregeld"]  # the open one is internal
    assert {r[1] for r in public["Knelpuntstatussen"][1:]} == {"Datadeling geregeld"}
    assert [r[1] for r in public["Leerervaringen"][1:]] == ["Bewoners eerst"]  # the other is for the deal only


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
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("reports:long_csv") + "?csv=analyse").content.decode())))
    assert len(rows) == 3
    first = rows[0]
    assert (first["deal_id"], first["indicator"], first["datum"], first["waarde"], first["niveau"]) == (
        "cd-proef", "Handreiking", "2024-02-01", "", "output")
    assert first["status"] == "gestart" and first["bewijs"] == "ja"
    codebook = list(csv.reader(io.StringIO(client.get(reverse("reports:codebook_csv") + "?csv=analyse").content.decode())))
    assert [r[0] for r in codebook[1:]] == list(rows[0].keys())
    assert "een punt als decimaalteken" in dict(codebook)["waarde"]


def test_csv_for_dutch_spreadsheets_is_the_default_on_dutch_pages_and_both_are_offered(filled, client, staff_user):
    client.force_login(staff_user)
    dutch = client.get(reverse("reports:long_csv"))
    assert dutch.content.startswith("\ufeff".encode()) and "excel.csv" in dutch["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(dutch.content.decode("utf-8-sig")), delimiter=";"))
    assert {r["waarde"] for r in rows} == {"", "12,5", "30"}  # a decimal comma
    codebook = dict(csv.reader(io.StringIO(client.get(reverse("reports:codebook_csv")).content.decode("utf-8-sig")),
                               delimiter=";"))
    assert "een komma als decimaalteken" in codebook["waarde"]
    with translation.override("en"):
        plain = client.get(reverse("reports:long_csv"))
    assert not plain.content.startswith("\ufeff".encode()) and "analyse.csv" in plain["Content-Disposition"]
    assert {r["waarde"] for r in csv.DictReader(io.StringIO(plain.content.decode()))} == {"", "12.5", "30"}
    page = client.get(reverse("reports:index")).content.decode()
    assert page.index("CSV voor Excel") < page.index("CSV voor analyse")  # both named; Excel's first
    assert f'{reverse("reports:long_csv")}?csv=excel' in page and f'{reverse("reports:long_csv")}?csv=analyse' in page
    performance = client.get(reverse("impact:performance_export", args=["cd-proef", "csv"]))
    assert performance.content.startswith("\ufeff".encode()) and b";" in performance.content.splitlines()[0]
    table = client.get(reverse("impact:performance", args=["cd-proef"])).content.decode()
    assert "CSV voor Excel" in table and "CSV voor analyse" in table


def _snapshot():
    """Everything the workbook carries, without database ids."""
    return {
        "deals": sorted(Deal.objects.values_list("slug", "name", "kind", "status", "phase", "signing_date",
                                                 "signing_date_precision", "end_date", "end_date_precision",
                                                 "description", "is_published")),
        "organisations": sorted(Organisation.objects.values_list("slug", "name", "type", "government_level")),
        "participations": sorted(Participation.objects.values_list(
            "deal__slug", "organisation__slug", "kind", "role_description", "stance", "commitment_money")),
        "pathways": sorted(Pathway.objects.values_list("deal__slug", flat=True)),
        "elements": sorted(Element.objects.values_list(
            "pathway__deal__slug", "level", "title", "description", "is_active_ingredient", "order",
            "is_example")),
        "links": sorted(Link.objects.values_list(
            "pathway__deal__slug", "cause__level", "cause__title", "effect__level", "effect__title")),
        "assumptions": sorted(Assumption.objects.values_list(
            "link__pathway__deal__slug", "link__cause__title", "link__effect__title", "text", "status",
            "is_example")),
        "evidence": sorted(AssumptionEvidence.objects.values_list(
            "assumption__text", "date", "stance", "text", "url")),
        "indicators": sorted(Indicator.objects.values_list(
            "deal__slug", "name", "kind", "unit", "direction", "aggregation", "baseline_value", "target_value",
            "target_status", "element__level", "element__title", "scope")),
        "targets": sorted(Indicator.objects.values_list("name", "targets__period_start", "targets__period_end",
                                                        "targets__label", "targets__value")),
        "measurements": sorted(Measurement.objects.values_list(
            "indicator__name", "date", "value", "status", "source", "evidence_url",
            "reporting_organisation__slug", "verification")),
        "bottlenecks": sorted(Bottleneck.objects.values_list(
            "deal__slug", "title", "description", "kind", "rule", "level", "ministry__slug", "status",
            "signalled_on", "closed_on", "resolution", "is_example")),
        "bottleneck history": sorted(BottleneckStatusChange.objects.values_list(
            "bottleneck__title", "date", "status", "note")),
        "lessons": sorted(Lesson.objects.values_list(
            "deal__slug", "title", "text", "kind", "phase", "tags", "visibility", "learned_on", "is_example")),
        "lesson links": sorted(
            (lesson.title, tuple(sorted(t.name for t in lesson.themes.all())),
             tuple(sorted(i.name for i in lesson.indicators.all())),
             tuple(sorted(b.title for b in lesson.bottlenecks.all())))
            for lesson in Lesson.objects.all()),
    }


def _empty_the_database():
    for model in (Measurement, Indicator, Participation, Deal, Organisation, Theme):
        model.objects.all().delete()
    assert not Deal.objects.exists() and not Element.objects.exists() and not Bottleneck.objects.exists()


def _import(data, actor=None):
    result = check_parts(actor, workbook_parts(read_spreadsheet(data, "werkmap.xlsx")))
    assert result.ok, [str(p) for p in result.problems]
    return import_checked(actor=actor, result=result)


@pytest.mark.parametrize("workbook", ["portfolio", "deal"])
def test_an_exported_workbook_imports_into_an_empty_database_as_the_same_data(filled, staff_user, workbook):
    before = _snapshot()
    assert all(before.values()), [k for k, v in before.items() if not v]  # every part is there to lose

    def export():
        if workbook == "portfolio":
            return exports.portfolio_workbook(staff_user)
        return exports.deal_workbook(staff_user, Deal.objects.get(slug="cd-proef"))

    data = export()
    _empty_the_database()
    _import(data)
    assert _snapshot() == before
    # and the second export equals the first, sheet by sheet
    again, first = _sheets(export()), _sheets(data)
    for name in DATA_SHEETS:
        assert again[name] == first[name], name
    # importing the same workbook again changes nothing and doubles nothing
    _import(data)
    assert _snapshot() == before


def _edited(data, edits):
    """The workbook with cells changed: {(sheet, row, header): value}."""
    from openpyxl import load_workbook as load

    wb = load(io.BytesIO(data))
    for (sheet, row, header), value in edits.items():
        ws = wb[sheet]
        column = [c.value for c in ws[1]].index(header) + 1
        ws.cell(row=row, column=column, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_bad_row_in_the_pathway_lessons_or_bottlenecks_is_reported_and_nothing_is_written(filled, staff_user):
    data = exports.deal_workbook(staff_user, filled)
    sheets = _sheets(data)
    status_row = 1 + next(i for i, r in enumerate(sheets["Knelpuntstatussen"][1:], start=1) if r[3] == "opgelost")
    bad = _edited(data, {
        ("Verbanden", 2, "naar_element"): "Stap die niet bestaat",
        ("Onderbouwing", 2, "houding"): "misschien",
        ("Knelpuntstatussen", status_row, "datum"): "2099-01-01",
        ("Leerervaringen", 2, "indicatoren"): "Woningen verduurzaamd; Fietsers geteld",
    })
    _empty_the_database()
    result = check_parts(None, workbook_parts(read_spreadsheet(bad, "werkmap.xlsx")))
    found = {(p.sheet, p.row, p.column): p for p in result.problems}
    assert ("Verbanden", 2, "naar_element") in found
    assert "heeft geen element 'Stap die niet bestaat'" in found[("Verbanden", 2, "naar_element")].message
    assert found[("Onderbouwing", 2, "houding")].message == "'misschien' is geen bekende waarde."
    assert "voor" in found[("Onderbouwing", 2, "houding")].expected
    assert found[("Knelpuntstatussen", status_row, "datum")].message == (
        "Een statuswijziging kan niet in de toekomst liggen.")
    assert "geen indicator 'Fietsers geteld'" in found[("Leerervaringen", 2, "indicatoren")].message
    with pytest.raises(ImportRefused):
        import_checked(actor=None, result=result)
    assert not Deal.objects.exists() and not Lesson.objects.exists() and not Bottleneck.objects.exists()


def test_an_edited_bottleneck_status_that_contradicts_its_history_is_not_dropped(filled, staff_user):
    data = exports.deal_workbook(staff_user, filled)
    row = 1 + next(i for i, r in enumerate(_sheets(data)["Knelpunten"][1:], start=1) if r[1] == "Subsidieregel knelt")
    bad = _edited(data, {("Knelpunten", row, "status"): "opgelost"})
    _empty_the_database()
    result = check_parts(None, workbook_parts(read_spreadsheet(bad, "werkmap.xlsx")))
    assert [(p.sheet, p.row, p.column) for p in result.problems] == [("Knelpunten", row, "status")]
    assert "verschilt van de laatste status" in result.problems[0].message




# Every sheet kind: the export's header is the import's columns, and a deal exported and
# imported into an empty database gives every row of the kind back, cell for cell. Every
# column holds a value in some row, so a column the export forgets, or the import drops,
# fails here.

from dealmonitor.imports import columns as C  # noqa: E402


@pytest.fixture
def complete(filled, milestone, numeric, partner_org):
    """`filled` with every optional column of every kind given somewhere."""
    filled.themes.add(Theme.objects.get_or_create(name="Energie")[0])
    Deal.objects.filter(pk=filled.pk).update(phase="aanjagen", extended_to=dt.date(2026, 6, 1),
                                             extended_to_precision="month")
    Organisation.objects.filter(pk=partner_org.pk).update(
        cbs_code="GM0363", government_level="gemeente", type="gemeente", kvk_number="34366966",
        oin="00000001002564440000", web_domain="amsterdam.nl")
    Participation.objects.filter(deal=filled, organisation=partner_org).update(
        joined_on=dt.date(2022, 5, 1), joined_on_precision="month", left_on=dt.date(2024, 1, 1),
        left_on_precision="year", commitment_fte=Decimal("1.5"), commitment_in_kind="Een projectleider",
        delivered_money=Decimal(8000), delivered_fte=Decimal("0.5"))
    impact_services.save_indicator(actor=None, deal=filled, indicator=milestone, name=milestone.name,
                                   element=milestone.element, kind=milestone.kind,
                                   target_status="gerealiseerd", target_date=dt.date(2025, 1, 1),
                                   milestone_statuses=["gestart", "gerealiseerd"],
                                   data_source="Projectverslagen", description="De handreiking is af.",
                                   baseline_date=dt.date(2022, 1, 1))
    impact_services.set_targets(actor=None, indicator=milestone, targets=[
        {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "label": "2024",
         "status": "gestart"}])
    Measurement.objects.filter(indicator=numeric, date=dt.date(2023, 12, 31)).update(
        period_start=dt.date(2023, 7, 1), confidence="hoog", note="Geteld door de gemeente")
    impact_services.save_indicator(actor=None, deal=filled, indicator=numeric, name=numeric.name,
                                   kind=numeric.kind, element=numeric.element, meaning="stand",
                                   whole_numbers=False, value_min=Decimal(0), value_max=Decimal(100000),
                                   breakdown=[{"dimension": "gemeente", "categories": ["Utrecht", "Zeist"]}])
    last = Measurement.objects.filter(indicator=numeric).order_by("-date").first()
    impact_services.update_measurement(actor=None, measurement=last, value=last.value,
                                       reason="Uitgesplitst per gemeente", parts=[
        {"dimension": "gemeente", "category": "Utrecht", "value": last.value - 1},
        {"dimension": "gemeente", "category": "Zeist", "value": Decimal(1)}])
    wrong = impact_services.record_measurement(actor=None, indicator=numeric, date=dt.date(2024, 3, 31),
                                               value=Decimal(99), reporting_organisation=partner_org)
    impact_services.withdraw_measurement(actor=None, measurement=wrong, reason="Dubbel ingevoerd")
    # needs and offers with a match decision (issue 18.6): every column of both sheets given
    fund = OrganisationFactory(company=True, name="Impactfonds Proef", slug="impactfonds-proef")
    Participation.objects.create(deal=filled, organisation=fund)
    need = ecosystem_services.save_post(
        actor=None, deal=filled, organisation=partner_org, direction="vraag", kind="financiering",
        title="Financiering voor wijkondernemers", text="Wij zoeken impactfinanciering voor ondernemers in de wijk.",
        themes=[Theme.objects.get_or_create(name="Energie")[0]], region="PV26",
        period_start=dt.date(2024, 1, 1), period_end=dt.date(2025, 12, 31), visibility="openbaar")
    offer = ecosystem_services.save_post(
        actor=None, deal=filled, organisation=fund, direction="aanbod", kind="financiering",
        title="Leningen voor impactondernemers", text="Wij verstrekken leningen aan impactondernemers.",
        region="landelijk", visibility="programma")
    ecosystem_services.save_post(actor=None, deal=filled, organisation=fund, direction="aanbod", kind="ruimte",
                                 title="Werkplekken", text="Gesloten aanbod.", is_open=False)
    ecosystem_services.mark_match(actor=None, need=need, offer=offer, status="nuttig")
    return filled


@pytest.mark.parametrize("kind", list(C.KINDS.values()), ids=list(C.KINDS))
def test_every_sheet_kind_exports_its_import_columns_and_comes_back_unchanged(complete, staff_user, kind):
    data = exports.deal_workbook(staff_user, complete)
    sheet = _sheets(data)[kind.sheet]
    assert sheet[0] == [c.key for c in kind.columns]
    empty = [c.key for i, c in enumerate(kind.columns) if all(r[i] in (None, "") for r in sheet[1:])]
    assert not empty, f"no row of {kind.sheet} holds {empty}: the round trip would not test them"
    _empty_the_database()
    _import(data)
    again = _sheets(exports.deal_workbook(staff_user, Deal.objects.get(slug="cd-proef")))
    assert again[kind.sheet] == sheet


def test_a_lesson_longer_than_a_cell_comes_back_whole_from_the_workbook(filled, staff_user):
    """Excel and LibreOffice cut a cell at 32,767 characters; a 100,000-character lesson is
    carried whole (continued in the sheet Lange teksten) and the import gives back every
    character, those outside the Basic Multilingual Plane (two units in a cell) included."""
    piece = "Bewoners eerst: categorieën, één aanpak 🏘️. "
    text = (piece * (100_000 // len(piece) + 1))[:100_000]
    Lesson.objects.filter(title="Bewoners eerst").update(text=text)
    data = exports.deal_workbook(staff_user, Deal.objects.get(slug="cd-proef"))
    sheets = _sheets(data)
    assert "Lange teksten" in sheets
    for rows in sheets.values():  # no cell beyond what office software keeps
        assert all(len(str(v).encode("utf-16-le")) // 2 <= 32_767 for r in rows for v in r if v is not None)
    lessons = sheets["Leerervaringen"]
    assert text.startswith(lessons[1 + [r[1] for r in lessons[1:]].index("Bewoners eerst")][5])
    _empty_the_database()
    _import(data)
    assert Lesson.objects.get(title="Bewoners eerst").text == text
