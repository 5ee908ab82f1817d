"""Running a check or an import in the background, and following it.

Checking and importing run as tasks of Django's task framework (imports/tasks.py): the
database backend with `dealmonitor db_worker` by default (`make run` starts one), or any
other backend the operator configures (TASKS_BACKEND). The progress is kept in the job's own
row, where every web worker on every machine sees it. The import itself is one transaction
(decision 0003): on PostgreSQL its progress is written through a second connection, so it
shows while rows are written; SQLite has one write lock, held by the import, so there the
row shows the checking phase's progress and then "importing" until the write commits.

A worker holds a lock while it runs a job (utils/runlock.py); a job marked running whose
lock nobody holds was interrupted (its worker was killed or its machine stopped): its
transaction was rolled back, nothing of it was written, and the page says so and offers to
run it again. See docs/decisions/0007.
"""

import datetime as dt
import json
import logging
import os
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import OperationalError, connection, connections
from django.utils import timezone
from django.utils.translation import gettext as _

from dealmonitor.utils import runlock
from dealmonitor.utils.tasks import close_interrupted

from . import columns as C
from .checking import check_parts, guess_mapping
from .models import ImportJob
from .reading import Limits, Sheet, TooLarge, UnreadableFile, read_spreadsheet, too_big_message
from .services import import_checked

log = logging.getLogger(__name__)

PREVIEW_PAGE = 100
PROGRESS_EVERY = 0.5  # seconds between two writes of a job's progress


def job_dir(job):
    path = Path(settings.MEDIA_ROOT) / "imports" / str(job.uuid)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_json(path, data):
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
    os.replace(tmp, path)


def lock_name(job):
    return f"import-job-{job.uuid}"


class Progress:
    """Writes a running job's progress into its row, at most every PROGRESS_EVERY seconds
    (and always a new phase and the last step). Outside a transaction directly; inside the import's
    transaction through a connection of its own (a thread of its own: Django's connections
    are per thread), which on SQLite cannot write while the import holds the lock."""

    def __init__(self, job):
        self.job_id = job.pk
        self.last = 0.0
        self.phase = None
        self._side = None

    def __call__(self, phase, done, total):
        now = time.monotonic()
        if phase == self.phase and done < total and now - self.last < PROGRESS_EVERY:
            return
        self.last, self.phase = now, phase
        fields = {"phase": phase, "done": done, "total": total, "progress_at": timezone.now()}
        if not connection.in_atomic_block:
            try:
                ImportJob.objects.filter(pk=self.job_id).update(**fields)
            except OperationalError:  # e.g. SQLite's "table is locked" while a page reads it
                self.last = 0.0  # progress is a courtesy: the next step writes it again
                log.warning("progress of import job %s not written", self.job_id, exc_info=True)
        elif connection.vendor != "sqlite":
            if self._side is None:
                self._side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="import-progress")
            self._side.submit(self._write_aside, fields)

    def _write_aside(self, fields):
        try:
            ImportJob.objects.filter(pk=self.job_id).update(**fields)
        except Exception:  # progress is a courtesy: never let it stop the import
            log.exception("progress of import job %s not written", self.job_id)

    def close(self):
        if self._side is not None:
            self._side.submit(connections.close_all)
            self._side.shutdown(wait=True)
            self._side = None


def read_progress(job):
    """{'phase', 'done', 'total', 'percent', 'queued', 'interrupted'} of a job."""
    total = job.total or job.rows or 0
    done = min(job.done, total) if total else job.done
    return {
        "phase": job.phase or job.status, "done": done, "total": total,
        "percent": min(100, round(100 * done / total)) if total else 0,
        "queued": job.is_running and job.started_at is None,
        "interrupted": False,
    }


