"""The portfolio PDF as a background task, from the reports page to the download: started by
a signed-in user, made by a worker, followed on a page that works without scripts, downloaded
by that user alone, kept in the media storage until it expires or the next one replaces it;
a job whose worker was killed says it was interrupted and can be made again."""

import datetime as dt
from unittest import mock

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

from dealmonitor.reports import pdf_jobs
from dealmonitor.reports.models import PortfolioPdf
from dealmonitor.reports.tasks import portfolio_pdf

from .test_exports import filled  # noqa: F401 (fixture)
from .test_reports import pdf_text

pytestmark = pytest.mark.django_db

DB_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
YEAR = dt.date.today().year


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def run_worker():
    """A database worker in this process until the queue is empty. Django's connection
    check after each task would close the test's connection (its transaction is open), so
    it is left out here; the worker as a process of its own: test_worker_kill.py."""
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", verbosity=0)


def start(client, year=YEAR):
    response = client.post(reverse("reports:portfolio_pdf_start"), {"jaar": year})
    assert response.status_code == 302, response.content[:500]
    return response["Location"]


def download(client, job):
    response = client.get(reverse("reports:portfolio_pdf_download", kwargs={"uuid": job.uuid}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "portfoliorapportage" in response["Content-Disposition"]
    return b"".join(response.streaming_content)


def test_from_the_reports_page_through_a_worker_to_the_download(client, filled, staff_user,
                                                                 settings, tmp_path):
    settings.TASKS = DB_QUEUE
    client.force_login(staff_user)
    index = client.get(reverse("reports:index")).content.decode()
    assert reverse("reports:portfolio_pdf_start") in index  # the form to start it

    page_url = start(client)
    job = PortfolioPdf.objects.get()
    assert page_url == reverse("reports:portfolio_pdf_job", kwargs={"uuid": job.uuid})
    waiting = client.get(page_url).content.decode()
    assert "Wacht tot een verwerker het oppakt" in waiting  # queued: no worker has taken it up
    assert f'href="{page_url}"' in waiting  # a plain link refreshes it without scripts
    assert "hx-trigger" in waiting
    no_file = client.get(reverse("reports:portfolio_pdf_download", kwargs={"uuid": job.uuid}))
    assert no_file.status_code == 404

    run_worker()
    queued = DBTaskResult.objects.get()
    assert queued.status == TaskResultStatus.SUCCESSFUL
    assert queued.task_path == "dealmonitor.reports.tasks.portfolio_pdf"

    ready = client.get(page_url).content.decode()
    assert "klaar" in ready and "hx-trigger" not in ready  # done: it stops polling
    text = pdf_text(download(client, job), tmp_path)
    assert "City Deal Proef" in text and "Knelpunten per ministerie" in text
    # the file is in the media storage, where every web worker finds it
    job.refresh_from_db()
    assert default_storage.exists(job.file.name)
    assert f"Uw pdf van {YEAR}: klaar." in client.get(reverse("reports:index")).content.decode()


def test_with_the_immediate_backend_the_pdf_is_ready_at_once(client, filled, staff_user):
    client.force_login(staff_user)
    page = client.get(start(client, 2025))
    assert "Download de portfoliorapportage 2025" in page.content.decode()
    job = PortfolioPdf.objects.get()
    assert job.status == "done" and job.year == 2025 and job.language == "nl"


def test_the_pdf_is_its_owners_alone(client, filled, staff_user, team_user):
    client.force_login(staff_user)
    start(client)
    job = PortfolioPdf.objects.get()
    client.force_login(team_user)
    for name in ("reports:portfolio_pdf_job", "reports:portfolio_pdf_download"):
        assert client.get(reverse(name, kwargs={"uuid": job.uuid})).status_code == 404
    assert PortfolioPdf.Status.DONE == PortfolioPdf.objects.get().status
    client.logout()
    anonymous = client.post(reverse("reports:portfolio_pdf_start"), {"jaar": YEAR})
    assert anonymous.status_code == 302 and "?next=" in anonymous["Location"]  # to sign in
    assert PortfolioPdf.objects.count() == 1


def test_the_next_pdf_replaces_the_previous_and_an_old_one_expires(client, filled, staff_user,
                                                                   team_user, settings):
    client.force_login(staff_user)
    start(client)
    first = PortfolioPdf.objects.get()
    assert default_storage.exists(first.file.name)
    start(client)
    second = PortfolioPdf.objects.get()  # the only one left
    assert second.pk != first.pk and not default_storage.exists(first.file.name)
    assert client.get(reverse("reports:portfolio_pdf_job",
                              kwargs={"uuid": first.uuid})).status_code == 404

    # kept REPORT_PDF_KEEP_HOURS: after that it is gone from the pages, and the next PDF
    # anyone makes removes its file
    PortfolioPdf.objects.update(
        created_at=timezone.now() - dt.timedelta(hours=settings.REPORT_PDF_KEEP_HOURS, minutes=1))
    assert client.get(reverse("reports:portfolio_pdf_download",
                              kwargs={"uuid": second.uuid})).status_code == 404
    client.force_login(team_user)
    start(client)
    assert not default_storage.exists(second.file.name)
    assert list(PortfolioPdf.objects.values_list("user", flat=True)) == [team_user.pk]


def test_a_job_whose_worker_is_gone_is_interrupted_and_can_be_made_again(client, filled,
                                                                         staff_user, settings):
    """The worker's lock is not held (its process is gone) while the row says running. A
    real SIGKILL of a worker: test_worker_kill.py."""
    settings.TASKS = DB_QUEUE
    client.force_login(staff_user)
    page_url = start(client)
    job = PortfolioPdf.objects.get()
    PortfolioPdf.objects.update(status="running", started_at=timezone.now())
    DBTaskResult.objects.update(status=TaskResultStatus.RUNNING)  # as a killed worker leaves it
    page = client.get(page_url).content.decode()
    assert "onderbroken" in page and "Opnieuw maken" in page
    assert DBTaskResult.objects.get().status == TaskResultStatus.FAILED  # the queue row closed
    job.refresh_from_db()
    assert job.status == "interrupted" and not job.file

    start(client, job.year)  # "Make it again"
    run_worker()
    assert PortfolioPdf.objects.get().status == "done"


def test_the_pdf_page_costs_a_fixed_number_of_queries(client, filled, staff_user,
                                                      django_assert_max_num_queries):
    client.force_login(staff_user)
    page_url = start(client)
    with django_assert_max_num_queries(6):
        assert client.get(page_url).status_code == 200


def test_the_task_waits_in_a_queue_with_plain_arguments(settings, staff_user):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    job = pdf_jobs.start(user=staff_user, year=2025, language="en")
    (queued,) = backend.results
    assert queued.task.module_path == "dealmonitor.reports.tasks.portfolio_pdf"
    assert queued.args == [job.pk]
    assert portfolio_pdf.call(job.pk + 1000) is None  # a job replaced meanwhile: nothing to do
