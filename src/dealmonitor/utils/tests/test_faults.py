"""Surviving faults.

- PostgreSQL crashes and comes back while users are saving: the running application (gunicorn,
  persistent database connections) recovers by itself, and every save it confirmed is still
  there. The database is a private throwaway cluster (private_postgres.py), never the shared
  server; these tests run in the PostgreSQL leg of `make test`.
- A process killed halfway an import leaves nothing behind.
- An import or a service call that fails halfway leaves nothing behind (on either database).
"""

import datetime as dt
import http.cookiejar
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.db import connection

from .private_postgres import PrivatePostgres, free_port

ON_POSTGRES = settings.DATABASES["default"]["ENGINE"].endswith("postgresql")
on_postgres_leg = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="runs in the PostgreSQL leg of `make test` (it starts its own private cluster)",
)
PASSWORD = "een-lang-wachtwoord-42"


def _env(cluster, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update({
        "DJANGO_SETTINGS_MODULE": "dealmonitor.conf.ci",
        "DATABASE_URL": cluster.url(),
        "DB_CONN_MAX_AGE": "60",  # persistent connections, as in production
        "DB_CONN_HEALTH_CHECKS": "true",
        **extra,
    })
    return env


def _manage(cluster, *args, **env):
    result = subprocess.run([sys.executable, "-m", "dealmonitor.cli", *args],
                            env=_env(cluster, **env), capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


SETUP = f"""
import datetime as dt
from django.contrib.auth import get_user_model
from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.models import Deal
from dealmonitor.impact.services import save_indicator
deal = Deal.objects.create(slug="cd-storing", name="City Deal Storing", kind="city_deal")
user = get_user_model().objects.create_user("schrijver", password="{PASSWORD}")
DealMembership.objects.create(user=user, deal=deal, role="team")
indicator = save_indicator(actor=None, deal=deal, name="Metingen tijdens een storing")
print(indicator.pk)
"""


@pytest.fixture(scope="module")
def cluster():
    """A private PostgreSQL cluster with Dealmonitor's schema; destroyed afterwards."""
    if not ON_POSTGRES:
        pytest.skip("runs in the PostgreSQL leg of `make test` (it starts its own private cluster)")
    pg = PrivatePostgres().init().start()  # fails loudly when the binaries are missing
    try:
        pg.create_database()
        _manage(pg, "migrate", "--no-input", "-v0")
        yield pg
    finally:
        pg.destroy()


class Browser:
    """Just enough of a browser: cookies, the CSRF token, forms posted without following
    redirects."""

    def __init__(self, base):
        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect
        )

    def get(self, path):
        with self.opener.open(self.base + path, timeout=10) as response:
            return response.status, response.read().decode()

    def csrf(self):
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def post(self, path, data):
        body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        request = urllib.request.Request(self.base + path, data=body,
                                         headers={"Referer": self.base + path})
        try:
            with self.opener.open(request, timeout=10) as response:
                return response.status, response.headers.get("Location", "")
        except urllib.error.HTTPError as exc:  # 302 (not followed), 4xx, 5xx
            return exc.code, exc.headers.get("Location", "")


@on_postgres_leg
def test_postgresql_crashes_during_writes_and_every_confirmed_write_survives(cluster):
    indicator_id = int(_manage(cluster, "shell", "--no-imports", "-c", SETUP).split()[-1])
    port = free_port()
    log = open(cluster.tmp / "gunicorn.log", "w")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "dealmonitor.wsgi:application", "-b",
         f"127.0.0.1:{port}", "--workers", "1", "--threads", "2", "--timeout", "30",
         "--graceful-timeout", "2"],
        env=_env(cluster), stdout=log, stderr=log,
    )
    try:
        browser = Browser(f"http://127.0.0.1:{port}")
        for _ in range(200):
            try:
                browser.get("/account/inloggen/")
                break
            except OSError:
                time.sleep(0.1)
        status, location = browser.post("/account/inloggen/",
                                        {"username": "schrijver", "password": PASSWORD})
        assert status == 302 and "inloggen" not in location, (status, location)
        form = f"/deals/cd-storing/indicatoren/{indicator_id}/meting/"
        assert browser.get(form)[0] == 200
        values = iter(range(1, 100_000))

        def save():
            """One measurement through the form; True when the application confirmed it."""
            value = next(values)
            try:
                status, location = browser.post(form, {
                    "date": "2024-06-30", "value": str(value), "verification": "zelfgerapporteerd",
                })
                ok = status == 302 and "/indicatoren/" in location
            except OSError:
                ok = False
            (confirmed if ok else refused).append(value)
            return ok

        # 1. PostgreSQL crashes (no clean shutdown: recovery from the WAL) while a user saves.
        confirmed, refused, after_recovery = [], [], []
        up_again, stop = threading.Event(), threading.Event()

        def write():
            while not stop.is_set():
                started_after = up_again.is_set()
                ok = save()
                if started_after:
                    after_recovery.append(ok)
                time.sleep(0.02)

        writer = threading.Thread(target=write)
        writer.start()
        time.sleep(2)
        cluster.stop("immediate")
        time.sleep(1.5)
        cluster.start()
        cluster.wait_until_up()
        up_again.set()
        time.sleep(3)
        stop.set()
        writer.join(30)

        # 2. PostgreSQL restarts while nobody writes: every kept connection of the application
        # is stale now; the next saves must still all succeed (Django's health check).
        cluster.stop("fast")
        cluster.start()
        cluster.wait_until_up()
        after_idle_restart = [save() for _ in range(6)]
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()

    with cluster.connect() as conn:
        stored = {int(v) for (v,) in conn.execute(
            "SELECT value FROM impact_measurement WHERE indicator_id = %s", [indicator_id])}
    server_log = (cluster.tmp / "gunicorn.log").read_text()[-3000:]
    assert refused, "the crash should have refused some saves (the database was down)"
    # Recovery by itself: once the database is back, every save succeeds.
    assert len(after_recovery) >= 5 and all(after_recovery), (after_recovery, server_log)
    assert all(after_idle_restart), (after_idle_restart, server_log)
    # Durability: every save the application confirmed is there, and nothing else appeared.
    assert set(confirmed) <= stored, sorted(set(confirmed) - stored)
    assert stored <= set(confirmed) | set(refused)
    print(f"\n{len(confirmed)} saves confirmed, {len(refused)} refused while PostgreSQL was "
          f"down, {len(after_recovery)} after it came back, all confirmed saves stored")


