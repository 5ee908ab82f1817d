"""Fixtures shared by the whole suite.

Browser tests (marker `browser`) drive Debian's Chromium through Playwright against
pytest-django's live server and scan every page with axe for WCAG 2.1 AA. They never skip:
a missing browser is an error, so a green run always includes them.
"""

import copy
import io
import os
import shutil

import pytest
from django.conf import settings
from django.core.management import call_command

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


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker, django_db_keepdb,
                    django_db_createdb, django_db_modify_db_settings, tmp_path_factory, worker_id):
    """The test database, migrated once per run: the first pytest-xdist worker runs the
    migrations (about 60 s of CPU on SQLite, 22 s on PostgreSQL: Django renders the models'
    states again after the operations of its 116 migrations) and keeps a copy; every other
    worker starts from that copy (SQLite: the file copied into its in-memory database;
    PostgreSQL: CREATE DATABASE ... TEMPLATE) instead of migrating again. The copy is of the
    database the migrations made, data migrations included, before any test ran. Without
    workers (-n 0) or with --reuse-db, pytest-django's own setup (the migrated SQLite file is
    kept for `migrated_sqlite`)."""
    from django.test.utils import setup_databases, teardown_databases
    from pytest_django.fixtures import _get_databases_for_setup

    aliases, serialized = _get_databases_for_setup(request.session.items)
    databases = {"aliases": aliases, "serialized_aliases": serialized}
    # (no test of this process needs the database: nothing is created, nothing to copy)
    if worker_id == "master" or (django_db_keepdb and not django_db_createdb) or not aliases:
        keep = {"keepdb": True} if django_db_keepdb and not django_db_createdb else {}
        with django_db_blocker.unblock():
            config = setup_databases(verbosity=request.config.option.verbose,
                                     interactive=False, **databases, **keep)
            if aliases:
                _TemplateDatabase(tmp_path_factory.getbasetemp()).keep_sqlite_copy()
        yield
        if not django_db_keepdb:
            with django_db_blocker.unblock():
                teardown_databases(config, verbosity=request.config.option.verbose)
        return

    shared = tmp_path_factory.getbasetemp().parent  # the same for every worker of this run
    with django_db_blocker.unblock(), _TemplateDatabase(shared) as template:
        config = template.setup(request.config.option.verbose, databases)
    yield
    with django_db_blocker.unblock():
        teardown_databases(config, verbosity=request.config.option.verbose)
        template.drop()


_MIGRATED_SQLITE = None  # the file `_TemplateDatabase.keep_sqlite_copy` wrote, if any


@pytest.fixture(scope="session")
def migrated_sqlite(django_db_setup):
    """The SQLite file holding the test database as the migrations left it, before any test
    (data migrations included), not to be written (copy it): for a test that needs a migrated
    database of its own. None on PostgreSQL (or with --reuse-db): such a test runs `migrate`
    on an empty file instead."""
    if _MIGRATED_SQLITE is None or not _MIGRATED_SQLITE.exists():
        return None
    return _MIGRATED_SQLITE


@pytest.fixture
def migrated_sqlite_copy(migrated_sqlite, tmp_path):
    """A copy of `migrated_sqlite` for the test to write, or None."""
    import shutil

    if migrated_sqlite is None:
        return None
    target = tmp_path / "migrated.sqlite3"
    shutil.copyfile(migrated_sqlite, target)
    return target


class _TemplateDatabase:
    """One migrated copy of the test database per run, shared by the xdist workers under a
    file lock (see `django_db_setup`)."""

    def __init__(self, shared):
        self.lock_path = shared / "dealmonitor-test-db.lock"
        self.ready = shared / "dealmonitor-test-db.ready"
        self.sqlite_copy = shared / "dealmonitor-test-db.sqlite3"
        self.made_here = False

    def __enter__(self):
        import fcntl

        self.lock = open(self.lock_path, "a")
        fcntl.flock(self.lock, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc):
        import fcntl

        fcntl.flock(self.lock, fcntl.LOCK_UN)
        self.lock.close()

    @staticmethod
    def _postgres_name(connection):
        return connection.creation._get_test_db_name().rsplit("_gw", 1)[0] + "_template"

    def setup(self, verbosity, databases):
        from django.db import connection
        from django.test.utils import setup_databases

        if self.ready.exists():
            return self._from_template(verbosity, databases)
        config = setup_databases(verbosity=verbosity, interactive=False, **databases)
        if connection.vendor == "sqlite":
            self.keep_sqlite_copy()
        else:
            name = self._postgres_name(connection)
            source = connection.settings_dict["NAME"]
            connection.close()
            with connection.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")
                cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)} "
                               f"TEMPLATE {connection.ops.quote_name(source)}")
        self.ready.write_text(connection.vendor)
        self.made_here = True
        return config

    def keep_sqlite_copy(self):
        """Copy the freshly migrated SQLite test database to a file (`migrated_sqlite_copy`)."""
        global _MIGRATED_SQLITE
        import sqlite3

        from django.db import connection

        if connection.vendor != "sqlite":
            return
        connection.ensure_connection()
        copy_to = sqlite3.connect(self.sqlite_copy)
        connection.connection.backup(copy_to)
        copy_to.close()
        _MIGRATED_SQLITE = self.sqlite_copy

    def _from_template(self, verbosity, databases):
        from unittest import mock

        from django.core import management
        from django.db import connection
        from django.test.utils import setup_databases

        real_call_command = management.call_command

        def call_command(name, *args, **kwargs):
            if name != "migrate":
                return real_call_command(name, *args, **kwargs)
            if connection.vendor == "sqlite":  # copy the migrated database into this one
                import sqlite3

                connection.ensure_connection()
                copy_from = sqlite3.connect(self.sqlite_copy)
                copy_from.backup(connection.connection)
                copy_from.close()
                global _MIGRATED_SQLITE
                _MIGRATED_SQLITE = self.sqlite_copy
            # PostgreSQL: the database was created from the migrated template (TEST TEMPLATE)

        test = connection.settings_dict.setdefault("TEST", {})
        template_before = test.get("TEMPLATE")
        if connection.vendor == "postgresql":
            test["TEMPLATE"] = self._postgres_name(connection)
        try:
            with mock.patch.object(management, "call_command", call_command):
                return setup_databases(verbosity=verbosity, interactive=False, **databases)
        finally:
            test["TEMPLATE"] = template_before

    def drop(self):
        """The worker that made the copy removes the PostgreSQL template at its end (a worker
        that starts later then migrates again; the SQLite copy goes with pytest's temp dir)."""
        if not self.made_here:
            return
        from django.db import connection

        with self:
            self.ready.unlink(missing_ok=True)
            if connection.vendor == "postgresql":
                name = self._postgres_name(connection)
                with connection.creation._nodb_cursor() as cursor:
                    cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)}")


