"""A deal's learning page."""

from django.shortcuts import render

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view

from .. import rules as learning_rules
from .. import selectors
from .common import can_edit_learning


# A deal's learning page -------------------------------------------------------------------


@deal_view()
def deal_learning(request, deal):
    context = selectors.deal_learning(request.user, deal)
    context.update({
        "deal": deal,
        "can_edit": can_edit_learning(request, deal),
        "can_read_rounds": access.allowed(request.user, learning_rules.can_read_assessment, deal),
        "open_round": next((r for r in context["rounds"] if r.is_open), None),
    })
    return render(request, "learning/deal.html", context)
