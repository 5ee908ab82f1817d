from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from ..constants import Level, Status, milestone_status_label

register = template.Library()

BADGE = {
    Status.MET: "success",
    Status.ON_TRACK: "valid",
    Status.AT_RISK: "warning",
    Status.OFF_TRACK: "danger",
    Status.NO_DATA: "neutral",
    Status.NO_TARGET: "neutral",
}
LABELS = dict(Status.choices)


@register.filter
def num(value):
    """A number without trailing zeros, in the active language's format; '' for None."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = f"{value.normalize():f}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return number_format(value, decimal_pos=min(decimals, 2), use_l10n=True)


@register.filter
def num_input(value):
    """A number for a text box the user edits and posts back: every decimal kept (`num`
    rounds to two for reading, which a save would then store), the language's decimal mark,
    no thousands separators."""
    if value is None or isinstance(value, str):
        return value or ""  # what the user typed, shown back as typed
    from django.utils.formats import get_format

    from dealmonitor.ui.forms import plain_number

    return plain_number(Decimal(value)).replace(".", get_format("DECIMAL_SEPARATOR"))


@register.filter
def milestone_status(value):
    """A milestone status in the reader's language (the default statuses); the stored value is
    unchanged, a status the deal typed itself shows as typed."""
    return milestone_status_label(value)


@register.filter
def pct(value):
    if value is None:
        return ""
    return number_format(Decimal(value).quantize(Decimal(1)), decimal_pos=0) + " %"


@register.inclusion_tag("impact/partials/status_badge.html")
def status_badge(status):
    return {"status": status, "modifier": BADGE.get(status, "neutral"), "label": LABELS.get(status, "")}


@register.filter
def status_label(status):
    return LABELS.get(status, "")


@register.filter
def level_label(level):
    return dict(Level.choices).get(level, level)


def _badge_html(status):
    label = LABELS.get(status, "")
    if not label:
        return ""
    return format_html(
        '<span class="utrecht-status-badge utrecht-status-badge--{} dm-status dm-status--{}">{}</span>',
        BADGE.get(status, "neutral"), status, label,
    )


@register.simple_tag
def iptt_cells(cells):
    """The three cells (target, actual, % met with status) of every period of one row of the
    performance table, built in Python: a 200-indicator table has 7,200 of them, and the
    template engine would spend most of the page's time on them. Numbers are formatted once
    per distinct value; every text is escaped."""
    no_data = '<span class="dm-missing">%s</span>' % escape(gettext("no data"))
    badges = {status: str(_badge_html(status)) for status in LABELS}
    numbers, percents = {}, {}
    parts = []
    for c in cells:
        if c.target_status:
            target = escape(c.target_status)
        else:
            target = numbers.get(c.target)
            if target is None:
                target = numbers[c.target] = escape(num(c.target))
        if c.actual_status:
            actual = escape(c.actual_status)
        elif c.actual is not None:
            actual = numbers.get(c.actual)
            if actual is None:
                actual = numbers[c.actual] = escape(num(c.actual))
        else:
            actual = no_data
        percent = percents.get(c.percent)
        if percent is None:
            percent = percents[c.percent] = escape(pct(c.percent))
        parts.append(
            '<td class="utrecht-table__cell utrecht-table__cell--numeric-column">%s</td>'
            '<td class="utrecht-table__cell utrecht-table__cell--numeric-column">%s</td>'
            '<td class="utrecht-table__cell">%s %s</td>'
            % (target, actual, percent, badges.get(c.status, ""))
        )
    return mark_safe("".join(parts))  # noqa: S308 - every value above is escaped
