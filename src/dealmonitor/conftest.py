"""Fixtures shared by the whole suite.

Browser tests (marker `browser`) drive Debian's Chromium through Playwright against
pytest-django's live server and scan every page with axe for WCAG 2.1 AA. They never skip:
a missing browser is an error, so a green run always includes them.
"""

import copy
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
    return _parse_demo_file()


def _parse_demo_file():
    import json

    from dealmonitor.deals.importer import parse_portfolio

    return parse_portfolio(json.loads(settings.DEMO_DATA_FILE.read_text(encoding="utf-8")))


@pytest.fixture
def demo_data(db, demo_records):
    """The demo data loaded through the ordinary import service, published (as `loaddemo`
    does: the demo deals are public data). Returns the import's report.

    The import itself (some 5,000 queries) runs once per test session; every later test gets
    the same rows copied back into its tables (see `DemoSnapshot`), and loses them with its
    transaction like any other test data. A test in a transaction (`db`) gets the rows as the
    import leaves them inside a transaction; a test that commits (`transactional_db`,
    `live_server`) gets them as a committed import leaves them, with what runs on commit (the
    related-deal lists). When the tables the import writes are not empty (the test made deals
    or organisations before asking for `demo_data`) or the records differ from the demo file,
    the test gets the real import instead."""
    return _DEMO.load(demo_records)


class DemoSnapshot:
    """The rows one import of the demo data writes, taken once and copied back per test.

    Taking it: inside a transaction that is rolled back, import the demo records into tables
    that are empty, and keep the contents of every table the import changed (SQLite: the rows
    as tuples; PostgreSQL: COPY text). Copying back: check those tables are empty, insert the
    rows in one transaction (foreign keys are checked at its end), set the PostgreSQL
    sequences past the copied ids, and give the cached figures a new data version (as the
    import's own signals would)."""

    def __init__(self):
        self.snapshots = {}  # (committed, settings that change the import) -> (tables, report)
        self.default_records = None

    def load(self, records):
        from django.db import connection, transaction

        from dealmonitor.deals.services import import_portfolio

        committed = not connection.in_atomic_block
        key = (committed, getattr(settings, "CONNECTIONS_AUTO_UPDATE", True))
        if self.default_records is None:
            self.default_records = _parse_demo_file()
        usable = records == self.default_records
        snapshot = self.snapshots.get(key) if usable else None
        if snapshot is None and usable:
            snapshot = self.snapshots[key] = self._take(records, committed)
        if snapshot and self._empty(snapshot[0]):
            with transaction.atomic():
                self._restore(snapshot[0])
            return copy.deepcopy(snapshot[1])
        return import_portfolio(actor=None, records=records, publish=True)

    def _take(self, records, committed):
        from django.db import connection, transaction
        from django.test import TestCase

        from dealmonitor.deals.services import import_portfolio

        tables = self._tables()
        before = {t: self._dump(t) for t in tables}
        with transaction.atomic():
            if committed:  # run what would run on commit, then roll it all back
                with TestCase.captureOnCommitCallbacks(execute=True):
                    report = import_portfolio(actor=None, records=records, publish=True)
            else:
                report = import_portfolio(actor=None, records=records, publish=True)
            changed = {}
            for table in tables:
                rows = self._dump(table)
                if rows != before[table]:
                    changed[table] = rows
            transaction.set_rollback(True)
        if any(before[t] for t in changed):
            # The import changed rows that were already there: a copy would not be the same.
            return None
        assert connection.in_atomic_block != committed
        return changed, report

    @staticmethod
    def _tables():
        from django.db import connection

        from dealmonitor.learning import summary

        # the partner summary is counted again after copying (see _restore), not copied
        skip = {settings.CACHES["default"].get("LOCATION"), *summary.TABLES}
        with connection.cursor() as cursor:
            return [t.name for t in connection.introspection.get_table_list(cursor)
                    if t.type == "t" and t.name not in skip and not t.name.startswith("sqlite_")]

    @staticmethod
    def _dump(table):
        from django.db import connection

        name = connection.ops.quote_name(table)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                data = bytearray()
                with cursor.cursor.copy(f"COPY {name} TO STDOUT") as copy_out:
                    for chunk in copy_out:
                        data += chunk
                return bytes(data)
            cursor.execute(f"SELECT * FROM {name}")
            return cursor.fetchall()

    @staticmethod
    def _empty(tables):
        from django.db import connection

        with connection.cursor() as cursor:
            for table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
                if cursor.fetchone():
                    return False
        return True

    @staticmethod
    def _restore(tables):
        from django.apps import apps
        from django.core.management.color import no_style
        from django.db import connection

        from dealmonitor.utils import cache

        with connection.cursor() as cursor:
            for table, rows in tables.items():
                name = connection.ops.quote_name(table)
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY {name} FROM STDIN") as copy_in:
                        copy_in.write(rows)
                elif rows:
                    marks = ", ".join(["%s"] * len(rows[0]))
                    cursor.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)
            models = [m for m in apps.get_models(include_auto_created=True)
                      if m._meta.db_table in tables]
            for sql in connection.ops.sequence_reset_sql(no_style(), models):
                cursor.execute(sql)
        # The programme's partner summary, which triggers keep, from the copied rows (copied
        # in table order, a participation may come before its organisation).
        from dealmonitor.learning import summary

        summary.recount()
        cache.bump()


_DEMO = DemoSnapshot()


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


def _replaced_while_scanning(error):
    """Whether axe failed because a navigation replaced the document in the middle of the scan
    (seen in CI: "Cannot read properties of null (reading 'documentElement')")."""
    message = str(error)
    return any(sign in message for sign in (
        "reading 'documentElement'", "Execution context was destroyed",
        "Cannot find context with specified id", "because of a navigation"))


@pytest.fixture
def axe_check():
    """Run axe on the page and fail with its report when WCAG 2.1 AA is violated."""
    from axe_playwright_python.sync_playwright import Axe

    axe = Axe()

    def check(page):
        results = None
        for attempt in range(3):
            # A click on a link returns before the next page has loaded; scan the page the user
            # lands on, not the document that is being replaced.
            page.wait_for_load_state("load")
            try:
                results = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
                break
            except Exception as error:  # playwright's Error, raised when the document goes away
                if attempt == 2 or not _replaced_while_scanning(error):
                    raise
        assert results.violations_count == 0, results.generate_report()
        return results

    return check
