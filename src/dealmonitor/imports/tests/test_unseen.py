"""What a user may not see answers exactly like what does not exist: the import check does not
confirm (or name) an unpublished deal, and the API answers a reference to an indicator of such
a deal as it answers an id that does not exist."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from dealmonitor.deals.tests.factories import DealFactory
from dealmonitor.impact import services as impact_services
from dealmonitor.imports import columns as C
from dealmonitor.imports.checking import Part, check_parts, guess_mapping
from dealmonitor.imports.reading import Sheet
from dealmonitor.utils.partial_dates import Precision

pytestmark = pytest.mark.django_db

SHEETS = {
    "measurements": (["deal_id", "indicator", "datum", "waarde"], ("Woningen", dt.date(2023, 6, 30), 1)),
    "indicators": (["deal_id", "indicator"], ("Woningen",)),
    "partners": (["deal_id", "organisatie_id", "organisatie_naam", "organisatie_type", "soort_deelname"],
                 ("gemeente-x", "Gemeente X", "gemeente", "partner")),
    "elements": (["deal_id", "niveau", "element"], ("output", "Iets")),
    "bottlenecks": (["deal_id", "titel", "gesignaleerd", "soort"], ("Knelpunt", dt.date(2023, 1, 1), "data")),
    "lessons": (["deal_id", "titel", "datum", "soort", "les"], ("Les", dt.date(2023, 1, 1), "inzicht", "Tekst")),
    "deals": (["deal_id", "naam", "soort"], ("Town Deal Sterke Streken", "town_deal")),
}


@pytest.fixture
def hidden(db):
    deal = DealFactory(unpublished=True, slug="td-sterke-streken", name="Town Deal Sterke Streken",
                       signing_date=dt.date(2022, 1, 1), signing_date_precision=Precision.DAY)
    impact_services.save_indicator(actor=None, deal=deal, name="Woningen", unit="stuks")
    return deal


@pytest.fixture
def no_role(django_user_model):
    return django_user_model.objects.create_user(username="zonder-rol", password="x")


def _problems(user, kind, slug):
    headers, rest = SHEETS[kind]
    sheet = Sheet("Blad", headers, [(2, (slug, *rest))])
    sheet_kind = C.KINDS[kind]
    result = check_parts(user, [Part(sheet_kind, sheet, guess_mapping(sheet_kind, headers))])
    return [(p.column, p.message) for p in result.problems if p.column == "deal_id"]


@pytest.mark.parametrize("kind", list(SHEETS))
def test_an_unpublished_deal_is_answered_like_an_unknown_one(hidden, no_role, kind):
    from django.utils import translation

    with translation.override("nl"):
        unpublished = _problems(no_role, kind, "td-sterke-streken")
        unknown = _problems(no_role, kind, "td-bestaat-niet")
    assert unpublished and unknown
    assert [m.replace("td-sterke-streken", "ID") for _c, m in unpublished] == [
        m.replace("td-bestaat-niet", "ID") for _c, m in unknown]
    assert not any("Sterke Streken" in m for _c, m in unpublished)  # not even its name


def _measurement(api, indicator_id):
    return api.post("/api/v1/measurements/", {"indicator": indicator_id, "date": "2023-06-30", "value": "1"},
                    format="json")


def _target(api, indicator_id):
    return api.post("/api/v1/targets/", {"indicator": indicator_id, "period_start": "2023-01-01",
                                         "period_end": "2023-12-31", "value": "1"}, format="json")


@pytest.mark.parametrize("post", [_measurement, _target])
def test_the_api_answers_an_unseen_indicator_like_a_missing_one(hidden, no_role, post):
    api = APIClient()
    api.force_authenticate(no_role)
    unseen_id = hidden.indicators.get().pk
    missing_id = unseen_id + 1000
    unseen, missing = post(api, unseen_id), post(api, missing_id)
    assert unseen.status_code == missing.status_code == 400
    assert unseen.content.decode().replace(str(unseen_id), "ID") == missing.content.decode().replace(
        str(missing_id), "ID")
