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
from django.utils import translation
from django.utils.translation import gettext as _

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.importer import UNICODE_SLUG
from dealmonitor.deals.models import Deal
from dealmonitor.impact import rules as impact_rules
from dealmonitor.impact.constants import DEFAULT_MILESTONE_STATUSES, IndicatorKind
from dealmonitor.impact.models import Element, Indicator, Measurement
from dealmonitor.impact.services import (
    measurement_permission_error,
    validate_measurement,
)
from dealmonitor.organisations.models import Organisation
from dealmonitor.organisations.services import may_change_organisation
from dealmonitor.utils.partial_dates import Precision, parse_partial_date

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
    elements: dict = field(default_factory=dict)  # (deal, level, title) -> True (to create)
    indicators: dict = field(default_factory=dict)  # (deal, name) -> {fields, element, targets}
    measurements: list = field(default_factory=list)  # dicts with deal, indicator, org, fields
    skipped: int = 0  # measurements already present

    @property
    def counts(self):
        return {
            "deals": len(self.deals), "organisations": len(self.organisations),
            "participations": len(self.participations), "indicators": len(self.indicators),
            "targets": sum(len(i["targets"] or []) for i in self.indicators.values()),
            "measurements": len(self.measurements),
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

    def _deal_for(self, part, number, values, predicate, message):
        slug = values.get("deal_id")
        if not slug:
            return None
        deal = self.deal(slug)
        if deal is None:
            self.problem(part, number, "deal_id",
                         _("There is no deal with the identifier '%(slug)s'.") % {"slug": slug},
                         _("the identifier of an existing deal, as in its address"))
            return None
        if not self.may(predicate, deal):
            self.problem(part, number, "deal_id", message % {"name": deal.name})
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
            if existing is None and not deal_rules.can_import_deals(self.actor):
                self.problem(part, number, "deal_id",
                             _("There is no deal '%(slug)s', and only the programme administrator may add one.")
                             % {"slug": slug})
                continue
            if existing is not None and not self.may(deal_rules.can_edit_deal_data, existing):
                self.problem(part, number, "deal_id",
                             _("You may not change the deal %(name)s.") % {"name": existing.name})
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
                                  _("You may not change the partners of %(name)s."))
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
                                  _("You may not change the indicators of %(name)s."))
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
            self.plan.elements[(deal_slug, *element)] = True
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
                                  _("You may not enter measurements for %(name)s."))
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
                if org is None:
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
            if indicator.pk is not None:
                if existing_keys is None:
                    existing_keys = self._existing_measurements()
                if self._key(indicator.pk, getattr(org, "pk", None), fields) in existing_keys:
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

    def _finish(self):
        """Checks across sheets, once every row is read."""


def check_parts(actor, parts, progress=None, previews=True):
    return Checker(actor, progress, previews).check(parts)
