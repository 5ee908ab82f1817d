"""The repeated markup of a deal's pages built in Python (deals/deal_html.py): `{% deal_tabs current %}`,
`{% fact_sources fact %}`, `{% bar_chart bars label %}`."""

from django import template

from dealmonitor.deals import deal_html

register = template.Library()


@register.simple_tag(takes_context=True)
def deal_tabs(context, current=""):
    deal, user = context["deal"], context.get("user")
    can_see_changes = hasattr(user, "has_perm") and user.has_perm("deals.view_internal", deal)
    return deal_html.deal_tabs(deal, current, can_see_changes=can_see_changes)


@register.simple_tag
def fact_sources(fact):
    """`{% fact_sources facts.status %}`: a fact's date, confidence and note (deal page)."""
    return deal_html.fact_sources(fact)


@register.simple_tag
def bar_chart(bars, chart_label):
    """`{% bar_chart bars label %}`: a bar chart with its text alternative (deal page)."""
    return deal_html.bar_chart(bars, chart_label)
