"""The portfolio PDF as a background task: the same document as the page, for the user who
asked, written beside the other media (not served) for a view to hand over."""

import datetime as dt
import pathlib

import pytest
from django_tasks import task_backends

from dealmonitor.reports.tasks import portfolio_pdf

from .test_exports import filled  # noqa: F401 (fixture)
from .test_reports import pdf_text

pytestmark = pytest.mark.django_db


def test_the_portfolio_pdf_task_writes_the_report_of_the_user_who_asked(filled, staff_user,
                                                                         settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    result = portfolio_pdf.enqueue(staff_user.pk, dt.date.today().year)  # immediate backend
    assert result.status == "SUCCESSFUL", result.errors
    path = pathlib.Path(settings.MEDIA_ROOT) / result.return_value
    text = pdf_text(path.read_bytes(), tmp_path)
    assert "City Deal Proef" in text and "Knelpunten per ministerie" in text


def test_the_task_waits_in_a_queue_with_plain_arguments(settings, staff_user):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    backend = task_backends["default"]
    backend.clear()
    portfolio_pdf.enqueue(staff_user.pk, 2025, "en")
    (queued,) = backend.results
    assert queued.task.module_path == "dealmonitor.reports.tasks.portfolio_pdf"
    assert queued.args == [staff_user.pk, 2025, "en"]
