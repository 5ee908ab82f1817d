"""The programme view's repeated markup, built in Python: the bars of the themes and the list
of running deals without a recent self-assessment round (fifty at most).

Through the template engine each of those rows cost a context lookup per value, a `reverse()`
per link, a `pgettext` per theme and a `blocktranslate` with a date filter per deal: nearly
half of the page's own time at scale L (docs/performance.md, "Issue 20 item 2"). The HTML is
the template's, character for character (`learning/tests/test_programme_html.py` renders both
and compares): every text escaped as the template escaped it, links reversed once
(ui/reversing.py), the month names of one page formatted once per date.
"""

from django.utils.formats import date_format, localize
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from dealmonitor.ui.reversing import SlugAddresses

THEME_ROW = (
    '\n  <div class="dm-bar-chart__row"><dt class="dm-bar-chart__label">{label}</dt>'
    '<dd class="dm-bar-chart__track"><span class="dm-bar dm-bar--secondary" '
    'style="--value: {percent}%"></span><span class="dm-bar-chart__value">{count}</span>'
    "</dd></div>\n"
)
NOT_ASSESSED_ROW = (
    '<li class="utrecht-unordered-list__item"><a class="utrecht-link utrecht-link--html-a" '
    'href="{url}">{name}</a> – {when}</li>'
)


def theme_bars(rows):
    """The rows of the bar chart of deals by theme (`overview.themes`)."""
    return mark_safe("".join(THEME_ROW.format(
        label=escape(pgettext("theme", row["label"])), percent=escape(localize(row["percent"])),
        count=escape(localize(row["count"]))) for row in rows))


def not_assessed_items(rows):
    """The `<li>`s of the running deals without a recent round (`overview.not_assessed`)."""
    url = SlugAddresses("learning:deal")
    never = _("never held a round")
    opened = _("last round opened in %(date)s")
    months = {}
    items = []
    for row in rows:
        day = row["last_round"]
        if day:
            month = months.get(day)
            if month is None:
                month = months[day] = opened % {"date": escape(date_format(day, "F Y"))}
            when = month
        else:
            when = never
        items.append(NOT_ASSESSED_ROW.format(url=url(row["slug"]), name=escape(row["name"]),
                                             when=when))
    return mark_safe("".join(items))
