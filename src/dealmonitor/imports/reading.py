"""Reading a spreadsheet (Excel .xlsx or CSV) into sheets of header and rows, without
interpreting the cells: imports/checking/ does that, with the column mapping."""

import csv
import io
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from python_calamine import CalamineError, CalamineWorkbook

from dealmonitor.utils.bulk import collector_paused
from dealmonitor.utils.spreadsheets import strip_csv_guard

from . import long_texts


class UnreadableFile(Exception):
    """The file is not a spreadsheet we can read; the message says why, for people."""


class TooLarge(UnreadableFile):
    """The file exceeds one of the limits below; the message names the limit."""


# Limits -------------------------------------------------------------------------------------
#
# An .xlsx is a zip of XML parts. calamine (like any reader) builds the whole rectangle from A1
# to the last cell of each sheet, and holds the shared strings in memory, so a file of a few
# KB can ask for hundreds of GB: two cells at A1 and XFD1048576, or one string that inflates
# to gigabytes. Before calamine sees a file, every part is inflated here in a stream (never
# trusting the sizes the zip declares) and every worksheet is scanned for the position of
# its cells (never trusting its <dimension> alone), within the IMPORT_* limits of the settings.
# See docs/security.md#uploads-and-imports.


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_uncompressed: int
    max_ratio: int
    max_rows: int
    max_columns: int
    max_cells: int

    @classmethod
    def from_settings(cls):
        return cls(settings.IMPORT_MAX_BYTES, settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
                   settings.IMPORT_MAX_COMPRESSION_RATIO, settings.IMPORT_MAX_ROWS,
                   settings.IMPORT_MAX_COLUMNS, settings.IMPORT_MAX_CELLS)


def _n(number):
    return number_format(number, force_grouping=True)