def notice_interruption(job):
    """If `job` is marked running but no worker holds it, it was interrupted: record that
    (nothing of it was written) so it can be run again. Returns the job as it now is."""
    if not job.is_running or job.started_at is None or runlock.is_held(lock_name(job)):
        return job
    job.refresh_from_db()  # it may have finished between the two reads
    if not job.is_running or runlock.is_held(lock_name(job)):
        return job
    if job.status == ImportJob.Status.IMPORTING:
        job.status = ImportJob.Status.CHECKED  # it passed the check: it may be started again
        job.error = _("The import was interrupted before it finished (its worker stopped). "
                      "Nothing of it was written; you can start it again.")
    else:
        job.status = ImportJob.Status.UPLOADED
        job.error = _("The check was interrupted before it finished (its worker stopped). "
                      "Check the file again.")
    job.started_at = None
    job.save(update_fields=["status", "error", "started_at", "updated_at"])
    close_interrupted(job.task_id)  # the queue's row of the killed task: failed, not running
    return job


def read_results(job):
    path = job_dir(job) / "results.json"
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return {"problems": [], "previews": []}


# The parsed sheets, kept beside the upload --------------------------------------------------
#
# A file is read (within the limits of reading.py) once, when it is uploaded; its sheets are
# kept as JSON beside it (sheets.json), with a short outline (outline.json: names, headers,
# row counts and the first rows) for the mapping page, so no page parses the file again.

SAMPLE_ROWS = 3
_TYPES = {"date": dt.date, "datetime": dt.datetime, "time": dt.time}


def _encode_cell(value):
    if isinstance(value, dt.datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, dt.date):
        return {"date": value.isoformat()}
    if isinstance(value, dt.time):
        return {"time": value.isoformat()}
    if isinstance(value, dt.timedelta):
        return {"seconds": value.total_seconds()}
    return value


def _decode_cell(value):
    if isinstance(value, dict):
        (kind, text), = value.items()
        if kind == "seconds":
            return dt.timedelta(seconds=text)
        return _TYPES[kind].fromisoformat(text)
    return value


def _sheet_json(sheet):
    return {"name": sheet.name, "headers": sheet.headers, "header_row": sheet.header_row,
            "rows": [[n, [_encode_cell(v) for v in cells]] for n, cells in sheet.rows]}


def _sheet_from_json(data):
    return Sheet(data["name"], data["headers"],
                 [(n, tuple(_decode_cell(v) for v in cells)) for n, cells in data["rows"]],
                 data["header_row"])


def store_sheets(job, sheets):
    """Keep the parsed sheets of a job (and their outline) beside its upload."""
    folder = job_dir(job)
    tmp = folder / "sheets.tmp"
    with tmp.open("w", encoding="utf-8") as fh:
        json.dump([_sheet_json(s) for s in sheets], fh)
    os.replace(tmp, folder / "sheets.json")
    _write_json(folder / "outline.json", [
        {"name": s.name, "headers": s.headers, "header_row": s.header_row, "row_count": s.row_count,
         "sample": [[n, [_encode_cell(v) for v in cells]] for n, cells in s.rows[:SAMPLE_ROWS]]}
        for s in sheets
    ])


def read_upload(job):
    """Parse the uploaded file of a job (UnreadableFile when it cannot be, or is too large)
    and keep its sheets; returns them."""
    with job.file.open("rb") as fh:
        if job.file.size > settings.IMPORT_MAX_BYTES:
            raise TooLarge(too_big_message(Limits.from_settings()))
        sheets = read_spreadsheet(fh.read(), job.filename)
    store_sheets(job, sheets)
    return sheets


def sheets_of(job):
    """The sheets of a job as parsed at upload (parsed now for a job from before they were kept)."""
    path = job_dir(job) / "sheets.json"
    try:
        with path.open(encoding="utf-8") as fh:
            return [_sheet_from_json(s) for s in json.load(fh)]
    except FileNotFoundError:
        return read_upload(job)


