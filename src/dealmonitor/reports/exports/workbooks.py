"""The deal workbook and the portfolio workbook (.xlsx).

Their data sheets (deal, partners, pathway, links, assumptions and their evidence,
indicators, measurements, bottlenecks and their status history, lessons) are the sheet kinds
of the import (imports/kinds/: each kind gives its own rows under its own columns), so an
exported workbook imports again as it is: the round trip is tested. The performance table, the
overview and the codebook are for reading. Every read goes through `access.readable_deals`,
and internal fields appear only for those who may see them (access.internal_deal_ids).

Two kinds of sheet, two rules of language (docs/data-exchange.md#workbooks):
- the sheets in the import format keep their Dutch names and column keys in every language
  (they are what the import reads back) and their codes (`op_koers`, `aanjagen`);
- the sheets for reading (overview, performance table, codebook) are named
  and headed in the reader's language, and the overview says a deal's kind, status and phase
  in words.
In both, a date is a date cell and a number a number cell, each with a number format: the
office program shows the decimal comma or point and the thousands separator of its own
settings, the month in the reader's language (`reader_formats`). A partial date (a year, or
a year and a month) stays a text such as 2021 or 2021-03, as the import reads it."""

import datetime as dt

from django.db.models import Count, Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dealmonitor.deals.internal import public_bottlenecks_q
from dealmonitor.ecosystem.selectors import visible_posts
from dealmonitor.impact import exports as impact_exports
from dealmonitor.impact import selectors as impact_selectors
from dealmonitor.impact.models import Measurement
from dealmonitor.imports import columns as C
from dealmonitor.imports.kinds import MODULES
from dealmonitor.imports.kinds.base import Scope
from dealmonitor.imports.long_texts import Continuations
from dealmonitor.imports.workbooks import write_header
from dealmonitor.learning.selectors import visible_bottlenecks, visible_lessons
from dealmonitor.utils.partial_dates import to_iso
from dealmonitor.utils.spreadsheets import workbook_bytes

from ..access import internal_deal_ids, readable_deals

BOLD = Font(bold=True)
# The month spelled in the reader's language whatever the office program's own language
# ([$-413] Dutch, [$-809] British English: "6 december 2026", "6 December 2026", the style
# of the pages); day-month-year either way.
DATE_FORMATS = {"nl": "[$-413]d mmmm yyyy", "en": "[$-809]d mmmm yyyy"}
WHOLE = "#,##0"  # 12.500 or 12,500, as the office program's settings separate thousands
FRACTION = "#,##0.0#########"  # 12,5 or 12.5; at most ten decimals, never a bare separator
PLAIN_INTEGER = "0"  # an order number, never grouped
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def date_format():
    """The number format of a date cell for the language of the request."""
    return DATE_FORMATS.get((get_language() or "nl")[:2], DATE_FORMATS["nl"])


def _number_format(value):
    return WHOLE if float(value).is_integer() else FRACTION


def _format(cell, numeric=True):
    value = cell.value
    if isinstance(value, (dt.date, dt.datetime)):
        cell.number_format = date_format()
    elif numeric and isinstance(value, (int, float)) and not isinstance(value, bool):
        cell.number_format = _number_format(value)


def reader_formats(ws, numeric_columns=None):
    """Give every date cell of `ws` the reader's date format and every number in
    `numeric_columns` (1-based column numbers; None: every column) a number format."""
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            _format(cell, numeric_columns is None or cell.column in numeric_columns)


def _columns(kind, internal):
    return [c for c in kind.columns if internal or not c.internal]


def _sheet(wb, kind, rows, internal=True, long=None):
    """A sheet in the import format; a text longer than a cell goes on in `long`
    (imports/long_texts.py)."""
    ws = wb.create_sheet(kind.sheet)
    columns = _columns(kind, internal)
    write_header(ws, kind, columns)
    for number, row in enumerate(rows, start=2):
        ws.append([long.cell(kind.sheet, number, c.key, row.get(c.key)) if row.get(c.key) != "" else None
                   for c in columns])
    numeric = {i for i, c in enumerate(columns, start=1) if c.type == C.DECIMAL}
    whole = {i for i, c in enumerate(columns, start=1) if c.type == C.INTEGER}
    dates = {i for i, c in enumerate(columns, start=1) if c.type == C.DATE}
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if cell.column in whole and isinstance(cell.value, int):
                cell.number_format = PLAIN_INTEGER
            else:
                _format(cell, cell.column in numeric)
    for i in dates:  # room for "15 september 2025"
        letter = ws.cell(row=1, column=i).column_letter
        ws.column_dimensions[letter].width = max(ws.column_dimensions[letter].width or 0, 18)
    return ws


def _table(wb, title, header, rows, widths=None, numeric=None):
    """A sheet for reading: `numeric` names the headers whose numbers get a number format
    (None: every number)."""
    ws = wb.create_sheet(title)
    ws.append([str(h) for h in header])
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    columns = None if numeric is None else {i for i, h in enumerate(header, start=1) if h in numeric}
    reader_formats(ws, columns)
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    return ws


