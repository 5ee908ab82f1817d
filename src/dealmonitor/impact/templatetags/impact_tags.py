from decimal import Decimal

from django import template
from django.utils.formats import number_format

from ..constants import Level, Status

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
