"""A large portfolio in a real browser: the portfolio shows a page of deals at a time, pages
by keyboard (with htmx, without a reload), and stays WCAG 2.1 AA (axe)."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dealmonitor.deals.models import Deal
from dealmonitor.ops.generator import Spec, generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_portfolio_of_60_deals_shows_50_and_pages_by_keyboard(
    live_server, transactional_db, page, axe_check
):
    generate(Spec(deals=60, organisations=200, indicators=260, measurements=1_000),
             related=False)
    Deal.objects.update(is_published=True)  # the generator leaves a few unpublished
    page.goto(live_server.url + reverse("deals:portfolio"))

    expect(page.locator("#deals-table tbody tr")).to_have_count(50)
    expect(page.locator("#result-count")).to_contain_text("60")
    expect(page.locator(".dm-pagination")).to_contain_text("Pagina 1 van 2")
    axe_check(page)

    page.get_by_role("link", name="Volgende pagina").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#deals-table tbody tr")).to_have_count(10)
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".dm-pagination")).to_contain_text("Pagina 2 van 2")
    expect(page.get_by_role("link", name="Vorige pagina")).to_be_visible()
    axe_check(page)
