"""English dates in one style, day before month as in the Dutch pages ("6 December 2026"),
instead of Django's American defaults ("Dec. 6, 2026", "12/06/2026") that mixed with the
"j F Y" the templates write. Only what differs from Django's English formats is here."""

DATE_FORMAT = "j F Y"  # 6 December 2026
DATETIME_FORMAT = "j F Y H:i"  # 6 December 2026 14:05
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"  # December 2026
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"  # 06/12/2026
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