# The demo import, stopped inside its transaction once every row is written: the writer's flush
# (the bulk inserts) has run, the commit has not. A fixed point, not a moment picked by timing
# (the import takes well under a second).
STALLED_IMPORT = """
import time
import django
django.setup()
from django.core.management import call_command
from dealmonitor.deals import services

real_flush = services._Writer.flush

def flush_then_stall(self):
    real_flush(self)
    print("written", flush=True)
    time.sleep(120)  # killed here

services._Writer.flush = flush_then_stall
call_command("loaddemo")
"""


@on_postgres_leg
def test_a_process_killed_halfway_an_import_leaves_nothing(cluster):
    """The demo import runs in one transaction; kill -9 the process once that transaction has
    written its rows (and before it commits), and the database has none of them."""
    tables = ("deals_deal", "organisations_organisation", "deals_participation",
              "deals_historicaldeal", "organisations_historicalorganisation")

    def counts():
        with cluster.connect() as conn:
            return {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}

    before = counts()
    errors = open(cluster.tmp / "stalled-import.log", "w")
    process = subprocess.Popen(
        [sys.executable, "-c", STALLED_IMPORT],
        env=_env(cluster, DATABASE_URL=cluster.url(application_name="dm-crash")),
        stdout=subprocess.PIPE, stderr=errors, text=True,
    )
    try:
        line = process.stdout.readline()  # "" when the child ended without writing
        assert line.strip() == "written", (cluster.tmp / "stalled-import.log").read_text()[-3000:]
        with cluster.connect() as conn:
            # the transaction is open and has written (backend_xid is set once it writes)
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dm-crash' "
                "AND backend_xid IS NOT NULL AND state = 'idle in transaction'"
            ).fetchone()
        assert row[0] == 1 and process.poll() is None
        process.send_signal(signal.SIGKILL)
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
        process.stdout.close()
        errors.close()
    assert process.returncode == -signal.SIGKILL
    assert counts() == before


# On either database -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_import_that_fails_halfway_writes_nothing(demo_records, monkeypatch):
    """A database error in the tenth deal: the nine before it are not kept either."""
    from dealmonitor.deals import services
    from dealmonitor.deals.models import Deal, Participation
    from dealmonitor.organisations.models import Organisation

    real = services._import_deal
    calls = []

    def failing(writer, record, *rest):
        calls.append(record.slug)
        if len(calls) == 10:
            with connection.cursor() as cursor:  # a real database error, not a Python one
                cursor.execute("INSERT INTO deals_deal (id) VALUES (NULL)")
        return real(writer, record, *rest)

    monkeypatch.setattr(services, "_import_deal", failing)
    with pytest.raises(Exception):
        services.import_portfolio(actor=None, records=demo_records)
    assert len(calls) == 10
    assert not Deal.objects.exists()
    assert not Organisation.objects.exists() and not Participation.objects.exists()
    assert not Deal.history.exists() and not Organisation.history.exists()


@pytest.mark.django_db(transaction=True)
def test_a_service_that_crashes_halfway_leaves_nothing(monkeypatch):
    """Reporting a bottleneck writes the bottleneck, then its first status; a crash between
    the two keeps neither (nor their history)."""
    from dealmonitor.deals.tests.factories import DealFactory
    from dealmonitor.learning import services
    from dealmonitor.learning.models import Bottleneck, BottleneckStatusChange

    deal = DealFactory()

    def crash(self, *args, **kwargs):
        raise RuntimeError("the process dies here")

    monkeypatch.setattr(BottleneckStatusChange, "save", crash)
    with pytest.raises(RuntimeError):
        services.report_bottleneck(actor=None, deal=deal, title="Halverwege", kind="data",
                                   signalled_on=dt.date(2024, 1, 1))
    assert not Bottleneck.objects.exists() and not Bottleneck.history.exists()


@pytest.mark.django_db(transaction=True)
def test_targets_replaced_halfway_are_not_half_replaced(monkeypatch):
    from dealmonitor.deals.tests.factories import DealFactory
    from dealmonitor.impact import services
    from dealmonitor.impact.models import Target

    indicator = services.save_indicator(actor=None, deal=DealFactory(), name="Doelen")
    services.set_targets(actor=None, indicator=indicator, targets=[
        {"period_start": dt.date(2023, 1, 1), "period_end": dt.date(2023, 12, 31), "value": 10},
    ])
    original = Target.save
    saved = []

    def crash_on_second(self, *args, **kwargs):
        saved.append(self)
        if len(saved) == 2:
            raise RuntimeError("the process dies here")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Target, "save", crash_on_second)
    with pytest.raises(RuntimeError):
        services.set_targets(actor=None, indicator=indicator, targets=[
            {"period_start": dt.date(2024, 1, 1), "period_end": dt.date(2024, 12, 31), "value": 20},
            {"period_start": dt.date(2025, 1, 1), "period_end": dt.date(2025, 12, 31), "value": 30},
        ])
    assert list(Target.objects.values_list("value", flat=True)) == [10]

