"""`dealmonitor import FILE.xlsx|FILE.csv`: the same check and write as the import pages."""

from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError

from . import columns as C
from .checking import check_parts, guess_mapping
from .jobs import workbook_parts
from .reading import Limits, TooLarge, UnreadableFile, read_spreadsheet, too_big_message
from .services import import_checked


def spreadsheet_parts(path, kind=None, deal=None):
    file = Path(path)
    try:
        if file.stat().st_size > settings.IMPORT_MAX_BYTES:  # before reading it into memory
            raise TooLarge(too_big_message(Limits.from_settings()))
        sheets = read_spreadsheet(file.read_bytes(), file.name)
    except FileNotFoundError:
        raise CommandError(f"{path}: file not found") from None
    except UnreadableFile as exc:
        raise CommandError(f"{path}: {exc}") from None
    if kind:
        from .checking import Part

        sheet_kind = C.KINDS[kind]
        sheet = next((s for s in sheets if s.name.lower() == sheet_kind.sheet.lower()), sheets[0])
        parts = [Part(sheet_kind, sheet, guess_mapping(sheet_kind, sheet.headers))]
    else:
        parts = workbook_parts(sheets)
    if not parts:
        raise CommandError(
            f"{path}: no sheet recognised; name the tabs {', '.join(k.sheet for k in C.KINDS.values())}"
            " or pass --kind"
        )
    if deal:
        for part in parts:
            part.defaults["deal_id"] = deal
    return parts


def import_spreadsheet(path, *, stdout, kind=None, deal=None, dry_run=False, actor=None,
                       publish=False):
    parts = spreadsheet_parts(path, kind, deal)
    result = check_parts(actor, parts, previews=False)
    if result.problems:
        lines = "\n".join(f"  - {p}" for p in result.problems)
        raise CommandError(
            f"{path}: {len(result.problems)} problem(s), nothing was imported:\n{lines}"
        )
    names = ", ".join(f"{p.sheet.name} ({p.kind.key}, {p.sheet.row_count} rows)" for p in parts)
    if dry_run:
        stdout.write(f"{path}: {names}; no problems found (dry run).")
        return result
    written = import_checked(actor=actor, result=result, publish=publish)
    for line in written.lines():
        stdout.write(f"  {line}")
    stdout.write(f"{path}: imported {names}.")
    return written
