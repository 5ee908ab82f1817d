"""What every sheet kind's check shares: parsing cells, guessing the kind and mapping of a
sheet, and the problems, parts and plan of a check."""

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils import translation
from django.utils.translation import gettext as _

from dealmonitor.deals.importer import UNICODE_SLUG
from dealmonitor.impact.models import (
    Assumption,
    AssumptionEvidence,
    Element,
    Indicator,
    Link,
)
from dealmonitor.learning.models import Bottleneck, Lesson
from dealmonitor.utils.partial_dates import Precision, parse_partial_date
from dealmonitor.utils.web_addresses import validate_web_address

from .. import columns as C

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
        # the forms' message (Django's), so a text too long says the same everywhere
        try:
            MaxLengthValidator(column.max_length)(text)
        except ValidationError as exc:
            raise ValueError(exc.messages[0]) from None
    if t == C.URL:  # the same check as the forms and the API
        try:
            validate_web_address(text)
        except ValidationError:
            raise ValueError(_("'%(value)s' is not a web address.") % {"value": text}) from None
    return text


def cell_parser(column):
    """`parse_cell` for one column, with a short way for the cells most files hold (a text,
    a number, a date as the reader gives them); anything else, and every cell that is wrong,
    goes the long way, so the result and the message are `parse_cell`'s. A check of 100,000
    rows parses 1.5 million cells: the short way halves the time of the check."""
    t = column.type
    limit = column.max_length

    def slow(value):
        return parse_cell(column, value)

    if t == C.TEXT:
        def text(value):
            if type(value) is str:
                stripped = value.strip()
                if stripped and (limit is None or len(stripped) <= limit):
                    return stripped
            return parse_cell(column, value)
        return text
    if t == C.SLUG:
        match = UNICODE_SLUG.match

        def slug(value):
            if type(value) is str:
                text = value.strip().lower()
                if text and match(text) and (limit is None or len(text) <= limit):
                    return text
            return parse_cell(column, value)
        return slug
    if t == C.DECIMAL:
        def decimal(value):
            if type(value) is float or type(value) is int:
                return Decimal(str(value))
            return parse_cell(column, value)
        return decimal
    if t == C.DATE:
        def date(value):
            if type(value) is dt.date:
                return value
            if type(value) is dt.datetime:
                return value.date()
            return parse_cell(column, value)
        return date
    if t == C.CHOICE:
        def choice(value):
            if type(value) is str:
                text = value.strip()
                found = choice_values(column.choices).get(text.lower()) if text else None
                if found is not None:
                    return found
            return parse_cell(column, value)
        return choice
    if t == C.BOOLEAN:
        def boolean(value):
            if type(value) is str:
                text = value.strip().lower()
                if text in TRUE:
                    return True
                if text in FALSE:
                    return False
            return parse_cell(column, value)
        return boolean
    return slow


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
    posts: dict = field(default_factory=dict)  # (deal or "", org, direction, title) -> {fields, ...}
    match_marks: dict = field(default_factory=dict)  # (need key, offer key) -> {"status"}
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
            "needs and offers": len(self.posts), "match decisions": len(self.match_marks),
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
    "gegevensbron", "frequentie", "bereik", "omschrijving", "voorbeeld", "betekenis",
    "hele_getallen", "negatief_toegestaan", "minimum", "maximum", "uitsplitsing",
)
TARGET_KEYS = ("doel_periode", "doel_begin", "doel_einde", "doel_waarde", "doel_status")


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


