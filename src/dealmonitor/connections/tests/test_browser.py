"""The connections pages in a real browser (Debian's Chromium), each with an axe scan for
WCAG 2.1 AA; the network view driven with the keyboard alone."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def built(demo_data):
    from dealmonitor.connections import services

    services.rebuild_suggestions(actor=None)


def sign_in(page, live_server):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Gebruikersnaam").fill("beheerder")
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-42")
    page.get_by_role("button", name="Inloggen").click()


def test_related_deals_with_reasons_and_a_confirmation(
    live_server, transactional_db, built, staff_user, page, axe_check
):
    page.goto(live_server.url + reverse("connections:deal", args=["cd-health-hub"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwante deals")
    first = page.locator("#related-list > li").first
    expect(first.get_by_role("heading", level=3)).to_have_text("Health Hub Utrecht")
    expect(first).to_contain_text("Dezelfde persoon heeft een rol in beide deals")
    axe_check(page)

    sign_in(page, live_server)
    page.goto(live_server.url + reverse("connections:deal", args=["cd-health-hub"]))
    item = page.locator("#related-ot-health-hub-utrecht")
    item.get_by_text("Bevestigen of afwijzen").click()
    axe_check(page)
    item.get_by_label("Soort verband").select_option("follow_up")
    item.get_by_role("button", name="Verband bevestigen").click()
    expect(page.locator("#related-ot-health-hub-utrecht")).to_contain_text(
        "Bevestigd: voorloper of opvolger"
    )
    expect(page.get_by_role("status")).to_contain_text("Het verband is bevestigd")
    axe_check(page)

    # The other deal's change log says so, in Dutch (it read "confirmed from cd-health-hub").
    page.goto(live_server.url + reverse("deals:change_log", args=["ot-health-hub-utrecht"]))
    entry = page.locator("#change-log tbody tr").first
    expect(entry).to_contain_text("Verbinding bevestigd vanuit cd-health-hub")
    expect(entry).not_to_contain_text("confirmed")
    page.screenshot(path=str(_shots() / "change-log-connection.png"), full_page=True)
    axe_check(page)


def _shots():
    from pathlib import Path

    from django.conf import settings

    folder = Path(settings.BASE_DIR) / "var" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _shot(page, name):
    from pathlib import Path

    from django.conf import settings

    shot = Path(settings.BASE_DIR) / "var" / "screenshots" / name
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shot), full_page=True)
    # The picture alone, to look at without scrolling through the tables.
    page.locator("section[aria-labelledby=graph-heading]").screenshot(
        path=str(shot.with_name(shot.stem + "-picture.png")))


def test_network_view_names_everything_and_works_with_the_keyboard(
    live_server, transactional_db, built, page, axe_check
):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + reverse("connections:network"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Partnernetwerk")
    axe_check(page)
    _shot(page, "network.png")
    # Every deal and organisation in the picture is named, each at its own place (the Dutch
    # page writes numbers with a decimal comma, which SVG coordinates must not get).
    deals = page.locator(".dm-network__deal")
    assert deals.count() > 1
    assert "City Deal Health Hub" in [t.strip() for t in deals.all_text_contents()]
    boxes = [node.bounding_box() for node in page.locator(".dm-network__node").all()]
    assert len({(round(b["x"]), round(b["y"])) for b in boxes}) == len(boxes)
    # Organisations grouped by type, in plain Dutch.
    expect(page.locator(".dm-network__group").first).to_contain_text("Gemeente")
    expect(page.get_by_role("heading", name="Verbindende organisaties")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("betweenness")

    # Tab reaches the picture once (one tab stop), the arrows move between names.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('dm-network__node')"):
            break
    else:
        pytest.fail("The network view cannot be reached with Tab.")
    first = page.evaluate("document.activeElement.getAttribute('data-slug')")
    page.keyboard.press("ArrowRight")
    second = page.evaluate("document.activeElement.getAttribute('data-slug')")
    assert second and second != first
    name = page.evaluate("document.activeElement.getAttribute('data-name')")
    expect(page.locator("#network-details")).to_contain_text(name)
    page.keyboard.press("Shift+Tab")  # leaving and coming back lands on the same name
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('data-slug')") == second
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"#deal-{second}$"))
    expect(page.locator(f"#deal-{second}")).to_be_focused()

    # The table sorts with the keyboard too.
    button = page.get_by_role("button", name="Organisaties", exact=True)
    button.focus()
    page.keyboard.press("Enter")
    header = page.locator("#network-table thead th").nth(2)
    expect(header).to_have_attribute("aria-sort", "ascending")
    cells = page.locator("#network-table tbody tr td:nth-child(3)")
    counts = [int(c) for c in cells.all_inner_texts()]
    assert counts == sorted(counts)
    axe_check(page)

    # One deal's partners, chosen in the form: that deal and its partners stand out.
    page.get_by_label("Partners markeren van").select_option("cd-health-hub")
    page.get_by_role("button", name="Tonen").click()
    expect(page.get_by_role("heading", level=2, name="Partners van City Deal Health Hub")).to_be_visible()
    expect(page.locator(".dm-network__deal.is-focus")).to_have_count(1)
    expect(page.locator(".dm-network__deal.is-focus")).to_contain_text("City Deal Health Hub")
    focused_lines = page.locator(".dm-network__edges line.is-focus").count()
    assert focused_lines == page.locator(".dm-network__org").count() > 0
    axe_check(page)
    _shot(page, "network-health-hub.png")

    # One type of organisation only.
    page.get_by_label("Partners markeren van").select_option("")
    page.get_by_label("Soort organisatie").select_option("ministerie")
    page.get_by_role("button", name="Tonen").click()
    # the new page, not the one the click leaves (read at once, a busy machine gave the old)
    expect(page).to_have_url(re.compile(r"ministerie"))
    expect(page.locator(".dm-network__group").first).to_be_visible()
    groups = page.locator(".dm-network__group").all_text_contents()
    assert groups and all(g.startswith("Ministerie") for g in groups), groups
    axe_check(page)


def test_plan_an_event_with_seating(live_server, transactional_db, built, staff_user, page,
                                    axe_check):
    sign_in(page, live_server)
    page.goto(live_server.url + reverse("connections:events"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Bijeenkomsten van de Community of Practice"
    )
    axe_check(page)
    page.get_by_label("Titel").fill("CoP najaar")
    page.get_by_label("Datum").fill("2024-11-01")
    for name in ("City Deal Health Hub", "Health Hub Utrecht", "City Deal Ruimte voor Lopen",
                 "Nationaal Masterplan Lopen", "City Deal Slim Maatwerk"):
        page.get_by_label(name, exact=True).check()
    page.get_by_role("button", name="Bijeenkomst aanmaken").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("CoP najaar")
    expect(page.locator("#proposed-seating li")).to_have_count(2)
    expect(page.locator("#buddies-table")).to_contain_text("Nationaal Masterplan Lopen")
    axe_check(page)
    page.get_by_role("button", name="Deze tafelindeling vastleggen").click()
    expect(page.locator("#saved-seating li")).to_have_count(2)
    axe_check(page)
