"""Value rules per indicator (issue 17, item 2): whole numbers for counts, not negative unless
the indicator allows it, percentages between 0 and 100, the indicator's own range. One
function (services.check_value) gives one Dutch message, the same from the service, the
form, the API and the import."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st
from rest_framework.test import APIClient

from dealmonitor.impact import services
from dealmonitor.impact.constants import Aggregation, IndicatorKind
from dealmonitor.impact.models import Indicator, Measurement
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import read_spreadsheet
from dealmonitor.imports.tests.conftest import xlsx

pytestmark = pytest.mark.django_db

WHOLE = "Aantal gemeenten wordt in hele getallen geteld; 4,5 is geen heel getal."
NEGATIVE = "Aantal gemeenten kan niet negatief zijn; -3 ligt onder nul."


@pytest.fixture
def count(deal):
    return services.save_indicator(
        actor=None, deal=deal, name="Aantal gemeenten", kind=IndicatorKind.NUMERIC,
        unit="gemeenten", aggregation=Aggregation.CUMULATIVE, whole_numbers=True,
        target_value=Decimal(12))


def _refusal(indicator, value):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        services.check_value(indicator, value)
    return exc.value.messages


@pytest.mark.parametrize("raw, message", [("4,5", WHOLE), ("4.5", WHOLE), ("-3", NEGATIVE),
                                          ("vier", "'vier' is geen getal.")])
def test_the_service_refuses_what_a_count_cannot_be(count, raw, message):
    assert _refusal(count, raw) == [message]


def test_a_count_accepts_whole_numbers_as_typed(count):
    assert services.check_value(count, "4") == 4
    assert services.check_value(count, " 12 ") == 12
    assert services.check_value(count, "1.250,0") == 1250


def test_an_indicator_that_allows_negatives_and_has_a_range(deal):
    saldo = services.save_indicator(actor=None, deal=deal, name="Saldo", kind=IndicatorKind.NUMERIC,
                                    allow_negative=True, value_min=Decimal(-10), value_max=Decimal(10))
    assert services.check_value(saldo, "-3") == -3
    assert services.check_value(saldo, "2,5") == Decimal("2.5")
    assert _refusal(saldo, "11") == ["Saldo ligt tussen -10 en 10; 11 valt daarbuiten."]


def test_a_percentage_lies_between_0_and_100(percentage):
    assert _refusal(percentage, "100,5") == ["Een percentage ligt tussen 0 en 100; 100,5 valt daarbuiten."]
    assert services.check_value(percentage, "99,5") == Decimal("99.5")


def test_a_range_that_ends_below_its_start_is_refused(deal):
    with pytest.raises(ValidationError) as exc:
        services.save_indicator(actor=None, deal=deal, name="X", value_min=Decimal(5), value_max=Decimal(1))
    assert "value_max" in exc.value.message_dict


@settings(max_examples=60, deadline=None)
@given(st.decimals(min_value=-1000, max_value=1000, places=2))
def test_check_value_accepts_exactly_the_whole_non_negative_numbers(value):
    indicator = Indicator(name="Aantal", kind=IndicatorKind.NUMERIC, whole_numbers=True)
    ok = value >= 0 and value == value.to_integral_value()
    try:
        result = services.check_value(indicator, str(value).replace(".", ","))
    except ValidationError:
        assert not ok
    else:
        assert ok and result == value


def test_the_form_shows_the_same_message(client, team_user, count):
    client.force_login(team_user)
    url = f"/deals/{count.deal.slug}/indicatoren/{count.pk}/meting/"
    response = client.post(url, {"date": "2023-06-30", "value": "4,5"}, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 400, response.content.decode()[-3000:]
    assert WHOLE in response.content.decode()
    assert not Measurement.objects.exists()


def test_the_api_gives_the_same_message(team_user, count):
    api = APIClient()
    api.force_authenticate(team_user)
    for raw, message in (("4,5", WHOLE), ("-3", NEGATIVE), (-3, NEGATIVE)):
        answer = api.post("/api/v1/measurements/", {"indicator": count.pk, "date": "2023-06-30", "value": raw},
                          format="json", HTTP_ACCEPT_LANGUAGE="nl")
        assert answer.status_code == 400 and answer.json() == {"value": [message]}
    assert api.post("/api/v1/measurements/", {"indicator": count.pk, "date": "2023-06-30", "value": "4"},
                    format="json").status_code == 201


def test_the_import_gives_the_same_message(team_user, count):
    sheet = read_spreadsheet(xlsx({"Metingen": [
        ["deal_id", "indicator", "datum", "waarde"],
        ["cd-proef", count.name, "2023-03-31", "4,5"],
        ["cd-proef", count.name, "2023-04-30", -3],
        ["cd-proef", count.name, "2023-05-31", 4],
    ]}), "f.xlsx")[0]
    kind = C.KINDS["measurements"]
    with translation.override("nl"):
        result = check_parts(team_user, [Part(kind, sheet, guess_mapping(kind, sheet.headers))])
    assert [(p.row, p.column, p.message) for p in result.problems] == [
        (2, "waarde", WHOLE), (3, "waarde", NEGATIVE)]


def test_targets_of_a_count_obey_its_rules(count):
    with translation.override("nl"), pytest.raises(ValidationError) as exc:
        services.set_targets(actor=None, indicator=count, targets=[
            {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31), "label": "2023",
             "value": Decimal("2.5")}])
    assert exc.value.messages == ["Doel voor 2023: Aantal gemeenten wordt in hele getallen geteld; 2,5 is geen heel getal."]
