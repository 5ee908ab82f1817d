"""The reasons services give their own changes (a connection confirmed, an import, a round
closed) are stored in one fixed form, whatever the writer's language, and shown in the
reader's language on the change log: a Dutch log read "confirmed from cd-ander"."""

import pytest
from django.urls import reverse
from django.utils import translation

from dealmonitor.connections import services as connection_services
from dealmonitor.deals import history
from dealmonitor.deals.tests.factories import DealFactory
from dealmonitor.utils.change_reason import change_reason, reason_parts, reason_shown

pytestmark = pytest.mark.django_db


@pytest.fixture
def deals():
    return (DealFactory(slug="cd-reden", name="City Deal Reden", unpublished=True),
            DealFactory(slug="cd-ander", name="City Deal Ander"))


def _connection_entries(deal):
    return [e for e in history.change_log(deal)[0] if e.label == "connections.connection"]


@pytest.mark.parametrize(("language", "shown"), [
    ("nl", "verbinding bevestigd vanuit cd-ander"),
    ("en", "connection confirmed from cd-ander"),
])
def test_a_confirmed_connection_reads_in_the_readers_language(deals, staff_user, language, shown):
    deal, other = deals
    connection_services.confirm_connection(actor=staff_user, deal=other, other=deal,
                                           kind="shared_partners")
    with translation.override(language):
        (entry,) = _connection_entries(deal)
        assert (str(entry.reason_label), entry.reason_text) == (shown, "")


def test_the_stored_reason_does_not_depend_on_the_writers_language(deals, staff_user):
    deal, other = deals
    with translation.override("en"):
        connection_services.dismiss_connection(actor=staff_user, deal=deal, other=other,
                                               reason="Andere wijk")
    with translation.override("nl"):
        connection_services.withdraw_decision(actor=staff_user, deal=deal, other=other)
    stored = [e.record.history_change_reason for e in _connection_entries(deal)]
    assert stored == ["withdrawn from cd-reden", "dismissed from cd-reden"]
    with translation.override("nl"):
        labels = [str(e.reason_label) for e in _connection_entries(deal)]
    assert labels == ["besluit over de verbinding ingetrokken vanuit cd-reden",
                      "verbinding afgewezen vanuit cd-reden"]


def test_a_users_reason_beside_a_services_reason_is_shown_with_both_translated(deals, staff_user):
    deal, other = deals
    with change_reason("nieuwe-informatie"):
        connection_services.confirm_connection(actor=staff_user, deal=other, other=deal,
                                               kind="shared_partners")
    (entry,) = _connection_entries(deal)
    assert entry.record.history_change_reason == "nieuwe-informatie (confirmed from cd-ander)"
    with translation.override("nl"):
        assert reason_parts(entry.record.history_change_reason) == (
            "nieuwe informatie", "verbinding bevestigd vanuit cd-ander")
        assert reason_parts("correctie: typfout (import)") == ("correctie", "typfout (import)")
        assert reason_parts("correctie: lees het rapport (seating)") == (
            "correctie", "lees het rapport (tafelindeling)")


@pytest.mark.parametrize(("stored", "nl"), [
    ("import", "import"),
    ("demo", "demogegevens"),
    ("phase", "fasewissel"),
    ("closed", "ronde afgesloten"),
    ("new evidence", "nieuw bewijs"),
    ("status change", "statuswijziging"),
    ("new deal", "nieuwe deal"),
    ("created in the app", "aangemaakt in de app"),
    ("sent back: bron ontbreekt", "teruggestuurd"),
    ("merge: gemeente-utrecht-2 → gemeente-utrecht", "organisaties samengevoegd"),
    ("merge undone: gemeente-utrecht-2", "samenvoegen ongedaan gemaakt"),
])
def test_every_reason_a_service_gives_is_shown_in_dutch(stored, nl):
    with translation.override("nl"):
        label, text = reason_parts(stored)
    assert str(label) == nl
    assert text == (stored.partition(": ")[2] if ": " in stored else "")


def test_free_text_is_shown_as_written(deals):
    assert reason_parts("Besloten in de stuurgroep") == (None, "Besloten in de stuurgroep")
    assert reason_parts("confirmed from") == (None, "confirmed from")  # no deal named


def test_the_dutch_change_log_page_shows_the_reason_in_dutch(client, deals, staff_user):
    deal, other = deals
    connection_services.confirm_connection(actor=staff_user, deal=other, other=deal,
                                           kind="shared_partners")
    client.force_login(staff_user)
    page = client.get(reverse("deals:change_log", args=[deal.slug])).content.decode()
    assert "Verbinding bevestigd vanuit cd-ander" in page
    assert "confirmed from" not in page


def test_a_reason_as_one_line_of_text():
    """Where a page shows the reason as plain text (a post's history on the market place)."""
    with translation.override("nl"):
        assert reason_shown("correctie: typfout") == "Correctie: typfout"
        assert reason_shown("confirmed from cd-ander") == "Verbinding bevestigd vanuit cd-ander"
        assert reason_shown("sent back: bron ontbreekt") == "Teruggestuurd: bron ontbreekt"
        assert reason_shown("eigen woorden") == "eigen woorden"
        assert reason_shown(None) == ""
