"""Checking a spreadsheet before anything is written: every cell is parsed, every row is
checked against the rules of the services that will write it (and the user's permissions),
and every problem is reported with its sheet, row and column, what is wrong and what is
expected, in plain language. The result is a plan that `services.import_checked` writes.

One module per sheet kind holds that kind's checks (deal, partner, indicator, measurement,
pathway, bottleneck, lesson); base.py what they share; `Checker` puts them together."""

from collections import defaultdict

from django.utils import timezone
from django.utils.translation import gettext as _

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.models import Deal
from dealmonitor.deals.references import ReferenceCheck
from dealmonitor.impact import rules as impact_rules
from dealmonitor.impact.models import Element, Indicator
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.bulk import collector_paused

from .. import columns as C
from .base import (  # noqa: F401
    FALSE,
    INDICATOR_KEYS,
    PROGRESS_EVERY,
    Part,
    Plan,
    Problem,
    Result,
    TARGET_KEYS,
    TRUE,
    _DMY,
    _LOADERS,
    _LOOKUPS,
    _choice_lookup,
    _element_key,
    _group,
    _norm,
    _text,
    cell_parser,
    choice_values,
    expected_text,
    guess_kind,
    guess_mapping,
    parse_cell,
    parse_date,
    parse_decimal,
    parse_partial,
)
from .deal import DealSheet
from .partner import PartnerSheet
from .indicator import IndicatorSheet
from .measurement import MeasurementSheet
from .pathway import PathwaySheets
from .bottleneck import BottleneckSheets
from .lesson import LessonSheet
from .post import PostSheet
from .match_mark import MatchMarkSheet


