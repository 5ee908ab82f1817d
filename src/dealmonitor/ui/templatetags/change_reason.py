"""`{% change_reason_fields %}`: the optional reason for a change, on every edit form.

The fields (`change_reason`, a code from the short list, and `change_reason_text`) are read by
`utils.change_reason.ChangeReasonMiddleware`, which gives every history entry of the request
that reason; forms and services need not know about them.
"""

import functools

from django import template
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import get_language

from dealmonitor.utils.change_reason import CHOICES, TEXT_MAX_LENGTH

register = template.Library()

TEMPLATE = "ui/partials/change_reason.html"


@register.simple_tag(takes_context=True)
def change_reason_fields(context, prefix="reden", key=None):
    """`prefix` (and `key`, e.g. a row's pk) keep the ids unique when a page has several
    forms. Empty (not coming back from a POST), the fields are the same for every request
    with the same ids and language, so they are rendered once per process (`_blank`)."""
    request = context.get("request")
    posted = request.POST if request is not None and request.method == "POST" else {}
    prefix = f"{prefix}-{key}" if key is not None else prefix
    chosen, text = posted.get("change_reason", ""), posted.get("change_reason_text", "")
    if not chosen and not text:
        return _blank(prefix, get_language())
    return _fields(prefix, chosen, text)


def _fields(prefix, chosen, text):
    return render_to_string(TEMPLATE, {
        "prefix": prefix, "choices": CHOICES, "chosen": chosen, "text": text,
        "max_length": TEXT_MAX_LENGTH,
    })


@functools.lru_cache(maxsize=256)
def _blank(prefix, language):
    with translation.override(language):
        return _fields(prefix, "", "")
