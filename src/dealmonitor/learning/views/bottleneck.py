"""Bottlenecks: the programme list, one bottleneck with its status, report and edit."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.utils.params import int_param

from .. import rules as learning_rules
from .. import selectors, services
from ..constants import BottleneckKind, BottleneckStatus
from ..forms import (
    BottleneckForm,
    StatusChangeForm,
)
from .common import can_edit_learning, form_errors, may_edit


# Bottlenecks ------------------------------------------------------------------------------


def bottleneck_list(request):
    filters = {k: request.GET.get(k, "") for k in ("status", "kind")}
    # an id, or no filter (text or an impossible number in the address is ignored)
    ministry = int_param(request.GET, "ministry")
    filters["ministry"] = "" if ministry is None else str(ministry)
    rows = list(selectors.bottlenecks(request.user, filters))
    matrix, totals = selectors.status_matrix(rows)
    return render(request, "learning/bottleneck_list.html", {
        "groups": selectors.bottlenecks_by_ministry(rows),
        "matrix": matrix,
        "totals": totals,
        "statuses": BottleneckStatus.choices,
        "kinds": BottleneckKind.choices,
        "ministries": selectors.ministries_with_bottlenecks(request.user),
        "filters": filters,
        "count": len(rows),
    })


@guarded_post
@deal_view()
def bottleneck_detail(request, deal, pk, status_form=None):
    bottleneck = access.find_row(request.user, selectors.bottleneck_detail_rows(request.user), pk, deal=deal)
    can_edit = can_edit_learning(request, bottleneck.deal)
    if request.method == "POST":
        may_edit(request, deal)
        status_form = StatusChangeForm(request.POST)
        if status_form.is_valid():
            data = status_form.cleaned_data
            try:
                services.change_bottleneck_status(
                    actor=request.user, bottleneck=bottleneck, status=data["status"],
                    date=data["date"], note=data["note"],
                    resolution=data["resolution"] or None,
                )
            except ValidationError as exc:
                form_errors(status_form, exc)
            else:
                messages.success(request, _("The status has been changed."))
                return redirect(bottleneck.get_absolute_url())
    return render(request, "learning/bottleneck_detail.html", {
        "bottleneck": bottleneck,
        "deal": bottleneck.deal,
        "days": bottleneck.days_open(),
        "can_edit": can_edit,
        "status_form": status_form or (StatusChangeForm() if can_edit else None),
        "visible_lessons": [l for l in bottleneck.lessons.all()
                            if learning_rules.can_read_lesson(request.user, l)],
    }, status=400 if status_form is not None and status_form.errors else 200)


def _bottleneck_form(request, deal, bottleneck=None):
    may_edit(request, deal)
    form = BottleneckForm(request.POST or None, instance=bottleneck)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if bottleneck:
                saved = services.update_bottleneck(actor=request.user, bottleneck=bottleneck, **data)
            else:
                saved = services.report_bottleneck(actor=request.user, deal=deal, **data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The bottleneck has been saved."))
            return redirect(saved.get_absolute_url())
    return render(request, "learning/form.html", {
        "deal": deal, "form": form,
        "title": _("Edit bottleneck") if bottleneck else _("Report a bottleneck"),
        "button": _("Save bottleneck"),
        "back": bottleneck.get_absolute_url() if bottleneck else reverse("learning:deal", args=[deal.slug]),
    }, status=400 if form.errors else 200)


@guarded_post
@deal_view()
def bottleneck_create(request, deal):
    return _bottleneck_form(request, deal)


@guarded_post
@deal_view()
def bottleneck_edit(request, deal, pk):
    bottleneck = access.find_row(
        request.user, selectors.visible_bottlenecks(request.user).select_related("deal"), pk, deal=deal
    )
    return _bottleneck_form(request, deal, bottleneck)
