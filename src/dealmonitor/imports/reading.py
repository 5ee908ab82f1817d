"""Reading a spreadsheet (Excel .xlsx or CSV) into sheets of header and rows, without
interpreting the cells: checking.py does that, with the column mapping."""

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read; the message says why, for people."""


@dataclass
class Sheet:
    name: str
    headers: list  # the texts of the first row (None where empty)
    rows: list  # (row number in the sheet, tuple of cells), empty rows left out
    header_row: int = 1

    @property
    def row_count(self):
        return len(self.rows)


def _clean_headers(values):
    return [str(v).strip() if v not in (None, "") else None for v in values]


def _is_empty(values):
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in values)


def read_xlsx(data):
    """Every sheet of a workbook, read with calamine (fast, and it reads dates as dates)."""
    try:
        workbook = CalamineWorkbook.from_filelike(io.BytesIO(data))
    except (CalamineError, ValueError, OSError) as exc:
        raise UnreadableFile(
            _("This is not an Excel workbook (.xlsx) that can be read: %(error)s") % {"error": exc}
        ) from None
    sheets = []
    with workbook:
        for name in workbook.sheet_names:
            try:
                rows = workbook.get_sheet_by_name(name).to_python(skip_empty_area=False)
            except (CalamineError, ValueError) as exc:
                raise UnreadableFile(
                    _("Sheet '%(name)s' cannot be read: %(error)s") % {"name": name, "error": exc}
                ) from None
            headers = None
            header_row = 1
            body = []
            for number, values in enumerate(rows, start=1):
                if headers is None:
                    if _is_empty(values):
                        continue
                    headers = _clean_headers(values)
                    header_row = number
                    continue
                if not _is_empty(values):
                    body.append((number, tuple(None if v == "" else v for v in values)))
            if headers is not None:
                sheets.append(Sheet(name, headers, body, header_row))
    return sheets


def _decode(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The text of this CSV file cannot be read; save it as UTF-8."))


def read_csv(data, name="CSV"):
    text = _decode(data)
    sample = text[:10000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    headers = None
    body = []
    for number, values in enumerate(reader, start=1):
        values = tuple(v if v.strip() else None for v in values)
        if headers is None:
            if _is_empty(values):
                continue
            headers = _clean_headers(values)
            continue
        if not _is_empty(values):
            body.append((number, values))
    if headers is None:
        raise UnreadableFile(_("This file is empty."))
    return [Sheet(name, headers, body)]


def read_spreadsheet(data, filename):
    """Sheets of an .xlsx or .csv file, chosen by its name (and its first bytes)."""
    lower = filename.lower()
    if lower.endswith(".csv") or lower.endswith(".txt"):
        return read_csv(data, name=filename.rsplit("/", 1)[-1])
    if lower.endswith(".xlsx") or data[:2] == b"PK":
        return read_xlsx(data)
    if lower.endswith(".xls"):
        raise UnreadableFile(_("Old Excel files (.xls) cannot be read; save the file as .xlsx."))
    raise UnreadableFile(_("Upload an Excel workbook (.xlsx) or a CSV file."))
