"""A deal team's whole path through the impact pages in a real browser (Debian's Chromium):
build a pathway with an assumption, add an indicator with targets, enter a measurement and
read progress. Every page gets an axe scan for WCAG 2.1 AA."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from dealmonitor.impact.models import Indicator, Measurement

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-42")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text(f"Ingelogd als {username}")).to_be_visible()


def test_a_deal_team_builds_a_pathway_and_tracks_an_indicator(live_server, deal, team_user, page, axe_check):
    sign_in(page, live_server, "projectleider")
    base = live_server.url + "/deals/cd-proef"

    # The pathway: start it, add two elements, link them, add an assumption.
    page.goto(base + "/veranderpad/")
    expect(page.locator("#no-pathway")).to_be_visible()
    axe_check(page)
    page.get_by_role("button", name="Veranderpad beginnen").click()
    editor = page.locator("#add-element")
    for level, title in [("activiteiten", "Energiecoaches op pad"), ("outcome", "Lagere energierekening")]:
        editor.get_by_label("Niveau").select_option(level)
        editor.get_by_label("Titel").fill(title)
        editor.get_by_role("button", name="Element toevoegen").click()
        expect(page.get_by_text(f"‘{title}’ is toegevoegd.")).to_be_visible()
    linker = page.locator("#add-link")
    linker.get_by_label("Van (oorzaak)").select_option(label="activiteiten: Energiecoaches op pad")
    linker.get_by_label("Naar (gevolg)").select_option(label="outcome: Lagere energierekening")
    linker.get_by_role("button", name="Verband toevoegen").click()
    expect(page.locator(".dm-pathway-diagram__arrow")).to_have_count(1)
    expect(page.locator(".dm-pathway-links")).to_contain_text("leidt tot Lagere energierekening")
    page.get_by_text("Aanname bij dit verband toevoegen").click()
    page.locator(".dm-pathway-links").get_by_label("Aanname").fill("Huishoudens volgen het advies op.")
    page.get_by_role("button", name="Aanname toevoegen").click()
    expect(page.locator(".dm-assumptions")).to_contain_text("ongetoetst")
    expect(page.get_by_role("img", name=re.compile("Veranderpad van City Deal Proef"))).to_be_visible()
    # the assumption's status is a Utrecht status badge, with its own colours and rounded corners
    badge = page.locator(".dm-assumptions .utrecht-status-badge")
    expect(badge).to_have_text("ongetoetst")
    assert badge.evaluate("e => getComputedStyle(e).borderRadius") != "0px"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.locator(".dm-assumptions").first.screenshot(path=str(SHOTS / "pathway-assumption-badge.png"))
    axe_check(page)

    # An indicator on the outcome, with yearly targets.
    page.get_by_role("navigation", name="Onderdelen van de deal").get_by_role("link", name="Indicatoren").click()
    page.get_by_role("link", name="Indicator toevoegen").click()
    axe_check(page)
    page.get_by_label("Naam").fill("Huishoudens met lagere rekening")
    page.get_by_label("Element van het veranderpad").select_option(label="outcome: Lagere energierekening")
    page.get_by_label("Soort").select_option("numeriek")
    page.get_by_label("Eenheid").fill("huishoudens")
    page.get_by_label("Optelling").select_option("cumulatief")
    page.get_by_label("Einddoel", exact=True).fill("300")
    page.get_by_role("button", name="Indicator opslaan").click()
    expect(page.get_by_text("De indicator is opgeslagen.")).to_be_visible()
    indicator = Indicator.objects.get(name="Huishoudens met lagere rekening")

    page.get_by_role("link", name="Doelen instellen").click()
    page.get_by_label("Perioden", exact=True).select_option("jaar")
    page.get_by_label("Van").fill("2023-01-01")
    page.get_by_label("Tot en met").fill("2024-12-31")
    page.get_by_role("button", name="Perioden tonen").click()
    page.locator("#value_0").fill("100")
    page.locator("#value_1").fill("300")
    axe_check(page)
    page.get_by_role("button", name="Doelen opslaan").click()
    expect(page.get_by_text("De doelen zijn opgeslagen.")).to_be_visible()

    # A measurement: first a wrong one, then a right one with an address as evidence.
    page.get_by_role("link", name="Meting toevoegen").click()
    page.get_by_label("Datum", exact=True).fill("2019-06-30")
    page.get_by_label("Waarde").fill("twaalf")
    page.get_by_role("button", name="Meting opslaan").click()
    expect(page.get_by_text("'twaalf' is geen getal.")).to_be_visible()
    axe_check(page)
    page.get_by_label("Waarde").fill("120")
    page.get_by_role("button", name="Meting opslaan").click()
    expect(page.get_by_text(re.compile("2019-06-30 ligt vóór de start van de deal"))).to_be_visible()
    page.get_by_label("Datum", exact=True).fill("2023-06-30")
    page.get_by_label("Bewijs (adres)").fill("https://example.org/rapportage-2023")
    page.get_by_role("button", name="Meting opslaan").click()
    expect(page.get_by_text("De meting is opgeslagen.")).to_be_visible()
    assert Measurement.objects.get(indicator=indicator).value == 120
    axe_check(page)  # the indicator page, with its chart and data table

    # Progress in the table and the dashboard.
    page.goto(base + "/prestaties/")
    row = page.locator("tr", has_text="Huishoudens met lagere rekening")
    expect(row).to_contain_text("120")
    expect(row).to_contain_text("gehaald")  # 120 of the 2023 target of 100
    axe_check(page)
    page.goto(base + "/dashboard/")
    expect(page.locator("#status-cards")).to_be_visible()
    axe_check(page)
    page.goto(base + "/effecten/")
    axe_check(page)
