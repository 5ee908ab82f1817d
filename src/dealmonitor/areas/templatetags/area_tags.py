"""`{% deal_area_context deal %}`: the section "Context: cijfers over het gebied" for a page of
a deal (the indicators page includes it beside the population indicators);
`{% figure_value figure %}`: a figure as a Dutch number, or why it is missing."""

from django import template
from django.utils.formats import number_format

from .. import selectors

register = template.Library()


@register.inclusion_tag("areas/partials/context_section.html")
def deal_area_context(deal):
    return {"deal": deal, "context": selectors.deal_context(deal), "link_to_areas": True}


@register.simple_tag
def figure_value(figure):
    if figure.value is None:
        return f"geen cijfer: {figure.missing_reason or 'onbekend'}"
    value = figure.value.normalize()
    places = max(0, -value.as_tuple().exponent)
    return number_format(value, decimal_pos=places, use_l10n=True, force_grouping=True)