def _mb(size):
    return _n(size // (1024 * 1024))


def too_big_message(limits):
    return _("This file is larger than %(limit)s MB, the most an import accepts.") % {
        "limit": _mb(limits.max_bytes)}


def _too_many_rows(limits):
    return TooLarge(_("A sheet of this file has more than %(limit)s rows, the most an import "
                      "accepts per sheet.") % {"limit": _n(limits.max_rows)})


def _too_many_columns(limits):
    return TooLarge(_("A sheet of this file has more than %(limit)s columns, the most an import "
                      "accepts per sheet.") % {"limit": _n(limits.max_columns)})


def _too_many_cells(limits):
    return TooLarge(_("This file has more than %(limit)s cells (rows times columns of every sheet, "
                      "counted from the first cell), the most an import accepts.")
                    % {"limit": _n(limits.max_cells)})


def _damaged():
    return UnreadableFile(_("This Excel workbook (.xlsx) is damaged or uses a form of compression "
                            "that cannot be read; save it again with Excel or LibreOffice."))


CHUNK = 1024 * 1024
MAX_PARTS = 10_000  # a workbook has a part per sheet, drawing, image...: tens, not thousands
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")


def _column_number(letters):
    n = 0
    for ch in letters.upper():
        n = n * 26 + ord(ch) - 64
    return n


def _ref(text):
    """(row, column) of a cell reference such as 'XFD1048576', or None if it is not one."""
    match = _REF.match(text or "")
    if not match:
        return None
    return int(match[2]), _column_number(match[1])


def _inflate(data, info):
    """The bytes of one zip member, in chunks, inflated from its raw data: what a reader
    really gets, whatever sizes the zip declares."""
    if info.flag_bits & 0x1:
        raise _damaged()  # encrypted
    offset = info.header_offset
    header = data[offset:offset + 30]
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise _damaged()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    start = offset + 30 + name_length + extra_length
    raw = memoryview(data)[start:start + info.compress_size]
    if info.compress_type == zipfile.ZIP_STORED:
        for i in range(0, len(raw), CHUNK):
            yield bytes(raw[i:i + CHUNK])
        return
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise _damaged()
    inflater = zlib.decompressobj(-15)
    try:
        for i in range(0, len(raw), 64 * 1024):
            out = inflater.decompress(raw[i:i + 64 * 1024], CHUNK)
            while True:
                if out:
                    yield out
                if not inflater.unconsumed_tail:
                    break
                out = inflater.decompress(inflater.unconsumed_tail, CHUNK)
            if inflater.eof:
                break
        rest = inflater.flush()
        if rest:
            yield rest
    except zlib.error:
        raise _damaged() from None


# A start tag <c>, <row> or <dimension> (any namespace prefix) with its r= or ref= attribute.
# The scan reads tags with a regular expression rather than an XML parser: five times faster,
# and it can only count too much (a tag inside a comment), never too little.
_TAG = re.compile(rb"<(?:[A-Za-z_][\w.\-]*:)?(c|row|dimension)(?=[\s/>])"
                  rb"(?:[^>]*?\s(?:r|ref)\s*=\s*[\"']([^\"'>]*)[\"'])?[^>]*>")
_DECLARATION = re.compile(rb"<!(DOCTYPE|ENTITY)")
LONGEST_TAG = 64 * 1024


class _SheetScan:
    """Counts the cells of one part of the workbook as its chunks arrive, and refuses as soon
    as a sheet passes a limit. A cell's place is its reference (r="B7"); a cell or row
    without one follows the one before, as readers place it."""

    def __init__(self, limits, area_before, cells_before, xml=True):
        self.xml = xml  # a part a reader parses as XML (not an image): no declarations in it
        self.limits = limits
        self.area_before = area_before
        self.cells_before = cells_before
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.cells = 0
        self.tail = b""

    @property
    def area(self):
        return self.max_row * self.max_col

    def _check(self, rows, cols):
        limits = self.limits
        if rows > limits.max_rows:
            raise _too_many_rows(limits)
        if cols > limits.max_columns:
            raise _too_many_columns(limits)
        if self.area_before + rows * cols > limits.max_cells:
            raise _too_many_cells(limits)

    def feed(self, chunk):
        text = self.tail + chunk
        if self.xml and _DECLARATION.search(text):
            raise UnreadableFile(_("This workbook contains XML declarations (DOCTYPE or ENTITY) that "
                                   "an Excel workbook does not have; it is not read."))
        # tags that start before the last '<' are complete (an attribute holds no '<')
        cut = text.rfind(b"<")
        if cut < 0:
            self.tail = b""
            return
        self.tail = text[cut:]
        if len(self.tail) > LONGEST_TAG:
            end = self.tail.find(b">")
            if end < 0:
                raise _damaged()  # no tag of a real workbook is this long
            cut, self.tail = cut + end + 1, b""
        self._scan(text[:cut])

    def close(self):
        self._scan(self.tail)
        self.tail = b""

    def _scan(self, text):
        limits = self.limits
        row, col, max_row, max_col, cells = self.row, self.col, self.max_row, self.max_col, self.cells
        for name, ref in _TAG.findall(text):
            if name == b"c":
                cells += 1
                if ref:
                    position = _ref(ref.decode("ascii", "replace"))
                    if position is None:
                        raise _damaged()  # an escaped or odd reference: do not guess
                    cell_row, col = position
                else:
                    cell_row, col = row, col + 1
                if cell_row > max_row or col > max_col:
                    max_row, max_col = max(max_row, cell_row), max(max_col, col)
                    self._check(max_row, max_col)
                if self.cells_before + cells > limits.max_cells:
                    raise _too_many_cells(limits)
            elif name == b"row":
                if ref:
                    if not ref.isdigit():
                        raise _damaged()
                    row = int(ref)
                else:
                    row += 1
                col = 0
            elif ref:  # <dimension ref="A1:XFD1048576">: a declared size beyond the limits
                corner = _ref(ref.decode("ascii", "replace").rsplit(":", 1)[-1])
                if corner:
                    self._check(*corner)
        self.row, self.col, self.max_row, self.max_col, self.cells = row, col, max_row, max_col, cells


def check_xlsx(data, limits=None):
    """Refuse a workbook that passes a limit, before any reader builds it in memory: the file
    size; the size of every part as it really inflates, in total and against its compressed
    size; and per sheet the rows and columns from A1 to its last cell, and in all sheets the
    cells of those rectangles. Reads the file once, in chunks; memory stays small."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise TooLarge(too_big_message(limits))
    try:
        # the number of parts, from the end record, before zipfile makes an object of each
        end = zipfile._EndRecData(io.BytesIO(data))
        if end is not None and (end[zipfile._ECD_ENTRIES_TOTAL] > MAX_PARTS
                                or end[zipfile._ECD_SIZE] > MAX_PARTS * 1024):
            raise TooLarge(_("This workbook has more than %(limit)s parts, which a real workbook "
                             "never has; it is not read.") % {"limit": _n(MAX_PARTS)})
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, struct.error):
        raise UnreadableFile(_("This is not an Excel workbook (.xlsx) that can be read: %(error)s")
                             % {"error": _("it is not a zip file")}) from None
    unpacked_message = _("Unpacked, this workbook is larger than %(limit)s MB, the most an import "
                         "accepts.") % {"limit": _mb(limits.max_uncompressed)}
    ratio_message = _("A part of this workbook unpacks to more than %(limit)s times its packed size, "
                      "which a real workbook never does; it is not read.") % {"limit": _n(limits.max_ratio)}
    # what the zip declares first: cheap, and refuses the plain bombs before any inflating
    if sum(m.file_size for m in members) > limits.max_uncompressed:
        raise TooLarge(unpacked_message)
    total = 0
    area = cells = 0
    for member in members:
        allowed = max(CHUNK, limits.max_ratio * member.compress_size)
        if member.file_size > allowed:
            raise TooLarge(ratio_message)
        scan = _SheetScan(limits, area, cells, xml=member.filename.lower().endswith((".xml", ".rels")))
        size = 0
        for chunk in _inflate(data, member):
            size += len(chunk)
            total += len(chunk)
            if total > limits.max_uncompressed:
                raise TooLarge(unpacked_message)
            if size > allowed:
                raise TooLarge(ratio_message)
            scan.feed(chunk)
        scan.close()
        area += scan.area
        cells += scan.cells
    return members


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
    """Every sheet of a workbook, read with calamine (fast, and it reads dates as dates), once
    the file has passed the limits (check_xlsx)."""
    check_xlsx(data)
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
    try:
        return long_texts.reassemble(sheets)  # texts longer than a cell, whole again
    except long_texts.BrokenContinuation as exc:
        raise UnreadableFile(str(exc)) from None


def _decode(data):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile(_("The text of this CSV file cannot be read; save it as UTF-8."))


def _rows_or_refusal(reader):
    try:
        yield from reader
    except csv.Error as exc:  # a field longer than csv's limit, a NUL byte
        raise UnreadableFile(_("This CSV file cannot be read: %(error)s") % {"error": exc}) from None


def read_csv(data, name="CSV", limits=None):
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise TooLarge(too_big_message(limits))
    text = _decode(data)
    sample = text[:10000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    reader = _rows_or_refusal(csv.reader(io.StringIO(text), dialect))
    headers = None
    body = []
    width = 0
    for number, values in enumerate(reader, start=1):
        if number > limits.max_rows:
            raise _too_many_rows(limits)
        width = max(width, len(values))
        if width > limits.max_columns:
            raise _too_many_columns(limits)
        if number * width > limits.max_cells:
            raise _too_many_cells(limits)
        # a text our CSV exports guarded against formulas ('=...) comes back as it was
        values = tuple(strip_csv_guard(v) if v.strip() else None for v in values)
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
        with collector_paused():  # see utils/bulk.py
            return read_csv(data, name=filename.rsplit("/", 1)[-1])
    if lower.endswith(".xlsx") or data[:2] == b"PK":
        with collector_paused():
            return read_xlsx(data)
    if lower.endswith(".xls"):
        raise UnreadableFile(_("Old Excel files (.xls) cannot be read; save the file as .xlsx."))
    raise UnreadableFile(_("Upload an Excel workbook (.xlsx) or a CSV file."))
