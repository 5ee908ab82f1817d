"""Running a check or an import in the background, and following it.

A job runs in a thread of the web process (so `make run` needs no extra service). The import
itself is one database transaction, and SQLite lets only one connection write at a time, so
the progress cannot be written to the database while the import runs: it is written to a
small file beside the upload instead, which any request (after a page reload, or in another
server process) can read. The job row records the outcome. See docs/decisions/0005.
"""

import datetime as dt
import json
import logging
import os
import shutil
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import close_old_connections, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import columns as C
from .checking import check_parts, guess_mapping
from .models import ImportJob
from .reading import Limits, Sheet, TooLarge, UnreadableFile, read_spreadsheet, too_big_message
from .services import import_checked

log = logging.getLogger(__name__)

# A running job whose progress has not moved for this long was interrupted (the server
# stopped): its transaction was rolled back, so nothing of it was written.
STALE_AFTER = 15 * 60
PREVIEW_PAGE = 100


def job_dir(job):
    path = Path(settings.MEDIA_ROOT) / "imports" / str(job.uuid)
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write_json(path, data):
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, default=str), encoding="utf-8")
    os.replace(tmp, path)


def write_progress(job, phase, done, total):
    _write_json(job_dir(job) / "progress.json",
                {"phase": phase, "done": done, "total": total, "at": time.time()})


def read_progress(job):
    """{'phase', 'done', 'total', 'percent', 'stale'} of a job."""
    path = job_dir(job) / "progress.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        data = {"phase": job.status, "done": 0, "total": job.rows, "at": time.time()}
    total = data.get("total") or 0
    data["percent"] = min(100, round(100 * data["done"] / total)) if total else 0
    data["stale"] = job.is_running and time.time() - data.get("at", 0) > STALE_AFTER
    return data


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


def run_check(job_id):
    job = ImportJob.objects.get(pk=job_id)
    try:
        parts = parts_for(job)
        result = check_parts(job.user, parts,
                             progress=lambda d, t: write_progress(job, "checking", d, t))
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


def run_import(job_id):
    """Check again (the data may have changed since the preview), then write all or nothing."""
    job = ImportJob.objects.get(pk=job_id)
    try:
        parts = parts_for(job)
        result = check_parts(job.user, parts, previews=False,
                             progress=lambda d, t: write_progress(job, "checking", d, t))
        if result.problems:
            job.problem_count = len(result.problems)
            job.save(update_fields=["problem_count", "updated_at"])
            return _fail(job, _("The file no longer passes the check (%(n)s problems); nothing was imported.")
                         % {"n": len(result.problems)})
        written = import_checked(actor=job.user, result=result,
                              progress=lambda d, t: write_progress(job, "importing", d, t))
    except (UnreadableFile, ValidationError, PermissionDenied) as exc:
        messages = getattr(exc, "messages", None) or [str(exc)]
        return _fail(job, _("Nothing was imported: %(error)s") % {"error": " ".join(messages)})
    job.status = ImportJob.Status.DONE
    job.summary = {**job.summary, "written": written.counts, "skipped": written.skipped}
    job.save(update_fields=["status", "summary", "updated_at"])
    (job_dir(job) / "sheets.json").unlink(missing_ok=True)  # imported: the parsed copy is not needed


def _in_thread(fn, job_id):
    def target():
        close_old_connections()
        try:
            fn(job_id)
        except Exception:  # the job row must not stay 'running' after a crash
            log.exception("import job %s failed", job_id)
            ImportJob.objects.filter(pk=job_id).update(
                status=ImportJob.Status.FAILED,
                error=_("An unexpected error stopped the import; nothing was imported."))
        finally:
            connection.close()

    thread = threading.Thread(target=target, name=f"import-{job_id}", daemon=True)
    thread.start()
    return thread


def start(job, phase):
    """Start checking (`phase='check'`) or importing (`'import'`) a job, in the background
    unless IMPORTS_IN_BACKGROUND is off (then in this request)."""
    fn = run_check if phase == "check" else run_import
    job.status = ImportJob.Status.CHECKING if phase == "check" else ImportJob.Status.IMPORTING
    job.error = ""
    job.save(update_fields=["status", "error", "updated_at"])
    write_progress(job, job.status, 0, job.rows or sum(s.row_count for s in outline_of(job)))
    if getattr(settings, "IMPORTS_IN_BACKGROUND", True):
        transaction.on_commit(lambda: _in_thread(fn, job.pk))
    else:
        fn(job.pk)
