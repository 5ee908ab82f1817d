"""`{% web_link address label %}`: a link to an address a user gave (evidence, a source), only
when it is a web address (http or https). Anything else, such as a `javascript:` address stored
before the import refused them, is shown as text and never as a link: nothing is dropped, and
nothing runs."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext as _

register = template.Library()


def is_web_address(value):
    """http:// or https:// at the very start (no space, tab or newline before it)."""
    text = str(value or "").lower()
    return text.startswith(("http://", "https://"))


@register.simple_tag
def web_link(address, label):
    if not address:
        return ""
    if is_web_address(address):
        return format_html('<a class="utrecht-link utrecht-link--html-a" href="{}" '
                           'rel="noopener noreferrer">{}</a>', address, label)
    return format_html('{} <span class="dm-muted">({}: {})</span>', label,
                       _("not a web address, not linked"), address)
