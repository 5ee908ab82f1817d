"""`{% form_token "prefix" %}`: the one-time token of a create form written by hand in a
template (ui/concurrency.py); forms rendered with `{{ form }}` get it from GuardedFormMixin."""

import uuid

from django import template
from django.utils.html import format_html

from dealmonitor.ui.concurrency import ONE_TIME_FIELD

register = template.Library()


@register.simple_tag
def form_token(prefix=""):
    name = f"{prefix}-{ONE_TIME_FIELD}" if prefix else ONE_TIME_FIELD
    return format_html('<input type="hidden" name="{}" value="{}">', name, uuid.uuid4())
