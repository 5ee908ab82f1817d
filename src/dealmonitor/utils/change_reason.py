"""Why a change was made: a reason from a short list plus free text, kept with every history
entry (django-simple-history's `history_change_reason`).

Where the reason comes from, strongest first:

1. the request: every edit form posts `change_reason` (a code below) and `change_reason_text`
   (free text), see the partial `ui/partials/change_reason.html`; an API client sends the
   header `X-Change-Reason: <code>; <free text>` (or `<free text>` alone) or the body fields
   `change_reason` / `change_reason_text` (`ChangeReasonMiddleware`);
2. code that sets one for a block: `with change_reason("correctie", "typfout")`;
3. the service's own reason (`instance._change_reason`, e.g. `import`).

A service's own reason is stored in one fixed English form (SERVICE_REASONS, or a fixed start
and a part of its own: SERVICE_REASON_STARTS, `confirmed from cd-ander`), never in the writer's
language, and translated when it is shown (`reason_parts`): a log written by one user is read
by others, in Dutch or in English.

When both the user's reason and a service's own reason exist, both are kept:
`correctie: typfout (import)`. A reason is stored as `<code>: <text>`, at most 100
characters (the column's size); `reason_parts()` splits it again for display.
"""

import contextvars
from contextlib import contextmanager

from django import forms
from django.dispatch import receiver
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from simple_history.signals import pre_create_historical_record

MAX_LENGTH = 100  # simple-history's history_change_reason column
# Room for the free text next to the longest code ("aangepaste-planning: ").
TEXT_MAX_LENGTH = 78

# The short list. Codes are stored; labels are shown (translated).
REASONS = {
    "aangepaste-planning": _("revised planning"),
    "nieuwe-informatie": _("new information"),
    "correctie": _("correction"),
    "verificatie": _("after verification"),
    "herstel": _("earlier value restored"),
    "anders": _("other"),
}
# Reasons the user can choose on a form (restoring has its own button).
CHOICES = [(code, label) for code, label in REASONS.items() if code != "herstel"]
# Reasons services give themselves: stored as the key, shown as the (translated) label.
SERVICE_REASONS = {
    "import": _("import"),
    "demo": _("demo data"),
    "demo account": _("demo account"),
    "phase": _("phase change"),
    "new evidence": _("new evidence"),
    "status change": _("status change"),
    "closed": _("round closed"),
    "revisit": _("revisited"),
    "new version": _("new version"),
    "created": _("created"),
    "deals": _("taking part changed"),
    "seating": _("seating plan"),
    "seating replaced": _("seating plan replaced"),
    "new deal": _("new deal"),
    "created in the app": _("created in the app"),
}
# Reasons services give themselves with a part of their own after a fixed start (a deal's
# slug, a note): (start, label, whether the part goes into the label as %(rest)s or is shown
# after it as free text).
SERVICE_REASON_STARTS = (
    ("confirmed from ", _("connection confirmed from %(rest)s"), True),
    ("dismissed from ", _("connection dismissed from %(rest)s"), True),
    ("withdrawn from ", _("connection decision withdrawn from %(rest)s"), True),
    ("sent back: ", _("sent back"), False),
    ("merge: ", _("organisations merged"), False),
    ("merge undone: ", _("merge undone"), False),
)

_current = contextvars.ContextVar("dealmonitor_change_reason", default="")


def compose(code="", text=""):
    """`<code>: <text>` (or either alone), cut to the column's size. An unknown code is kept
    as text, so nothing the user wrote is lost."""
    code = (code or "").strip()
    text = " ".join((text or "").split())
    if code and code not in REASONS:
        code, text = "", f"{code} {text}".strip()
    reason = f"{code}: {text}" if code and text else code or text
    return reason[:MAX_LENGTH]


def from_header(value):
    """`X-Change-Reason: correctie; typfout in het bedrag` (or free text alone)."""
    value = (value or "").strip()
    if ";" in value:
        code, text = value.split(";", 1)
        if code.strip() in REASONS:
            return compose(code.strip(), text)
    if value in REASONS:
        return compose(value)
    return compose("", value)


def reason_parts(reason):
    """(label or None, free text) of a stored reason, for display: the user's reason code as
    its label, a service's own reason translated (also where it follows the user's reason in
    brackets: `correctie: typfout (import)`), free text as written."""
    reason = reason or ""
    code, sep, text = reason.partition(":")
    if code in REASONS:
        return REASONS[code], _with_service_reason(text.strip())
    if reason in REASONS:
        return REASONS[reason], ""
    code, bracket, own = reason.partition(" (")
    if code in REASONS and own.endswith(")"):  # a reason code chosen without text
        return REASONS[code], _line(*(service_reason(own[:-1]) or (None, own[:-1])))
    return service_reason(reason) or (None, reason)


