"""The performance table as Excel (openpyxl) and CSV, with the same figures as the page."""

import io

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from dealmonitor.utils.spreadsheets import PLAIN, CsvWriter, workbook_bytes

from .constants import Level, Status

# Codes, not translated labels, so that analysts' scripts keep working; see CODEBOOK.
CODEBOOK = {
    "niveau": "pathway level: " + ", ".join(Level.values) + " (empty: not linked)",
    "status": "gehaald (met), op_koers (on track), risico (at risk), achter (off track), "
    "geen_gegevens (no data), geen_doel (no target); empty: no target and no data",
    "doel / gerealiseerd": "numbers, or a milestone status; empty means no data, never zero",
    "procent_gehaald": "share of the way from baseline to target, in percent",
    "organisatie": "empty: all reporting organisations together; a name: that organisation's "
    "contribution (rows only for indicators reported by more than one organisation)",
    "dimensie / categorie": "empty: the whole figure; otherwise one row per category of the "
    "indicator's breakdown (gemeente, leeftijd, geslacht, sector, eigen); per dimension the "
    "categories add up to the whole figure ('niet uitgesplitst': measurements without a breakdown)",
    "meting_is": "toename: a measurement is a new amount and they add up; stand: a measurement "
    "is the level on its date; empty for percentages and milestones",
    "geteld": "alle: every measurement not withdrawn; geverifieerd: only those the deal team verified",
}


def _num(value):
    return float(value) if value is not None else None


def _cells(base, periods, cells, total, tail):
    for period, cell in zip(periods, cells):
        yield base + [
            period.label, period.start.isoformat(), period.end.isoformat(),
            _num(cell.target) if cell.target is not None else (cell.target_status or None),
            _num(cell.actual) if cell.actual is not None else (cell.actual_status or None),
            round(_num(cell.percent), 1) if cell.percent is not None else None,
            cell.status, cell.count, cell.evidence,
        ] + tail
    t = total
    yield base + [
        "totaal", "", "",
        _num(t.target) if t.target is not None else (t.target_status or None),
        _num(t.actual) if t.actual is not None else (t.actual_status or None),
        round(_num(t.percent), 1) if t.percent is not None else None,
        t.status, t.count, t.evidence,
    ] + tail


def performance_rows(table):
    """Long format: one row per indicator and period, plus a 'totaal' row per indicator; then
    the same per reporting organisation (when several reported) and per category of each
    dimension of the indicator's breakdown."""
    counted = "geverifieerd" if table.verified_only else "alle"
    for row in table.rows:
        ind = row.indicator
        base = [
            row.level, ind["element__title"] or "", ind["name"],
            ind["unit"], "ja" if ind["is_example"] else "nee",
        ]
        yield from _cells(base, table.periods, row.cells, row.total, ["", "", "", row.meaning, counted])
        for part in row.partners:
            yield from _cells(base, table.periods, part.cells, part.total,
                              [part.label, "", "", row.meaning, counted])
        for code, _label, parts in row.categories:
            for part in parts:
                yield from _cells(base, table.periods, part.cells, part.total,
                                  ["", code, part.label, row.meaning, counted])


HEADER = [
    "niveau", "element", "indicator", "eenheid", "voorbeeld", "periode", "begin", "einde",
    "doel", "gerealiseerd", "procent_gehaald", "status", "aantal_metingen", "metingen_met_bewijs",
    "organisatie", "dimensie", "categorie", "meting_is", "geteld",
]


def performance_csv(table, variant=PLAIN):
    """The table as CSV bytes in `variant` (utils/spreadsheets.py: DUTCH for a spreadsheet
    program in a Dutch locale, PLAIN for analysis)."""
    out = io.StringIO()
    # a text that looks like a formula gets a leading quote
    writer = CsvWriter(out, lineterminator="\r\n", variant=variant)
    writer.writerow(HEADER)
    for row in performance_rows(table):
        writer.writerow(["" if v is None else v for v in row])
    return variant.encode(out.getvalue())


def performance_xlsx(table, deal):
    wb = Workbook()
    ws = wb.active
    ws.title = "Prestatietabel"
    ws.append([f"Prestatietabel {deal.name}"])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append(["Lege cellen betekenen: geen gegevens (niet nul)."
               + (" Alleen metingen die het dealteam verifieerde, tellen mee." if table.verified_only else "")])
    ws.append([])
    ws.append(HEADER)
    for cell in ws[4]:
        cell.font = Font(bold=True)
    for row in performance_rows(table):
        ws.append(row)
    for i, _ in enumerate(HEADER, start=1):
        ws.column_dimensions[get_column_letter(i)].width = 18
    ws.freeze_panes = "A5"
    book = wb.create_sheet("Codeboek")
    book.append(["kolom", "betekenis"])
    for key, meaning in CODEBOOK.items():
        book.append([key, meaning])
    return workbook_bytes(wb)  # every text a text cell, never a formula
