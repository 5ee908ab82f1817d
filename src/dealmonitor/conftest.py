"""Fixtures shared by the whole suite.

Browser tests (marker `browser`) drive Debian's Chromium through Playwright against
pytest-django's live server and scan every page with axe for WCAG 2.1 AA. They never skip:
a missing browser is an error, so a green run always includes them.
"""

import os
import shutil

import pytest
from django.conf import settings

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# same thread are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_report_header(config):
    db = settings.DATABASES["default"]
    return f"database: {db['ENGINE'].rsplit('.', 1)[-1]} {db.get('HOST') or db['NAME']}"


@pytest.fixture(autouse=True)
def default_language():
    """A request through the test client leaves its language active in the test thread;
    start and end every test in the default language so `reverse()` gives unprefixed URLs."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture
def demo_records():
    """The demo file, parsed: the real data on 26 deals."""
    import json

    from dealmonitor.deals.importer import parse_portfolio

    return parse_portfolio(json.loads(settings.DEMO_DATA_FILE.read_text(encoding="utf-8")))


@pytest.fixture
def demo_data(db, demo_records):
    """The demo data loaded through the ordinary import service, published (as `loaddemo`
    does: the demo deals are public data)."""
    from dealmonitor.deals.services import import_portfolio

    return import_portfolio(actor=None, records=demo_records, publish=True)


@pytest.fixture
def staff_user(db, django_user_model):
    return django_user_model.objects.create_user(
        username="beheerder", password="een-lang-wachtwoord-42", is_staff=True
    )


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
    if not os.path.exists(executable):
        pytest.fail(
            f"Chromium not found at {executable}: run `make test`, which installs Debian's "
            "chromium, or set CHROMIUM_PATH. Browser tests never skip."
        )
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="nl-NL")
    page = context.new_page()
    # Generous: on a 2-core machine shared with other work, a page that reads the whole demo
    # portfolio (the network, the programme view) has been seen to take more than 10 s.
    page.set_default_timeout(25_000)
    page.set_default_navigation_timeout(25_000)
    from playwright.sync_api import expect

    expect.set_options(timeout=15_000)  # assertions that wait (the default is 5 s)
    yield page
    context.close()


@pytest.fixture
def axe_check():
    """Run axe on the page and fail with its report when WCAG 2.1 AA is violated."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        assert results.violations_count == 0, results.generate_report()
        return results

    return check
