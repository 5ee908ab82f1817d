"""A partner member enters a level and sees what the figure becomes while typing; the deal team
sends it back, the partner corrects it with a reason, the deal team verifies it, and a wrong
one is withdrawn (issue 17). Every page gets an axe scan."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dealmonitor.impact import services
from dealmonitor.impact.constants import Aggregation, IndicatorKind, Meaning, Verification
from dealmonitor.impact.models import Measurement

from .test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_level_is_entered_sent_back_corrected_verified_and_withdrawn(live_server, deal, partner_org,
                                                                        partner_user, team_user, browser,
                                                                        axe_check):
    indicator = services.save_indicator(
        actor=None, deal=deal, name="Aantal gemeenten", kind=IndicatorKind.NUMERIC, unit="gemeenten",
        aggregation=Aggregation.CUMULATIVE, meaning=Meaning.LEVEL, whole_numbers=True,
        target_value=Decimal(12))
    services.record_measurement(actor=None, indicator=indicator, date=dt.date(2022, 12, 31), value=2,
                                reporting_organisation=partner_org)
    url = f"{live_server.url}/deals/{deal.slug}/indicatoren/{indicator.pk}/"

    partner = browser.new_context(locale="nl-NL").new_page()
    sign_in(partner, live_server, "partnerlid")
    partner.goto(url + "meting/")
    expect(partner.get_by_text("de stand op de meetdatum").first).to_be_visible()
    partner.get_by_label("Datum", exact=True).fill("2023-06-30")
    partner.get_by_label("Meldende organisatie").select_option(str(partner_org.pk))
    partner.get_by_label("Waarde").fill("4,5")
    expect(partner.locator("#waarde-wordt")).to_have_text("Met deze waarde wordt het cijfer: 4,5.")
    partner.get_by_role("button", name="Meting opslaan").click()
    expect(partner.get_by_text("Aantal gemeenten wordt in hele getallen geteld; 4,5 is geen heel getal.")).to_be_visible()
    axe_check(partner)
    partner.get_by_label("Waarde").fill("4")
    partner.get_by_role("button", name="Meting opslaan").click()
    expect(partner.get_by_text("Het cijfer ging van 2 naar 4.")).to_be_visible()
    figure = Measurement.objects.get(date=dt.date(2023, 6, 30))

    team = browser.new_context(locale="nl-NL").new_page()
    sign_in(team, live_server, "projectleider")
    team.goto(url)
    team.locator(f"#meting-{figure.pk}").get_by_role("link", name="Terugsturen").click()
    team.get_by_label("Wat moet worden gecontroleerd of gecorrigeerd?").fill("Welke vier gemeenten?")
    axe_check(team)
    team.get_by_role("button", name="Terugsturen").click()
    expect(team.locator(f"#meting-{figure.pk}")).to_contain_text("teruggestuurd: Welke vier gemeenten?")

    partner.goto(url)
    partner.locator(f"#meting-{figure.pk}").get_by_role("link", name="Corrigeren").click()
    partner.get_by_label("Waarde").fill("5")
    partner.get_by_role("button", name="Correctie opslaan").click()
    expect(partner.get_by_text("Zeg waarom het cijfer wordt gecorrigeerd.")).to_be_visible()
    partner.locator("input[name=change_reason_text]").fill("Zeist vergeten")
    partner.get_by_role("button", name="Correctie opslaan").click()
    expect(partner.get_by_text("Het cijfer ging van 4 naar 5.")).to_be_visible()
    figure.refresh_from_db()
    assert (figure.value, figure.verification) == (5, Verification.SELF_REPORTED)

    team.goto(url)
    team.locator(f"#meting-{figure.pk}").get_by_role("button", name="Verifiëren").click()
    expect(team.get_by_text("De meting is geverifieerd.")).to_be_visible()
    first = Measurement.objects.get(date=dt.date(2022, 12, 31))
    team.locator(f"#meting-{first.pk}").get_by_role("link", name="Intrekken").click()
    team.get_by_label("Waarom wordt deze meting ingetrokken?").fill("dubbel ingevoerd")
    team.get_by_role("button", name="Meting intrekken").click()
    expect(team.locator(f"#meting-{first.pk}")).to_contain_text("ingetrokken")
    axe_check(team)
    team.screenshot(path="/tmp/measure-indicator.png", full_page=True)
    figure.refresh_from_db()
    assert figure.verification == Verification.VERIFIED
