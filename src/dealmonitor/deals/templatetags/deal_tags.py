"""`{% deal_tabs current %}`: the tabs of a deal's pages, built in Python (deals/deal_html.py)."""

from django import template

from dealmonitor.deals.deal_html import deal_tabs as tabs_html

register = template.Library()


@register.simple_tag(takes_context=True)
def deal_tabs(context, current=""):
    deal, user = context["deal"], context.get("user")
    can_see_changes = hasattr(user, "has_perm") and user.has_perm("deals.view_internal", deal)
    return tabs_html(deal, current, can_see_changes=can_see_changes)
