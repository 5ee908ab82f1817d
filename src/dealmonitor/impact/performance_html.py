"""The performance table (impact `prestaties/`) as HTML, built in Python.

A 200-indicator deal with 12 quarters has 7,200 value cells; through the template engine they
took most of the page's time, and with a class list on every cell the page weighed 900 KB.
Here every cell is a bare `<td>` (the table's class styles them, ui/dealmonitor.css), the
status badge a short `<i class=…>`, numbers are formatted once per distinct value, and every
text is escaped. The periods are grouped by year; the last period of each year is always
shown and the year's other periods are folded behind the year's toggle in the caption (a
`<details>` element: it works without JavaScript; the CSS shows a year's periods while its
toggle is open). Without `:has()` support in the browser every period is shown.

With `contributions` (the page's "per partner en per categorie" choice, `?bijdragen=1`),
each indicator's row is followed by a row per reporting organisation (when several reported)
and their sum, and a row per category of each dimension of its breakdown: one cell per period
(the actual; a contribution has no target of its own), folded with the year's periods like
the indicator's cells. They are asked for, not always sent: a deal whose 200 indicators are
each reported by a dozen partners would otherwise send thousands of rows nobody opened, far
past the page's 250 KB.

What is computed is kept in the cache (utils/cache.py), and the page is put together from it
(`performance_page`):
- the layout (where each indicator's row stands, the target periods) until the deal's
  indicators, pathway elements or targets change (`layout_tables`);
- each indicator's rows (`_rows`, compressed) until that indicator, its targets,
  measurements or their parts change (`row_tables`; deals/registry.py gives an indicator a
  version of its own), or with the contributions an organisation's name, for the table's
  columns, filters and language.
Reading the page costs a query for the days of figures past every target (which may add a
column), two cache reads and unpacking the rows, not the computation of 7,200 cells. After a
new measurement only its indicator's rows are computed. A change of the columns or a write
that names no row (an import) has every row computed again. The table goes into the
rendered page as bytes (`with_table`). (A third level, the whole page's table kept until
any row of the deal changed, cost more to write and read after each change than it saved:
without it the page after a new measurement went from 22 to 17 ms at scale L, and read again
from 7 to 13 ms, both within their budget.)

To add something to a cell or a row (a marker for verified values, say), extend `Renderer`:
each row is one method returning escaped HTML, and so are a row's period cells (`cells`,
which writes `target`, `actual` and `met` out for speed: change them together).
"""

import datetime as dt
import hashlib
import zlib
from itertools import groupby

from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dealmonitor.deals.registry import ANY_DEAL, deal_scope, row_scope
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils import cache

from . import selectors
from .constants import Level, Status, milestone_status_label
from .templatetags.impact_tags import LABELS, Numbers

STAND_IN_ID = 987654321
MAX_FOLDED_YEARS = 12  # ui/dealmonitor.css has a rule per year up to this many
# One letter per status for the badge's class (ui/dealmonitor.css, `.dm-iptt td i.…`): the
# page has thousands of badges.
BADGE_CLASS = {
    Status.MET: "g", Status.ON_TRACK: "k", Status.AT_RISK: "r", Status.OFF_TRACK: "a",
    Status.NO_DATA: "n", Status.NO_TARGET: "d",
}


def _sum(values):
    """The sum of the figures that exist; None when none does (no data is not zero)."""
    present = [v for v in values if v is not None]
    return sum(present[1:], present[0]) if present else None


