"""Uptake of results, deliverables and who adopted them."""

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
from .common import deal_item_form


# Uptake and deliverables ----------------------------------------------------------------------


@guarded_post
@deal_view(learning_rules.can_edit_learning)
def uptake_create(request, deal):
    return deal_item_form(
        request, deal, UptakeForm(request.POST or None, deal=deal),
        lambda data: services.save_uptake(actor=request.user, deal=deal, **data),
        _("Record uptake"), _("Save uptake"), _("The uptake has been saved."),
        anchor="doorwerking",
    )


@guarded_post
@deal_view(learning_rules.can_edit_learning)
def deliverable_create(request, deal):
    return deal_item_form(
        request, deal, DeliverableForm(request.POST or None),
        lambda data: services.save_deliverable(actor=request.user, deal=deal, **data),
        _("Add a deliverable"), _("Save deliverable"), _("The deliverable has been saved."),
        anchor="doorwerking",
    )


@guarded_post
@deal_view()
def adoption_create(request, deal, pk):
    deliverable = access.find_row(request.user, Deliverable.objects.select_related("deal"), pk,
                                  learning_rules.can_edit_learning, deal=deal)
    return deal_item_form(
        request, deal, AdoptionForm(request.POST or None, user=request.user),
        lambda data: services.add_adoption(actor=request.user, deliverable=deliverable, **data),
        _("Who adopted %(name)s?") % {"name": deliverable.name}, _("Save adopter"),
        _("The adopter has been saved."),
        anchor="doorwerking",
    )
