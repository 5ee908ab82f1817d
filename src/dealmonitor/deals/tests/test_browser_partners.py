"""The partners tab in a real browser (Debian's Chromium), with axe scans: the deal team looks
an organisation up while typing, is warned that a new "GEMEENTE DEN HAAG" is the registered Den
Haag, and adds the registered one. Screenshots in var/screenshots/."""

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

from dealmonitor.deals.models import Participation
from dealmonitor.impact.tests.test_browser import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


def test_the_team_adds_a_partner_with_lookup_and_duplicate_warning(
    live_server, transactional_db, demo_data, page, axe_check, staff_user
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    sign_in(page, live_server, "beheerder")
    page.goto(live_server.url + reverse("deals:detail", args=["cd-health-hub"]))
    page.get_by_role("navigation", name="Onderdelen van de deal").get_by_role("link", name="Partners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners")
    expect(page.locator("#partners tbody tr").first).to_be_visible()
    axe_check(page)

    page.get_by_label("Of een nieuwe organisatie: naam").fill("GEMEENTE DEN HAAG")
    page.locator("#id_type").select_option("gemeente")
    warning = page.locator("#organisation-lookup .utrecht-alert")
    expect(warning).to_contain_text("gemeente-den-haag")
    page.screenshot(path=str(SHOTS / "partners-duplicate-warning.png"), full_page=True)
    axe_check(page)
    page.get_by_role("button", name="Partner toevoegen").click()
    expect(page.locator(".utrecht-form-field-error-message, .dm-form-errors, [role=alert]").first).to_contain_text(
        "al geregistreerd")

    page.get_by_label("Of een nieuwe organisatie: naam").fill("")
    page.locator("#id_type").select_option("")
    page.get_by_label("Geregistreerde organisatie").fill("den haag")
    expect(page.locator("#organisation-lookup")).to_contain_text("Gemeente Den Haag")
    page.get_by_label("Geregistreerde organisatie").fill("gemeente-den-haag")
    page.get_by_label("Toezegging in fte").fill("0.5")
    page.get_by_label("Contactpersoon", exact=True).fill("A. de Vries")
    page.get_by_role("button", name="Partner toevoegen").click()
    expect(page.get_by_text("Gemeente Den Haag is toegevoegd aan de partners.")).to_be_visible()
    page.screenshot(path=str(SHOTS / "partners-added.png"), full_page=True)
    axe_check(page)
    row = Participation.objects.get(deal__slug="cd-health-hub", organisation__slug="gemeente-den-haag")
    assert row.contact_name == "A. de Vries"
