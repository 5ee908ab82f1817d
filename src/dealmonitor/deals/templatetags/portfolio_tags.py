"""`{{ field|option_tags }}`: the options of one of the portfolio's filter lists, built in
Python (deals/portfolio_html.py)."""

from django import template

from dealmonitor.deals.portfolio_html import select_options

register = template.Library()


@register.filter
def option_tags(field):
    return select_options(field)
