"""`{% change_reason_fields %}`: the optional reason for a change, on every edit form.

The fields (`change_reason`, a code from the short list, and `change_reason_text`) are read by
`utils.change_reason.ChangeReasonMiddleware`, which gives every history entry of the request
that reason; forms and services need not know about them.
"""

from django import template

from dealmonitor.utils.change_reason import CHOICES, TEXT_MAX_LENGTH

register = template.Library()


@register.inclusion_tag("ui/partials/change_reason.html", takes_context=True)
def change_reason_fields(context, prefix="reden", key=None):
    """`prefix` (and `key`, e.g. a row's pk) keep the ids unique when a page has several
    forms."""
    request = context.get("request")
    posted = request.POST if request is not None and request.method == "POST" else {}
    return {
        "prefix": f"{prefix}-{key}" if key is not None else prefix,
        "choices": CHOICES,
        "chosen": posted.get("change_reason", ""),
        "text": posted.get("change_reason_text", ""),
        "max_length": TEXT_MAX_LENGTH,
    }
