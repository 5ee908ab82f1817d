"""SQLite under concurrent use, against a real server (gunicorn with several workers and
threads) on a file database, as a small installation runs it.

- Twenty API writes at the same moment all succeed: write transactions start with
  BEGIN IMMEDIATE and wait for the lock (the busy timeout) instead of failing at once.
- When another process keeps the database locked longer than the busy timeout, a page and an
  API write answer 503 with Retry-After and a Dutch message, soon after the timeout; never a
  500, and never a request that hangs.

The suite's own SQLite test database lives in memory, which one server process cannot share,
so these tests make their own file database in a temporary folder (migrated once per module).
They do not depend on the database of the test run, so they run in the SQLite leg only.
"""

import http.cookiejar
import json
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings

from .private_postgres import free_port

pytestmark = [
    # make test runs it in the SQLite run only (deselected, not skipped, on PostgreSQL)
    pytest.mark.own_database,
    pytest.mark.skipif(
        not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
        reason="starts its own SQLite file database; runs once, in the SQLite leg",
    ),
]
PASSWORD = "een-lang-wachtwoord-42"
SETUP = f"""
from django.contrib.auth import get_user_model
from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.models import Deal
from dealmonitor.impact.services import save_indicator
deal = Deal.objects.create(slug="cd-druk", name="City Deal Druk", kind="city_deal", is_published=True)
user = get_user_model().objects.create_user("schrijver", password="{PASSWORD}")
DealMembership.objects.create(user=user, deal=deal, role="team")
indicator = save_indicator(actor=None, deal=deal, name="Gelijktijdige doelen")
print(indicator.pk)
"""


def _env(db, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({"DJANGO_SETTINGS_MODULE": "dealmonitor.conf.ci",
                "DATABASE_URL": f"sqlite:///{db}", **extra})
    # the code under test, also where another checkout is the one installed
    src = str(pathlib.Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p)
    return env


@pytest.fixture(scope="module")
def sqlite_file(tmp_path_factory, migrated_sqlite):
    """A migrated SQLite file with a team member and an indicator; a fresh copy per test. It
    starts as a copy of the migrated test database when there is one (migrating an empty file
    costs about 60 s of CPU); `migrate` then has nothing left to do."""
    folder = tmp_path_factory.mktemp("sqlite")
    template = folder / "template.sqlite3"
    if migrated_sqlite is not None:
        shutil.copyfile(migrated_sqlite, template)
    for args in (["migrate", "--no-input", "-v0"], ["shell", "--no-imports", "-c", SETUP]):
        result = subprocess.run([sys.executable, "-m", "dealmonitor.cli", *args],
                                env=_env(template), capture_output=True, text=True, timeout=300)
        assert result.returncode == 0, result.stdout + result.stderr
    indicator_id = int(result.stdout.split()[-1])
    # one self-contained file (no -wal beside it) to copy
    with sqlite3.connect(template) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    count = iter(range(1000))

    def fresh():
        db = folder / f"db-{next(count)}.sqlite3"
        shutil.copy(template, db)
        return db, indicator_id

    return fresh


class Server:
    def __init__(self, db, **env):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = db.with_suffix(".log")
        self.log = open(self.log_path, "w")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))
        # two processes with ten threads each: writers in different processes and threads
        self.process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "dealmonitor.wsgi:application", "-b",
             f"127.0.0.1:{self.port}", "--workers", "2", "--threads", "10", "--timeout", "60"],
            env=_env(db, **env), stdout=self.log, stderr=self.log,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.request("GET", "/api/v1/schema/")
                break
            except OSError:
                assert self.process.poll() is None, self.log_path.read_text()
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)

    def request(self, method, path, body=None, headers=None, timeout=60, form=False):
        """JSON (or with form=True a posted form with the CSRF token); keeps cookies."""
        if form:
            csrf = next(c.value for c in self.jar if c.name == "csrftoken")
            data = urllib.parse.urlencode({**body, "csrfmiddlewaretoken": csrf}).encode()
            headers = {"Content-Type": "application/x-www-form-urlencoded",
                       "Referer": self.base + path, **(headers or {})}
        else:
            data = json.dumps(body).encode() if body is not None else None
            headers = {"Content-Type": "application/json", **(headers or {})}
        request = urllib.request.Request(self.base + path, data=data, method=method,
                                         headers={"Accept-Language": "nl", **headers})
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read().decode()

    def token(self):
        status, _, body = self.request("POST", "/api/v1/token/",
                                       {"username": "schrijver", "password": PASSWORD})
        assert status == 200, body
        return json.loads(body)["token"]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


