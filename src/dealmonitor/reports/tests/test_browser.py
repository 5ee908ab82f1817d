"""The exports page and both reports in a real browser, each with an axe scan (WCAG 2.1 AA)
and reachable by keyboard."""

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