class Renderer:
    """The table's HTML for `periods` (its columns): `row` writes an indicator's rows, `pieces`
    the table around rows written before (by this Renderer or kept from an earlier one with
    the same columns)."""

    def __init__(self, periods, deal, *, today=None, contributions=False):
        self.periods = periods
        self.deal = deal
        self.contributions = contributions
        self.today = today or dt.date.today()
        self.numbers = Numbers()
        self.labels = {}  # milestone statuses as shown
        self.no_data = "<span class=m>%s</span>" % escape(_("no data"))
        self.badges = {s: "<i class=%s>%s</i>" % (BADGE_CLASS[s], escape(LABELS[s])) for s in Status.values}
        self.years = [(year, list(ps)) for year, ps in groupby(periods, key=lambda p: p.end.year)]
        if len(self.years) > MAX_FOLDED_YEARS:  # more years than the CSS knows: nothing folded
            self.years = [(None, list(periods))]
        # the class of each period's cells: '' shown always, ' class=qN' folded with year N
        self.fold = []
        for n, (year, in_year) in enumerate(self.years, start=1):
            for i, _p in enumerate(in_year):
                self.fold.append("" if year is None or i == len(in_year) - 1 else f" class=q{n}")
        self.open_year = self._open_year()
        # every indicator's address from one `reverse` (a row each would take a tenth of the
        # rendering): the address of a stand-in id, split where the id goes
        probe = reverse("impact:indicator", args=[deal.slug, STAND_IN_ID])
        self.url_head, _id, self.url_tail = probe.rpartition(str(STAND_IN_ID))

    def _open_year(self):
        """The year shown unfolded at first: the latest that has begun."""
        begun = [year for year, periods in self.years if year and periods[0].start <= self.today]
        return begun[-1] if begun else None

    # Numbers and cells ------------------------------------------------------------------

    def number(self, value):
        return self.numbers.num(value)

    def percent(self, value):
        return self.numbers.pct(value)

    def status(self, status):
        """A milestone status, as `milestone_status_label` shows it, escaped."""
        text = self.labels.get(status)
        if text is None:
            text = self.labels[status] = escape(milestone_status_label(status))
        return text

    def target(self, c):
        return self.status(c.target_status) if c.target_status else self.number(c.target)

    def actual(self, c):
        if c.actual_status:
            return self.status(c.actual_status)
        return self.number(c.actual) if c.actual is not None else self.no_data

    def met(self, c):
        return "%s %s" % (self.percent(c.percent), self.badges.get(c.status, ""))

    def cells(self, row):
        """Per period its target, actual and share met (`target`, `actual` and `met` written
        out: a 200-indicator deal has 2,400 of them, and three calls per cell were a fifth of
        the rendering), then the total's."""
        num, pct, status = self.numbers.num, self.numbers.pct, self.status
        badges, no_data = self.badges, self.no_data
        parts = []
        append = parts.append
        for c, fold in zip(row.cells, self.fold):
            if c.actual_status:
                actual = status(c.actual_status)
            elif c.actual is None:
                actual = no_data
            else:
                actual = num(c.actual)
            append("<td%s>%s<td%s>%s<td%s>%s %s" % (
                fold, status(c.target_status) if c.target_status else num(c.target), fold, actual,
                fold, pct(c.percent), badges.get(c.status, "")))
        total = row.total
        parts.append("<td>%s<td>%s<td>%s" % (self.target(total), self.actual(total), self.met(total)))
        return "".join(parts)

    def heading(self, row):
        ind = row.indicator
        url = "%s%d%s" % (self.url_head, ind["id"], self.url_tail)
        unit = ' <span class="dm-muted">(%s)</span>' % escape(ind["unit"]) if ind["unit"] else ""
        example = (' <span class="utrecht-status-badge utrecht-status-badge--warning dm-example" '
                   'title="%s">%s</span>' % (escape(_("Invented for the demo, not a fact of the deal.")),
                                             escape(_("example")))) if ind["is_example"] else ""
        return '<th scope=row><a href="%s">%s</a>%s%s' % (url, escape(ind["name"]), unit, example)

    def row(self, row):
        html = "<tr>%s%s\n" % (self.heading(row), self.cells(row))
        if self.contributions:
            html += self.contribution_rows(row)
        return html

    # Contributions per partner and per category ------------------------------------------

    def part_row(self, group, label, actuals, total):
        """One contribution: its group (per partner, a dimension) and label, then its actual
        per period and in total, under the actual of the row above (its cell spans the target's
        column too), and an empty cell under the share met."""
        cells = "".join("<td colspan=2%s>%s<td%s>" % (fold, self.number(v) if v is not None else "–", fold)
                        for v, fold in zip(actuals, self.fold))
        return '<tr class=dm-iptt__part><th scope=row><span class=dm-muted>%s:</span> %s%s<td colspan=2>%s<td>\n' % (
            escape(group), escape(label), cells, self.number(total) if total is not None else "–")

    def contribution_rows(self, row):
        out = []
        partners = row.partners
        if partners:
            group = _("per partner") if row.adds_up else _("per partner (they do not add up)")
            for p in partners:
                out.append(self.part_row(group, p.label, [c.actual for c in p.cells], p.total.actual))
            if row.adds_up:  # their sum: the indicator's figure, shown beside it to check
                out.append(self.part_row(
                    group, _("together"),
                    [_sum(p.cells[i].actual for p in partners) for i in range(len(self.fold))],
                    _sum(p.total.actual for p in partners)))
        for code, label, parts in row.categories:
            for p in parts:
                out.append(self.part_row(label, p.label, [c.actual for c in p.cells], p.total.actual))
        return "".join(out)

    # The table --------------------------------------------------------------------------

    def caption(self):
        text = escape(_("Indicators of %(name)s against their targets") % {"name": self.deal.name})
        folded = [(n, y, ps) for n, (y, ps) in enumerate(self.years, start=1) if y and len(ps) > 1]
        if not folded:
            return '<caption class="utrecht-table__caption" id="iptt-caption">%s</caption>' % text
        toggles = "".join(
            '<details class="dm-fold y%d"%s><summary>%s</summary></details>' % (
                n, " open" if year == self.open_year else "",
                escape(_("%(year)s: every period") % {"year": year}))
            for n, year, _ps in folded)
        return ('<caption class="utrecht-table__caption" id="iptt-caption">%s'
                '<span class="dm-folds">%s %s</span></caption>'
                % (text, escape(_("Show the periods within a year:")), toggles))

    def head(self):
        periods = "".join('<th scope=colgroup colspan=3%s>%s' % (fold, escape(p.label))
                          for p, fold in zip(self.periods, self.fold))
        kinds = "<th%s>{t}<th%s>{a}<th%s>{m}"
        t, a = escape(_("Target")), escape(_("Actual"))
        m = escape(_("%% met") % {})  # the template's msgid ("%" doubled: a format string)
        labels = "".join((kinds % (f, f, f)).format(t=t, a=a, m=m) for f in self.fold)
        return ('<thead><tr><th scope=col rowspan=2>%s%s<th scope=colgroup colspan=3>%s'
                '<tr>%s%s</thead>\n' % (escape(_("Indicator")), periods,
                                       escape(_("Total (end target)")), labels,
                                       (kinds % ("", "", "")).format(t=t, a=a, m=m)))

    def pieces(self, groups):
        """The table as a list of pieces, in order: its own markup as text, and the rows of
        `groups` ((pathway level, [row, …]), each row as the caller names it) between."""
        colspan = 3 * len(self.periods) + 4
        levels = dict(Level.choices)
        out = ['<table class="utrecht-table dm-iptt" id="performance-table">%s%s' % (self.caption(), self.head())]
        for level, rows in groups:
            name = capfirst(str(levels.get(level, level))) if level else _("Not linked to the pathway")
            out.append('<tbody><tr class=dm-iptt__level><th scope=rowgroup colspan=%d>%s\n'
                       % (colspan, escape(name)))
            out.extend(rows)
            out.append("</tbody>")
        out.append("</table>")
        return out


