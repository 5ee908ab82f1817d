"""Milestones and experiments of a deal."""

from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.concurrency import guarded_post

from .. import services
from ..models import (
    Experiment,
    Milestone,
)
from .common import deal_item_form, may_edit


# Milestones and experiments -------------------------------------------------------------------


@guarded_post
@deal_view()
def milestone_form(request, deal, pk=None):
    from ..forms import MilestoneForm

    milestone = access.find_row(request.user, Milestone, pk, deal=deal) if pk else None
    may_edit(request, deal)
    return deal_item_form(
        request, deal, MilestoneForm(request.POST or None, instance=milestone),
        lambda data: services.save_milestone(actor=request.user, deal=deal, milestone=milestone, **data),
        _("Edit milestone") if milestone else _("Add a milestone"), _("Save milestone"),
        _("The milestone has been saved."),
        anchor="experimenten",
    )


@guarded_post
@deal_view()
def experiment_form(request, deal, pk=None):
    from ..forms import ExperimentForm

    experiment = access.find_row(request.user, Experiment, pk, deal=deal) if pk else None
    may_edit(request, deal)
    return deal_item_form(
        request, deal, ExperimentForm(request.POST or None, instance=experiment, deal=deal),
        lambda data: services.save_experiment(actor=request.user, deal=deal, experiment=experiment, **data),
        _("Edit experiment") if experiment else _("Add an experiment"), _("Save experiment"),
        _("The experiment has been saved."),
        anchor="experimenten",
    )
