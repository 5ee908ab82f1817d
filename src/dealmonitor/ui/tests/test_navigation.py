"""The main navigation leads to every part of the product, in Dutch, in a real browser."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Link text in the main navigation -> the heading of the page it opens.
PARTS = [
    ("Programma", "Programmaoverzicht"),
    ("Lessen", "Lessenbibliotheek"),
    ("Knelpunten", "Knelpunten"),
    ("Verbanden", "Verbanden tussen deals"),
    ("Organisaties", "Organisaties"),
    ("Rapporten", "rapporten"),
    ("Portfolio", "Portfolio van deals"),
]


def test_every_part_is_one_click_from_the_main_navigation(live_server, demo_data, page, axe_check):
    page.goto(live_server.url + "/")
    nav = page.get_by_role("navigation", name="Hoofdnavigatie")
    for link_text, heading in PARTS:
        nav.get_by_role("link", name=link_text, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
        # The page the visitor is on is marked as current for screen readers.
        expect(nav.get_by_role("link", name=link_text, exact=True)).to_have_attribute(
            "aria-current", "page"
        )
    axe_check(page)