# A row is compressed on its own (a tenth to a fifth of its size) as raw deflate with a small
# window: zlib's defaults set up 256 KB of state for each of 200 rows of 1 KB, eight times the
# time of the compression itself.
WBITS = -12


def pack(text):
    """`text` (str) compressed, as a row is kept."""
    packer = zlib.compressobj(1, zlib.DEFLATED, WBITS, 4)
    return packer.compress(text.encode()) + packer.flush()


def unpack(data):
    """The UTF-8 bytes of what `pack` compressed."""
    return zlib.decompress(data, WBITS)


# The place of the table in the page's template: the table (up to 1.7 MB with the
# contributions) is put in the rendered page as bytes, not through the template, which joined
# it into the page at each level of its blocks and encoded it once more.
TABLE_PLACE = mark_safe("<!-- dm:performance-table -->")


def with_table(response, table):
    """`response` with `table` (the table's HTML as bytes, every text in it escaped by
    Renderer) in the place of TABLE_PLACE."""
    if table:
        response.content = response.content.replace(TABLE_PLACE.encode(), table, 1)
    return response


PAGE_FORMAT = 2  # part of the keys: raise it when what is kept changes shape (or the Renderer)
INDICATOR, ELEMENT, TARGET = "impact.indicator", "impact.element", "impact.target"


