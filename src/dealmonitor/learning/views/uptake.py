"""Uptake of results, deliverables and who adopted them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.concurrency import guarded_post

from .. import rules as learning_rules
from .. import services
from ..forms import (
    AdoptionForm,
    DeliverableForm,
    UptakeForm,
)
from ..models import (
    Deliverable,
)
from .common import form_errors


# Uptake and deliverables ----------------------------------------------------------------------


def _simple_create(request, deal, form, save, title, button, done):
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(reverse("learning:deal", args=[deal.slug]) + "#doorwerking")
    return render(request, "learning/form.html", {
        "deal": deal, "form": form, "title": title, "button": button,
        "back": reverse("learning:deal", args=[deal.slug]),
    }, status=400 if form.errors else 200)


@guarded_post
@deal_view(learning_rules.can_edit_learning)
def uptake_create(request, deal):
    return _simple_create(
        request, deal, UptakeForm(request.POST or None, deal=deal),
        lambda data: services.save_uptake(actor=request.user, deal=deal, **data),
        _("Record uptake"), _("Save uptake"), _("The uptake has been saved."),
    )


@guarded_post
@deal_view(learning_rules.can_edit_learning)
def deliverable_create(request, deal):
    return _simple_create(
        request, deal, DeliverableForm(request.POST or None),
        lambda data: services.save_deliverable(actor=request.user, deal=deal, **data),
        _("Add a deliverable"), _("Save deliverable"), _("The deliverable has been saved."),
    )


@guarded_post
@deal_view()
def adoption_create(request, deal, pk):
    deliverable = access.find_row(request.user, Deliverable.objects.select_related("deal"), pk,
                                  learning_rules.can_edit_learning, deal=deal)
    return _simple_create(
        request, deal, AdoptionForm(request.POST or None, user=request.user),
        lambda data: services.add_adoption(actor=request.user, deliverable=deliverable, **data),
        _("Who adopted %(name)s?") % {"name": deliverable.name}, _("Save adopter"),
        _("The adopter has been saved."),
    )
