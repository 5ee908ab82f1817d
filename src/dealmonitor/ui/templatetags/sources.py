"""Sources as a reader sees them (ui/sources.py): by title and address, never by key.

- `{{ sources|named_sources }}`: the list of titles and addresses, for reports;
- `{{ source|source_title }}`: one source's title;
- `{% sources_inline x.sources.all %}`: the sources of a fact, inline, built in Python. The
  same output as ui/partials/sources.html, which pages include once; inside a loop (every
  partner, role and result of a deal page) an include costs a template context and a render
  per row, this costs a string join.
"""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from dealmonitor.ui import sources

register = template.Library()


@register.filter
def named_sources(value):
    return sources.named_sources(value or [])


@register.filter
def source_title(source):
    return sources.name_source(getattr(source, "reference", source)).title


def _one(source):
    title = source_title(source)
    if source.is_web:
        return format_html('<a class="utrecht-link utrecht-link--html-a" href="{}" rel="noopener" '
                           'title="{}">{}</a>', source.reference, title, source.host)
    return format_html("{}", title)


@register.simple_tag
def sources_inline(value):
    return mark_safe(", ".join(_one(s) for s in value))  # noqa: S308 - each part is escaped
