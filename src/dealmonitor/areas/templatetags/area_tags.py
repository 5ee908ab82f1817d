"""`{% deal_area_context deal %}`: the section "Context: figures about the area" for a page of
a deal (the indicators page includes it beside the population indicators);
`{% figure_value figure %}`: a figure as a number in the page's language, or why it is missing;
`rows|join_area_names`: the names of a deal's areas, separated by commas."""

from django import template
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from .. import selectors
from ..constants import MISSING_LABELS

register = template.Library()


@register.inclusion_tag("areas/partials/context_section.html")
def deal_area_context(deal):
    return {"deal": deal, "context": selectors.deal_context(deal), "link_to_areas": True}


@register.simple_tag
def figure_value(figure):
    if figure.value is None:
        reason = figure.missing_reason or "onbekend"
        reason = MISSING_LABELS.get(reason) or (_("unknown") if reason == "onbekend" else reason)
        return _("no figure: %(reason)s") % {"reason": reason}
    value = figure.value.normalize()
    places = max(0, -value.as_tuple().exponent)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)


@register.filter
def join_area_names(rows):
    return ", ".join(row.area.name for row in rows)
