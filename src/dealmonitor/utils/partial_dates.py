"""Dates with reduced precision (`2016`, `2016-03`, `2016-03-09`), as public sources give them.

Stored as two columns: the first day of the period and its precision. One place parses and
formats them, so that "2016" is never shown as "1 januari 2016".
"""

import datetime as dt
import re

from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _


class Precision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


_PATTERN = re.compile(r"^(?P<y>\d{4})(?:-(?P<m>\d{2})(?:-(?P<d>\d{2}))?)?$")


def parse_partial_date(text, precision=None):
    """Parse ISO 8601 with reduced precision. Returns (date, precision); raises ValueError
    with a message for people when the text is not such a date or contradicts `precision`."""
    if not isinstance(text, str):
        raise ValueError(f"expected a date as text (YYYY, YYYY-MM or YYYY-MM-DD), got {text!r}")
    match = _PATTERN.match(text.strip())
    if not match:
        raise ValueError(f"{text!r} is not a date (expected YYYY, YYYY-MM or YYYY-MM-DD)")
    year, month, day = match["y"], match["m"], match["d"]
    found = Precision.DAY if day else Precision.MONTH if month else Precision.YEAR
    try:
        value = dt.date(int(year), int(month or 1), int(day or 1))
    except ValueError as exc:
        raise ValueError(f"{text!r} is not a valid date ({exc})") from None
    if precision and precision != found:
        raise ValueError(f"{text!r} has precision {found}, but the entry says {precision!r}")
    return value, found


def to_iso(value, precision):
    """The inverse of parse_partial_date: '2016', '2016-03' or '2016-03-09'."""
    if value is None:
        return None
    if precision == Precision.YEAR:
        return f"{value.year:04d}"
    if precision == Precision.MONTH:
        return f"{value.year:04d}-{value.month:02d}"
    return value.isoformat()


def format_partial_date(value, precision):
    """Show a partial date in the active language, no more precise than it is known."""
    if value is None:
        return ""
    if precision == Precision.YEAR:
        return str(value.year)
    if precision == Precision.MONTH:
        return formats.date_format(value, "YEAR_MONTH_FORMAT")
    return formats.date_format(value, "DATE_FORMAT")



def partial_date_fields(verbose_name):
    """Return (date_field, precision_field) for a partial date on a model."""
    return (
        models.DateField(verbose_name, null=True, blank=True),
        models.CharField(
            _("precision"), max_length=5, choices=Precision.choices, blank=True
        ),
    )
