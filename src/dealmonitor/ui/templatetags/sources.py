"""`{% sources_inline x.sources.all %}`: the sources of a fact, inline, built in Python. The
same output as ui/partials/sources.html, which pages include once; inside a loop (every
partner, role and result of a deal page) an include costs a template context and a render
per row, this costs a string join."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()


def _one(source):
    if source.is_web:
        return format_html('<a class="utrecht-link utrecht-link--html-a" href="{}" rel="noopener" '
                           'title="{}">{}</a>', source.reference, source.reference, source.host)
    if source.seed_name:
        return format_html("{}", _("source article %(name)s") % {"name": source.seed_name})
    return format_html("{}", source.reference)


@register.simple_tag
def sources_inline(sources):
    return mark_safe(", ".join(_one(s) for s in sources))  # noqa: S308 - each part is escaped
