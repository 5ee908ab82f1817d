"""The change log in a real browser: a deal team member changes a target with a reason, finds
the change in the log and puts the earlier value back, by keyboard. Axe scans every page."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.tests.factories import DealFactory
from dealmonitor.impact import services as impact_services
from dealmonitor.impact.models import Indicator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_change_with_its_reason_is_in_the_log_and_can_be_put_back(live_server, page, axe_check,
                                                                      django_user_model):
    deal = DealFactory(slug="cd-logboek", name="City Deal Logboek", unpublished=True)
    indicator = impact_services.save_indicator(actor=None, deal=deal, name="Woningen",
                                               target_value=100)
    user = django_user_model.objects.create_user("leider", password="een-lang-wachtwoord-42")
    DealMembership.objects.create(user=user, deal=deal, role="team")

    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Gebruikersnaam").fill("leider")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-42")
    page.get_by_label("Wachtwoord").press("Enter")
    expect(page.get_by_text("Ingelogd als leider")).to_be_visible()

    page.goto(live_server.url + reverse("impact:indicator_edit",
                                        kwargs={"slug": deal.slug, "pk": indicator.pk}))
    page.get_by_label("Einddoel", exact=True).fill("250")
    page.get_by_label("Reden", exact=True).select_option("correctie")
    page.get_by_label("Toelichting").fill("Nieuw doel na de midterm")
    axe_check(page)
    page.get_by_role("button", name="Indicator opslaan").click()
    expect(page.get_by_text("De indicator is opgeslagen.")).to_be_visible()

    page.goto(live_server.url + deal.get_absolute_url())
    page.get_by_role("navigation", name="Onderdelen van de deal").get_by_role(
        "link", name="Wijzigingen").click()
    log = page.locator("#change-log")
    first = log.locator("tbody tr").first
    expect(first).to_contain_text("Correctie: Nieuw doel na de midterm")
    expect(first).to_contain_text("leider")
    expect(first).to_contain_text("250")
    axe_check(page)

    # Put the earlier value back, by keyboard only.
    summary = first.get_by_text("Eerdere waarde terugzetten")
    summary.focus()
    page.keyboard.press("Enter")
    note = first.get_by_label("Waarom (optioneel)")
    note.focus()
    page.keyboard.type("Toch 100")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_text("De eerdere waarde is teruggezet")).to_be_visible()
    expect(log.locator("tbody tr").first).to_contain_text("Eerdere waarde hersteld: Toch 100")
    assert Indicator.objects.get(pk=indicator.pk).target_value == 100
    axe_check(page)


def test_the_content_security_policy_blocks_nothing_of_ours(live_server, page, demo_data):
    """The pages run under the strict policy: htmx loads, the filter updates the portfolio
    without a reload, the bar charts get their lengths, and the browser reports no violation."""
    violations = []
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text or "Refused to" in msg.text else None)
    page.goto(live_server.url + reverse("deals:portfolio"))
    page.evaluate("window.stillThisPage = true")
    page.get_by_label("Status").select_option("afgerond")
    expect(page.locator("#deals-table tbody tr")).to_have_count(3)
    assert page.evaluate("window.stillThisPage === true")  # htmx swapped, no reload
    page.goto(live_server.url + reverse("deals:detail", args=["cd-ruimte-voor-lopen"]))
    bar = page.locator(".dm-bar").first
    assert bar.evaluate("el => getComputedStyle(el).getPropertyValue('--value').trim()") != ""
    assert not violations, violations
