"""Texts longer than a spreadsheet cell, carried whole.

Excel and LibreOffice hold at most 32,767 characters in a cell (counted in UTF-16 units, so a
character outside the Basic Multilingual Plane counts twice); openpyxl writes more without a
word and the office program cuts it. A workbook we write therefore keeps the first part of
such a text in its cell and the rest, in order, in the sheet "Lange teksten": one row per part,
naming the sheet, row and column it continues. Reading a workbook puts the parts back
together before anything else looks at the cells, so the import sees every character."""

from django.utils.translation import gettext as _

SHEET = "Lange teksten"
HEADER = ["tabblad", "rij", "kolom", "deel", "vervolg"]
CELL_MAX = 32_767


def _units(text):
    return len(text.encode("utf-16-le")) // 2


def parts(text, limit=CELL_MAX):
    """`text` cut in pieces of at most `limit` UTF-16 units (never inside a character)."""
    out = []
    while text:
        n = min(len(text), limit)
        while _units(text[:n]) > limit:
            n -= (_units(text[:n]) - limit + 1) // 2 or 1
        out.append(text[:n])
        text = text[n:]
    return out


class Continuations:
    """Collects the continued parts while a workbook is written; `write(wb)` adds the sheet
    (only when some text needed it)."""

    def __init__(self):
        self.rows = []

    def cell(self, sheet, row, column, value):
        """The value for the cell at (`sheet`, `row`, column key `column`): a text too long
        for a cell is cut, its rest kept for the sheet of long texts."""
        if not isinstance(value, str) or _units(value) <= CELL_MAX:
            return value
        first, *rest = parts(value)
        for number, part in enumerate(rest, start=2):
            self.rows.append([sheet, row, column, number, part])
        return first

    def write(self, wb):
        if not self.rows:
            return None
        ws = wb.create_sheet(SHEET)
        ws.append(HEADER)
        for row in self.rows:
            ws.append(row)
        return ws


class BrokenContinuation(ValueError):
    pass


def reassemble(sheets):
    """The sheets read from a workbook with the parts of long texts put back in their cells,
    and without the sheet of long texts."""
    carrier = next((s for s in sheets if s.name.strip().lower() == SHEET.lower()), None)
    if carrier is None:
        return sheets
    by_name = {s.name: s for s in sheets if s is not carrier}
    index = {h: i for i, h in enumerate(carrier.headers) if h}
    if any(h not in index for h in HEADER):
        raise BrokenContinuation(_("The sheet %(sheet)s needs the columns %(columns)s.")
                                 % {"sheet": SHEET, "columns": ", ".join(HEADER)})
    grouped = {}
    for _number, cells in carrier.rows:
        cells = list(cells) + [None] * (len(carrier.headers) - len(cells))
        sheet, row, column, part, text = (cells[index[h]] for h in HEADER)
        try:
            key = (str(sheet), int(row), str(column))
            grouped.setdefault(key, []).append((int(part), "" if text is None else str(text)))
        except (TypeError, ValueError):
            raise BrokenContinuation(_("Row %(row)s of the sheet %(sheet)s does not say which cell it "
                                       "continues.") % {"row": _number, "sheet": SHEET}) from None
    for (name, row, column), pieces in grouped.items():
        target = by_name.get(name)
        col = target.headers.index(column) if target and column in target.headers else None
        found = next((i for i, (n, _c) in enumerate(target.rows) if n == row), None) if target else None
        if col is None or found is None:
            raise BrokenContinuation(
                _("The sheet %(sheet)s continues a cell that is not in the file: sheet %(name)s, row "
                  "%(row)s, column %(column)s.") % {"sheet": SHEET, "name": name, "row": row, "column": column})
        number, cells = target.rows[found]
        cells = list(cells) + [None] * (col + 1 - len(cells))
        cells[col] = (cells[col] or "") + "".join(text for _n, text in sorted(pieces))
        target.rows[found] = (number, tuple(cells))
    return [s for s in sheets if s is not carrier]
