"""The page frame (templates/base.html) at desktop and phone widths, in a real browser: a calm
header (the site's name, one small language link, the navigation; on a phone the navigation's
links behind "Menu", every one of them reachable by keyboard and by touch), nothing wider
than the screen, axe finds nothing; screenshots kept in var/test-artefacts/pages/ to look at.
And the API's documentation page, which loads nothing from elsewhere and breaks no rule of the
Content-Security-Policy."""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.urls import reverse
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTEFACTS = Path(settings.BASE_DIR) / "var" / "test-artefacts" / "pages"
WIDTHS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
PAGES = [("portfolio", "/"), ("deal", "/deals/cd-impact-ondernemen/"), ("reports", "/rapporten/"),
         ("portfolio-en", "/en/")]


def sign_in(page, live_server, username):
    page.goto(live_server.url + reverse("accounts:login"))
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill("een-lang-wachtwoord-42")
    page.get_by_role("button", name="Inloggen").click()
    expect(page.get_by_text(f"Ingelogd als {username}")).to_be_visible()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_the_page_frame_at_desktop_and_phone_width(live_server, demo_data, staff_user, page, axe_check, width):
    page.set_viewport_size(WIDTHS[width])
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    for name, path in [*PAGES, ("signed-in", "/")]:
        if name == "signed-in":
            sign_in(page, live_server, staff_user.username)
        page.goto(live_server.url + path)
        header = page.locator("header.dm-header")
        # one language control: a link to this page in the other language, no form, no select;
        # the only button is signing out, which looks like the links beside it
        assert header.locator("select").count() == 0
        assert header.locator("button").count() == (1 if name == "signed-in" else 0)
        switch = header.locator(".dm-language a")
        expect(switch).to_have_count(1)
        box = header.bounding_box()
        # on a phone two lines: the site's name, the language link and "Menu"; the account
        # (95 px at 375 px wide, signed in or not; it was 159 px, signed in 223 px)
        assert box["height"] <= (140 if width == "desktop" else 110), f"{name}: the header is {box['height']}px high"
        expect(header.locator(".dm-menu__toggle")).to_be_visible(visible=width == "phone")
        assert switch.bounding_box()["height"] <= 32  # a line of text, not a large button
        assert page.evaluate("document.documentElement.scrollWidth") <= WIDTHS[width]["width"], \
            f"{name} is wider than the screen"
        page.screenshot(path=str(ARTEFACTS / f"{name}-{width}.png"))
        axe_check(page)


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_on_a_phone_every_link_of_the_main_navigation_is_reachable_by_keyboard_and_touch(
        live_server, demo_data, staff_user, browser, axe_check, signed_in):
    context = browser.new_context(locale="nl-NL", viewport=WIDTHS["phone"], has_touch=True, is_mobile=True)
    page = context.new_page()
    page.set_default_timeout(25_000)
    try:
        if signed_in:
            sign_in(page, live_server, staff_user.username)
        page.goto(live_server.url + "/")
        nav = page.get_by_role("navigation", name="Hoofdnavigatie")
        toggle = nav.locator("summary", has_text="Menu")
        links = nav.locator("a")  # every link, shown or not
        names = [name.strip() for name in links.all_text_contents()]
        assert len(names) == (12 if signed_in else 8), names  # the account's link(s) included
        # folded away: the links are out of sight, the account stays in sight
        expect(nav.get_by_role("link", name="Organisaties", exact=True)).to_be_hidden()
        account = nav.get_by_role("link", name="Ingelogd als beheerder" if signed_in else "Inloggen")
        expect(account).to_be_visible()

        # by keyboard: Tab from the language link reaches "Menu", Enter opens it, and Tab then
        # goes through every link (and the sign-out button), each scrolled into sight
        page.locator("header .dm-language a").focus()
        page.keyboard.press("Tab")
        expect(toggle).to_be_focused()
        page.keyboard.press("Enter")
        expect(nav.locator("details")).to_have_attribute("open", "")
        targets = nav.locator("a, button")
        for index in range(targets.count()):
            target = targets.nth(index)
            page.keyboard.press("Tab")
            expect(target).to_be_focused()
            expect(target).to_be_in_viewport()
        axe_check(page)
        for _ in range(targets.count()):  # and back to "Menu", which Enter closes
            page.keyboard.press("Shift+Tab")
        expect(toggle).to_be_focused()
        page.keyboard.press("Enter")
        expect(nav.get_by_role("link", name="Organisaties", exact=True)).to_be_hidden()

        # by touch: a tap opens the menu; every link is then on the screen, at least 24 by 24
        # px (WCAG 2.2's target size, minimum), and the topmost thing at its own centre
        toggle.tap()
        for index in range(targets.count()):
            target = targets.nth(index)
            target.scroll_into_view_if_needed()
            box = target.bounding_box()
            assert box["width"] >= 24 and box["height"] >= 24, f"{names[index] if index < len(names) else 'button'}: {box}"
            hit = page.evaluate("([x, y]) => document.elementFromPoint(x, y)?.closest('a, button')?.outerHTML",
                                [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2])
            assert hit == target.evaluate("element => element.outerHTML")
        nav.get_by_role("link", name="Knelpunten", exact=True).tap()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Knelpunten")
        expect(nav.get_by_role("link", name="Organisaties", exact=True)).to_be_hidden()  # closed again
    finally:
        context.close()


