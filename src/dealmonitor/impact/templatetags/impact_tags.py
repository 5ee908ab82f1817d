import html
from decimal import Decimal

from django import template
from django.conf import settings
from django.utils import numberformat
from django.utils.formats import get_format, number_format
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

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


def _number_format(value, decimal_pos):
    return number_format(value, decimal_pos=decimal_pos, use_l10n=True)


def _num(value, fmt):
    if value is None or value == "":
        return ""
    value = Decimal(value)
    text = f"{value.normalize():f}"
    decimals = len(text.split(".")[1]) if "." in text else 0
    return fmt(value, min(decimals, 2))


def _pct(value, fmt):
    if value is None:
        return ""
    return fmt(Decimal(value).quantize(ONE), 0) + " %"


ONE = Decimal(1)


@register.filter
def num(value):
    """A number without trailing zeros, in the active language's format; '' for None."""
    return _num(value, _number_format)


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
    return _pct(value, _number_format)


# Below this a figure shows as 0 with that many decimals (as numberformat.format decides)
CUTOFFS = {0: Decimal("0.1"), 1: Decimal("0.1"), 2: Decimal("0.01")}


# Texts of figures kept between pages by `Numbers`, per set of formats; started afresh past
# this many (a few megabytes).
_KEPT = {}
MAX_KEPT_TEXTS = 50_000


class Numbers:
    """`num` and `pct` of many numbers (the performance table has thousands), with the same
    texts, escaped: the active language's formats are read once, not for every number as
    `number_format` does, and each distinct figure (each whole percentage) is formatted once
    (and escaped as plain text, for a page built in Python).
    Without thousands separators (the project's setting) a decimal figure is written here
    directly, the way numberformat.format writes it (impact/tests/test_numbers.py holds the
    two to the same text); anything else goes through `num`'s own steps."""

    def __init__(self):
        lang = get_language()
        decimal_mark, grouping, thousands = (get_format(name, lang, use_l10n=True) for name in (
            "DECIMAL_SEPARATOR", "NUMBER_GROUPING", "THOUSAND_SEPARATOR"))

        def fmt(value, decimal_pos):  # what number_format does, with the formats above
            return numberformat.format(value, decimal_mark, decimal_pos, grouping, thousands,
                                       use_l10n=True)

        self.fmt = fmt
        self.decimal_mark = decimal_mark
        self.direct = not settings.USE_THOUSAND_SEPARATOR
        # The texts of Decimal figures and whole percentages are kept between pages, per set
        # of formats: a 200-indicator table has some 2,000 distinct figures, formatting them
        # took most of its rendering, and the next view of the page shows the same ones.
        # Kept by the Decimal's text, not its value: equal values can be written otherwise
        # (1 and 1.000…0 with 250 zeros, 0 and -0); ints and floats only within the page.
        key = (decimal_mark, tuple(grouping) if isinstance(grouping, list) else grouping, thousands,
               self.direct)
        kept = _KEPT.get(key)
        if kept is None or len(kept[0]) + len(kept[1]) > MAX_KEPT_TEXTS:
            kept = _KEPT[key] = ({}, {})
        self.decimals, self.percents = kept
        self.numbers = {}

    def num(self, value):
        if type(value) is Decimal:
            key, texts = str(value), self.decimals
        else:
            key, texts = value, self.numbers
        text = texts.get(key)
        if text is None:
            text = texts[key] = html.escape(self._num(value))
        return text

    def _num(self, value):
        if not (self.direct and isinstance(value, Decimal) and value.is_finite()):
            return _num(value, self.fmt)
        normal = f"{value.normalize():f}"  # (rounded to the context's precision, as in `num`)
        point = normal.find(".")
        decimals = min(len(normal) - point - 1, 2) if point >= 0 else 0
        if abs(value) < CUTOFFS[decimals]:
            return "0" + (self.decimal_mark + "0" * decimals if decimals else "")
        _sign, digits, exponent = value.as_tuple()
        if abs(exponent) + len(digits) > 200:  # numberformat writes these with an exponent
            return _num(value, self.fmt)
        text = f"{value:f}"
        whole, _point, fraction = text.partition(".")
        if not decimals:
            return whole
        # the decimals cut (not rounded), as numberformat does
        return whole + self.decimal_mark + fraction[:decimals].ljust(decimals, "0")

    def pct(self, value):
        if value is None:
            return ""
        whole = Decimal(value).quantize(ONE)  # pct shows whole percentages: one text for each
        key = str(whole)
        text = self.percents.get(key)
        if text is None:
            text = self.percents[key] = html.escape(_pct(whole, self.fmt))
        return text


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
