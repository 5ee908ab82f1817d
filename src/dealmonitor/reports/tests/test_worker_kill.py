"""A worker killed (SIGKILL) while it makes a portfolio PDF: the job then says it was
interrupted, the queue's row of the task is closed, no file is left, and the PDF can be made
again by a fresh worker. The worker is a real `db_worker` in a process of its own, whose
rendering is slowed down (so the kill lands while it holds the job); the set-up is the
import's kill test's (imports/tests/test_tasks.py)."""

import signal
import subprocess
import sys
import time

import pytest

from dealmonitor.imports.tests.test_tasks import (  # noqa: F401 (fixture)
    DB_QUEUE,
    child_env,
    database,
    run_child,
)

pytestmark = pytest.mark.django_db(transaction=True)

SETUP = """
from django.contrib.auth import get_user_model
from dealmonitor.deals.models import Deal
from dealmonitor.reports import pdf_jobs
Deal.objects.create(slug="cd-proef", name="City Deal Proef", kind="city_deal", is_published=True)
user = get_user_model().objects.create_user("beheerder", password="een-lang-wachtwoord-42", is_staff=True)
print(pdf_jobs.start(user=user, year=2025, language="nl").pk)
"""

SLOW_WORKER = """
import time
from unittest import mock
from django.core.management import call_command
def slow(job):
    time.sleep(300)
with mock.patch("dealmonitor.reports.pdf_jobs.render", slow):
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload")
"""

NOTICE = """
from dealmonitor.reports import pdf_jobs
from dealmonitor.reports.models import PortfolioPdf
job = pdf_jobs.notice_interruption(PortfolioPdf.objects.get(pk=JOB))
print(job.status + "|" + job.error)
"""

AGAIN = """
from dealmonitor.reports import pdf_jobs
from dealmonitor.reports.models import PortfolioPdf
old = PortfolioPdf.objects.get(pk=JOB)
print(pdf_jobs.start(user=old.user, year=old.year, language=old.language).pk)
"""


def test_a_worker_killed_while_making_a_pdf_leaves_an_interrupted_job_to_make_again(
        database, tmp_path):
    extra = {"TASKS_BACKEND": DB_QUEUE, "MEDIA_ROOT": str(tmp_path / "media")}
    job_id = int(run_child(database, tmp_path, "shell", "--no-imports", "-c", SETUP, **extra))
    job = f"SELECT status, file FROM reports_portfoliopdf WHERE id = {job_id}"
    queue_row = ("SELECT status FROM django_tasks_database_dbtaskresult WHERE task_path = "
                 "'dealmonitor.reports.tasks.portfolio_pdf' ORDER BY enqueued_at")
    assert database.query(job)[0][0] == "queued"

    worker = subprocess.Popen(
        [sys.executable, "-m", "dealmonitor.cli", "shell", "--no-imports", "-c", SLOW_WORKER],
        env=child_env(database, tmp_path, **extra), stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while database.query(job)[0][0] != "running":
            assert worker.poll() is None, worker.stderr.read()
            assert time.monotonic() < deadline, "the worker never took the job up"
            time.sleep(0.05)
        assert database.query(queue_row) == [("RUNNING",)]
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()

    # the rows still say running ...
    assert database.query(job)[0][0] == "running"
    assert database.query(queue_row) == [("RUNNING",)]
    # ... until the job's page looks: nobody holds its lock, so it was interrupted
    status, error = run_child(database, tmp_path, "shell", "--no-imports", "-c",
                              NOTICE.replace("JOB", str(job_id)), **extra).split("|", 1)
    assert status == "interrupted" and "onderbroken" in error
    assert database.query(job) == [("interrupted", "")]  # no file
    assert database.query(queue_row) == [("FAILED",)]

    # "Make it again": a fresh worker makes it to the end
    new_id = int(run_child(database, tmp_path, "shell", "--no-imports", "-c",
                           AGAIN.replace("JOB", str(job_id)), **extra))
    run_child(database, tmp_path, "db_worker", "--batch", "--no-startup-delay", "--no-reload",
              **extra)
    status, name = database.query(f"SELECT status, file FROM reports_portfoliopdf WHERE id = {new_id}")[0]
    assert status == "done"
    assert (tmp_path / "media" / name).read_bytes().startswith(b"%PDF")
    assert database.query(queue_row) == [("FAILED",), ("SUCCESSFUL",)]
