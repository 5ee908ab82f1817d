"""Hostile .xlsx files, written by hand (zip of a few XML parts), for the reading limits.

Each is small on disk but asks a naive reader for far more memory or time than it is worth:
cells far apart (the reader fills the rectangle between them), a shared string repeated into
gigabytes, a worksheet whose <dimension> lies about its size."""

import io
import zipfile

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Metingen" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" '
    'Target="sharedStrings.xml"/></Relationships>'
)
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _sheet(rows_xml, dimension=None):
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet {NS}>{dim}'
            f"<sheetData>{rows_xml}</sheetData></worksheet>")


def _zip(sheet_xml, shared='<?xml version="1.0"?><sst ' + NS + ' count="0" uniqueCount="0"/>'):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        z.writestr("xl/sharedStrings.xml", shared)
    return buffer.getvalue()


def far_corners(dimension="A1:XFD1048576"):
    """Two cells, A1 and XFD1048576: a reader that fills the used area asks for 2**34 cells."""
    rows = ('<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>')
    return _zip(_sheet(rows, dimension))


def wide(rows, columns, dimension=True):
    """`rows` x `columns` cells of one shared string, without cell references (allowed: a cell
    without `r` follows the one before), so the file compresses to a few bytes per thousand
    cells. With `dimension=False` the sheet does not declare its size; a text lies about it."""
    from openpyxl.utils import get_column_letter

    row = "<row>" + '<c t="s"><v>0</v></c>' * columns + "</row>"
    if dimension is True:
        dimension = f"A1:{get_column_letter(columns)}{rows}"
    shared = f'<?xml version="1.0"?><sst {NS} count="1" uniqueCount="1"><si><t>x</t></si></sst>'
    return _zip(_sheet(row * rows, dimension or None), shared)


def shared_strings_bomb(size_mb=1000):
    """A shared string table that inflates to `size_mb` MB (one long string) while the file
    stays around 1 KB per MB: written in chunks, so making it needs little memory."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        z.writestr("_rels/.rels", RELS)
        z.writestr("xl/workbook.xml", WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        z.writestr("xl/worksheets/sheet1.xml",
                   _sheet('<row r="1"><c r="A1" t="s"><v>0</v></c></row>', "A1"))
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as fh:
            fh.write(f'<?xml version="1.0"?><sst {NS} count="1" uniqueCount="1"><si><t>'.encode())
            chunk = b"A" * (1024 * 1024)
            for _ in range(size_mb):
                fh.write(chunk)
            fh.write(b"</t></si></sst>")
    return buffer.getvalue()


def lie_about_sizes(data, member, size):
    """The same zip, but the local and central headers of `member` claim `size` bytes
    unpacked (a reader that trusts them is fooled)."""
    import struct

    out = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    out[info.header_offset + 22:info.header_offset + 26] = struct.pack("<I", size)
    name = member.encode()
    at = 0
    while (at := out.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack("<H", out[at + 28:at + 30])[0]
        if bytes(out[at + 46:at + 46 + length]) == name:
            out[at + 24:at + 28] = struct.pack("<I", size)
        at += 4
    return bytes(out)


def repeated_cell(times):
    """The cell A1, `times` times over: a rectangle of one cell, but `times` cells to hold."""
    return _zip(_sheet('<row r="1">' + '<c r="A1"><v>1</v></c>' * times + "</row>", "A1"))


def with_doctype():
    sheet = _sheet('<row r="1"><c r="A1"><v>1</v></c></row>', "A1").replace(
        "<worksheet", '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]><worksheet', 1)
    return _zip(sheet)


def escaped_reference():
    """A cell reference written with a character reference (&#88; is X): a reader that
    unescapes it finds XFD1048576, a scan that does not would miss it."""
    return _zip(_sheet('<row r="1"><c r="&#88;FD1048576"><v>1</v></c></row>', "A1"))


def many_parts(n):
    """A zip of `n` empty parts: every part costs a reader an object before anything is read."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as z:
        z.writestr("[Content_Types].xml", CONTENT_TYPES)
        for i in range(n):
            z.writestr(f"x/{i}", b"")
    return buffer.getvalue()
