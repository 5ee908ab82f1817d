"""`{% load svg %}`: `{{ x|coord }}` writes a number into an SVG attribute with a decimal
point whatever the page's language; `{{ x|coord:-5 }}` adds an offset first (instead of
`|add`, which drops decimals). See utils/svg.py."""

from django import template

from dealmonitor.utils.svg import number

register = template.Library()


@register.filter
def coord(value, offset=0):
    return number(value, offset)