@pytest.fixture
def server(sqlite_file):
    started = []

    def start(**env):
        db, indicator_id = sqlite_file()
        started.append(Server(db, **env))
        return started[-1], db, indicator_id

    yield start
    for s in started:
        s.stop()


def _target(indicator_id, year):
    return {"indicator": indicator_id, "period_start": f"{year}-01-01",
            "period_end": f"{year}-12-31", "label": str(year), "value": "20"}


def test_twenty_simultaneous_api_writes_all_succeed(server):
    srv, db, indicator_id = server()
    auth = {"Authorization": f"Token {srv.token()}"}
    start = threading.Barrier(20)
    answers = {}

    def post(year):
        start.wait()
        answers[year] = srv.request("POST", "/api/v1/targets/", _target(indicator_id, year), auth)

    threads = [threading.Thread(target=post, args=(2000 + n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    statuses = sorted(status for status, _, _ in answers.values())
    assert statuses == [201] * 20, (
        f"{statuses.count(201)} of 20 created; answers {statuses}; first failure: "
        + next((b[:300] for s, _, b in answers.values() if s != 201), ""))
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT COUNT(*) FROM impact_target WHERE indicator_id = ?",
                              [indicator_id]).fetchone()[0]
        journal = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert stored == 20
    assert journal == "wal"  # readers no longer wait for a writer


def test_a_database_locked_too_long_answers_503_in_dutch_with_retry_after(server):
    srv, db, indicator_id = server(DB_SQLITE_TIMEOUT="2")
    auth = {"Authorization": f"Token {srv.token()}"}
    assert srv.request("GET", "/account/inloggen/")[0] == 200  # the CSRF cookie
    # Another process takes the write lock and keeps it (a long import, a maintenance job).
    holder = sqlite3.connect(db, isolation_level=None, timeout=10)
    holder.execute("DELETE FROM dealmonitor_cache")  # so the portfolio must compute its figures
    holder.execute("BEGIN IMMEDIATE")
    try:
        # Reading goes on (write-ahead log); the figures the page cannot cache are computed.
        began = time.monotonic()
        status, _, text = srv.request("GET", "/", timeout=30)
        assert status == 200, (status, text[:300])
        assert time.monotonic() - began < 2 + 4
        # Writing waits for the busy timeout, then answers 503: a page, and the API in JSON.
        for method, path, body, headers, form in [
            ("POST", "/account/inloggen/", {"username": "schrijver", "password": PASSWORD}, {}, True),
            ("POST", "/api/v1/targets/", _target(indicator_id, 2030), auth, False),
        ]:
            began = time.monotonic()
            status, response_headers, text = srv.request(method, path, body, headers, timeout=30,
                                                         form=form)
            took = time.monotonic() - began
            assert status == 503, (method, path, status, f"{took:.1f} s", text[:300])
            assert response_headers.get("Retry-After", "").isdigit(), response_headers
            assert "De database is even bezet" in text, text[:500]
            assert took < 2 + 4, f"{method} {path} took {took:.1f} s with a 2 s busy timeout"
        assert json.loads(text)["detail"].startswith("De database is even bezet")
    finally:
        holder.rollback()
        holder.close()
    # once the lock is gone, the same requests work again
    assert srv.request("POST", "/api/v1/targets/", _target(indicator_id, 2030), auth)[0] == 201
