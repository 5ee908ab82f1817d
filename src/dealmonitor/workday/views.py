"""Mijn deals (the start page after signing in) and the page for a new deal."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from dealmonitor.deals import rules as deal_rules
from dealmonitor.deals.access import allowed, require
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.ui.forms import add_service_errors

from . import selectors, services
from .forms import NewDealForm


def mine(request):
    """The user's deals and what is due in each; for programme staff also the portfolio's
    deals behind on reporting and rounds nobody has answered."""
    require(request.user, deal_rules.is_signed_in)
    today = timezone.localdate()
    deals = selectors.my_deals(request.user, today)
    for item in deals:
        item.can_edit = allowed(request.user, deal_rules.can_edit_deal_data, item.deal)
    return render(request, "workday/mine.html", {
        "deals": deals,
        "portfolio": selectors.portfolio_due(request.user, today),
        "today": today,
    })


@guarded_post
def new_deal(request):
    """A new deal (programme administrator): name, kind, dates, themes and team."""
    require(request.user, deal_rules.can_import_deals)
    form = NewDealForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        fields = {k: data[k] for k in ("name", "kind", "other_kind", "description",
                                       "signing_date", "end_date", "phase", "themes")}
        try:
            deal = services.open_deal(actor=request.user, dealmakers=data["dealmakers"],
                                      team=data["team"], **fields)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _(
                "The deal has been made, unpublished, with an empty impact pathway. "
                "Record its start conversation now."))
            return redirect("learning:start_conversation", slug=deal.slug)
    return render(request, "workday/new_deal.html", {"form": form},
                  status=400 if form.is_bound else 200)
