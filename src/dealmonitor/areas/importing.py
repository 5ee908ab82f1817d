"""Reading figures per area from a CSV in the layout of a CBS StatLine download, and writing
them all or none.

Two layouts of StatLine's "onbewerkte dataset" (the typed data set as CSV: semicolons, every
cell in double quotes, codes padded with spaces):

- wijken en buurten (e.g. 85984NED *Kerncijfers wijken en buurten 2024*):
  "ID";"WijkenEnBuurten";"Gemeentenaam_1";"SoortRegio_2";"Codering_3";...;"AantalInwoners_5";...
  no period column: the table is about one year, given with the upload;
- regional tables over time (e.g. 85039NED): "ID";"RegioS";"Perioden";"<topic>_1";...
  with period codes such as 2024JJ00 (a year), 2024KW02 (a quarter), 2024MM03 (a month).

The file is hostile until checked: its size, its encoding (UTF-8 with or without BOM, or
Windows-1252), the number of rows, every area code (known, and existing in the period), every
value (a number, or CBS's "." for unknown, kept as missing, never as zero). One error per row,
in the language of the request (Dutch by default); nothing is written unless every row is right.
"""

import calendar
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import rules
from .constants import MAX_BYTES, MAX_ERRORS_SHOWN, MAX_ROWS, MAX_TOPICS, MISSING_MARKS, NIL_MARK
from .models import Area, Figure, FigureSource, Topic

ONLY_THE_PROGRAMME_IMPORTS = gettext_lazy("Only the programme team imports context figures.")
REGION_COLUMNS = ("WijkenEnBuurten", "RegioS")
PERIOD_COLUMN = "Perioden"
# Columns that describe the row, not a topic: the row number and the labels StatLine adds
# to a wijken-en-buurten table (their suffix is the column's number in the table).
DESCRIPTIVE = re.compile(r"^(ID|Gemeentenaam_\d+|SoortRegio_\d+|Codering_\d+|"
                         r"IndelingswijzigingWijkenEnBuurten_\d+|Meetniveau_\d+)$")
PERIOD_CODE = re.compile(r"^(\d{4})(JJ00|KW0[1-4]|MM(0[1-9]|1[0-2]))$")
NUMBER = re.compile(r"^[+-]?(\d+([.,]\d+)?|[.,]\d+)$")
TOPIC_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,99}$")


@dataclass(frozen=True)
class TopicSpec:
    key: str  # the column in the file
    name: str  # the topic as shown: "Inwoners"
    unit: str = ""


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str


@dataclass
class Checked:
    """The outcome of checking a file: the rows to write, or the errors (one per row)."""

    rows: list = field(default_factory=list)  # (area, spec, period, value, missing_reason)
    errors: list = field(default_factory=list)
    data_rows: int = 0

    @property
    def ok(self):
        return not self.errors

    def shown_errors(self):
        more = len(self.errors) - MAX_ERRORS_SHOWN
        return self.errors[:MAX_ERRORS_SHOWN] + (
            [_("… and %(count)s more error(s).") % {"count": more}] if more > 0 else [])


@dataclass
class Result:
    source: FigureSource
    created: int
    updated: int
    missing: int
    areas: int


# Topics ---------------------------------------------------------------------------------------


def parse_topics(lines):
    """Topic specs from lines "AantalInwoners_5 = Inwoners | aantal" (column = name | unit).
    Raises ValidationError with a Dutch message per wrong line."""
    specs, errors, seen = [], [], set()
    for number, line in enumerate(lines, start=1):
        line = (line or "").strip()
        if not line:
            continue
        key, sep, rest = line.partition("=")
        key = key.strip()
        name, _bar, unit = rest.partition("|")
        name, unit = name.strip(), unit.strip()
        if not sep or not TOPIC_KEY.match(key) or not name:
            errors.append(_("Topic %(number)s (%(line)s): write column = name | unit, "
                            "for example AantalInwoners_5 = Inwoners | aantal.")
                          % {"number": number, "line": line[:60]})
            continue
        if len(name) > 200 or len(unit) > 50:
            errors.append(_("Topic %(number)s: the name is too long (at most 200 characters, unit 50).")
                          % {"number": number})
            continue
        if key in seen:
            errors.append(_("Topic %(number)s: column %(key)s is there twice.") % {"number": number, "key": key})
            continue
        seen.add(key)
        specs.append(TopicSpec(key, name, unit))
    if len(specs) > MAX_TOPICS:
        errors.append(_("At most %(count)s topics per file.") % {"count": MAX_TOPICS})
    if errors:
        raise ValidationError(errors)
    return specs


# Periods --------------------------------------------------------------------------------------


def period_from_code(code):
    """A StatLine period code (2024JJ00, 2024KW02, 2024MM03) as a Period, or None."""
    match = PERIOD_CODE.match(code)
    if not match:
        return None
    year, part = int(match.group(1)), match.group(2)
    if part == "JJ00":
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), str(year))
    if part.startswith("KW"):
        quarter = int(part[2:])
        first = 3 * quarter - 2
        return Period(dt.date(year, first, 1),
                      dt.date(year, first + 2, calendar.monthrange(year, first + 2)[1]),
                      f"{year} kwartaal {quarter}")  # stored: the data's label, in Dutch
    month = int(part[2:])
    return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]),
                  f"{year}-{month:02d}")


