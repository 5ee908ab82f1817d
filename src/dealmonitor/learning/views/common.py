"""Helpers the learning pages share."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from dealmonitor.deals import access
from dealmonitor.ui.forms import add_service_errors as form_errors  # noqa: F401 (used by the pages)

from .. import rules as learning_rules


def may_edit(request, deal):
    access.require(request.user, learning_rules.can_edit_learning, deal)


def can_edit_learning(request, deal):
    return access.allowed(request.user, learning_rules.can_edit_learning, deal)


def deal_item_form(request, deal, form, save, title, button, done, anchor):
    """A simple form that adds or changes one item of a deal's learning page and returns to
    its section (`anchor`)."""
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(reverse("learning:deal", args=[deal.slug]) + f"#{anchor}")
    return render(request, "learning/form.html", {
        "deal": deal, "form": form, "title": title, "button": button,
        "back": reverse("learning:deal", args=[deal.slug]),
    }, status=400 if form.errors else 200)
