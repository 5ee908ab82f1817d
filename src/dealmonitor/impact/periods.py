"""Reporting periods: years, half-years, quarters and months between two dates."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

PERIODICITIES = {
    "jaar": 12,
    "halfjaar": 6,
    "kwartaal": 3,
    "maand": 1,
}
PERIODICITY_CHOICES = [
    ("jaar", _("year")),
    ("halfjaar", _("half-year")),
    ("kwartaal", _("quarter")),
    ("maand", _("month")),
]


@dataclass(frozen=True, order=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    def contains(self, day):
        return self.start <= day <= self.end


def _add_months(day, months):
    month = day.month - 1 + months
    return dt.date(day.year + month // 12, month % 12 + 1, 1)


def _label(start, months):
    if months == 12:
        return f"{start.year}"
    if months == 6:
        return f"{start.year}-H{(start.month - 1) // 6 + 1}"
    if months == 3:
        return f"{start.year}-K{(start.month - 1) // 3 + 1}"
    return f"{start.year}-{start.month:02d}"


def calendar_periods(first, last, periodicity):
    """Calendar periods of the given kind that overlap [first, last]."""
    months = PERIODICITIES[periodicity]
    start = dt.date(first.year, ((first.month - 1) // months) * months + 1, 1)
    periods = []
    while start <= last:
        nxt = _add_months(start, months)
        periods.append(Period(start, nxt - dt.timedelta(days=1), _label(start, months)))
        start = nxt
    return periods