def period_from_text(text):
    """The period given with an upload: a year (2024) or a date (2024-01-01, 1-1-2024), or a
    StatLine period code. Raises ValidationError."""
    text = (text or "").strip()
    if re.fullmatch(r"\d{4}", text) and 1900 <= int(text) <= 2100:
        year = int(text)
        return Period(dt.date(year, 1, 1), dt.date(year, 12, 31), text)
    found = period_from_code(text)
    if found:
        return found
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            day = dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return Period(day, day, day.isoformat())
    raise ValidationError(_("Give the period as a year (2024) or as a date (2024-01-01)."))


# Reading --------------------------------------------------------------------------------------


def decode(data):
    """The text of an uploaded file: UTF-8 (with or without BOM), else Windows-1252."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is larger than %(size)s MB.") % {"size": MAX_BYTES // (1024 * 1024)})
    if not data.strip():
        raise ValidationError(_("The file is empty."))
    if b"\x00" in data:  # anywhere: PostgreSQL cannot store it, not even look it up
        raise ValidationError(_("This is not a text file (CSV); download the table from StatLine as CSV."))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise ValidationError(_("The characters in the file cannot be read; save it as UTF-8 "
                                "or Windows-1252 (ANSI).")) from None


def _rows(text):
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    try:
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))
    except csv.Error as exc:
        raise ValidationError(_("The file is not a valid CSV: %(error)s.") % {"error": exc}) from None


def _value(text):
    """(value, missing_reason, error)."""
    text = text.strip()
    if text in MISSING_MARKS:
        return None, MISSING_MARKS[text], None
    if text == NIL_MARK:
        return Decimal(0), "", None
    if not NUMBER.match(text):
        return None, "", _("“%(text)s” is not a number (CBS uses “.” for unknown)") % {"text": text[:40]}
    try:
        value = Decimal(text.replace(",", "."))
    except InvalidOperation:  # pragma: no cover - the pattern already holds
        return None, "", _("“%(text)s” is not a number") % {"text": text[:40]}
    if abs(value) >= Decimal(10) ** 14:
        return None, "", _("%(text)s is too large") % {"text": text[:40]}
    return value, "", None


def check_file(data, *, topics, period=None):
    """Check the file (bytes) against the topic specs; `period` (a Period) for a file without
    a period column. Returns Checked; raises ValidationError for a file that cannot be read
    at all (size, encoding, header)."""
    rows = _rows(decode(data))
    rows = [r for r in rows if any(cell.strip() for cell in r)]
    if not rows:
        raise ValidationError(_("The file is empty."))
    header = [h.strip().lstrip("\ufeff") for h in rows[0]]
    body = rows[1:]
    region = next((c for c in REGION_COLUMNS if c in header), None)
    if region is None:
        raise ValidationError(_("No column with area codes: a StatLine download has the column "
                                "WijkenEnBuurten or RegioS."))
    has_period = PERIOD_COLUMN in header
    if not has_period and period is None:
        raise ValidationError(_("The file has no Perioden column: give the period (the year of "
                                "the table)."))
    if len(body) > MAX_ROWS:
        raise ValidationError(_("The file has %(rows)s rows; at most %(max)s at a time.") % {
            "rows": len(body), "max": number_format(MAX_ROWS, force_grouping=True)})
    topic_columns = [c for c in header if c not in (region, PERIOD_COLUMN) and not DESCRIPTIVE.match(c)]
    if not topics:
        raise ValidationError(_("Choose at least one topic (column = name | unit). Columns in "
                                "this file: %(columns)s.") % {"columns": ", ".join(topic_columns[:30])})
    absent = [t.key for t in topics if t.key not in header]
    if absent:
        raise ValidationError(_("These columns are not in the file: %(absent)s. Columns in this "
                                "file: %(columns)s.") % {"absent": ", ".join(absent),
                                                        "columns": ", ".join(topic_columns[:30])})
    index = {name: header.index(name) for name in header}
    codes = {row[index[region]].strip().upper() for row in body if len(row) > index[region]}
    areas = {}
    for chunk in _chunks(sorted(codes)):
        areas.update((a.code, a) for a in Area.objects.filter(code__in=chunk).select_related("successor"))
    checked = Checked(data_rows=len(body))
    seen = {}
    for number, row in enumerate(body, start=2):  # the line number as a spreadsheet shows it
        if len(row) != len(header):
            checked.errors.append(_("Row %(number)s: %(count)s columns, the header has %(header)s.") % {
                "number": number, "count": len(row), "header": len(header)})
            continue
        code = row[index[region]].strip().upper()
        row_period = period
        if has_period:
            row_period = period_from_code(row[index[PERIOD_COLUMN]].strip())
            if row_period is None:
                checked.errors.append(_("Row %(number)s: period “%(period)s” is not a year, quarter or "
                                        "month of StatLine (such as 2024JJ00).") % {
                    "number": number, "period": row[index[PERIOD_COLUMN]].strip()[:20]})
                continue
        area = areas.get(code)
        if area is None:
            checked.errors.append(_("Row %(number)s: area “%(code)s” is not known. Municipalities come "
                                    "from the CBS list; districts and neighbourhoods are added by the "
                                    "programme team (dealmonitor areas add); rows for the Netherlands or "
                                    "provinces do not belong in this file.") % {
                "number": number, "code": code[:20]})
            continue
        if area.valid_to and row_period.start > area.valid_to:
            successor = (" " + _("The area now belongs to %(successor)s.") % {"successor": area.successor}
                         if area.successor else "")
            checked.errors.append(_("Row %(number)s: %(area)s no longer existed after %(date)s.") % {
                "number": number, "area": area, "date": f"{area.valid_to:%d-%m-%Y}"} + successor)
            continue
        if area.valid_from and row_period.end < area.valid_from:
            checked.errors.append(_("Row %(number)s: %(area)s only exists since %(date)s.") % {
                "number": number, "area": area, "date": f"{area.valid_from:%d-%m-%Y}"})
            continue
        problems = []
        values = []
        for spec in topics:
            value, missing, error = _value(row[index[spec.key]])
            if error:
                problems.append(f"{spec.key}: {error}")
            values.append((spec, value, missing))
        key = (code, row_period.start, row_period.end)
        if key in seen:
            problems.append(_("%(code)s for %(period)s is also in row %(row)s (does the table have "
                              "another breakdown, such as sex or age?)") % {
                "code": code, "period": row_period.label, "row": seen[key]})
        seen.setdefault(key, number)
        if problems:
            checked.errors.append(_("Row %(number)s: %(problems)s.") % {"number": number,
                                                                          "problems": "; ".join(problems)})
            continue
        for spec, value, missing in values:
            checked.rows.append((area, spec, row_period, value, missing))
    if not body:
        checked.errors.append(_("The file has only a header, no figures."))
    return checked


def _chunks(items, size=900):
    """Look-ups by many keys in parts, within SQLite's limit on query parameters."""
    for start in range(0, len(items), size):
        yield items[start:start + size]


