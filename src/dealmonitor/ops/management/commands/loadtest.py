"""`dealmonitor loadtest`: 100 signed-in users reading and writing for 2 minutes against
gunicorn (2 workers) on PostgreSQL, on loopback only; then every acknowledged write is looked
up in the database. See bench/README.md and docs/performance.md."""

import csv
import json
import os
import secrets
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from dealmonitor.utils import bench

TARGET_P95_MS = 500


class Command(BaseCommand):
    help = ("Load test: N signed-in users (default 100) read and write for a bounded time "
            "against gunicorn on 127.0.0.1, on a generated portfolio in PostgreSQL.")

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=100)
        parser.add_argument("--duration", type=int, default=120, help="Seconds (default 120).")
        parser.add_argument("--spawn-rate", type=int, default=10, help="Users started per second.")
        parser.add_argument("--scale", choices=["S", "M", "L"], default="M")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers.")
        parser.add_argument("--port", type=int, default=8108)
        parser.add_argument("--postgres-url", default=bench.DEFAULT_POSTGRES,
                            help="Server and name prefix; '_load' is appended. Default %(default)s")
        parser.add_argument("--prepare-worker", action="store_true", help="(internal)")
        parser.add_argument("--verify-worker", default="", help="(internal)")

    # Child processes, on the load-test database -----------------------------------------------

    def _prepare(self, n):
        """N users, each on the team of one deal, with a signed-in session."""
        from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
        from django.contrib.sessions.backends.db import SessionStore

        from dealmonitor.accounts.models import DealMembership, User
        from dealmonitor.deals.models import Deal
        from dealmonitor.impact.models import Indicator

        deals = list(Deal.objects.filter(status="lopend", indicators__kind="numeriek")
                     .distinct().order_by("pk")[:n])
        numeric = {}
        for deal_id, pk in (Indicator.objects.filter(deal__in=deals, kind="numeriek")
                            .values_list("deal_id", "pk")):
            numeric.setdefault(deal_id, []).append(pk)
        from django.utils import timezone

        today = timezone.localdate()
        users = []
        for i in range(n):
            deal = deals[i % len(deals)]
            user = User.objects.create_user(f"belasting-{i}", password=secrets.token_urlsafe(16))
            DealMembership.objects.create(user=user, deal=deal, role="team")
            session = SessionStore()
            session[SESSION_KEY] = str(user.pk)
            session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
            session[HASH_SESSION_KEY] = user.get_session_auth_hash()
            session.create()
            # A date inside the deal's run, as the measurement service requires.
            day = min(deal.end_date or today, today)
            users.append({"session": session.session_key, "deal": deal.slug,
                          "indicators": numeric[deal.pk][:20], "date": day.isoformat()})
        # Deals everyone may read (published), for the pages users open besides their own.
        public = list(Deal.objects.filter(is_published=True).order_by("pk")
                      .values_list("slug", flat=True)[:500])
        for entry in users:
            entry["public"] = public
        return {"users": users}

    def _verify(self, path):
        from dealmonitor.impact.models import Measurement
        from dealmonitor.learning.models import Lesson

        writes = json.loads(Path(path).read_text(encoding="utf-8"))
        missing = []
        for w in writes:
            if w["kind"] == "record a measurement":
                found = Measurement.objects.filter(note=f"belasting {w['token']}").exists()
            else:
                found = Lesson.objects.filter(title=f"Les uit de belastingtest {w['token']}").exists()
            if not found:
                missing.append(w)
        return {"acknowledged": len(writes), "missing": missing}

    # The parent ------------------------------------------------------------------------------

    def handle(self, *args, **options):
        if options["prepare_worker"]:
            self.stdout.write(json.dumps(self._prepare(options["users"])))
            return
        if options["verify_worker"]:
            self.stdout.write(json.dumps(self._verify(options["verify_worker"])))
            return
        locust = Path(sys.executable).with_name("locust")
        gunicorn = Path(sys.executable).with_name("gunicorn")
        if not locust.exists():
            raise CommandError("locust is not installed: `make loadtest` installs "
                               "requirements/bench.txt first.")
        url = f"{options['postgres_url']}_load"
        bench.refuse_own_database(url)
        folder = Path(settings.VAR_DIR) / "bench"
        folder.mkdir(parents=True, exist_ok=True)
        secret = secrets.token_urlsafe(40)
        os.environ["SECRET_KEY"] = secret  # the sessions are signed with the server's key
        started = time.perf_counter()

        self.stderr.write(f"generating scale {options['scale']} into {bench.safe_url(url)} …")
        bench.prepare_database(url, replace=True)
        bench.run_in(url, ["generate", "--worker", "--scale", options["scale"]],
                     echo=self.stderr.write)
        prepared = bench.run_in(url, ["loadtest", "--prepare-worker", "--users",
                                      str(options["users"])], migrate=False)
        users_file = folder / "loadtest-users.json"
        writes_file = folder / "loadtest-writes.json"
        users_file.write_text(json.dumps(prepared["users"]), encoding="utf-8")
        writes_file.unlink(missing_ok=True)

        host = f"http://127.0.0.1:{options['port']}"
        env = {**bench.child_env(url), "DB_CONN_MAX_AGE": "60", "SECRET_KEY": secret}
        self.stderr.write(f"gunicorn, {options['workers']} workers, on {host} …")
        server = subprocess.Popen(
            [str(gunicorn), "dealmonitor.wsgi", "--workers", str(options["workers"]),
             "--bind", f"127.0.0.1:{options['port']}", "--log-level", "warning"],
            env=env)
        try:
            self._wait_for(host)
            csv_prefix = folder / "loadtest"
            self.stderr.write(f"locust: {options['users']} users for {options['duration']} s …")
            log = open(folder / "loadtest-locust.log", "w", encoding="utf-8")
            subprocess.run(
                [str(locust), "-f", str(Path(__file__).resolve().parents[2] / "locustfile.py"),
                 "--headless", "--users", str(options["users"]),
                 "--spawn-rate", str(options["spawn_rate"]),
                 "--run-time", f"{options['duration']}s", "--stop-timeout", "10",
                 "--host", host, "--csv", str(csv_prefix), "--only-summary",
                 "--exit-code-on-error", "0", "--loglevel", "WARNING"],
                env={**os.environ, "LOADTEST_USERS_FILE": str(users_file),
                     "LOADTEST_WRITES_FILE": str(writes_file)},
                check=True, timeout=options["duration"] + 120, stdout=log, stderr=log)
        finally:
            server.terminate()
            server.wait(timeout=30)
        verified = bench.run_in(url, ["loadtest", "--verify-worker", str(writes_file)],
                                migrate=False)
        result = self._report(csv_prefix, verified, options)
        result["elapsed_s"] = round(time.perf_counter() - started)
        path = bench.write_results("loadtest", [result], {"options": {
            k: options[k] for k in ("users", "duration", "spawn_rate", "scale", "workers")}})
        self.stdout.write(f"figures written to {path}")
        if not result["passed"]:
            raise CommandError("The load test did not meet its targets.")

    def _wait_for(self, host):
        for _ in range(120):
            try:
                with urllib.request.urlopen(host + "/", timeout=2):
                    return
            except OSError:
                time.sleep(0.5)
        raise CommandError("gunicorn did not answer within a minute.")

    def _report(self, csv_prefix, verified, options):
        rows = list(csv.DictReader(open(f"{csv_prefix}_stats.csv", encoding="utf-8")))
        write = self.stdout.write
        write(f"{'request':<44} {'count':>7} {'fail':>5} {'median':>7} {'p95':>6} {'max':>7}")
        total = None
        for row in rows:
            label = f"{row['Type']} {row['Name']}".strip()
            write(f"{label[:44]:<44} {int(row['Request Count']):>7} "
                  f"{int(row['Failure Count']):>5} {float(row['Median Response Time']):>7.0f} "
                  f"{float(row['95%']):>6.0f} {float(row['Max Response Time']):>7.0f}")
            if row["Name"] == "Aggregated":
                total = row
        requests, failures = int(total["Request Count"]), int(total["Failure Count"])
        p95 = float(total["95%"])
        rate = float(total["Requests/s"])
        missing = len(verified["missing"])
        passed = failures == 0 and p95 <= TARGET_P95_MS and missing == 0
        write(f"{requests} requests ({rate:.1f}/s) from {options['users']} users in "
              f"{options['duration']} s: {failures} errors, p95 {p95:.0f} ms "
              f"(target <= {TARGET_P95_MS} ms), {verified['acknowledged']} writes acknowledged, "
              f"{missing} missing afterwards: {'met' if passed else 'NOT met'}")
        return {"requests": requests, "requests_per_s": rate, "failures": failures,
                "p95_ms": p95, "median_ms": float(total["Median Response Time"]),
                "acknowledged_writes": verified["acknowledged"], "missing_writes": missing,
                "passed": passed, "per_request": rows}
