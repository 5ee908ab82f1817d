import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_organisation_page_from_a_deal(live_server, transactional_db, demo_data, page, axe_check):
    page.goto(live_server.url + reverse("deals:detail", args=["cd-impact-ondernemen"]))
    page.locator("#partners").locator("..").get_by_role(
        "link", name="Ministerie van Economische Zaken en Klimaat"
    ).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ministerie van Economische Zaken en Klimaat"
    )
    rows = page.locator("#participations tbody tr")
    expect(rows.first).to_be_visible()
    assert rows.count() > 1
    expect(page.locator("#participations")).to_contain_text("City Deal Impact Ondernemen")
    axe_check(page)


def test_organisation_list(live_server, transactional_db, demo_data, page, axe_check):
    page.goto(live_server.url + reverse("organisations:list"))
    expect(page).to_have_title(re.compile("Organisaties"))
    expect(page.locator("#organisations tbody tr").first).to_be_visible()
    axe_check(page)
