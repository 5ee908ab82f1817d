"""`{{ sources|named_sources }}`: sources by title and address (ui/sources.py), for lists of
sources in reports; `{{ source|source_title }}` for one."""

from django import template

from dealmonitor.ui import sources

register = template.Library()


@register.filter
def named_sources(value):
    return sources.named_sources(value or [])


@register.filter
def source_title(source):
    return sources.name_source(getattr(source, "reference", source)).title
