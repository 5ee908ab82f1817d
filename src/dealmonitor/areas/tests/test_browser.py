"""Context figures in a real browser (Debian's Chromium), with axe scans: programme staff
upload a StatLine CSV, the deal team adds a district, and the deal's tab shows the figures as
context. Screenshots in var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from dealmonitor.impact.tests.test_browser import sign_in

from .conftest import FIXTURES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_staff_upload_figures_and_the_deal_shows_them_as_context(
    live_server, transactional_db, page, axe_check, deal, team_user, staff_user, stadscentrum
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "beheerder")
    page.goto(live_server.url + reverse("areas:upload"))
    axe_check(page)
    page.get_by_label("CSV-bestand van StatLine").set_input_files(str(FIXTURES / "kwb-2024.csv"))
    page.get_by_label("Onderwerpen").fill(
        "AantalInwoners_5 = Inwoners | aantal\n"
        "HuishoudensMetEenLaagInkomen_86 = Huishoudens met laag inkomen | %")
    page.get_by_label("Titel van de bron").fill("Kerncijfers wijken en buurten 2024")
    page.get_by_label("Tabelnummer bij CBS").fill("85984NED")
    page.get_by_label("Opgehaald op").fill("2026-12-01")
    page.get_by_label("Periode").fill("2024")
    page.get_by_role("button", name="Inlezen").click()
    expect(page.get_by_text("8 cijfers toegevoegd")).to_be_visible()
    axe_check(page)

    page.context.clear_cookies()  # sign out
    sign_in(page, live_server, "projectleider")
    page.goto(live_server.url + deal.get_absolute_url())
    page.get_by_role("navigation", name="Onderdelen van de deal").get_by_role("link", name="Gebied").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Gebied")
    page.get_by_label("CBS-code van het gebied").fill("WK059901")
    page.get_by_label("Toelichting").fill("pilotwijk van het dashboard")
    page.get_by_role("button", name="Gebied toevoegen").click()
    expect(page.get_by_text("Stadscentrum (WK059901) hoort nu bij de gebieden van de deal.")).to_be_visible()
    section = page.locator("section[aria-labelledby=context-gebied]")
    expect(section).to_contain_text("Dit zijn geen resultaten van de deal.")
    expect(section.locator("#cijfers-WK059901")).to_contain_text("15,1")
    expect(section).to_contain_text("opgehaald op 1 december 2026")
    page.screenshot(path=str(SHOTS / "deal-area-context.png"), full_page=True)
    axe_check(page)

    page.goto(live_server.url + reverse("impact:indicators", kwargs={"slug": deal.slug}))
    expect(page.locator("section[aria-labelledby=context-gebied]")).to_contain_text("566.000")
    axe_check(page)


def test_the_deal_s_area_tab_is_english_under_en(live_server, transactional_db, page, axe_check, deal, stadscentrum):
    from django.utils import translation

    from dealmonitor.areas.importing import import_figures, period_from_text

    from .conftest import KWB_TOPICS, RETRIEVED

    SHOTS.mkdir(parents=True, exist_ok=True)
    import_figures(actor=None, data=(FIXTURES / "kwb-2024.csv").read_bytes(), topics=KWB_TOPICS,
                   period=period_from_text("2024"), source_title="Kerncijfers wijken en buurten 2024",
                   table_id="85984NED", retrieved_on=RETRIEVED)
    with translation.override("en"):
        page.goto(live_server.url + deal.get_absolute_url())
    page.get_by_role("navigation", name="Deal sections").get_by_role("link", name="Area", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Area")
    expect(page.get_by_role("heading", name="Areas of the deal")).to_be_visible()
    section = page.locator("section[aria-labelledby=context-gebied]")
    expect(section).to_contain_text("These are not results of the deal.")
    expect(section.locator("#cijfers-GM1992")).to_contain_text("no figure: unknown (.)")
    expect(section).to_contain_text("retrieved on 1 December 2026")
    page.screenshot(path=str(SHOTS / "deal-area-context-en.png"), full_page=True)
    axe_check(page)