def _codebook(wb, internal):
    ws = wb.create_sheet(_("Codebook"))
    ws.append([_("sheet"), _("column"), _("meaning"), _("expected")])
    for cell in ws[1]:
        cell.font = BOLD
    for kind in C.KINDS.values():
        for column in _columns(kind, internal):
            ws.append([kind.sheet, column.key, str(column.label), column.expected()])
    for key, meaning in impact_exports.CODEBOOK.items():
        ws.append(["Prestatietabel", key, meaning, ""])
    ws.append(["", "", _("Empty cells mean: no data (not zero)."), ""])
    ws.append(["", "", _("Dates are date cells and numbers number cells: your spreadsheet program "
                         "shows them in its own settings. A date known only to the year or the "
                         "month is a text: 2021 or 2021-03."), ""])
    for letter, width in zip("ABCD", (16, 22, 60, 60)):
        ws.column_dimensions[letter].width = width


# The columns of the performance table (impact/exports.py) that hold quantities; its period
# is a year or a label and stays as it is.
PERFORMANCE_NUMBERS = ("doel", "gerealiseerd", "procent_gehaald", "aantal_metingen",
                       "metingen_met_bewijs")


def _date_cell(value, precision):
    """A date known to the day as a date cell; a year or a month as its text (2021, 2021-03)."""
    if value is None:
        return None
    if precision in ("", None, "day"):
        return value
    return to_iso(value, precision)


def scope_of(user, deals, internal_ids, own_posts=False):
    """What an export of `deals` holds for `user` (imports.kinds.base.Scope). `own_posts`: with
    the needs and offers organisations posted for themselves, outside a deal (the portfolio)."""
    posts = visible_posts(user).filter(Q(deal__in=deals) | Q(deal__isnull=True) if own_posts else Q(deal__in=deals))
    return Scope(deals=deals, internal_ids=internal_ids,
                 bottlenecks=visible_bottlenecks(user).filter(deal__in=deals),
                 lessons=visible_lessons(user).filter(deal__in=deals), posts=posts)


# Sheets left out when they have no rows: most deals post no needs or offers, and two empty
# sheets more would only be in the way (the import passes over an empty sheet).
ONLY_WHEN_FILLED = {C.POSTS.key, C.MATCH_MARKS.key}


def import_sheets(wb, scope, reading=()):
    """The sheets in the import format, one per sheet kind, so that the workbook imports again
    as it is; the sheets in `reading` (write functions) go after the measurements. Texts longer
    than a cell go on in the sheet of long texts, after the data sheets."""
    long = Continuations()
    for kind, rows in (pair for module in MODULES for pair in module.EXPORTS):
        internal = bool(scope.internal_ids) or not any(c.internal for c in kind.columns)
        made = rows(scope)
        if kind.key in ONLY_WHEN_FILLED:
            made = list(made)
            if not made:
                continue
        _sheet(wb, kind, made, internal=internal, long=long)
        if kind is C.MEASUREMENTS:
            for write in reading:
                write(wb)
    long.write(wb)


def deal_workbook(user, deal):
    """Deal, partners, pathway (elements, links, assumptions and their evidence), indicators,
    measurements, performance table, bottlenecks with their status history, lessons and
    codebook of one deal, as .xlsx bytes. Every sheet but the performance table and the
    codebook is in the import format."""
    deals = readable_deals(user).filter(pk=deal.pk)
    internal = internal_deal_ids(user, deals)
    wb = Workbook()
    wb.remove(wb.active)

    def performance(wb):
        table = impact_selectors.performance_table(deal)
        _table(wb, _("Performance table"), impact_exports.HEADER,
               impact_exports.performance_rows(table), widths=[16] * len(impact_exports.HEADER),
               numeric=PERFORMANCE_NUMBERS)

    import_sheets(wb, scope_of(user, deals, internal), reading=(performance,))
    _codebook(wb, bool(internal))
    return workbook_bytes(wb)  # every text a text cell, never a formula


def portfolio_workbook(user):
    """An overview row per deal, then every deal's data in the import format."""
    deals = readable_deals(user).order_by("slug")
    internal = internal_deal_ids(user, deals)
    wb = Workbook()
    wb.remove(wb.active)
    overview = deals.annotate(
        n_partners=Count("participations", distinct=True),
        n_indicators=Count("indicators", distinct=True),
        n_open=Count("bottlenecks", filter=~public_bottlenecks_q("bottlenecks__"), distinct=True),
    )
    measurements = dict(  # those that count: a withdrawn one stays on the Metingen sheet
        Measurement.objects.filter(indicator__deal__in=deals, withdrawn=False).values_list("indicator__deal")
        .annotate(n=Count("pk")).order_by()
    )
    counts = (_("Partners"), _("Indicators"), _("Measurements"), _("Open bottlenecks"))
    _table(wb, _("Overview"), [_("Deal identifier"), _("Name"), _("Kind"), _("Status"), _("Phase"),
                               _("Signed"), _("Ends"), *counts], (
        [d.slug, d.name, d.get_kind_display(), d.get_status_display(), d.get_phase_display(),
         _date_cell(d.signing_date, d.signing_date_precision),
         _date_cell(d.end_date, d.end_date_precision), d.n_partners, d.n_indicators,
         measurements.get(d.pk, 0), d.n_open if d.pk in internal else None]
        for d in overview
    ), widths=(34, 50, 16, 14, 16, 18, 18, 10, 12, 12, 16), numeric=counts)
    import_sheets(wb, scope_of(user, deals, internal, own_posts=True))
    _codebook(wb, bool(internal))
    return workbook_bytes(wb)