NO_DETAILS_CONTENT = """
    const supports = CSS.supports.bind(CSS);
    CSS.supports = (...args) => !String(args[0]).includes("details-content") && supports(...args);
"""


def test_a_browser_without_details_content_shows_the_navigation_on_a_wide_screen(live_server, browser):
    """Firefox before 143 or Safari before 18.4 cannot show a closed menu's links with CSS: the
    script opens the menu on a wide screen and hides "Menu" there (this Chromium can, so the
    test tells the script it cannot and checks what the script does), and leaves it folded
    on a phone."""
    for width, wide in (("desktop", True), ("phone", False)):
        context = browser.new_context(locale="nl-NL", viewport=WIDTHS[width])
        context.add_init_script(NO_DETAILS_CONTENT)
        page = context.new_page()
        try:
            page.goto(live_server.url + "/")
            nav = page.get_by_role("navigation", name="Hoofdnavigatie")
            menu, toggle = nav.locator("details.dm-menu"), nav.locator("summary", has_text="Menu")
            if wide:
                expect(menu).to_have_attribute("open", "")
                expect(toggle).to_be_hidden()
                expect(nav.get_by_role("link", name="Organisaties", exact=True)).to_be_visible()
            else:
                expect(toggle).to_be_visible()
                assert menu.get_attribute("open") is None
        finally:
            context.close()


def test_the_language_link_opens_the_same_page_in_the_other_language(live_server, demo_data, page):
    page.goto(live_server.url + "/deals/cd-impact-ondernemen/")
    link = page.locator("header .dm-language a")
    expect(link).to_have_text("English")
    expect(link).to_have_attribute("lang", "en")
    link.click()
    expect(page).to_have_url(live_server.url + "/en/deals/cd-impact-ondernemen/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    back = page.locator("header .dm-language a")
    expect(back).to_have_text("Nederlands")
    back.click()
    expect(page).to_have_url(live_server.url + "/deals/cd-impact-ondernemen/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_the_api_documentation_page_loads_nothing_from_elsewhere(live_server, page):
    refused, failed, elsewhere = [], [], []
    page.on("console", lambda message: "Content Security Policy" in message.text and refused.append(message.text))
    page.on("response", lambda response: response.status >= 400 and failed.append(response.url))
    page.on("request", lambda request: urlsplit(request.url).netloc != urlsplit(live_server.url).netloc
            and not request.url.startswith("data:") and elsewhere.append(request.url))
    page.goto(live_server.url + "/")
    page.locator("footer").get_by_role("link", name="API-documentatie").click()
    expect(page).to_have_url(live_server.url + reverse("v1:docs"))
    expect(page.get_by_role("heading", level=1).filter(has_text="Dealmonitor API")).to_be_visible()
    # an operation opened by its address: the measurement's reference to the organisation that
    # reported it is documented as the organisation's identifier
    page.goto(live_server.url + reverse("v1:docs") + "#/measurements/measurements_create")
    page.reload()  # the same page with another fragment: Swagger UI reads it when it starts
    operation = page.locator("#operations-measurements-measurements_create")
    expect(operation.get_by_text("reporting_organisation").first).to_be_visible()
    assert elsewhere == [] and refused == []
    assert [url for url in failed if not url.endswith("/favicon.ico")] == []  # the site's icon: another change
