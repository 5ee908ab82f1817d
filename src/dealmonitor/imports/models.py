import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def upload_path(job, filename):
    return f"imports/{job.uuid}/{filename}"


class ImportJob(models.Model):
    """One spreadsheet on its way in: uploaded, mapped, checked, then imported.

    The file lives under MEDIA_ROOT (not served). Checking and importing run as background
    tasks (imports/tasks.py); while they run, their progress is kept in this row, so a page
    reload, another server process or another machine can follow it. See docs/decisions/0007.
    """

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded, columns to map")
        CHECKING = "checking", _("being checked")
        CHECKED = "checked", _("checked")
        IMPORTING = "importing", _("being imported")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    file = models.FileField(_("file"), upload_to=upload_path, max_length=500)
    filename = models.CharField(_("file name"), max_length=300)
    kind = models.CharField(_("kind of sheet"), max_length=20)
    sheet = models.CharField(_("sheet"), max_length=100, blank=True)
    mapping = models.JSONField(_("column mapping"), default=dict, blank=True)
    defaults = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.UPLOADED)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    problem_count = models.PositiveIntegerField(_("problems"), default=0)
    summary = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    # Progress of the running phase (jobs.Progress writes it; the page reads it).
    phase = models.CharField(max_length=20, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    progress_at = models.DateTimeField(null=True, blank=True)
    # Set when a worker took the job up (queued until then), with the task that runs it.
    started_at = models.DateTimeField(null=True, blank=True)
    task_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.filename} ({self.get_status_display()})"

    @property
    def is_running(self):
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)
