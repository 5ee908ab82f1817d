"""The scaling plan and the start conversation, revisited yearly."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.deals.internal import public_fields

from .. import rules as learning_rules
from .. import services
from ..models import (
    ScalingPlan,
    StartConversation,
)
from .common import can_edit_learning, form_errors, may_edit


# Scaling plan and start conversation ----------------------------------------------------------


def _revisit_page(request, deal, *, model, form_class, save, template, done):
    current = model.objects.filter(deal=deal).first()
    can_edit = can_edit_learning(request, deal)
    form = None
    if request.method == "POST":
        may_edit(request, deal)
        form = form_class(request.POST, instance=current or model(deal=deal))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items()}
            try:
                save(actor=request.user, deal=deal, **data)
            except ValidationError as exc:
                form_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect(request.path)
    elif can_edit:
        form = form_class(instance=current)
    history = list(current.history.order_by("-history_date")[:10]) if current else []
    internal = access.allowed(request.user, learning_rules.can_view_internal, deal)
    shown = [name for name in form_class._meta.fields if name != "reviewed_on"]
    if not internal:
        shown = public_fields(model, shown)
    return render(request, template, {
        "deal": deal, "current": current, "form": form, "can_edit": can_edit,
        "tab": "scaling_plan" if model is ScalingPlan else "learning",
        "due": current.revisit_due() if current else False,
        "versions": history,
        "rows": [_display(current, name) for name in shown] if current else [],
        # Stances are internal (deals/internal.py): the hints only for those who may see them.
        "participations": deal.participations.select_related("organisation").filter(
            Q(kind="opschalingspartner") | Q(stance="weerstand")
        ) if model is ScalingPlan and internal else [],
    }, status=400 if form is not None and form.errors else 200)


def _display(instance, name):
    field = instance._meta.get_field(name)
    value = getattr(instance, f"get_{name}_display")() if field.choices else getattr(instance, name)
    return {"name": name, "label": field.verbose_name, "value": value}


@guarded_post
@deal_view()
def scaling_plan(request, deal):
    from ..forms import ScalingPlanForm

    return _revisit_page(request, deal, model=ScalingPlan, form_class=ScalingPlanForm,
                         save=services.save_scaling_plan, template="learning/scaling_plan.html",
                         done=_("The scaling plan has been saved."))


@guarded_post
@deal_view()
def start_conversation(request, deal):
    from ..forms import StartConversationForm

    return _revisit_page(request, deal, model=StartConversation, form_class=StartConversationForm,
                         save=services.save_start_conversation, template="learning/start_conversation.html",
                         done=_("The start conversation has been saved."))
