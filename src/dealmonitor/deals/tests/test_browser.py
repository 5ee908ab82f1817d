"""The deal pages in a real browser (Debian's Chromium), each with an axe scan for WCAG 2.1 AA."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_portfolio_shows_every_deal_and_filters_without_reload(
    live_server, transactional_db, demo_data, page, axe_check
):
    page.goto(live_server.url + reverse("deals:portfolio"))

    expect(page).to_have_title(re.compile("Portfolio"))
    expect(page.locator("#deals-table tbody tr")).to_have_count(26)
    expect(page.get_by_role("link", name="City Deal Impact Ondernemen")).to_be_visible()
    axe_check(page)

    page.get_by_label("Status").select_option("afgerond")
    expect(page.locator("#deals-table tbody tr")).to_have_count(3)
    expect(page).to_have_url(re.compile(r"status=afgerond"))
    expect(page.locator("#result-count")).to_contain_text("3")
    axe_check(page)


def test_portfolio_filters_work_with_the_keyboard_alone(
    live_server, transactional_db, demo_data, page
):
    page.goto(live_server.url + reverse("deals:portfolio"))
    page.get_by_label("Soort").focus()
    page.keyboard.press("End")  # the last kind in the list
    page.get_by_role("button", name="Filteren").press("Enter")
    expect(page.locator("#deals-table tbody tr, #portfolio-results p")).not_to_have_count(0)


def test_deal_page_shows_composition_and_sources(
    live_server, transactional_db, demo_data, page, axe_check
):
    page.goto(live_server.url + reverse("deals:portfolio"))
    page.get_by_role("link", name="City Deal Impact Ondernemen").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("City Deal Impact Ondernemen")
    table = page.locator("#composition-reported")
    expect(table.get_by_role("row", name=re.compile("gemeente.*12", re.I))).to_be_visible()
    expect(table.get_by_role("row", name=re.compile("provincie.*3", re.I))).to_be_visible()
    expect(page.locator("#composition-reported").locator("xpath=preceding::figure[1]")).to_be_visible()
    expect(page.locator("#fact-sources")).to_contain_text("agendastad.nl")
    expect(page.locator("#partners").locator("..").get_by_role("link", name="lawinsider.com").first).to_have_attribute(
        "href", "https://lawinsider.com/nl/contracts/kVc38QZscAo"
    )
    axe_check(page)


def test_phase_change_in_the_browser(live_server, transactional_db, demo_data, page, axe_check,
                                     staff_user):
    page.goto(live_server.url + reverse("accounts:login"))
    axe_check(page)
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-42")
    page.get_by_role("button", name="Inloggen").click()

    page.goto(live_server.url + reverse("deals:detail", args=["cd-energieke-wijken"]))
    page.get_by_label("Nieuwe fase").select_option("aanjagen")
    page.get_by_label("Sinds").fill("2021-03-04")
    page.get_by_role("button", name="Fase opslaan").click()

    expect(page.locator("#phase-history")).to_contain_text("aanjagen en implementeren")
    axe_check(page)


def test_english_pages(live_server, transactional_db, demo_data, page, axe_check):
    page.goto(live_server.url + "/en" + reverse("deals:detail", args=["cd-health-hub"]))
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Composition of the partnership")).to_be_visible()
    axe_check(page)