class Checker(DealSheet, PartnerSheet, IndicatorSheet, MeasurementSheet, PathwaySheets,
              BottleneckSheets, LessonSheet, PostSheet, MatchMarkSheet):
    def __init__(self, actor, progress=None, previews=True):
        self.actor = actor
        self.with_previews = previews
        self.progress = progress
        self.problems = []
        self.plan = Plan()
        self.done = 0
        self.total = 0
        self._deal_cache = {}
        self._permission = {}
        self._db_cache = {}
        self._org_cache = {}
        self.references = ReferenceCheck(actor)  # the services' reference rules

    def problem(self, part, row, key, message, expected=""):
        p = Problem(part.sheet.name, row, part.header(key) if key else "", str(message), str(expected))
        self.problems.append(p)
        return p

    def tick(self):
        self.done += 1
        if self.progress and self.done % PROGRESS_EVERY == 0:
            self.progress(self.done, self.total)

    def deal(self, slug):
        """The deal with this identifier: in the database, or planned in this file."""
        if slug not in self._deal_cache:
            self._deal_cache[slug] = Deal.objects.filter(slug=slug).first()
        found = self._deal_cache[slug]
        if found is None and slug in self.plan.deals:
            fields = self.plan.deals[slug][0]
            found = Deal(slug=slug, **{k: v for k, v in fields.items()})
            self._deal_cache[slug] = found
        return found

    def may(self, predicate, deal):
        if deal.pk is None:  # a deal this file creates: only who may create deals
            return deal_rules.can_import_deals(self.actor)
        key = (predicate, deal.pk)
        if key not in self._permission:
            self._permission[key] = bool(predicate(self.actor, deal))
        return self._permission[key]

    def rows(self, part):
        """(row number, {key: parsed value}, problems of the row) for every row of the part."""
        specs = []  # per column: key, index of its cell (or None), a value for every row, parser
        blank = {}  # the columns the file does not have (nor a value for every row): None
        for column in part.kind.columns:
            index = part.mapping.get(column.key)
            fixed = part.defaults.get(column.key) if index is None else None
            if index is None and fixed is None and not column.required:
                blank[column.key] = None
            else:
                specs.append((column.key, index, fixed, cell_parser(column), column))
        problems = self.problems
        for number, cells in part.sheet.rows:
            before = len(problems)
            width = len(cells)
            values = blank.copy()
            for key, index, fixed, parse, column in specs:
                raw = fixed if index is None else cells[index] if index < width else None
                if raw is None and not column.required:
                    values[key] = None
                    continue
                try:
                    values[key] = parse(raw)
                except ValueError as exc:
                    self.problem(part, number, key, exc, column.expected())
                    values[key] = None
            yield number, values, before
            self.tick()

    def preview(self, part):
        keys = [c.key for c in part.kind.columns
                if part.mapping.get(c.key) is not None or c.key in part.defaults]
        return {"sheet": part.sheet.name, "kind": part.kind.key,
                "columns": [part.header(k) for k in keys], "keys": keys, "rows": []}

    @staticmethod
    def _shown(part, cells, key):
        index = part.mapping.get(key)
        raw = cells[index] if index is not None and index < len(cells) else part.defaults.get(key)
        if raw is None:
            return ""
        return _text(raw)

    def check(self, parts):
        order = list(C.KINDS)
        parts = sorted(parts, key=lambda p: order.index(p.kind.key))
        self.total = sum(p.sheet.row_count for p in parts)
        previews = []
        # An empty sheet in a workbook with rows elsewhere is nothing to import (a deal's
        # export has a sheet for every kind, also those the deal has no rows of); a file with
        # no rows at all is refused, so that nobody thinks an empty file imported something.
        anything = any(p.sheet.rows for p in parts)
        for part in parts:
            missing = [c for c in part.kind.required
                       if part.mapping.get(c.key) is None and c.key not in part.defaults]
            preview = self.preview(part)
            previews.append(preview)
            if not part.sheet.rows and anything:
                continue
            if missing:
                for column in missing:
                    self.problem(part, None, column.key,
                                 _("No column of the file is mapped to this required column."),
                                 column.label)
                continue
            if not part.sheet.rows:
                self.problem(part, None, "", _("This sheet has no rows."))
                continue
            self._prefetch(part)
            getattr(self, f"_check_{part.kind.key}")(part)
        by_row = defaultdict(list)
        for p in self.problems:
            by_row[(p.sheet, p.row)].append(f"{p.column}: {p.message}" if p.column else p.message)
        for part, preview in zip(parts, previews if self.with_previews else []):
            preview["rows"] = [
                [number, [self._shown(part, cells, k) for k in preview["keys"]],
                 by_row.get((part.sheet.name, number), [])]
                for number, cells in part.sheet.rows
            ]
        self._finish()
        if self.progress:
            self.progress(self.total, self.total)
        return Result(self.problems, self.plan, previews, self.total)

    def _prefetch(self, part):
        index = part.mapping.get("deal_id")
        slugs = {str(cells[index]).strip().lower() for _n, cells in part.sheet.rows
                 if index is not None and index < len(cells) and cells[index] is not None}
        if "deal_id" in part.defaults:
            slugs.add(part.defaults["deal_id"])
        for deal in Deal.objects.filter(slug__in=slugs - set(self._deal_cache)):
            self._deal_cache[deal.slug] = deal
        if part.kind.key in ("indicators", "measurements"):
            self._indicators = defaultdict(list)
            for ind in Indicator.objects.filter(deal__slug__in=slugs).select_related("deal"):
                self._indicators[(ind.deal.slug, ind.name)].append(ind)
        if part.kind.key == "indicators":
            self._elements = {
                (e.pathway.deal.slug, e.level, e.title): e
                for e in Element.objects.filter(pathway__deal__slug__in=slugs)
                .select_related("pathway__deal")
            }
        if part.kind.key in ("partners", "measurements"):
            index = part.mapping.get("organisatie_id")
            orgs = {str(cells[index]).strip().lower() for _n, cells in part.sheet.rows
                    if index is not None and index < len(cells) and cells[index] is not None}
            self._organisations = {o.slug: o for o in Organisation.objects.filter(slug__in=orgs)}

    def _pathway_deal(self, part, number, values):
        """The row's deal, if the user may change its pathway (elements, links, assumptions,
        evidence)."""
        return self._deal_for(part, number, values, impact_rules.can_edit_pathway,
                              _("There is no deal '%(slug)s', or you may not change its pathway."))

    def _deal_for(self, part, number, values, predicate, message):
        """The row's deal if the user may do this to it. A deal that does not exist and one the
        user may not change (perhaps not even see) get the same message, naming only the
        identifier the user wrote: the check never confirms that a hidden deal exists."""
        slug = values.get("deal_id")
        if not slug:
            return None
        deal = self.deal(slug)
        if deal is None or not self.may(predicate, deal):
            self.problem(part, number, "deal_id", message % {"slug": slug},
                         _("the identifier of a deal you may change, as in its address"))
            return None
        return deal

    def _given(self, part, key):
        """Whether the file has this column (a column left out changes nothing)."""
        return part.mapping.get(key) is not None or key in part.defaults

    def _existing(self, what, deal):
        """What `deal` already holds in the database, read once per deal and kind."""
        key = (what, deal.slug)
        if key not in self._db_cache:
            self._db_cache[key] = _LOADERS[what](deal) if deal.pk is not None else {}
        return self._db_cache[key]

    def _one(self, part, number, column, found, message, expected):
        """The single existing row in `found`, or a problem when the key names more than one."""
        if len(found) > 1:
            self.problem(part, number, column, message, expected)
            return False
        return True

    def _duplicate(self, part, number, seen, key, column, expected):
        if key in seen:
            self.problem(part, number, column,
                         _("This is the same as row %(row)s.") % {"row": seen[key]}, expected)
            return True
        seen[key] = number
        return False

    def _finish(self):
        """Checks across sheets, once every row is read: the status history of bottlenecks."""
        today = timezone.localdate()
        for key, bottleneck in self.plan.bottlenecks.items():
            self._plan_history(key, bottleneck, today)


def check_parts(actor, parts, progress=None, previews=True):
    with collector_paused():  # see utils/bulk.py: a third of the time of a large check
        return Checker(actor, progress, previews).check(parts)
