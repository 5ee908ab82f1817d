"""Checking a spreadsheet before anything is written: every cell is parsed, every row is
checked against the rules of the services that will write it (and the user's permissions),
and every problem is reported with its sheet, row and column, what is wrong and what is
expected, in plain language. The result is a plan that `services.import_checked` writes.
"""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.importer import UNICODE_SLUG
from dealmonitor.deals.models import Deal, Participation
from dealmonitor.deals.references import ReferenceCheck
from dealmonitor.impact import rules as impact_rules
from dealmonitor.impact.constants import DEFAULT_MILESTONE_STATUSES, IndicatorKind, Level, Verification
from dealmonitor.impact.models import (
    Assumption,
    AssumptionEvidence,
    Element,
    Indicator,
    Link,
    Measurement,
)
from dealmonitor.impact.services import (
    measurement_permission_error,
    validate_measurement,
    verification_error,
)
from dealmonitor.learning import rules as learning_rules
from dealmonitor.learning.constants import CLOSED_STATUSES, BottleneckStatus, Visibility
from dealmonitor.learning.models import Bottleneck, Lesson
from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.organisations.models import Organisation
from dealmonitor.organisations.services import may_change_organisation
from dealmonitor.utils.partial_dates import Precision, parse_partial_date
from dealmonitor.utils.web_addresses import validate_web_address

from . import columns as C

PROGRESS_EVERY = 2000


# Cells --------------------------------------------------------------------------------------


def _choice_lookup(choices):
    lookup = {}
    for value, label in choices.choices:
        for language in ("nl", "en"):
            with translation.override(language):
                lookup[str(label).lower()] = value
        lookup[str(value).lower()] = value
        lookup[str(value).replace("_", " ").lower()] = value
    return lookup


_LOOKUPS = {}


def choice_values(choices):
    if choices not in _LOOKUPS:
        _LOOKUPS[choices] = _choice_lookup(choices)
    return _LOOKUPS[choices]


def expected_text(column):
    """What a cell of `column` must hold, in the user's language."""
    t = column.type
    if t == C.CHOICE:
        return _("one of: %(list)s") % {"list": ", ".join(str(v) for v in column.choices.values if v)}
    if t == C.DECIMAL:
        return _("a number, e.g. 1250 or 12,5")
    if t == C.INTEGER:
        return _("a whole number, e.g. 3")
    if t == C.DATE:
        return _("a date, e.g. 2024-03-31 or 31-03-2024")
    if t == C.PARTIAL_DATE:
        return _("a year (2016), a month (2016-03) or a date (2016-03-09)")
    if t == C.SLUG:
        return _("small letters, digits and hyphens, e.g. cd-health-hub")
    if t == C.BOOLEAN:
        return _("ja or nee")
    if t == C.LIST:
        return _("texts separated by semicolons")
    if t == C.URL:
        return _("a web address, e.g. https://example.org/report")
    if column.max_length:
        return _("text of at most %(n)s characters") % {"n": column.max_length}
    return _("text")


_DMY = re.compile(r"^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$")
TRUE = {"ja", "j", "yes", "y", "true", "waar", "1", "x"}
FALSE = {"nee", "n", "no", "false", "onwaar", "0"}


def _text(value):
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.date().isoformat() if isinstance(value, dt.datetime) else value.isoformat()
    return str(value).strip()