def reason_shown(reason):
    """A stored reason as one line of text in the reader's language (`reason_parts` joined)."""
    label, text = reason_parts(reason)
    return _line(label and capfirst(label), text)


def service_reason(reason):
    """(label, free text) of a service's own reason, None for any other text."""
    if reason in SERVICE_REASONS:
        return SERVICE_REASONS[reason], ""
    for start, label, in_label in SERVICE_REASON_STARTS:
        rest = reason[len(start):].strip() if reason.startswith(start) else ""
        if rest:
            return (label % {"rest": rest}, "") if in_label else (label, rest)
    return None


def _with_service_reason(text):
    """The user's free text with a service's reason at its end in brackets translated."""
    if not text.endswith(")") or " (" not in text:
        return text
    head, _bracket, own = text.rpartition(" (")
    found = service_reason(own[:-1])
    if found is None:
        return text
    return f"{head} ({_line(*found)})"


def _line(label, text):
    """`label: text`, or whichever of the two there is."""
    if label and text:
        return f"{label}: {text}"
    return str(label or text)


def current():
    return _current.get()


@contextmanager
def change_reason(code="", text=""):
    """Give every history entry written inside the block this reason."""
    token = _current.set(compose(code, text))
    try:
        yield
    finally:
        _current.reset(token)


def _from_request(request):
    reason = getattr(request, "_dm_change_reason", None)
    if reason is not None:
        return reason
    reason = ""
    header = request.headers.get("X-Change-Reason")
    if header:
        reason = from_header(header)
    elif request.method in ("POST", "PUT", "PATCH", "DELETE"):
        data = request.POST if request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"
        ) else _json_body(request)
        if data.get("change_reason") or data.get("change_reason_text"):
            reason = compose(data.get("change_reason", ""), data.get("change_reason_text", ""))
    request._dm_change_reason = reason
    return reason


def _json_body(request):
    if request.content_type != "application/json":
        return {}
    import json

    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if k in ("change_reason", "change_reason_text")
            and isinstance(v, str)}


class ChangeReasonMiddleware:
    """Makes the user's reason (form fields, API header or body) the reason of every history
    entry the request writes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method in ("POST", "PUT", "PATCH", "DELETE"):
            token = _current.set(_from_request(request))
            try:
                return self.get_response(request)
            finally:
                _current.reset(token)
        return self.get_response(request)


@receiver(pre_create_historical_record)
def _fill_reason(sender, history_instance, **kwargs):
    own = history_instance.history_change_reason or ""
    chosen = _current.get()
    if chosen and own and own != chosen:
        reason = f"{chosen} ({own})"
    else:
        reason = chosen or own
    history_instance.history_change_reason = reason[:MAX_LENGTH] or None


def openapi_parameter():
    """The optional `X-Change-Reason` header, for the OpenAPI document of a write endpoint:
    `@extend_schema(parameters=[change_reason.openapi_parameter()])`."""
    from drf_spectacular.utils import OpenApiParameter

    codes = ", ".join(code for code, _label in CHOICES)
    return OpenApiParameter(
        name="X-Change-Reason", location=OpenApiParameter.HEADER, required=False, type=str,
        description=(
            "Why this change is made, kept in the deal's change log: a reason code "
            f"({codes}), optionally followed by '; ' and free text, or free text alone. "
            "The JSON body fields change_reason and change_reason_text do the same."
        ),
    )


class ReasonModelForm(forms.ModelForm):
    """The admin's model forms with the two reason fields declared (not model fields)."""

    change_reason = forms.ChoiceField(label=_("Reason"), required=False,
                                      choices=[("", "—"), *CHOICES])
    change_reason_text = forms.CharField(label=_("Explanation"), required=False,
                                         max_length=TEXT_MAX_LENGTH)


class ChangeReasonAdminMixin:
    """For a ModelAdmin: the same optional reason as on every other edit form, in its own
    fieldset at the end of the change form. The middleware reads the two fields, as for any
    form."""

    form = ReasonModelForm
    reason_fieldset_title = _("Reason for this change (optional)")

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (name, {**options, "fields": [f for f in options["fields"]
                                          if f not in ("change_reason", "change_reason_text")]})
            for name, options in super().get_fieldsets(request, obj)
        ]
        return [*fieldsets, (self.reason_fieldset_title,
                             {"fields": ["change_reason", "change_reason_text"]})]
