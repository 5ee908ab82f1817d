"""Spreadsheet templates to fill in: one sheet with the columns of a sheet kind (choices as
drop-down lists), and a sheet that explains every column."""

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation

from dealmonitor.utils.spreadsheets import workbook_bytes

from . import columns as C

BOLD = Font(bold=True)


def _choices(column):
    return [v for v in column.choices.values if v]


def write_header(ws, kind, columns=None):
    columns = columns or kind.columns
    ws.append([c.key for c in columns])
    for cell in ws[1]:
        cell.font = BOLD
    for i, column in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(i)].width = max(14, len(column.key) + 4)
    ws.freeze_panes = "A2"


def explain(wb, kinds):
    """A sheet 'Uitleg' with every column of `kinds`: meaning, required, expected."""
    ws = wb.create_sheet("Uitleg")
    ws.append([_("sheet"), _("column"), _("meaning"), _("required"), _("expected")])
    for cell in ws[1]:
        cell.font = BOLD
    for kind in kinds:
        for column in kind.columns:
            ws.append([kind.sheet, column.key, str(column.label),
                       _("yes") if column.required else _("no"), column.expected()])
    for letter, width in zip("ABCDE", (14, 22, 50, 10, 60)):
        ws.column_dimensions[letter].width = width
    return ws


def template_workbook(kind):
    """An empty workbook for `kind` with drop-down lists for the choices, as bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = kind.sheet
    write_header(ws, kind)
    lists = wb.create_sheet("Keuzelijsten")
    n = 0
    for i, column in enumerate(kind.columns, start=1):
        if column.type == C.CHOICE:
            n += 1
            values = _choices(column)
            lists.cell(row=1, column=n, value=column.key).font = BOLD
            for r, value in enumerate(values, start=2):
                lists.cell(row=r, column=n, value=value)
            letter = get_column_letter(n)
            ref = f"{quote_sheetname(lists.title)}!${letter}$2:${letter}${len(values) + 1}"
            validation = DataValidation(type="list", formula1=ref, allow_blank=True)
            validation.error = _("Choose a value from the list.")
            validation.showErrorMessage = True
            ws.add_data_validation(validation)
            col = get_column_letter(i)
            validation.add(f"{col}2:{col}10000")
    explain(wb, [kind])
    return workbook_bytes(wb)  # every text a text cell, never a formula
