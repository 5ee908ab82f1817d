"""The portfolio PDF made in the background (reports/pdf_jobs.py, decision 0007)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PortfolioPdf(models.Model):
    """One portfolio PDF a user asked for: queued, made by a worker, then ready to download
    by that user alone (it holds what they may see). The file is in the media storage, which
    every web worker reaches; it is removed after REPORT_PDF_KEEP_HOURS or when its owner
    makes the next one."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("waiting for a worker")
        RUNNING = "running", _("being made")
        DONE = "done", _("ready")
        FAILED = "failed", _("failed")
        INTERRUPTED = "interrupted", _("interrupted")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    # Counts only the measurements the deal team verified (the report's ?geverifieerd=1).
    verified_only = models.BooleanField(_("only verified measurements"), default=False)
    language = models.CharField(max_length=10)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.QUEUED)
    file = models.FileField(upload_to="reports/", max_length=300, blank=True)
    error = models.TextField(blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("portfolio PDF")
        verbose_name_plural = _("portfolio PDFs")

    def __str__(self):
        return f"{self.user} {self.year} ({self.status})"

    @property
    def is_waiting(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