# Writing --------------------------------------------------------------------------------------


def import_figures(*, actor, data, topics, source_title, retrieved_on, table_id="", url="",
                   file_name="", period=None):
    """Check the file and write every figure, or none: raises ValidationError with the errors
    (one per row). A figure already known for the area, topic and period gets the new value
    and source."""
    if not rules.can_import_figures(actor):
        raise PermissionDenied(str(ONLY_THE_PROGRAMME_IMPORTS))
    source_title = (source_title or "").strip()
    if not source_title:
        raise ValidationError(_("Give the title of the source (the table at CBS)."))
    if retrieved_on is None:
        raise ValidationError(_("Give the date on which the figures were retrieved."))
    if retrieved_on > timezone.localdate():
        raise ValidationError(_("The date of retrieval lies in the future."))
    checked = check_file(data, topics=topics, period=period)
    if not checked.ok:
        raise ValidationError(checked.shown_errors())
    source = FigureSource(title=source_title[:300], table_id=(table_id or "").strip()[:30],
                          retrieved_on=retrieved_on, url=url or "", file_name=(file_name or "")[:255],
                          imported_by=actor if getattr(actor, "pk", None) else None)
    source.full_clean()
    with transaction.atomic():
        source.save()
        topic_rows = {}
        for spec in topics:
            topic, made = Topic.objects.get_or_create(name=spec.name,
                                                      defaults={"unit": spec.unit, "cbs_key": spec.key})
            if not made and ((spec.unit and topic.unit != spec.unit) or topic.cbs_key != spec.key):
                topic.unit = spec.unit or topic.unit
                topic.cbs_key = spec.key
                topic.save(update_fields=["unit", "cbs_key"])
            topic_rows[spec] = topic
        area_ids = {area.pk for area, *_ in checked.rows}
        existing = {}
        for chunk in _chunks(sorted(area_ids)):
            existing.update(
                ((f.area_id, f.topic_id, f.period_start, f.period_end), f)
                for f in Figure.objects.filter(area_id__in=chunk, topic__in=list(topic_rows.values())))
        new, changed, missing = [], [], 0
        for area, spec, period_, value, reason in checked.rows:
            topic = topic_rows[spec]
            missing += value is None
            figure = existing.get((area.pk, topic.pk, period_.start, period_.end))
            if figure is None:
                new.append(Figure(area=area, topic=topic, period_start=period_.start,
                                  period_end=period_.end, period_label=period_.label, value=value,
                                  missing_reason=reason, source=source))
            else:
                figure.value, figure.missing_reason, figure.source = value, reason, source
                figure.period_label = period_.label
                changed.append(figure)
        Figure.objects.bulk_create(new, batch_size=2000)
        Figure.objects.bulk_update(changed, ["value", "missing_reason", "source", "period_label"],
                                   batch_size=2000)
    return Result(source, len(new), len(changed), missing, len(area_ids))
