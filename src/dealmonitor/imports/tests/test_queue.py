"""An import waits in the queue as a task any backend can carry, its progress is in its row,
and a job is interrupted exactly when no worker holds it (the lock of utils/runlock.py).
The dummy backend keeps what is queued without running it: the same calls an operator's
Celery backend would receive."""

import json
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django_tasks import task_backends

from dealmonitor.imports import jobs
from dealmonitor.imports.models import ImportJob
from dealmonitor.utils import runlock

from .conftest import xlsx

pytestmark = pytest.mark.django_db(transaction=True)  # progress is written outside a transaction


@pytest.fixture
def queue(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    return backend


@pytest.fixture
def job(team_user, numeric, deal, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    data = xlsx({"Metingen": [["datum", "waarde", "indicator"],
                              ["2023-03-31", 10, "Woningen verduurzaamd"],
                              ["2023-06-30", 20, "Woningen verduurzaamd"]]})
    return jobs.create_job(user=team_user, upload=SimpleUploadedFile("m.xlsx", data),
                           kind="measurements", deal_id=deal.slug)


def test_a_check_waits_in_the_queue_and_a_worker_of_any_backend_runs_it(queue, job, client,
                                                                         team_user):
    queue.clear()  # the related-deal updates of the fixtures' deal
    jobs.start(job, "check")
    (queued,) = queue.results
    assert queued.task.module_path == "dealmonitor.imports.tasks.check_job"
    assert queued.args == [job.pk] and json.loads(json.dumps(queued.args)) == [job.pk]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKING and job.task_id == str(queued.id)
    assert jobs.read_progress(job)["queued"]

    client.force_login(team_user)
    page = client.get(reverse("imports:job", kwargs={"uuid": job.uuid}))
    assert "Wacht tot een verwerker" in page.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKING  # queued is not interrupted

    queued.task.call(*queued.args)  # what a worker does
    job.refresh_from_db()
    assert job.status == ImportJob.Status.CHECKED and job.problem_count == 0
    assert (job.phase, job.done, job.total) == ("checking", 2, 2)
    assert job.started_at is not None


def test_a_running_job_is_interrupted_only_when_no_worker_holds_it(queue, job):
    job.status = ImportJob.Status.IMPORTING
    job.started_at = timezone.now()
    job.save()
    held, release = threading.Event(), threading.Event()

    def worker():  # another connection / process holding the job's lock
        try:
            with runlock.holding(jobs.lock_name(job)):
                held.set()
                release.wait(30)
        finally:
            connection.close()

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert held.wait(30)
        assert jobs.notice_interruption(job).status == ImportJob.Status.IMPORTING
    finally:
        release.set()
        thread.join()
    job = jobs.notice_interruption(job)
    assert job.status == ImportJob.Status.CHECKED  # it passed its check: it may run again
    assert "onderbroken" in job.error or "interrupted" in job.error
    assert ImportJob.objects.get(pk=job.pk).status == ImportJob.Status.CHECKED


def test_a_progress_write_that_finds_the_row_locked_does_not_stop_the_check(queue, job, monkeypatch):
    """SQLite answers "database table is locked" when a page reads the job's row at the moment
    the worker writes its progress (seen in a browser test); progress is a courtesy, so the
    check goes on and writes its result."""
    from django.db import OperationalError
    from django.db.models import QuerySet

    real_update = QuerySet.update
    refused = []

    def update(qs, **fields):
        if qs.model is ImportJob and set(fields) == {"phase", "done", "total", "progress_at"} and not refused:
            refused.append(fields)
            raise OperationalError("database table is locked: imports_importjob")
        return real_update(qs, **fields)

    jobs.start(job, "check")
    (queued,) = [r for r in queue.results if r.task.module_path.endswith("check_job")]
    monkeypatch.setattr(QuerySet, "update", update)
    queued.task.call(*queued.args)  # what a worker does
    job.refresh_from_db()
    assert refused and job.status == ImportJob.Status.CHECKED