def outline_of(job):
    """Name, headers, row count and first rows of each sheet of a job: a list of Sheet whose
    rows are only the first few (with row_count set to the real number)."""
    try:
        data = json.loads((job_dir(job) / "outline.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        read_upload(job)
        data = json.loads((job_dir(job) / "outline.json").read_text(encoding="utf-8"))
    return [
        Outline(s["name"], s["headers"], [(n, tuple(_decode_cell(v) for v in c)) for n, c in s["sample"]],
                s["header_row"], s["row_count"])
        for s in data
    ]


@dataclass
class Outline(Sheet):
    """A sheet with only its first rows; `row_count` is the number of all its rows."""

    count: int = 0

    @property
    def row_count(self):
        return self.count


def create_job(*, user, upload, kind, deal_id=None):
    """A new import of `upload` (a file from the form) by `user`: stored, checked against the
    limits and parsed once (UnreadableFile, with nothing left on disk, when it is not a file
    we take), with the sheet and column mapping guessed. Unfinished uploads of the past are
    cleaned up first."""

    job = ImportJob(user=user, filename=upload.name[:300], kind=kind)
    if deal_id:
        job.defaults = {"deal_id": deal_id}
    clean_orphans()
    job.file.save(upload.name, upload, save=False)
    try:
        sheets = read_upload(job)
    except UnreadableFile:
        job.file.delete(save=False)
        remove_files(job)
        raise
    sheet_kind = C.KINDS[job.kind]
    sheet = next((s for s in sheets if s.name.lower() == sheet_kind.sheet.lower()), sheets[0])
    job.sheet = sheet.name
    job.mapping = guess_mapping(sheet_kind, sheet.headers)
    job.rows = sheet.row_count
    job.save()
    return job


def set_mapping(job, *, sheet, mapping):
    """The sheet and the column mapping the user chose for `job`."""
    job.sheet = sheet.name
    job.mapping = mapping
    job.rows = sheet.row_count
    job.save(update_fields=["sheet", "mapping", "rows", "updated_at"])


def clean_orphans(now=None):
    """Remove uploads whose import was never finished (uploaded, checked or failed, and not
    touched for IMPORT_ORPHAN_HOURS), with their job rows, and folders under imports/ that
    belong to no job and are as old. Returns the number of folders removed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(hours=settings.IMPORT_ORPHAN_HOURS)
    removed = 0
    stale = ImportJob.objects.filter(
        status__in=[ImportJob.Status.UPLOADED, ImportJob.Status.CHECKED, ImportJob.Status.FAILED],
        updated_at__lt=cutoff,
    )
    for uuid in stale.values_list("uuid", flat=True):
        removed += _remove_folder(Path(settings.MEDIA_ROOT) / "imports" / str(uuid))
    stale.delete()
    root = Path(settings.MEDIA_ROOT) / "imports"
    if root.is_dir():
        known = {str(u) for u in ImportJob.objects.values_list("uuid", flat=True)}
        for folder in root.iterdir():
            if (folder.is_dir() and folder.name not in known
                    and folder.stat().st_mtime < cutoff.timestamp()):
                removed += _remove_folder(folder)
    return removed


def remove_files(job):
    """The folder of a job: its upload, parsed sheets, progress and results."""
    _remove_folder(Path(settings.MEDIA_ROOT) / "imports" / str(job.uuid))


def _remove_folder(folder):
    if not folder.is_dir():
        return 0
    shutil.rmtree(folder, ignore_errors=True)
    return 1


def parts_for(job, sheets=None):
    """The checking.Part of a job: its sheet, kind, mapping and defaults."""
    from .checking import Part

    sheets = sheets if sheets is not None else sheets_of(job)
    sheet = next((s for s in sheets if s.name == job.sheet), sheets[0])
    kind = C.KINDS[job.kind]
    mapping = {k: (int(v) if v not in (None, "") else None) for k, v in job.mapping.items()}
    for column in kind.columns:
        mapping.setdefault(column.key, None)
    return [Part(kind, sheet, mapping, dict(job.defaults))]


def workbook_parts(sheets):
    """Parts for a workbook with tabs named like ours (Deal, Partners, Indicatoren, Metingen),
    each mapped by its headers; a single sheet of another name is recognised by its headers."""
    from .checking import Part, guess_kind

    parts = []
    for sheet in sheets:
        kind = C.KIND_BY_SHEET.get(sheet.name.strip().lower())
        if kind is None and len(sheets) == 1:
            kind = guess_kind(sheet.headers)
        if kind is not None:
            parts.append(Part(kind, sheet, guess_mapping(kind, sheet.headers)))
    return parts


# The two phases -----------------------------------------------------------------------------


def _fail(job, message):
    job.status = ImportJob.Status.FAILED
    job.error = message
    job.save(update_fields=["status", "error", "updated_at"])


def run_check(job_id, progress):
    job = ImportJob.objects.get(pk=job_id)
    try:
        parts = parts_for(job)
        result = check_parts(job.user, parts, progress=lambda d, t: progress("checking", d, t))
    except UnreadableFile as exc:
        return _fail(job, str(exc))
    _write_json(job_dir(job) / "results.json", {
        "problems": [p.as_dict() for p in result.problems],
        "previews": result.previews,
        "counts": result.plan.counts,
        "skipped": result.plan.skipped,
    })
    job.rows = result.rows
    job.problem_count = len(result.problems)
    job.summary = {"planned": result.plan.counts, "skipped": result.plan.skipped}
    job.status = ImportJob.Status.CHECKED
    job.save(update_fields=["rows", "problem_count", "summary", "status", "updated_at"])


def run_import(job_id, progress):
    """Check again (the data may have changed since the preview), then write all or nothing."""
    job = ImportJob.objects.get(pk=job_id)
    try:
        parts = parts_for(job)
        result = check_parts(job.user, parts, previews=False,
                             progress=lambda d, t: progress("checking", d, t))
        if result.problems:
            job.problem_count = len(result.problems)
            job.save(update_fields=["problem_count", "updated_at"])
            return _fail(job, _("The file no longer passes the check (%(n)s problems); nothing was imported.")
                         % {"n": len(result.problems)})
        progress("importing", 0, result.rows)  # before the transaction: seen on SQLite too
        written = import_checked(actor=job.user, result=result,
                                 progress=lambda d, t: progress("importing", d, t))
    except (UnreadableFile, ValidationError, PermissionDenied) as exc:
        messages = getattr(exc, "messages", None) or [str(exc)]
        return _fail(job, _("Nothing was imported: %(error)s") % {"error": " ".join(messages)})
    job.status = ImportJob.Status.DONE
    job.summary = {**job.summary, "written": written.counts, "skipped": written.skipped}
    job.save(update_fields=["status", "summary", "updated_at"])
    (job_dir(job) / "sheets.json").unlink(missing_ok=True)  # imported: the parsed copy is not needed


def run(job_id, phase):
    """Run one phase of a job in this process (the task calls this): under the job's lock,
    with its progress in its row; an unexpected error leaves the job failed, not running."""
    job = ImportJob.objects.get(pk=job_id)
    fn = run_check if phase == "check" else run_import
    with runlock.holding(lock_name(job)):
        job.refresh_from_db()
        if not job.is_running or job.started_at is not None:
            return  # already handled: a task delivered twice, or a job marked interrupted
        ImportJob.objects.filter(pk=job_id).update(started_at=timezone.now())
        progress = Progress(job)
        try:
            fn(job_id, progress)
        except Exception:
            log.exception("import job %s failed", job_id)
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.FAILED,
                error=_("An unexpected error stopped the import; nothing was imported."))
        finally:
            progress.close()


def start(job, phase):
    """Queue checking (`phase='check'`) or importing (`'import'`) a job as a background task
    (with the immediate backend of the test suite it runs at once)."""
    from . import tasks

    job.status = ImportJob.Status.CHECKING if phase == "check" else ImportJob.Status.IMPORTING
    job.error = ""
    job.phase, job.done, job.started_at = "checking", 0, None  # an import checks again first
    job.total = job.rows or sum(s.row_count for s in outline_of(job))
    job.progress_at = timezone.now()
    job.save(update_fields=["status", "error", "phase", "done", "total", "started_at",
                            "progress_at", "updated_at"])
    task = tasks.check_job if phase == "check" else tasks.import_job
    result = task.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
