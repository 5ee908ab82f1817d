"""The import corrects and withdraws as the form and the API do (issue 17, item 1): a row with
the indicator, date, period and organisation of a measurement already recorded but another
figure corrects it when the column reden says why, and is refused (with what to do) when it
does not; ingetrokken "ja" withdraws it, also with a reason; only its reporter and the deal
team may. Nothing is counted twice, and the history keeps both figures and the reason."""

import datetime as dt

import pytest
from django.utils import translation

from dealmonitor.impact import services
from dealmonitor.impact.models import Measurement

from .test_corrections import colleague, figure  # noqa: F401 (fixtures)

pytestmark = pytest.mark.django_db

HEADER = ["deal_id", "indicator", "datum", "waarde", "organisatie_id", "ingetrokken", "reden",
          "dimensie", "categorie"]


def _check(user, rows):
    from dealmonitor.imports import columns as C
    from dealmonitor.imports.checking import Part, check_parts, guess_mapping
    from dealmonitor.imports.reading import read_spreadsheet
    from dealmonitor.imports.tests.conftest import xlsx

    sheet = read_spreadsheet(xlsx({"Metingen": [HEADER, *rows]}), "f.xlsx")[0]
    kind = C.KINDS["measurements"]
    with translation.override("nl"):
        return check_parts(user, [Part(kind, sheet, guess_mapping(kind, sheet.headers))])


def _import(user, rows):
    from dealmonitor.imports.services import import_checked

    result = _check(user, rows)
    assert not result.problems, [p.message for p in result.problems]
    import_checked(actor=user, result=result)
    return result


def _row(numeric, figure, value, withdrawn="", reason=""):  # noqa: F811
    return ["cd-proef", numeric.name, "2023-06-30", value, figure.reporting_organisation.slug, withdrawn,
            reason, "", ""]


def test_a_changed_figure_with_a_reason_corrects_the_measurement(numeric, figure, partner_user):  # noqa: F811
    _import(partner_user, [_row(numeric, figure, 12, reason="telfout")])
    assert Measurement.objects.filter(indicator=numeric).count() == 2  # corrected, not added
    figure.refresh_from_db()
    assert figure.value == 12
    history = list(figure.history.order_by("history_date"))
    assert [h.value for h in history[-2:]] == [10, 12] and history[-1].history_change_reason == "telfout"


def test_a_changed_figure_without_a_reason_is_refused_with_what_to_do(numeric, figure, partner_user):  # noqa: F811
    result = _check(partner_user, [_row(numeric, figure, 12)])
    assert [(p.column, p.message) for p in result.problems] == [(
        "reden", "Er is al een meting van deze indicator op 2023-06-30 voor deze organisatie, met een "
                 "ander cijfer (10). Zeg in de kolom reden waarom, om haar te corrigeren; een tweede "
                 "aantal op dezelfde datum hoort in die meting.")]


def test_ingetrokken_withdraws_the_measurement_with_its_reason(deal, numeric, figure, partner_user):  # noqa: F811
    assert _check(partner_user, [_row(numeric, figure, 10, withdrawn="ja")]).problems[0].column == "reden"
    _import(partner_user, [_row(numeric, figure, 10, withdrawn="ja", reason="dubbel")])
    figure.refresh_from_db()
    assert figure.withdrawn and figure.withdrawn_reason == "dubbel"
    # importing the same row again changes nothing
    assert _import(partner_user, [_row(numeric, figure, 10, withdrawn="ja", reason="dubbel")]).plan.skipped == 1


def test_only_the_reporter_and_the_deal_team_correct_through_the_import(numeric, figure, colleague,  # noqa: F811
                                                                       team_user):
    result = _check(colleague, [_row(numeric, figure, 12, reason="telfout")])
    assert [p.column for p in result.problems] == ["reden"]
    assert "Alleen wie een meting rapporteerde en het dealteam" in result.problems[0].message
    _import(team_user, [_row(numeric, figure, 12, reason="gecontroleerd")])
    figure.refresh_from_db()
    assert figure.value == 12


def test_a_new_row_marked_withdrawn_is_recorded_withdrawn(numeric, partner_user, partner_org):
    """A workbook's history comes back: a withdrawn measurement imported into a deal that does
    not have it is written and withdrawn, with its reason."""
    _import(partner_user, [["cd-proef", numeric.name, "2024-03-31", 7, partner_org.slug, "ja", "dubbel",
                            "", ""]])
    m = Measurement.objects.get(indicator=numeric)
    assert m.withdrawn and m.withdrawn_reason == "dubbel" and m.value == 7


def test_a_correction_carries_its_categories(deal, partner_user, partner_org):
    indicator = services.save_indicator(actor=None, deal=deal, name="Deelnemers", whole_numbers=True,
                                        breakdown=[{"dimension": "leeftijd"}])
    m = services.record_measurement(actor=partner_user, indicator=indicator, date=dt.date(2023, 6, 30),
                                    value=5, reporting_organisation=partner_org,
                                    parts=[{"dimension": "leeftijd", "category": "0-17", "value": 5}])
    base = ["cd-proef", "Deelnemers", "2023-06-30"]
    _import(partner_user, [
        [*base, 6, partner_org.slug, "", "telfout", "", ""],
        [*base, 2, partner_org.slug, "", "", "leeftijd", "0-17"],
        [*base, 4, partner_org.slug, "", "", "leeftijd", "67+"]])
    m.refresh_from_db()
    assert m.value == 6 and sorted((p.category, p.value) for p in m.parts.all()) == [("0-17", 2), ("67+", 4)]