@pytest.fixture(autouse=True)
def default_language():
    """A request through the test client leaves its language active in the test thread;
    start and end every test in the default language so `reverse()` gives unprefixed URLs."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


class _PdfLayouts:
    """WeasyPrint's `HTML(string=..., base_url=...).write_pdf()` (reports/documents.py), laid
    out once per distinct input: a second call with the same HTML and base URL returns the
    bytes the first call returned instead of laying the same document out again. Everything
    before it (the view, the selectors, the template with the request's parameters) still
    runs for every request; only a repeat of a pure function on an input it has already
    succeeded on is skipped. An input that raises raises every time (nothing is kept)."""

    def __init__(self):
        import weasyprint

        self.real = weasyprint.HTML
        self.pdfs = {}
        self.laid_out = 0
        self.reused = 0

    def html(self, *args, **kwargs):
        layouts = self

        if args or set(kwargs) - {"string", "base_url"} or "string" not in kwargs:
            return self.real(*args, **kwargs)  # a file, a URL, options: as it was

        class Document:
            def write_pdf(self, *pdf_args, **pdf_kwargs):
                if pdf_args or pdf_kwargs:  # a target or options: as it was
                    return layouts.real(**kwargs).write_pdf(*pdf_args, **pdf_kwargs)
                key = (kwargs["string"], kwargs.get("base_url"))
                if key in layouts.pdfs:
                    layouts.reused += 1
                else:
                    layouts.pdfs[key] = layouts.real(**kwargs).write_pdf()
                    layouts.laid_out += 1
                return layouts.pdfs[key]

        return Document()


@pytest.fixture
def pdf_layouts_once(monkeypatch):
    """For tests that request the PDF reports many times for something other than the PDF's
    layout (the permission matrix, the query parameters): each distinct report HTML is laid
    out by WeasyPrint once per test (see `_PdfLayouts`). Returns the counter."""
    import weasyprint

    layouts = _PdfLayouts()
    monkeypatch.setattr(weasyprint, "HTML", layouts.html)
    return layouts


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


def _import_demo(records):
    from dealmonitor.deals.services import import_portfolio

    return import_portfolio(actor=None, records=records, publish=True)


class DemoSnapshot:
    """The rows one import of the demo data writes (or what `build` writes, given the demo
    records: the demo with more on top), taken once and copied back per test.

    Taking it: inside a transaction that is rolled back, run `build` on tables that are empty,
    and keep the contents of every table it changed (SQLite: the rows as tuples; PostgreSQL:
    COPY text). Copying back: check those tables are empty, insert the rows in one transaction
    (foreign keys are checked at its end), set the PostgreSQL sequences past the copied ids,
    and give the cached figures a new data version (as the import's own signals would).
    Only what `build` writes into the database is copied: a build that writes files or
    anything else the test reads cannot be kept this way."""

    def __init__(self, build=_import_demo):
        self.build = build
        self.snapshots = {}  # (committed, settings that change the import) -> (tables, report)
        self.default_records = None

    def load(self, records):
        from django.db import connection, transaction

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
        return self.build(records)

    def _take(self, records, committed):
        from django.db import connection, transaction
        from django.test import TestCase

        tables = self._tables()
        before = {t: self._dump(t) for t in tables}
        with transaction.atomic():
            if committed:  # run what would run on commit, then roll it all back
                with TestCase.captureOnCommitCallbacks(execute=True):
                    report = self.build(records)
            else:
                report = self.build(records)
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


def _build_demo_site(records):
    """The demo deals with the impact and learning demos on top (`loadimpactdemo`,
    `loadlearningdemo`: indicators, targets, measurements, lessons, bottlenecks, rounds)."""
    report = _import_demo(records)
    call_command("loadimpactdemo", stdout=io.StringIO())
    call_command("loadlearningdemo", stdout=io.StringIO())
    return report


_DEMO_SITE = DemoSnapshot(_build_demo_site)


@pytest.fixture
def demo_site(db, demo_records):
    """`demo_data` with the impact and learning demos loaded on top, copied back per test as
    `demo_data` is (the two commands took about 1.4 s per test). Ask for this one instead of
    `demo_data` and the commands, not as well: with the demo already there it runs them for
    real. Returns the import's report."""
    return _DEMO_SITE.load(demo_records)


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
