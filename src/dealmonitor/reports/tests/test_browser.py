"""The exports page and both reports in a real browser, each with an axe scan (WCAG 2.1 AA)
and reachable by keyboard."""

import datetime
import pathlib
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from .test_exports import filled  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reports_pages(live_server, page, axe_check, filled):
    page.goto(live_server.url + reverse("reports:index"))
    expect(page.get_by_role("heading", name="Exports en rapporten")).to_be_visible()
    axe_check(page)
    link = page.get_by_role("link", name="HTML – City Deal Proef")
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1, name="City Deal Proef")).to_be_visible()
    expect(page.locator("#report-performance")).to_contain_text("Woningen verduurzaamd")
    axe_check(page)
    page.get_by_role("navigation", name="Inhoud").get_by_role("link", name="Knelpunten").click()
    expect(page).to_have_url(re.compile("#knelpunten$"))
    page.goto(live_server.url + reverse("reports:portfolio_report"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("City Deals en Town Deals")
    axe_check(page)


def _shot(page, name):
    from pathlib import Path

    from django.conf import settings

    shot = Path(settings.BASE_DIR) / "var" / "screenshots" / name
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)


def test_the_portfolio_pdf_is_made_in_the_background_and_downloaded(
        live_server, page, axe_check, filled, staff_user, settings, tmp_path):
    """From the reports page to the PDF: queued for a worker, followed on its page (which
    refreshes itself with htmx, and has a link for without scripts), then downloaded."""
    from django.core.management import call_command

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.MEDIA_ROOT = tmp_path / "media"
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-42")
    page.get_by_role("button", name="Inloggen").click()
    page.goto(live_server.url + reverse("reports:index"))
    this_year = str(datetime.date.today().year)
    page.get_by_label("Jaar").select_option(this_year)
    page.get_by_role("button", name="Pdf laten maken").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("als pdf")
    expect(page.locator("#pdf-job-status")).to_contain_text("wacht op een verwerker")
    expect(page.get_by_role("link", name="Deze pagina verversen")).to_be_visible()
    axe_check(page)
    _shot(page, "portfolio-pdf-waiting.png")

    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)
    # the page notices by itself (htmx every 2 s): no reload by the user
    expect(page.locator("#pdf-job-status")).to_contain_text("klaar")
    axe_check(page)
    _shot(page, "portfolio-pdf-ready.png")
    with page.expect_download() as info:
        page.locator("#pdf-job-download").click()
    download = info.value
    assert download.suggested_filename == f"portfoliorapportage-{this_year}.pdf"
    assert pathlib.Path(download.path()).read_bytes().startswith(b"%PDF")

    page.goto(live_server.url + reverse("reports:index"))
    expect(page.locator("#portfolio-pdf-latest")).to_contain_text("klaar")
