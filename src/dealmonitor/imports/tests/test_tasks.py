"""Imports as background tasks on the database queue, with a real worker process
(`dealmonitor db_worker`): a worker killed (SIGKILL) in the middle of an import writes
nothing, the job then says it was interrupted, and it can be run again to the end.

The worker is another process, so it needs a database it can reach: on PostgreSQL the test
database itself (committed rows: transactional_db), on SQLite (whose test database lives in
memory) a file database of this test's own. Everything is set up in a child process too, the
way a web request would do it."""

import os
import pathlib
import signal
import sqlite3
import subprocess
import sys
import time

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 20_000
DB_QUEUE = "django_tasks_db.DatabaseBackend"

SETUP = f"""
import datetime as dt, io
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.utils import override_settings
from openpyxl import Workbook
from dealmonitor.accounts.models import DealMembership
from dealmonitor.deals.models import Deal
from dealmonitor.impact.services import save_indicator
from dealmonitor.imports import jobs
from dealmonitor.imports.models import ImportJob
deal = Deal.objects.create(slug="cd-proef", name="City Deal Proef", kind="city_deal", is_published=True)
user = get_user_model().objects.create_user("importeur", password="een-lang-wachtwoord-42")
DealMembership.objects.create(user=user, deal=deal, role="team")
save_indicator(actor=None, deal=deal, name="Woningen verduurzaamd")
wb = Workbook(write_only=True)
ws = wb.create_sheet("Metingen")
ws.append(["datum", "waarde", "indicator"])
for k in range({ROWS}):
    ws.append([dt.date(2022, 3, 1) + dt.timedelta(days=k % 1000), k % 50, "Woningen verduurzaamd"])
buffer = io.BytesIO()
wb.save(buffer)
job = jobs.create_job(user=user, upload=SimpleUploadedFile("metingen.xlsx", buffer.getvalue()),
                      kind="measurements", deal_id=deal.slug)
jobs.start(job, "check")  # the immediate backend of the test settings: checked at once
job.refresh_from_db()
assert job.status == ImportJob.Status.CHECKED and not job.problem_count, (job.mapping, jobs.read_results(job)["problems"][:3])
with override_settings(TASKS={{"default": {{"BACKEND": "{DB_QUEUE}"}}}}):
    jobs.start(job, "import")  # queued in the database for a worker
print(job.pk)
"""

NOTICE = """
from dealmonitor.imports import jobs
from dealmonitor.imports.models import ImportJob
job = jobs.notice_interruption(ImportJob.objects.get(pk=JOB))
print(job.status + "|" + job.error)
"""

RESTART = f"""
from django.test.utils import override_settings
from dealmonitor.imports import jobs
from dealmonitor.imports.models import ImportJob
with override_settings(TASKS={{"default": {{"BACKEND": "{DB_QUEUE}"}}}}):
    jobs.start(ImportJob.objects.get(pk=JOB), "import")
"""


class Database:
    """The database the child processes use, and plain SQL on it from the test."""

    def __init__(self, url, query):
        self.url = url
        self.query = query


@pytest.fixture
def database(request, tmp_path):
    if connection.vendor == "postgresql":
        import psycopg

        s = connection.settings_dict
        url = (f"postgres://{s['USER'] or 'postgres'}@{s['HOST'] or '127.0.0.1'}:"
               f"{s['PORT'] or 5432}/{s['NAME']}")

        def query(sql):
            with psycopg.connect(url, autocommit=True) as conn:
                return conn.execute(sql).fetchall()
        return Database(url, query)
    # a copy of the (migrated, empty) test database in a file
    path = tmp_path / "worker.sqlite3"
    with connection.cursor() as cursor:
        cursor.execute("VACUUM INTO %s", [str(path)])

    def query(sql):
        with sqlite3.connect(path, timeout=30) as conn:
            return conn.execute(sql).fetchall()
    return Database(f"sqlite:///{path}", query)


def child_env(db, tmp_path, **extra):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    src = str(pathlib.Path(__file__).resolve().parents[3])
    env.update({"DJANGO_SETTINGS_MODULE": "dealmonitor.conf.ci", "DATABASE_URL": db.url,
                "VAR_DIR": str(tmp_path / "var"), "CONNECTIONS_AUTO_UPDATE": "false",
                "PYTHONPATH": os.pathsep.join(p for p in (src, env.get("PYTHONPATH", "")) if p),
                **extra})
    return env


def run_child(db, tmp_path, *args, **extra):
    result = subprocess.run([sys.executable, "-m", "dealmonitor.cli", *args],
                            env=child_env(db, tmp_path, **extra), capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


def start_worker(db, tmp_path, *extra_args):
    return subprocess.Popen(
        [sys.executable, "-m", "dealmonitor.cli", "db_worker", "--no-startup-delay", "--no-reload",
         "--interval", "0.1", *extra_args],
        env=child_env(db, tmp_path, TASKS_BACKEND=DB_QUEUE),
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def test_a_worker_killed_during_an_import_writes_nothing_and_the_job_can_run_again(
        database, tmp_path):
    job_id = int(run_child(database, tmp_path, "shell", "--no-imports", "-c", SETUP))
    job = f"SELECT status, phase, done, started_at FROM imports_importjob WHERE id = {job_id}"
    measurements = "SELECT COUNT(*) FROM impact_measurement"
    assert database.query(job)[0][0] == "importing"
    assert database.query(job)[0][3] is None  # queued: no worker has taken it up yet

    worker = start_worker(database, tmp_path)
    try:
        # Wait until the worker writes the rows: the phase in the job row says so (on
        # PostgreSQL with the rows written so far, through the progress connection).
        deadline = time.monotonic() + 240
        while True:
            status, phase, done, started = database.query(job)[0]
            writing = phase == "importing" and (connection.vendor == "sqlite" or done > 0)
            if writing and status == "importing":
                break
            assert worker.poll() is None, worker.stderr.read()
            assert status == "importing", f"the import ended before it could be interrupted: {status}"
            assert time.monotonic() < deadline, "the worker never started writing"
            time.sleep(0.02)
        assert started is not None
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    # Nothing of the import was written; the row still says "importing" ...
    assert database.query(measurements)[0][0] == 0
    assert database.query(job)[0][0] == "importing"
    # ... until a page looks at it: no worker holds it, so it was interrupted.
    status, error = run_child(database, tmp_path, "shell", "--no-imports", "-c",
                              NOTICE.replace("JOB", str(job_id))).split("|", 1)
    assert status == "checked"
    assert "interrupted" in error or "onderbroken" in error
    # ... and the queue's row of the killed task, left "running" by the worker, is closed
    (task_id,), = database.query(f"SELECT task_id FROM imports_importjob WHERE id = {job_id}")
    if connection.vendor == "sqlite":  # a UUID is kept without its dashes there
        task_id = task_id.replace("-", "")
    assert database.query("SELECT status FROM django_tasks_database_dbtaskresult "
                          f"WHERE id = '{task_id}'") == [("FAILED",)]

    # Run again: a fresh worker imports every row.
    run_child(database, tmp_path, "shell", "--no-imports", "-c",
              RESTART.replace("JOB", str(job_id)))
    worker = start_worker(database, tmp_path, "--batch")
    assert worker.wait(timeout=300) == 0, worker.stderr.read()
    assert database.query(job)[0][0] == "done"
    assert database.query(measurements)[0][0] == ROWS