def layout_tables(deal):
    """What the table's layout is computed from (`selectors.performance_structure`: where each
    indicator's row stands and the target periods), as the cache's versions: the deal's
    indicators, pathway elements and targets, and writes that name no row. A new measurement
    leaves it kept."""
    return (deal_scope(deal.pk, INDICATOR), deal_scope(deal.pk, ELEMENT), deal_scope(deal.pk, TARGET),
            ANY_DEAL)


def row_tables(indicator_id, contributions=False):
    """What one indicator's row is computed from, as the cache's versions: the indicator and
    the rows under it (its own version, marked by every write of them: deals/registry.py
    `row_scope`), writes that name no row, and with the `contributions` the organisations'
    names they show. (Which organisation reported a figure counts in the plain row too, a
    level being the sum of each partner's latest: a merge names the measurements it moves,
    and deleting an organisation the measurements it leaves without one, utils/cache.py
    `nulled_on_delete`, so their indicators' versions are marked. Renaming an organisation
    leaves the plain rows kept.)"""
    if contributions:
        return (row_scope(INDICATOR, indicator_id), ANY_DEAL, Organisation)
    return (row_scope(INDICATOR, indicator_id), ANY_DEAL)


def _digest(*parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:32]


def _rows(deal, indicators, renderer, columns, *, period, verified_only, contributions):
    """({indicator id: its rows' HTML, compressed}, {indicator id: its rows' HTML} of those
    computed here) of `indicators` (ids): each kept until it changes (`row_tables`), for these
    columns, filters and language; those not kept are computed together, by one computation
    of the table for them alone."""
    shape = _digest(deal.slug, [(p.start, p.end, p.label) for p in renderer.periods],
                    bool(verified_only), bool(contributions), get_language())
    names = {f"performance-row:{PAGE_FORMAT}:{pk}:{shape}": pk for pk in indicators}
    computed = {}

    def compute(missing):
        # the indicators read again here, after their versions: a row is never kept under a
        # version newer than what it shows
        table = selectors.performance_table(deal, period=period, verified_only=verified_only,
                                            indicators=[names[n] for n in missing], columns=columns)
        for row in table.rows:
            computed[row.indicator["id"]] = renderer.row(row)
        # an indicator deleted since: no row (the page's next computation leaves it out)
        return {n: pack(computed.get(names[n], "")) for n in missing}

    kept = cache.cached_many({n: row_tables(pk, contributions) for n, pk in names.items()}, compute,
                             together=True)
    return {pk: kept[n] for n, pk in names.items()}, computed


def performance_page(deal, *, level=None, period=None, verified_only=False, contributions=False):
    """(the labels of all the deal's periods, the table's HTML as UTF-8 bytes, b"" without
    rows) for the page (`with_table` puts it in), put together from what is kept: the layout
    (`layout_tables`) and each indicator's rows (`_rows`). After a new measurement only its
    indicator's rows are computed again, unless it changed the columns (a figure past every
    target; a new target period changes the layout too), which every row has."""
    name = f"performance-layout:{PAGE_FORMAT}:{deal.pk}"  # read with its versions: mostly kept
    structure = cache.cached_many({name: layout_tables(deal)},
                                  lambda _names: {name: selectors.performance_structure(deal)},
                                  together=True)[name]
    places, columns = selectors.performance_layout(deal, verified_only=verified_only, structure=structure)
    labels = [p.label for p in columns.all_periods]
    shown = [place for place in places if not level or place.level == level]
    if not shown:
        return labels, b""
    renderer = Renderer([p for p in columns.all_periods if not period or p.label == period], deal,
                        contributions=contributions, today=timezone.localdate())
    rows, computed = _rows(deal, [place.id for place in shown], renderer, columns, period=period,
                           verified_only=verified_only, contributions=contributions)
    pieces = renderer.pieces((group, [place.id for place in members])
                             for group, members in groupby(shown, key=lambda place: place.level))

    def text(piece):  # the table's own markup, or a row: as computed here, or kept (unpacked)
        if type(piece) is str:
            return piece.encode()
        return computed[piece].encode() if piece in computed else unpack(rows[piece])

    return labels, b"".join(map(text, pieces))
