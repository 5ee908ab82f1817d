"""The same tasks on Celery with Redis (docs/deployment.md#moving-the-same-tasks-to-celery-with-redis): with TASKS set to
the Celery backend (utils/celery_backend.py), an import (check, then write) and a deferred
related-deal update are carried by Redis to a real Celery worker (in this process, in a
thread of its own) and their results are seen in the database and through `get_result()`.

Needs Redis at CELERY_BROKER_URL (127.0.0.1:6379 here); marker `celery`. Every key this test
writes in Redis carries a prefix of its own, so runs side by side do not meet."""

import datetime as dt
import io
import time
import uuid

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from openpyxl import Workbook

pytestmark = [pytest.mark.celery, pytest.mark.django_db(transaction=True)]

CELERY = "dealmonitor.utils.celery_backend.CeleryBackend"
ROWS = 40


@pytest.fixture
def celery_worker(settings, tmp_path):
    from celery.contrib.testing.worker import start_worker

    from dealmonitor.utils import celery_backend

    settings.TASKS = {"default": {"BACKEND": CELERY}}
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VAR_DIR = tmp_path / "var"
    settings.CONNECTIONS_AUTO_UPDATE = False  # only the update this test queues
    prefix = {"global_keyprefix": f"dealmonitor-test-{uuid.uuid4().hex}:"}
    app = celery_backend.app
    app.conf.broker_transport_options = prefix
    app.conf.result_backend_transport_options = prefix
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
        yield task_backends["default"]


def wait_for(check, what, seconds=120):
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, f"the Celery worker did not {what}"
        time.sleep(0.1)


def finished(backend, task_id):
    def check():
        try:
            return backend.get_result(task_id).is_finished
        except Exception:  # noqa: BLE001 - not in the result store yet
            return False
    return check


def test_an_import_and_a_related_update_run_on_a_celery_worker(celery_worker):
    from dealmonitor.accounts.models import DealMembership
    from dealmonitor.connections import index
    from dealmonitor.connections.tasks import update_related
    from dealmonitor.deals.models import Deal
    from dealmonitor.impact.models import Measurement
    from dealmonitor.impact.services import save_indicator
    from dealmonitor.imports import jobs
    from dealmonitor.imports.models import ImportJob

    backend = celery_worker
    deal = Deal.objects.create(slug="cd-proef", name="City Deal Proef", kind="city_deal",
                               is_published=True, description="Warmtenet in de wijk")
    for n in range(2):
        Deal.objects.create(slug=f"cd-{n}", name=f"City Deal {n}", kind="city_deal",
                            is_published=True, description="Warmte in de wijk en de stad")
    user = get_user_model().objects.create_user("importeur", password="een-lang-wachtwoord-42")
    DealMembership.objects.create(user=user, deal=deal, role="team")
    save_indicator(actor=None, deal=deal, name="Woningen verduurzaamd")
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Metingen")
    sheet.append(["datum", "waarde", "indicator"])
    for k in range(ROWS):
        sheet.append([dt.date(2024, 1, 1) + dt.timedelta(days=k), k, "Woningen verduurzaamd"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = jobs.create_job(user=user, upload=SimpleUploadedFile("metingen.xlsx", buffer.getvalue()),
                          kind="measurements", deal_id=deal.slug)

    jobs.start(job, "check")
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status != "checking", "check the file")
    job.refresh_from_db()
    assert job.status == "checked" and job.problem_count == 0, jobs.read_results(job)["problems"][:3]
    jobs.start(job, "import")
    wait_for(lambda: ImportJob.objects.get(pk=job.pk).status != "importing", "import the file")
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert Measurement.objects.filter(indicator__deal=deal).count() == ROWS
    wait_for(finished(backend, job.task_id), "report the import's result")
    result = backend.get_result(job.task_id)
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.task.module_path == "dealmonitor.imports.tasks.import_job"
    assert result.args == [job.pk]

    # the related-deal update, deferred as connections/signals.py queues it
    queued = update_related.using(run_after=timezone.now() + dt.timedelta(seconds=1)).enqueue(deal.pk)
    assert queued.status == TaskResultStatus.READY
    wait_for(finished(backend, queued.id), "run the related-deal update")
    result = backend.get_result(queued.id)
    assert result.status == TaskResultStatus.SUCCESSFUL, result.errors
    assert index.is_built()  # there was none yet: the update built every deal's list
