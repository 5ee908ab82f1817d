"""The portfolio PDF made in the background, and following it (decision 0007).

A signed-in user starts it from the reports page (`start`); a worker runs
`tasks.portfolio_pdf(job_id)`, which renders the same document as the page
(`documents.portfolio_report` for that user, in their language) and stores it in the media
storage, where every web worker sees it. Only its owner may follow and download it (it holds
what they may see). It is removed after REPORT_PDF_KEEP_HOURS, or when its owner starts the
next one (`start` removes the previous ones, and anyone's expired ones).

While the worker makes it, it holds a lock (utils/runlock.py). A job marked running whose lock
nobody holds was interrupted (its worker was killed, its machine stopped): `notice_interruption`
records that, closes the queue's row of the task, and the page offers to make it again.
"""

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dealmonitor.utils import runlock
from dealmonitor.utils.tasks import close_interrupted

from . import documents
from .models import PortfolioPdf

log = logging.getLogger(__name__)


def lock_name(job):
    return f"portfolio-pdf-{job.uuid}"


def expired_before(now=None):
    return (now or timezone.now()) - dt.timedelta(hours=settings.REPORT_PDF_KEEP_HOURS)


def remove(jobs):
    """Delete the jobs of the queryset `jobs` with their files."""
    for job in jobs:
        if job.file:
            job.file.delete(save=False)
        job.delete()


def start(*, user, year, language, verified_only=False):
    """Queue a portfolio PDF of `year` for `user` (replacing their previous ones, and removing
    anyone's that have expired). Returns the job."""
    remove(PortfolioPdf.objects.filter(user=user))
    remove(PortfolioPdf.objects.filter(created_at__lt=expired_before()))
    job = PortfolioPdf.objects.create(user=user, year=year, language=language,
                                     verified_only=verified_only)
    from . import tasks

    result = tasks.portfolio_pdf.enqueue(job.pk)
    PortfolioPdf.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def job_for(user, uuid_value):
    """The job `uuid_value` if it is `user`'s own and has not expired; else DoesNotExist."""
    return PortfolioPdf.objects.get(uuid=uuid_value, user=user, created_at__gte=expired_before())


def latest_for(user):
    """The user's portfolio PDF in the making or ready (None when there is none, and for a
    visitor who is not signed in)."""
    if not user.is_authenticated:
        return None
    job = PortfolioPdf.objects.filter(user=user, created_at__gte=expired_before()).first()
    return notice_interruption(job) if job else None


def notice_interruption(job):
    """If `job` is marked running but no worker holds its lock, it was interrupted: record
    that (no file was stored) and close the queue's row. Returns the job as it now is."""
    if job.status != PortfolioPdf.Status.RUNNING or runlock.is_held(lock_name(job)):
        return job
    job.refresh_from_db()  # it may have finished between the two reads
    if job.status != PortfolioPdf.Status.RUNNING or runlock.is_held(lock_name(job)):
        return job
    job.status = PortfolioPdf.Status.INTERRUPTED
    job.error = _("Making the PDF was interrupted (its worker stopped). No file was stored; "
                  "you can start it again.")
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "error", "finished_at"])
    close_interrupted(job.task_id)
    return job


def render(job):
    """The PDF of `job`'s portfolio report as bytes: the page's document, for its owner."""
    user = job.user
    request = RequestFactory().get("/", HTTP_HOST=(settings.ALLOWED_HOSTS or ["localhost"])[0])
    request.user = user
    with translation.override(job.language):
        request.LANGUAGE_CODE = job.language
        context = documents.portfolio_report(user, year=job.year, verified_only=job.verified_only)
        context["open_data_url"] = request.build_absolute_uri(reverse("reports:open_data"))
        response = documents.respond(request, "reports/portfolio_report.html", context, "pdf",
                                     "portfolio")
    return response.content


def run(job_id):
    """Make the PDF of job `job_id` in this process (the task calls this), under its lock.
    Returns the stored file's name, or None when there was nothing (left) to do."""
    job = PortfolioPdf.objects.select_related("user").filter(pk=job_id).first()
    if job is None:
        return None  # replaced by a newer one before a worker took it up
    with runlock.holding(lock_name(job)):
        taken = PortfolioPdf.objects.filter(pk=job_id, status=PortfolioPdf.Status.QUEUED).update(
            status=PortfolioPdf.Status.RUNNING, started_at=timezone.now())
        if not taken:
            return None  # delivered twice, or already handled
        try:
            content = render(job)
        except Exception:
            log.exception("portfolio PDF %s failed", job_id)
            PortfolioPdf.objects.filter(pk=job_id).update(
                status=PortfolioPdf.Status.FAILED, finished_at=timezone.now(),
                error=_("An unexpected error stopped making the PDF; no file was stored."))
            raise
        job.file.save(f"portfolio-{job.year}-{uuid.uuid4().hex}.pdf", ContentFile(content),
                      save=False)
        stored = PortfolioPdf.objects.filter(pk=job_id).update(
            status=PortfolioPdf.Status.DONE, file=job.file.name, finished_at=timezone.now())
        if not stored:  # its owner started the next one meanwhile: do not leave it behind
            job.file.delete(save=False)
            return None
        return job.file.name
