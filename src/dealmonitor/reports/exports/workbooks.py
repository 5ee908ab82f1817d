"""The deal workbook and the portfolio workbook (.xlsx).

Their data sheets (deal, partners, pathway, links, assumptions and their evidence,
indicators, measurements, bottlenecks and their status history, lessons) are the sheet kinds
of the import (imports/kinds/: each kind gives its own rows under its own columns), so an
exported workbook imports again as it is: the round trip is tested. The performance table, the
overview and the codebook are for reading. Every read goes through `access.readable_deals`,
and internal fields appear only for those who may see them (access.internal_deal_ids)."""

from django.db.models import Count, Q
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
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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
    return ws


def _table(wb, title, header, rows, widths=None):
    ws = wb.create_sheet(title)
    ws.append(header)
    for cell in ws[1]:
        cell.font = BOLD
    for row in rows:
        ws.append(row)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [], start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    return ws


def _codebook(wb, internal):
    ws = wb.create_sheet("Codeboek")
    ws.append(["tabblad", "kolom", "betekenis", "verwacht"])
    for cell in ws[1]:
        cell.font = BOLD
    for kind in C.KINDS.values():
        for column in _columns(kind, internal):
            ws.append([kind.sheet, column.key, str(column.label), column.expected()])
    for key, meaning in impact_exports.CODEBOOK.items():
        ws.append(["Prestatietabel", key, meaning, ""])
    ws.append(["", "", "Lege cellen betekenen: geen gegevens (niet nul).", ""])
    for letter, width in zip("ABCD", (16, 22, 60, 60)):
        ws.column_dimensions[letter].width = width


def scope_of(user, deals, internal_ids, own_posts=False):
    """What an export of `deals` holds for `user` (imports.kinds.base.Scope). `own_posts`: with
    the needs and offers organisations posted for themselves, outside a deal (the portfolio)."""
    posts = visible_posts(user).filter(Q(deal__in=deals) | Q(deal__isnull=True) if own_posts else Q(deal__in=deals))
    return Scope(deals=deals, internal_ids=internal_ids,
                 bottlenecks=visible_bottlenecks(user).filter(deal__in=deals),
                 lessons=visible_lessons(user).filter(deal__in=deals), posts=posts)


# Sheets left out when they have no rows: most deals post no needs or offers, and the import
# refuses a sheet without rows, so an empty one would stop the workbook from importing again.
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
        _table(wb, "Prestatietabel", impact_exports.HEADER, impact_exports.performance_rows(table),
               widths=[16] * len(impact_exports.HEADER))

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
    measurements = dict(
        Measurement.objects.filter(indicator__deal__in=deals).values_list("indicator__deal")
        .annotate(n=Count("pk")).order_by()
    )
    _table(wb, "Overzicht", ["deal_id", "naam", "soort", "status", "fase", "getekend", "einde",
                             "partners", "indicatoren", "metingen", "open_knelpunten"], (
        [d.slug, d.name, d.kind, d.status, d.phase, to_iso(d.signing_date, d.signing_date_precision),
         to_iso(d.end_date, d.end_date_precision), d.n_partners, d.n_indicators,
         measurements.get(d.pk, 0), d.n_open if d.pk in internal else None]
        for d in overview
    ), widths=(34, 50, 12, 10, 12, 10, 10, 10, 12, 10, 14))
    import_sheets(wb, scope_of(user, deals, internal, own_posts=True))
    _codebook(wb, bool(internal))
    return workbook_bytes(wb)
