"""The check before an import: every problem with its row, column, what is wrong and what is
expected, in Dutch; nothing written unless the whole file is correct; the services' rules and
the user's permissions apply to every row."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from dealmonitor.deals.models import Deal, Participation
from dealmonitor.impact.models import Element, Indicator, Measurement, Target
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.services import ImportRefused, import_checked
from dealmonitor.organisations.models import Organisation

from .conftest import xlsx

pytestmark = pytest.mark.django_db

HEADER = ["deal_id", "indicator", "datum", "waarde", "bron"]


def check(actor, data, kind="measurements", name="f.xlsx", mapping=None):
    sheet = read_spreadsheet(data, name)[0]
    kind = C.KINDS[kind]
    return check_parts(actor, [Part(kind, sheet, mapping or guess_mapping(kind, sheet.headers))])


def test_every_problem_is_reported_by_row_and_column_in_dutch_and_nothing_is_written(numeric):
    data = xlsx({"Metingen": [
        HEADER,
        ["cd-proef", "Woningen verduurzaamd", dt.date(2023, 3, 31), 10, "telling"],
        ["cd-proef", "Woningen verduurzaamd", "31-12-2023", "veel", ""],
        ["cd-proef", "Woningen verduurzaamt", "2023-06-30", 5, ""],
        ["cd-proef", "Woningen verduurzaamd", "2031-01-01", 5, ""],
        ["cd-onbekend", "Woningen verduurzaamd", "2023-06-30", 5, ""],
        ["cd-proef", "Woningen verduurzaamd", "", 5, ""],
    ]})
    result = check(None, data)
    found = {(p.row, p.column): p for p in result.problems}
    assert set(found) == {(3, "waarde"), (4, "indicator"), (5, "datum"), (6, "deal_id"), (7, "datum")}
    assert found[(3, "waarde")].message == "'veel' is geen getal."
    assert found[(3, "waarde")].expected == "een getal, bijvoorbeeld 1250 of 12,5"
    assert "heeft geen indicator 'Woningen verduurzaamt'" in found[(4, "indicator")].message
    assert "ligt na het einde van de deal" in found[(5, "datum")].message
    assert "Er is geen deal 'cd-onbekend', of u mag er geen metingen voor invoeren." in found[(6, "deal_id")].message
    assert found[(7, "datum")].message == "Deze cel is leeg, maar is verplicht."
    # the preview holds every row, the faulty ones with their messages
    rows = {r[0]: r for r in result.previews[0]["rows"]}
    assert set(rows) == {2, 3, 4, 5, 6, 7} and rows[2][2] == [] and rows[3][2]
    with pytest.raises(ImportRefused):
        import_checked(actor=None, result=result)
    assert Measurement.objects.count() == 0


def test_the_corrected_sheet_imports_with_history(numeric, staff_user):
    data = xlsx({"Metingen": [
        HEADER,
        ["cd-proef", "Woningen verduurzaamd", dt.date(2023, 3, 31), 10, "telling"],
        ["cd-proef", "Woningen verduurzaamd", "31-12-2023", "12,5", ""],
    ]})
    result = check(staff_user, data)
    assert result.ok
    import_checked(actor=staff_user, result=result)
    values = sorted(Measurement.objects.values_list("date", "value", "reported_by"))
    assert values == [(dt.date(2023, 3, 31), Decimal(10), staff_user.pk),
                      (dt.date(2023, 12, 31), Decimal("12.5"), staff_user.pk)]
    history = Measurement.history.filter(history_type="+")
    assert history.count() == 2
    assert {(h.history_user_id, h.history_change_reason) for h in history} == {(staff_user.pk, "import")}
    # importing the same sheet again adds nothing
    again = check(staff_user, data)
    assert again.ok and again.plan.skipped == 2 and not again.plan.measurements


def test_a_users_own_headers_are_mapped(numeric):
    data = xlsx({"Blad1": [
        ["Peildatum", "Meting", "Welke indicator", "Opmerking"],
        ["2023-03-31", 7, "Woningen verduurzaamd", "eerste telling"],
    ]})
    sheet = read_spreadsheet(data, "eigen.xlsx")[0]
    kind = C.MEASUREMENTS
    guessed = guess_mapping(kind, sheet.headers)
    assert guessed["datum"] == 0 and guessed["waarde"] == 1 and guessed["toelichting"] == 3
    assert guessed["indicator"] is None  # not recognised: the user maps it
    mapping = {**guessed, "indicator": 2}
    result = check_parts(None, [Part(kind, sheet, mapping, {"deal_id": "cd-proef"})])
    assert result.ok, result.problems
    import_checked(actor=None, result=result)
    assert Measurement.objects.get().note == "eerste telling"


def test_permissions_apply_to_every_row(numeric, partner_user, partner_org, other_org, outsider):
    data = xlsx({"Metingen": [
        HEADER + ["organisatie_id"],
        ["cd-proef", "Woningen verduurzaamd", "2023-03-31", 1, "", partner_org.slug],
        ["cd-proef", "Woningen verduurzaamd", "2023-03-31", 1, "", other_org.slug],
        ["cd-proef", "Woningen verduurzaamd", "2023-03-31", 1, "", ""],
    ]})
    problems = {p.row: p.message for p in check(partner_user, data).problems}
    assert set(problems) == {3, 4}
    assert problems[3] == "U mag alleen metingen voor uw eigen organisatie invoeren."
    outsider_problems = check(outsider, data).problems
    assert {p.row for p in outsider_problems} == {2, 3, 4}
    assert "Er is geen deal 'cd-proef', of u mag er geen metingen voor invoeren." in outsider_problems[0].message


def test_indicators_with_targets_and_pathway_elements(deal, team_user):
    rows = [
        ["deal_id", "indicator", "niveau", "element", "soort", "eenheid", "aggregatie", "einddoel",
         "doel_periode", "doel_begin", "doel_einde", "doel_waarde"],
        ["cd-proef", "Adviesgesprekken", "output", "Gesprekken", "numeriek", "gesprekken", "cumulatief", 300,
         "2023", "2023-01-01", "2023-12-31", 100],
        ["cd-proef", "Adviesgesprekken", "output", "Gesprekken", "numeriek", "gesprekken", "cumulatief", 300,
         "2024", "2024-01-01", "2024-12-31", 200],
        ["cd-proef", "Tevredenheid", "outcome", "Tevreden bewoners", "percentage", "procent", "laatste", 120,
         "", "", "", ""],
    ]
    result = check(team_user, xlsx({"Indicatoren": rows}), kind="indicators")
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (4, "einddoel", "Een percentage ligt tussen 0 en 100.")]
    rows[3][7] = 80
    rows.append(["cd-proef", "Adviesgesprekken", "output", "Gesprekken", "numeriek", "gesprekken", "cumulatief",
                 300, "2024b", "2024-06-01", "2025-06-30", 250])
    overlap = check(team_user, xlsx({"Indicatoren": rows}), kind="indicators")
    assert [(p.row, p.column) for p in overlap.problems] == [(5, "doel_begin")]
    assert "overlapt" in overlap.problems[0].message
    rows.pop()
    result = check(team_user, xlsx({"Indicatoren": rows}), kind="indicators")
    assert result.ok, result.problems
    import_checked(actor=team_user, result=result)
    advies = Indicator.objects.get(name="Adviesgesprekken")
    assert advies.element.title == "Gesprekken" and advies.target_value == 300
    assert list(Target.objects.filter(indicator=advies).values_list("label", "value")) == [
        ("2023", Decimal(100)), ("2024", Decimal(200))]
    assert Element.objects.filter(pathway__deal=deal).count() == 2
    assert advies.history.first().history_user == team_user


def test_partners_new_organisations_and_who_may_change_existing_ones(deal, team_user, staff_user):
    Organisation.objects.create(slug="gemeente-utrecht", name="Gemeente Utrecht", type="gemeente")
    rows = [
        ["deal_id", "organisatie_id", "organisatie_naam", "organisatie_type", "soort_deelname", "toezegging_euro"],
        ["cd-proef", "gemeente-utrecht", "Gemeente Utrecht (stad)", "gemeente", "ondertekenaar", "25.000,00"],
        ["cd-proef", "stichting-wijkkracht", "Stichting Wijkkracht", "maatschappelijke organisatie", "partner", ""],
    ]
    problems = check(team_user, xlsx({"Partners": rows}), kind="partners").problems
    assert [(p.row, p.column) for p in problems] == [(2, "organisatie_naam")]
    assert "alleen de programmabeheerder" in problems[0].message
    result = check(staff_user, xlsx({"Partners": rows}), kind="partners")
    assert result.ok, result.problems
    import_checked(actor=staff_user, result=result)
    assert Organisation.objects.get(slug="gemeente-utrecht").name == "Gemeente Utrecht (stad)"
    utrecht = Participation.objects.get(deal=deal, organisation__slug="gemeente-utrecht")
    assert utrecht.kind == "ondertekenaar" and utrecht.commitment_money == Decimal("25000")
    assert Organisation.objects.get(slug="stichting-wijkkracht").type == "maatschappelijke organisatie"


def test_the_command_line_imports_a_workbook_of_several_sheets_all_or_nothing(db, tmp_path):
    good = {
        "Deal": [["deal_id", "naam", "soort", "status", "getekend", "themas"],
                 ["cd-nieuw", "City Deal Nieuw", "City Deal", "lopend", "2023-05", "wonen; energie"]],
        "Indicatoren": [["deal_id", "indicator", "soort", "einddoel"], ["cd-nieuw", "Aantal woningen", "numeriek", 50]],
        "Metingen": [["deal_id", "indicator", "datum", "waarde"], ["cd-nieuw", "Aantal woningen", "2024-01-31", 5]],
    }
    bad = {**good, "Metingen": [["deal_id", "indicator", "datum", "waarde"],
                                ["cd-nieuw", "Aantal woningen", "2024-01-31", "vijf"]]}
    path = tmp_path / "werkmap.xlsx"
    path.write_bytes(xlsx(bad))
    with pytest.raises(CommandError, match="1 problem"):
        call_command("import", str(path))
    assert not Deal.objects.filter(slug="cd-nieuw").exists()
    path.write_bytes(xlsx(good))
    call_command("import", str(path))
    deal = Deal.objects.get(slug="cd-nieuw")
    assert deal.signing_date == dt.date(2023, 5, 1) and deal.signing_date_precision == "month"
    assert sorted(deal.themes.values_list("name", flat=True)) == ["energie", "wonen"]
    assert Measurement.objects.get(indicator__deal=deal).value == 5


def test_a_csv_with_semicolons_and_dutch_decimals(numeric, tmp_path):
    path = tmp_path / "metingen.csv"
    path.write_text("deal_id;indicator;datum;waarde\ncd-proef;Woningen verduurzaamd;31-3-2023;1,5\n",
                    encoding="utf-8")
    call_command("import", str(path), "--kind", "measurements")
    assert Measurement.objects.get().value == Decimal("1.5")


def test_an_exported_workbook_with_empty_sheets_imports_again(numeric, staff_user):
    """A deal's workbook holds a sheet for every kind, also those the deal has no rows of (no
    lessons, no bottlenecks yet): imported again as it is, the empty sheets are nothing to
    import, not a reason to refuse the whole workbook."""
    from dealmonitor.imports.jobs import workbook_parts
    from dealmonitor.reports.exports.workbooks import deal_workbook

    data = deal_workbook(staff_user, numeric.deal)
    parts = workbook_parts(read_spreadsheet(data, "deal.xlsx"))
    empty = [p.kind.key for p in parts if not p.sheet.rows]
    assert "lessons" in empty and any(p.sheet.rows for p in parts)
    result = check_parts(staff_user, parts)
    assert result.problems == []


def test_a_workbook_without_any_rows_says_so():
    data = xlsx({"Metingen": [HEADER]})
    result = check(None, data)
    assert [p.message for p in result.problems] == ["Dit tabblad heeft geen rijen."]
