"""A milestone's default statuses are stored as Dutch words (imports and exports use them);
under /en/ the pages show them in English, and a status a deal typed itself shows as typed."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from dealmonitor.impact import services
from dealmonitor.impact.constants import IndicatorKind, Level

pytestmark = pytest.mark.django_db

DUTCH = ("niet gestart", "gerealiseerd")


def page(name, deal, language, **kw):
    with translation.override(language):
        return reverse(f"impact:{name}", kwargs={"slug": deal.slug, **kw})


@pytest.fixture
def started(milestone):
    services.record_measurement(actor=None, indicator=milestone, date=dt.date(2023, 6, 1), status="gestart")
    return milestone


def test_default_statuses_are_english_under_en(client, deal, started):
    indicators = client.get(page("indicators", deal, "en")).content.decode()
    assert "achieved" in indicators and "gerealiseerd" not in indicators
    table = client.get(page("performance", deal, "en")).content.decode()
    assert "<td>achieved<td>started<td>" in table  # the end target and the status reached
    assert "gerealiseerd" not in table and "gestart" not in table
    detail = client.get(page("indicator", deal, "en", pk=started.pk)).content.decode()
    assert "achieved" in detail and "started" in detail and "gerealiseerd" not in detail


def test_dutch_pages_and_stored_values_unchanged(client, deal, started):
    indicators = client.get(page("indicators", deal, "nl")).content.decode()
    assert "gerealiseerd" in indicators and "achieved" not in indicators
    table = client.get(page("performance", deal, "nl")).content.decode()
    assert "gerealiseerd" in table and "gestart" in table and "achieved" not in table
    started.refresh_from_db()
    assert started.target_status == "gerealiseerd"
    assert started.measurements.get().status == "gestart"
    # the export keeps the stored word, whatever the page's language
    with translation.override("en"):
        csv = client.get(reverse("impact:performance_export", kwargs={"slug": deal.slug, "fmt": "csv"}))
    assert "gerealiseerd" in b"".join(csv).decode("utf-8-sig")


def test_the_measurement_form_offers_english_labels_and_keeps_the_dutch_values(client, deal, team_user, started):
    client.force_login(team_user)
    form = client.get(page("measurement_create", deal, "en", pk=started.pk)).content.decode()
    assert '<option value="niet gestart">not started</option>' in form


def test_a_status_the_deal_typed_itself_shows_as_typed(client, deal, elements):
    own = services.save_indicator(
        actor=None, deal=deal, name="Convenant", element=elements[Level.OUTPUT], kind=IndicatorKind.MILESTONE,
        milestone_statuses=["concept", "getekend"], target_status="getekend",
    )
    assert "getekend" in client.get(page("indicators", deal, "en")).content.decode()
    assert own.statuses == ["concept", "getekend"]