def parse_decimal(value):
    if isinstance(value, bool):
        raise ValueError(_("'%(value)s' is not a number.") % {"value": value})
    if isinstance(value, (int, float, Decimal)):
        return Decimal(str(value))
    text = _text(value).replace(" ", "").replace("\u00a0", "").replace("€", "")
    if "," in text and "." in text:
        text = text.replace(".", "").replace(",", ".")
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(_("'%(value)s' is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise ValueError(_("'%(value)s' is not a number.") % {"value": value})
    return number


def parse_date(value):
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value)
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        pass
    match = _DMY.match(text)
    if match:
        try:
            return dt.date(int(match[3]), int(match[2]), int(match[1]))
        except ValueError:
            pass
    raise ValueError(_("'%(value)s' is not a date.") % {"value": text})


def parse_partial(value):
    if isinstance(value, (dt.datetime, dt.date)):
        return parse_date(value), Precision.DAY
    text = _text(value)
    if _DMY.match(text):
        return parse_date(text), Precision.DAY
    try:
        return parse_partial_date(text)
    except ValueError:
        raise ValueError(_("'%(value)s' is not a date.") % {"value": text}) from None


def parse_cell(column, value):
    """The value of one cell, or None when it is empty; ValueError with a message for people."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if column.required:
            raise ValueError(_("This cell is empty, but it is required."))
        return None
    t = column.type
    if t == C.DECIMAL:
        return parse_decimal(value)
    if t == C.INTEGER:
        number = parse_decimal(value)
        if number != number.to_integral_value() or number < 0:
            raise ValueError(_("'%(value)s' is not a whole number.") % {"value": _text(value)})
        return int(number)
    if t == C.DATE:
        return parse_date(value)
    if t == C.PARTIAL_DATE:
        return parse_partial(value)
    text = _text(value)
    if t == C.CHOICE:
        found = choice_values(column.choices).get(text.lower())
        if found is None:
            raise ValueError(_("'%(value)s' is not a known value.") % {"value": text})
        return found
    if t == C.BOOLEAN:
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError(_("'%(value)s' is neither yes nor no.") % {"value": text})
    if t == C.LIST:
        return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]
    if t == C.SLUG:
        text = text.lower()
        if not UNICODE_SLUG.match(text):
            raise ValueError(_("'%(value)s' is not an identifier.") % {"value": text})
    if column.max_length and len(text) > column.max_length:
        raise ValueError(_("This text has %(n)s characters, more than the %(max)s allowed.")
                         % {"n": len(text), "max": column.max_length})
    if t == C.URL:  # the same check as the forms and the API
        try:
            validate_web_address(text)
        except ValidationError:
            raise ValueError(_("'%(value)s' is not a web address.") % {"value": text}) from None
    return text


# Mapping ------------------------------------------------------------------------------------


def _norm(header):
    return re.sub(r"[\s_\-]+", " ", (header or "").strip().lower())


def guess_mapping(kind, headers):
    """For each column of `kind`, the index of the file's header that means it (or None)."""
    normalised = [_norm(h) for h in headers]
    mapping = {}
    for column in kind.columns:
        names = [_norm(column.key), *(_norm(a) for a in column.aliases)]
        mapping[column.key] = next(
            (normalised.index(n) for n in names if n in normalised), None
        )
    # A header matched by two columns (e.g. 'begin') stays with the first one only.
    seen = set()
    for key in list(mapping):
        if mapping[key] in seen:
            mapping[key] = None
        elif mapping[key] is not None:
            seen.add(mapping[key])
    return mapping


def guess_kind(headers):
    """The sheet kind whose required columns the headers cover best."""
    best, best_score = None, 0
    for kind in C.KINDS.values():
        mapping = guess_mapping(kind, headers)
        if all(mapping[c.key] is not None for c in kind.required):
            score = sum(1 for v in mapping.values() if v is not None)
            if score > best_score:
                best, best_score = kind, score
    return best


# The check ----------------------------------------------------------------------------------


@dataclass
class Problem:
    sheet: str
    row: int | None
    column: str
    message: str
    expected: str = ""

    def as_dict(self):
        return {"sheet": self.sheet, "row": self.row, "column": self.column,
                "message": self.message, "expected": self.expected}

    def __str__(self):
        where = _("%(sheet)s, row %(row)s") % {"sheet": self.sheet, "row": self.row} if self.row else self.sheet
        text = f"{where}, {self.column}: {self.message}"
        if self.expected:
            text += " " + _("(expected: %(expected)s)") % {"expected": self.expected}
        return text


@dataclass
class Part:
    kind: object  # columns.SheetKind
    sheet: object  # reading.Sheet
    mapping: dict  # column key -> index of the file's header, or None
    defaults: dict = field(default_factory=dict)  # column key -> value for every row

    def header(self, key):
        index = self.mapping.get(key)
        if index is not None and index < len(self.sheet.headers) and self.sheet.headers[index]:
            return self.sheet.headers[index]
        return key


@dataclass
class Plan:
    deals: dict = field(default_factory=dict)  # slug -> (fields, themes, phase)
    organisations: dict = field(default_factory=dict)  # slug -> fields
    participations: dict = field(default_factory=dict)  # (deal, org) -> fields
    # (deal, level, title) -> the element's fields from the sheet Veranderpad, or None for an
    # element only named by an indicator (created with its level and title)
    elements: dict = field(default_factory=dict)
    links: dict = field(default_factory=dict)  # (deal, (level, title), (level, title)) -> True
    assumptions: dict = field(default_factory=dict)  # link key + (text,) -> fields
    evidence: list = field(default_factory=list)  # {"assumption": key, "fields": {...}}
    indicators: dict = field(default_factory=dict)  # (deal, name) -> {fields, element, targets}
    measurements: list = field(default_factory=list)  # dicts with deal, indicator, org, fields
    # (deal, title, signalled on) -> {"fields", "ministry", "history": [(status, date, note)],
    # "status", "closed", "rows"}; fields None for a bottleneck only in the database
    bottlenecks: dict = field(default_factory=dict)
    lessons: dict = field(default_factory=dict)  # (deal, title, date) -> {fields, themes, ...}
    skipped: int = 0  # measurements and evidence already present

    @property
    def counts(self):
        return {
            "deals": len(self.deals), "organisations": len(self.organisations),
            "participations": len(self.participations),
            "pathway elements": len(self.elements), "links": len(self.links),
            "assumptions": len(self.assumptions), "evidence": len(self.evidence),
            "indicators": len(self.indicators),
            "targets": sum(len(i["targets"] or []) for i in self.indicators.values()),
            "measurements": len(self.measurements),
            "bottlenecks": sum(1 for b in self.bottlenecks.values() if b["fields"] is not None),
            "lessons": len(self.lessons),
        }


@dataclass
class Result:
    problems: list
    plan: Plan
    previews: list  # per part: {"sheet", "kind", "columns", "rows": [[row, cells, messages]]}
    rows: int

    @property
    def ok(self):
        return not self.problems


INDICATOR_KEYS = (
    "niveau", "element", "soort", "eenheid", "richting", "aggregatie", "basiswaarde",
    "basisdatum", "einddoel", "einddoel_status", "einddoel_datum", "mijlpaalstatussen",
    "gegevensbron", "frequentie", "bereik", "omschrijving", "voorbeeld",
)
TARGET_KEYS = ("doel_periode", "doel_begin", "doel_einde", "doel_waarde", "doel_status")


class Checker:
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

    # helpers ---------------------------------------------------------------------------

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
        columns = part.kind.columns
        for number, cells in part.sheet.rows:
            before = len(self.problems)
            values = {}
            for column in columns:
                if column.key in part.defaults and part.mapping.get(column.key) is None:
                    raw = part.defaults[column.key]
                else:
                    index = part.mapping.get(column.key)
                    raw = cells[index] if index is not None and index < len(cells) else None
                try:
                    values[column.key] = parse_cell(column, raw)
                except ValueError as exc:
                    self.problem(part, number, column.key, exc, column.expected())
                    values[column.key] = None
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

    # the check ---------------------------------------------------------------------------

    def check(self, parts):
        order = list(C.KINDS)
        parts = sorted(parts, key=lambda p: order.index(p.kind.key))
        self.total = sum(p.sheet.row_count for p in parts)
        previews = []
        for part in parts:
            missing = [c for c in part.kind.required
                       if part.mapping.get(c.key) is None and c.key not in part.defaults]
            preview = self.preview(part)
            previews.append(preview)
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

    # per kind ----------------------------------------------------------------------------

    def _check_deals(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            slug = values["deal_id"]
            if not slug:
                continue
            if slug in seen:
                self.problem(part, number, "deal_id",
                             _("This deal is already in row %(row)s.") % {"row": seen[slug]},
                             _("each deal once"))
                continue
            seen[slug] = number
            existing = self.deal(slug)
            if (existing is None and not deal_rules.can_import_deals(self.actor)) or (
                existing is not None and not self.may(deal_rules.can_edit_deal_data, existing)
            ):  # one message for both: a hidden deal is not confirmed
                self.problem(part, number, "deal_id",
                             _("There is no deal '%(slug)s' that you may change; only the programme "
                               "administrator may add a deal.") % {"slug": slug})
                continue
            if values["fase"] and existing is not None and existing.phase != values["fase"] and (
                not self.may(deal_rules.can_edit_deal_data, existing)
            ):
                self.problem(part, number, "fase", _("You may not change the phase of this deal."))
            publish = values["gepubliceerd"]
            if publish is not None and (existing is None or existing.is_published != publish) and (
                not deal_rules.can_import_deals(self.actor)
            ):
                self.problem(part, number, "gepubliceerd",
                             _("Only the programme administrator may publish a deal or withdraw it."))
            if len(self.problems) > before:
                continue
            fields = {"name": values["naam"], "kind": values["soort"],
                      "description": values["omschrijving"] or ""}
            if publish is not None:
                fields["is_published"] = publish
            if values["status"]:
                fields["status"] = values["status"]
            for key, name in (("getekend", "signing_date"), ("einde", "end_date"),
                              ("verlengd_tot", "extended_to")):
                date, precision = values[key] or (None, "")
                fields[name], fields[f"{name}_precision"] = date, precision
            self.plan.deals[slug] = (fields, values["themas"] or [], values["fase"])

    def _check_partners(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, deal_rules.can_edit_deal_data,
                                  _("There is no deal '%(slug)s', or you may not change its partners."))
            org_id = values["organisatie_id"]
            if not deal or not org_id:
                continue
            key = (deal.slug, org_id)
            if key in seen:
                self.problem(part, number, "organisatie_id",
                             _("This organisation is already in this deal in row %(row)s.") % {"row": seen[key]},
                             _("each organisation once per deal"))
                continue
            seen[key] = number
            org_fields = {"name": values["organisatie_naam"], "type": values["organisatie_type"]}
            if values["cbs_code"]:
                org_fields["cbs_code"] = values["cbs_code"]
            if part.mapping.get("overheidslaag") is not None:  # else it follows from the type
                org_fields["government_level"] = values["overheidslaag"] or ""
            planned = self.plan.organisations.get(org_id)
            if planned and (planned["name"], planned["type"]) != (org_fields["name"], org_fields["type"]):
                self.problem(part, number, "organisatie_naam",
                             _("Organisation %(id)s has another name or type in an earlier row.") % {"id": org_id},
                             _("the same name and type in every row of one organisation"))
                continue
            existing = self._organisations.get(org_id)
            if existing is not None and self.references.error(deal, Participation, "organisation", existing):
                # known only from deals this user may not read: neither its name nor its use
                self.problem(part, number, "organisatie_id",
                             self.references.error(deal, Participation, "organisation", existing),
                             _("the identifier of an organisation of a deal you may read, or a new one"))
                continue
            if existing is not None:
                differs = [k for k, v in org_fields.items() if getattr(existing, k) != v]
                if differs and not may_change_organisation(self.actor, existing):
                    self.problem(
                        part, number, "organisatie_naam",
                        _("Organisation %(id)s exists as '%(name)s' (%(type)s); only the programme administrator may change it.")
                        % {"id": org_id, "name": existing.name, "type": existing.type},
                        _("the name and type as registered"),
                    )
                    continue
            if len(self.problems) > before:
                continue
            self.plan.organisations[org_id] = org_fields
            joined = values["toegetreden"] or (None, "")
            left = values["vertrokken"] or (None, "")
            fields = {
                "role_description": values["rol"] or "",
                "joined_on": joined[0], "joined_on_precision": joined[1],
                "left_on": left[0], "left_on_precision": left[1],
            }
            if values["soort_deelname"]:
                fields["kind"] = values["soort_deelname"]
            internal = {"houding": "stance", "toezegging_euro": "commitment_money",
                        "toezegging_fte": "commitment_fte", "toezegging_in_natura": "commitment_in_kind",
                        "geleverd_euro": "delivered_money", "geleverd_fte": "delivered_fte"}
            for column_key, name in internal.items():
                if part.mapping.get(column_key) is not None:  # a column left out changes nothing
                    fields[name] = values[column_key] if values[column_key] is not None else (
                        "" if name in ("stance", "commitment_in_kind") else None)
            self.plan.participations[key] = fields

    def _indicator_fields(self, values):
        fields = {
            "kind": values["soort"] or IndicatorKind.NUMERIC,
            "unit": values["eenheid"] or "",
            "baseline_value": values["basiswaarde"],
            "baseline_date": values["basisdatum"],
            "target_value": values["einddoel"],
            "target_status": values["einddoel_status"] or "",
            "target_date": values["einddoel_datum"],
            "milestone_statuses": values["mijlpaalstatussen"] or [],
            "data_source": values["gegevensbron"] or "",
            "description": values["omschrijving"] or "",
            "is_example": bool(values["voorbeeld"]),
        }
        for key, name in (("richting", "direction"), ("aggregatie", "aggregation"),
                          ("frequentie", "frequency"), ("bereik", "scope")):
            if values[key]:
                fields[name] = values[key]
        return fields

    def _check_indicators(self, part):
        groups = {}
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, impact_rules.can_edit_indicators,
                                  _("There is no deal '%(slug)s', or you may not change its indicators."))
            name = values["indicator"]
            if not deal or not name:
                continue
            key = (deal.slug, name)
            if len(self._indicators.get(key, [])) > 1:
                self.problem(part, number, "indicator",
                             _("The deal has more than one indicator with this name."),
                             _("a name that identifies one indicator"))
                continue
            own = {k: values[k] for k in INDICATOR_KEYS}
            if key in groups:
                first_row, first = groups[key]["row"], groups[key]["values"]
                for k in INDICATOR_KEYS:
                    if own[k] != first[k] and part.mapping.get(k) is not None:
                        self.problem(part, number, k,
                                     _("This differs from row %(row)s of the same indicator.") % {"row": first_row},
                                     _("the same value in every row of one indicator"))
            else:
                groups[key] = {"row": number, "values": own, "deal": deal, "targets": [],
                               "bad": False}
            group = groups[key]
            if len(self.problems) > before:
                group["bad"] = True
                continue
            target = {k: values[k] for k in TARGET_KEYS}
            if any(v not in (None, "") for v in target.values()):
                if not (target["doel_begin"] and target["doel_einde"]):
                    self.problem(part, number, "doel_begin" if not target["doel_begin"] else "doel_einde",
                                 _("A target needs the first and the last day of its period."),
                                 _("a date, e.g. 2024-03-31 or 31-03-2024"))
                    group["bad"] = True
                    continue
                group["targets"].append((number, target))
        for key, group in groups.items():
            if not group["bad"]:
                self._plan_indicator(part, key, group)

    def _plan_indicator(self, part, key, group):
        values, row = group["values"], group["row"]
        before = len(self.problems)
        fields = self._indicator_fields(values)
        kind = fields["kind"]
        statuses = fields["milestone_statuses"] or DEFAULT_MILESTONE_STATUSES
        element = None
        if values["element"] or values["niveau"]:
            if not (values["element"] and values["niveau"]):
                self.problem(part, row, "niveau" if not values["niveau"] else "element",
                             _("A pathway element needs both its level and its title."))
            else:
                element = (values["niveau"], values["element"])
        if kind == IndicatorKind.PERCENTAGE:
            for k in ("basiswaarde", "einddoel"):
                if values[k] is not None and not 0 <= values[k] <= 100:
                    self.problem(part, row, k, _("A percentage lies between 0 and 100."),
                                 _("a number from 0 to 100"))
        if kind == IndicatorKind.MILESTONE and fields["target_status"] and fields["target_status"] not in statuses:
            self.problem(part, row, "einddoel_status",
                         _("'%(status)s' is not a status of this milestone.") % {"status": fields["target_status"]},
                         _("one of: %(list)s") % {"list": ", ".join(statuses)})
        if len(set(statuses)) != len(statuses):
            self.problem(part, row, "mijlpaalstatussen", _("Each status may appear only once."))
        targets = []
        for number, t in sorted(group["targets"], key=lambda item: item[1]["doel_begin"]):
            if t["doel_einde"] < t["doel_begin"]:
                self.problem(part, number, "doel_einde", _("The period ends before it starts."),
                             _("a last day on or after the first day"))
                continue
            if kind == IndicatorKind.MILESTONE:
                if t["doel_status"] and t["doel_status"] not in statuses:
                    self.problem(part, number, "doel_status",
                                 _("'%(status)s' is not a status of this milestone.") % {"status": t["doel_status"]},
                                 _("one of: %(list)s") % {"list": ", ".join(statuses)})
            elif kind == IndicatorKind.PERCENTAGE and t["doel_waarde"] is not None and not 0 <= t["doel_waarde"] <= 100:
                self.problem(part, number, "doel_waarde", _("A percentage lies between 0 and 100."),
                             _("a number from 0 to 100"))
            if targets and t["doel_begin"] <= targets[-1]["period_end"]:
                self.problem(part, number, "doel_begin",
                             _("This period overlaps the period of row %(row)s.") % {"row": targets[-1]["row"]},
                             _("periods that do not overlap"))
                continue
            targets.append({"row": number, "period_start": t["doel_begin"], "period_end": t["doel_einde"],
                            "label": t["doel_periode"] or "", "value": t["doel_waarde"],
                            "status": t["doel_status"] or ""})
        if len(self.problems) > before:
            return
        for t in targets:
            t.pop("row")
        deal_slug = key[0]
        if element and (deal_slug, *element) not in self._elements:
            self.plan.elements.setdefault((deal_slug, *element), None)
        self.plan.indicators[key] = {"fields": fields, "element": element, "targets": targets,
                                     "deal": group["deal"]}

    def _indicator(self, deal, name):
        """The indicator (saved, or unsaved when this file defines it) of `deal` named `name`."""
        planned = self.plan.indicators.get((deal.slug, name))
        if planned:
            if "object" not in planned:
                planned["object"] = Indicator(deal=deal, name=name, **planned["fields"])
            return planned["object"], None
        found = self._indicators.get((deal.slug, name), [])
        if len(found) > 1:
            return None, _("The deal has more than one indicator with this name.")
        if not found:
            return None, _("The deal %(deal)s has no indicator '%(name)s'.") % {"deal": deal.name, "name": name}
        found[0].deal = deal
        return found[0], None

    def _check_measurements(self, part):
        existing_keys = None
        for number, values, before in self.rows(part):
            slug = values["deal_id"]
            deal = self._deal_for(part, number, values, impact_rules.can_record_measurement,
                                  _("There is no deal '%(slug)s', or you may not enter measurements for it."))
            if not deal or not values["indicator"]:
                continue
            indicator, error = self._indicator(deal, values["indicator"])
            if error:
                self.problem(part, number, "indicator", error, _("the name of one of the deal's indicators"))
                continue
            org = None
            if values["organisatie_id"]:
                org = self._organisations.get(values["organisatie_id"])
                if org is None and values["organisatie_id"] in self.plan.organisations:
                    org = Organisation(slug=values["organisatie_id"], **self.plan.organisations[values["organisatie_id"]])
                if org is None or self.references.error(deal, Measurement, "reporting_organisation", org):
                    self.problem(part, number, "organisatie_id",
                                 _("There is no organisation with the identifier '%(id)s'.") % {"id": values["organisatie_id"]},
                                 _("the identifier of a registered organisation"))
                    continue
            if deal.pk is not None and indicator.pk is not None:
                key = (indicator.pk, getattr(org, "pk", None))
                if key not in self._permission:
                    self._permission[key] = measurement_permission_error(self.actor, indicator, org)
                if self._permission[key]:
                    self.problem(part, number, "organisatie_id" if org else "deal_id", self._permission[key])
                    continue
            if values["verificatie"] == Verification.VERIFIED and not self.may(
                    impact_rules.can_verify_measurement, deal):
                self.problem(part, number, "verificatie", verification_error(),
                             _("empty or zelfgerapporteerd"))
            if len(self.problems) > before:
                continue
            try:
                value = validate_measurement(
                    indicator, date=values["datum"], value=values["waarde"],
                    status=values["status"] or "", period_start=values["periode_begin"],
                ) if values["datum"] else None
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    column = {"value": "waarde", "status": "status", "date": "datum",
                              "period_start": "periode_begin"}.get(name, "waarde")
                    for message in messages:
                        self.problem(part, number, column, message,
                                     self._measurement_expected(indicator, column))
                continue
            if len(self.problems) > before:
                continue
            fields = {
                "date": values["datum"], "period_start": values["periode_begin"],
                "value": None if indicator.is_milestone else value,
                "status": values["status"] or "" if indicator.is_milestone else "",
                "source": values["bron"] or "", "evidence_url": values["bewijs_url"] or "",
                "note": values["toelichting"] or "", "is_example": bool(values["voorbeeld"]),
            }
            if values["verificatie"]:
                fields["verification"] = values["verificatie"]
            if values["betrouwbaarheid"]:
                fields["confidence"] = values["betrouwbaarheid"]
            # An indicator this file (re)defines is unsaved here, but may already be in the
            # database: its measurements there count as present too.
            found = self._indicators.get((deal.slug, values["indicator"]), [])
            indicator_id = indicator.pk or (found[0].pk if len(found) == 1 else None)
            if indicator_id is not None:
                if existing_keys is None:
                    existing_keys = self._existing_measurements()
                if self._key(indicator_id, getattr(org, "pk", None), fields) in existing_keys:
                    self.plan.skipped += 1
                    continue
            self.plan.measurements.append(
                {"deal": slug, "indicator": values["indicator"], "org": values["organisatie_id"],
                 "fields": fields, "object": indicator})

    def _measurement_expected(self, indicator, column):
        if column == "status":
            return _("one of: %(list)s") % {"list": ", ".join(indicator.statuses)}
        if column == "waarde":
            if indicator.kind == IndicatorKind.PERCENTAGE:
                return _("a number from 0 to 100")
            return _("a number, e.g. 1250 or 12,5")
        if column == "datum":
            return _("a date within the deal's term")
        return _("a date, e.g. 2024-03-31 or 31-03-2024")

    @staticmethod
    def _key(indicator_id, org_id, fields):
        value = fields["value"].normalize() if fields["value"] is not None else None
        return (indicator_id, org_id, fields["date"], fields["period_start"], value, fields["status"],
                fields["source"])

    def _existing_measurements(self):
        ids = {ind.pk for group in self._indicators.values() for ind in group}
        keys = set()
        for row in Measurement.objects.filter(indicator_id__in=ids).values(
            "indicator_id", "reporting_organisation_id", "date", "period_start", "value", "status", "source"
        ):
            keys.add(self._key(row["indicator_id"], row["reporting_organisation_id"], row))
        return keys

    # pathway, lessons and bottlenecks ----------------------------------------------------------

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

    def _element_ref(self, part, number, deal, level_key, title_key, values):
        """(level, title) of an element of the deal's pathway (in the database or on the sheet
        Veranderpad), or None with a problem."""
        level, title = values[level_key], values[title_key]
        if not (level and title):
            return None
        found = self._existing("elements", deal).get((level, title), [])
        if not self._one(part, number, title_key, found,
                         _("The pathway of %(deal)s has more than one element '%(title)s' at this level.")
                         % {"deal": deal.name, "title": title},
                         _("a level and title that identify one element")):
            return None
        if not found and (deal.slug, level, title) not in self.plan.elements:
            self.problem(part, number, title_key,
                         _("The pathway of %(deal)s has no element '%(title)s' at the level %(level)s.")
                         % {"deal": deal.name, "title": title, "level": Level(level).label},
                         _("the level and title of an element on the sheet Veranderpad or in the deal's pathway"))
            return None
        return (level, title)

    def _link_ref(self, part, number, deal, values):
        cause = self._element_ref(part, number, deal, "van_niveau", "van_element", values)
        effect = self._element_ref(part, number, deal, "naar_niveau", "naar_element", values)
        if not (cause and effect):
            return None
        key = (deal.slug, cause, effect)
        if key in self.plan.links or (cause, effect) in self._existing("links", deal):
            return key
        self.problem(part, number, "naar_element",
                     _("The pathway of %(deal)s has no link from '%(cause)s' to '%(effect)s'.")
                     % {"deal": deal.name, "cause": cause[1], "effect": effect[1]},
                     _("a link on the sheet Verbanden or in the deal's pathway"))
        return None

    def _duplicate(self, part, number, seen, key, column, expected):
        if key in seen:
            self.problem(part, number, column,
                         _("This is the same as row %(row)s.") % {"row": seen[key]}, expected)
            return True
        seen[key] = number
        return False

    def _check_elements(self, part):
        seen = {}
        defaults = {"description": "", "is_active_ingredient": False, "is_example": False}
        for number, values, before in self.rows(part):
            deal = self._pathway_deal(part, number, values)
            if not deal or not values["niveau"] or not values["element"]:
                continue
            key = (deal.slug, values["niveau"], values["element"])
            if self._duplicate(part, number, seen, key, "element",
                               _("each level and title once per deal")):
                continue
            self._one(part, number, "element", self._existing("elements", deal).get(key[1:], []),
                      _("The pathway of %(deal)s has more than one element '%(title)s' at this level.")
                      % {"deal": deal.name, "title": key[2]},
                      _("a level and title that identify one element"))
            if len(self.problems) > before:
                continue
            fields = {}
            for column_key, name in (("omschrijving", "description"),
                                     ("werkzaam_element", "is_active_ingredient"),
                                     ("volgorde", "order"), ("voorbeeld", "is_example")):
                if self._given(part, column_key):
                    value = values[column_key] if values[column_key] is not None else defaults.get(name)
                    if value is not None:  # an empty position: the row's place in the pathway
                        fields[name] = value
            self.plan.elements[key] = fields

    def _check_links(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            deal = self._pathway_deal(part, number, values)
            if not deal or len(self.problems) > before:
                continue
            cause = self._element_ref(part, number, deal, "van_niveau", "van_element", values)
            effect = self._element_ref(part, number, deal, "naar_niveau", "naar_element", values)
            if not (cause and effect):
                continue
            if cause == effect:
                self.problem(part, number, "naar_element",
                             _("An element cannot lead to itself."), _("two different elements"))
                continue
            key = (deal.slug, cause, effect)
            if self._duplicate(part, number, seen, key, "naar_element", _("each link once")):
                continue
            if (cause, effect) not in self._existing("links", deal):
                self.plan.links[key] = True

    def _check_assumptions(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            deal = self._pathway_deal(part, number, values)
            if not deal or len(self.problems) > before:
                continue
            link = self._link_ref(part, number, deal, values)
            if not link or not values["aanname"]:
                continue
            key = (*link, values["aanname"])
            if self._duplicate(part, number, seen, key, "aanname", _("each assumption once per link")):
                continue
            if not self._one(part, number, "aanname", self._existing("assumptions", deal).get(key[1:], []),
                             _("This link has this assumption more than once."),
                             _("a text that identifies one assumption of the link")):
                continue
            fields = {}
            if self._given(part, "status"):
                fields["status"] = values["status"] or "ongetoetst"
            if self._given(part, "voorbeeld"):
                fields["is_example"] = bool(values["voorbeeld"])
            self.plan.assumptions[key] = fields

    def _check_evidence(self, part):
        for number, values, before in self.rows(part):
            deal = self._pathway_deal(part, number, values)
            if not deal or len(self.problems) > before:
                continue
            link = self._link_ref(part, number, deal, values)
            if not link:
                continue
            key = (*link, values["aanname"])
            if key not in self.plan.assumptions and not self._existing("assumptions", deal).get(key[1:]):
                self.problem(part, number, "aanname",
                             _("The link has no assumption '%(text)s'.") % {"text": values["aanname"]},
                             _("an assumption on the sheet Aannames or in the deal's pathway"))
                continue
            if len(self.problems) > before:
                continue
            fields = {"date": values["datum"], "stance": values["houding"],
                      "text": values["onderbouwing"], "url": values["url"] or ""}
            if (key[1:], tuple(sorted(fields.items()))) in self._existing("evidence", deal):
                self.plan.skipped += 1  # already recorded: importing a file twice does not double it
                continue
            self.plan.evidence.append({"assumption": key, "fields": fields})

    def _ministry(self, part, number, values, deal=None):
        """The identifier of the ministry a bottleneck was raised with; a ministry not yet
        registered is added with the name given."""
        slug, name = values["ministerie_id"], values["ministerie"]
        if not slug:
            if name:
                self.problem(part, number, "ministerie_id", _("A ministry needs its identifier."),
                             _("the identifier of the ministry, e.g. ministerie-van-bzk"))
            return None
        if slug not in self._org_cache:
            self._org_cache[slug] = Organisation.objects.filter(slug=slug).first()
        org = self._org_cache[slug]
        planned = self.plan.organisations.get(slug)
        if org is None and planned is None:
            if not name:
                self.problem(part, number, "ministerie",
                             _("There is no organisation '%(id)s'; give its name to add it as a ministry.")
                             % {"id": slug}, _("the name of the ministry"))
                return None
            self.plan.organisations[slug] = {"name": name, "type": OrganisationType.MINISTERIE}
            return slug
        if org is not None and self.references.error(deal, Bottleneck, "ministry", org):
            self.problem(part, number, "ministerie_id", self.references.error(deal, Bottleneck, "ministry", org),
                         _("the identifier of a ministry"))
            return None
        registered = org or Organisation(slug=slug, **planned)
        if registered.type != OrganisationType.MINISTERIE:
            self.problem(part, number, "ministerie_id",
                         _("%(name)s is not a ministry.") % {"name": registered.name},
                         _("the identifier of a ministry"))
        elif name and name != registered.name:
            self.problem(part, number, "ministerie",
                         _("Organisation %(id)s is registered as '%(name)s'.") % {"id": slug, "name": registered.name},
                         _("the name as registered, or an empty cell"))
        return slug

    def _check_bottlenecks(self, part):
        seen = {}
        today = timezone.localdate()
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, learning_rules.can_edit_learning,
                                  _("There is no deal '%(slug)s', or you may not change its bottlenecks."))
            title, signalled = values["titel"], values["gesignaleerd"]
            if not deal or not title or not signalled:
                continue
            key = (deal.slug, title, signalled)
            if self._duplicate(part, number, seen, key, "titel",
                               _("each bottleneck once (title and date signalled)")):
                continue
            if signalled > today:
                self.problem(part, number, "gesignaleerd",
                             _("A bottleneck cannot be signalled in the future."), _("a date up to today"))
            existing = self._existing("bottlenecks", deal).get(key[1:], [])
            self._one(part, number, "titel", existing,
                      _("The deal has more than one bottleneck with this title, signalled on this date."),
                      _("a title and date that identify one bottleneck"))
            ministry = self._ministry(part, number, values, deal)
            if len(self.problems) > before:
                continue
            fields = {"title": title, "kind": values["soort"]}
            for column_key, name in (("omschrijving", "description"), ("regel", "rule"),
                                     ("niveau", "level"), ("oplossing", "resolution"),
                                     ("voorbeeld", "is_example")):
                if self._given(part, column_key):
                    fields[name] = values[column_key] if values[column_key] is not None else (
                        False if name == "is_example" else "")
            self.plan.bottlenecks[key] = {
                "fields": fields, "ministry": ministry,
                "ministry_given": self._given(part, "ministerie_id"),
                "existing": existing[0] if existing else None, "part": part, "row": number,
                "status": values["status"], "closed": values["gesloten"],
                "closed_given": self._given(part, "gesloten"), "history": [], "history_part": None,
            }

    def _check_bottleneck_statuses(self, part):
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, learning_rules.can_edit_learning,
                                  _("There is no deal '%(slug)s', or you may not change its bottlenecks."))
            if not deal or len(self.problems) > before:
                continue
            key = (deal.slug, values["knelpunt"], values["gesignaleerd"])
            planned = self.plan.bottlenecks.get(key)
            if planned is None:
                existing = self._existing("bottlenecks", deal).get(key[1:], [])
                if len(existing) != 1:
                    self.problem(part, number, "knelpunt",
                                 _("The deal has no bottleneck '%(title)s' signalled on %(date)s.")
                                 % {"title": key[1], "date": key[2].isoformat()} if not existing else
                                 _("The deal has more than one bottleneck with this title, signalled on this date."),
                                 _("the title and date signalled of a bottleneck on the sheet Knelpunten"))
                    continue
                planned = self.plan.bottlenecks[key] = {
                    "fields": None, "existing": existing[0], "status": None, "closed": None,
                    "closed_given": False, "history": [], "part": part, "row": number,
                }
            planned["history"].append((values["datum"], number, values["status"], values["notitie"] or ""))
            planned["history_part"] = part

    def _plan_history(self, key, b, today):
        """The status history a bottleneck will have, checked by the rules of
        `learning.services.change_bottleneck_status`; b["changes"] are the entries to add after
        the first ('signalled', written with the bottleneck)."""
        existing = b["existing"]
        recorded = [(c.status, c.date, c.note) for c in existing.status_changes.all()] if existing else []
        fields = b["fields"] or {}
        resolution = fields.get("resolution", existing.resolution if existing else "")
        if b["history"]:
            part = b["history_part"]
            rows = sorted(b["history"], key=lambda h: (h[0], h[1]))
        else:  # no status history in the file: the status column moves it on, if it is given
            part, number = b["part"], b["row"]
            history = recorded or [(BottleneckStatus.GESIGNALEERD, key[2], "")]
            rows = [(date, number, status, note) for status, date, note in history]
            if b["status"] and b["status"] != history[-1][0]:
                date = b["closed"] or (today if existing else max(h[1] for h in history))
                rows.append((date, number, b["status"], ""))
        history = []
        column = {"status": "status", "datum": "datum" if b["history"] else "gesloten"}
        first = rows[0]
        if first[2] != BottleneckStatus.GESIGNALEERD or first[0] != key[2]:
            self.problem(part, first[1], column["status"],
                         _("The status history of a bottleneck starts with '%(status)s' on the day it was signalled (%(date)s).")
                         % {"status": BottleneckStatus.GESIGNALEERD.label, "date": key[2].isoformat()},
                         _("a first row with that status and date"))
        for date, number, status, note in rows:
            if history and status == history[-1][0]:
                self.problem(part, number, column["status"],
                             _("The bottleneck already has this status."),
                             _("a status other than the one before"))
            if date > today:
                self.problem(part, number, column["datum"],
                             _("A status change cannot lie in the future."), _("a date up to today"))
            if status == BottleneckStatus.OPGELOST and not (resolution or "").strip():
                self.problem(part, number, column["status"],
                             _("A resolved bottleneck needs a description of how it was resolved."),
                             _("the resolution in the column oplossing of the sheet Knelpunten"))
            history.append((status, date, note))
        current = history[-1][0]
        closed = history[-1][1] if current in CLOSED_STATUSES else None
        if b["fields"] is not None:
            if b["status"] and b["status"] != current:
                self.problem(b["part"], b["row"], "status",
                             _("This differs from the last status of its history (%(status)s).")
                             % {"status": BottleneckStatus(current).label},
                             _("the status of its last row on the sheet Knelpuntstatussen"))
            if b["closed_given"] and b["closed"] != closed:
                self.problem(b["part"], b["row"], "gesloten",
                             _("The closing date follows from the status history: %(date)s.")
                             % {"date": closed.isoformat() if closed else _("empty, it is open")},
                             _("the date of the last status, if that closes the bottleneck"))
        if recorded and history[:len(recorded)] != recorded:
            self.problem(part, rows[0][1], column["status"],
                         _("The recorded status history of this bottleneck cannot be changed, only extended."),
                         _("the recorded rows, then any new ones"))
        b["first_note"] = history[0][2]
        b["changes"] = history[max(len(recorded), 1):]

    def _check_lessons(self, part):
        seen = {}
        for number, values, before in self.rows(part):
            deal = self._deal_for(part, number, values, learning_rules.can_edit_learning,
                                  _("There is no deal '%(slug)s', or you may not change its lessons."))
            if not deal or not values["titel"] or not values["datum"]:
                continue
            key = (deal.slug, values["titel"], values["datum"])
            if self._duplicate(part, number, seen, key, "titel", _("each lesson once (title and date)")):
                continue
            existing = self._existing("lessons", deal).get(key[1:], [])
            self._one(part, number, "titel", existing,
                      _("The deal has more than one lesson with this title and date."),
                      _("a title and date that identify one lesson"))
            indicators = []
            for name in values["indicatoren"] or []:
                if (deal.slug, name) in self.plan.indicators or name in self._existing("indicators", deal):
                    indicators.append(name)
                else:
                    self.problem(part, number, "indicatoren",
                                 _("The deal %(deal)s has no indicator '%(name)s'.") % {"deal": deal.name, "name": name},
                                 _("names of the deal's indicators, separated by semicolons"))
            bottlenecks = []
            for title in values["knelpunten"] or []:
                keys = {k for k in self.plan.bottlenecks if k[:2] == (deal.slug, title)} | {
                    (deal.slug, t, d) for (t, d) in self._existing("bottlenecks", deal) if t == title}
                if len(keys) != 1:
                    self.problem(part, number, "knelpunten",
                                 (_("The deal %(deal)s has no bottleneck '%(title)s'.") if not keys else
                                  _("The deal %(deal)s has more than one bottleneck '%(title)s'."))
                                 % {"deal": deal.name, "title": title},
                                 _("titles of the deal's bottlenecks, separated by semicolons"))
                else:
                    bottlenecks.append(keys.pop())
            if len(self.problems) > before:
                continue
            fields = {"title": values["titel"], "text": values["les"], "kind": values["soort"],
                      "phase": values["fase"] or "", "tags": values["tags"] or "",
                      "visibility": values["zichtbaarheid"] or Visibility.PROGRAMMA,
                      "learned_on": values["datum"], "is_example": bool(values["voorbeeld"])}
            self.plan.lessons[key] = {"fields": fields, "themes": values["themas"] or [],
                                      "indicators": indicators, "bottlenecks": bottlenecks,
                                      "existing": existing[0] if existing else None}

    def _finish(self):
        """Checks across sheets, once every row is read: the status history of bottlenecks."""
        today = timezone.localdate()
        for key, bottleneck in self.plan.bottlenecks.items():
            self._plan_history(key, bottleneck, today)


def _group(pairs):
    grouped = defaultdict(list)
    for key, value in pairs:
        grouped[key].append(value)
    return grouped


def _element_key(element):
    return (element.level, element.title)


_LOADERS = {
    "elements": lambda deal: _group(
        (_element_key(e), e) for e in Element.objects.filter(pathway__deal=deal)),
    "links": lambda deal: {
        (_element_key(link.cause), _element_key(link.effect)): link
        for link in Link.objects.filter(pathway__deal=deal).select_related("cause", "effect")},
    "assumptions": lambda deal: _group(
        ((_element_key(a.link.cause), _element_key(a.link.effect), a.text), a)
        for a in Assumption.objects.filter(link__pathway__deal=deal).select_related("link__cause", "link__effect")),
    "evidence": lambda deal: {
        ((_element_key(e.assumption.link.cause), _element_key(e.assumption.link.effect), e.assumption.text),
         tuple(sorted({"date": e.date, "stance": e.stance, "text": e.text, "url": e.url}.items())))
        for e in AssumptionEvidence.objects.filter(assumption__link__pathway__deal=deal)
        .select_related("assumption__link__cause", "assumption__link__effect")},
    "bottlenecks": lambda deal: _group(
        ((b.title, b.signalled_on), b)
        for b in Bottleneck.objects.filter(deal=deal).prefetch_related("status_changes")),
    "lessons": lambda deal: _group(
        ((lesson.title, lesson.learned_on), lesson) for lesson in Lesson.objects.filter(deal=deal)),
    "indicators": lambda deal: set(Indicator.objects.filter(deal=deal).values_list("name", flat=True)),
}


def check_parts(actor, parts, progress=None, previews=True):
    return Checker(actor, progress, previews).check(parts)
