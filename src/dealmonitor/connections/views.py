from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.ui.forms import BlankFormsByPrefix

from . import cop, network as partner_network, related_html, selectors, services
from . import rules as connection_rules
from .forms import (
    ConfirmForm,
    DismissForm,
    EventConnectionForm,
    EventForm,
    LessonForm,
    NetworkFilterForm,
)
from .models import CommunityEvent


def overview(request):
    return render(request, "connections/overview.html", {
        "confirmed": selectors.confirmed_connections(request.user),
        "deals": selectors.deal_choices(request.user),
    })


@deal_view()
def deal_related(request, deal):
    return _related_page(request, deal)


def _related_page(request, deal, forms_for=None, status=200):
    related = selectors.related_for_deal(request.user, deal)
    can_decide = access.allowed(request.user, connection_rules.can_decide_connection, (deal, deal))
    forms_for = forms_for or {}
    if can_decide:
        blank_confirm, blank_dismiss = BlankFormsByPrefix(ConfirmForm), BlankFormsByPrefix(DismissForm)
        for item in related["items"]:
            prefix = item.other.slug
            item.confirm_form, item.dismiss_form = forms_for.get(
                item.other.pk, (blank_confirm(prefix), blank_dismiss(prefix))
            )
    # One token for the whole page, as the template's own {% csrf_token %}s would share it.
    csrf_token = get_token(request)
    items_html = related_html.ItemList(deal, can_decide=can_decide, csrf_token=csrf_token)
    return render(request, "connections/deal_related.html", {
        "deal": deal, "items": related["items"], "dismissed": related["dismissed"],
        "can_decide": can_decide, "item_rows": items_html(related["items"]),
        "csrf_token": csrf_token,
    }, status=status)


@require_POST
@guarded_post
@deal_view()
def decide(request, deal, other):
    other_deal = access.find_deal(request.user, other)
    access.require(request.user, connection_rules.can_decide_connection, (deal, other_deal))
    action = request.POST.get("action")
    try:
        if action == "withdraw":
            services.withdraw_decision(actor=request.user, deal=deal, other=other_deal)
            messages.success(request, _("The decision has been withdrawn."))
            return redirect("connections:deal", slug=deal.slug)
        if action == "confirm":
            form = ConfirmForm(request.POST, prefix=other_deal.slug)
            if form.is_valid():
                services.confirm_connection(
                    actor=request.user, deal=deal, other=other_deal,
                    kind=form.cleaned_data["kind"], note=form.cleaned_data["note"],
                )
                messages.success(request, _("The connection has been confirmed."))
                return redirect("connections:deal", slug=deal.slug)
            forms = {other_deal.pk: (form, DismissForm(prefix=other_deal.slug))}
        elif action == "dismiss":
            form = DismissForm(request.POST, prefix=other_deal.slug)
            if form.is_valid():
                services.dismiss_connection(
                    actor=request.user, deal=deal, other=other_deal,
                    reason=form.cleaned_data["reason"],
                )
                messages.success(request, _("The suggestion has been dismissed."))
                return redirect("connections:deal", slug=deal.slug)
            forms = {other_deal.pk: (ConfirmForm(prefix=other_deal.slug), form)}
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("connections:deal", slug=deal.slug)
    return _related_page(request, deal, forms_for=forms, status=400)


def network(request):
    visible = access.visible_deals(request.user)
    themes = selectors.themes_in_use(visible)
    form = NetworkFilterForm(request.GET or None, deals=selectors.deal_choices(request.user),
                             themes=themes, types=partner_network.type_labels().items())
    choice = form.cleaned_data if form.is_bound and form.is_valid() else {}
    deals = selectors.network_deals(request.user, choice.get("theme"))
    focus = None
    if choice.get("deal"):
        focus = access.find_deal(request.user, choice["deal"])
    data, picture = partner_network.cached_view(
        deals, org_type=choice.get("type", ""), focus=focus.pk if focus else None)
    if focus is not None and focus.pk not in data.deals:  # the theme leaves it out
        focus = None
    deal_rows = sorted(data.deals.items(), key=lambda kv: (kv[1]["community"], kv[1]["name"]))
    type_names = partner_network.type_labels()
    organisations = [
        dict(o, type_label=type_names.get(o["type"], o["type"]))
        for o in data.organisations if not choice.get("type") or o["type"] == choice["type"]
    ]
    return render(request, "connections/network.html", {
        "network": data,
        "form": form,
        "focus": focus,
        "picture": picture,
        "deal_rows": [dict(row, pk=pk) for pk, row in deal_rows],
        "organisations_by_type": selectors.group_by_type(organisations),
        "bridging": organisations[:15],
        "communities": [[data.deals[pk]["name"] for pk in c] for c in data.communities
                        if len(c) > 1],
        "max_deals": partner_network.MAX_DRAWN_DEALS,
    }, status=400 if form.is_bound and not form.is_valid() else 200)


@guarded_post
def events(request):
    can_manage = access.allowed(request.user, connection_rules.can_manage_events)
    form = None
    if can_manage:
        form = EventForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            event = services.create_event(actor=request.user, **form.cleaned_data)
            messages.success(request, _("The event has been created."))
            return redirect("connections:event", pk=event.pk)
    elif request.method == "POST":
        access.require(request.user, connection_rules.can_manage_events)
    return render(request, "connections/events.html", {
        "events": selectors.events(request.user), "form": form, "can_manage": can_manage,
    }, status=400 if form is not None and form.is_bound else 200)


@guarded_post
def event_detail(request, pk):
    try:
        detail = selectors.event_detail(request.user, pk)
    except CommunityEvent.DoesNotExist:
        raise Http404 from None
    event, deals = detail["event"], detail["deals"]
    can_manage = access.allowed(request.user, connection_rules.can_manage_events)
    lesson_form = LessonForm(event=event) if can_manage else None
    connection_form = EventConnectionForm(event=event) if can_manage else None
    status = 200
    if request.method == "POST":
        access.require(request.user, connection_rules.can_manage_events)
        action = request.POST.get("action")
        if action == "seating":
            services.save_seating(actor=request.user, event=event,
                                  tables=cop.propose_seating(deals))
            messages.success(request, _("The seating plan has been saved."))
            return redirect("connections:event", pk=event.pk)
        if action == "lesson":
            lesson_form = LessonForm(request.POST, event=event)
            if lesson_form.is_valid():
                services.record_event_lesson(actor=request.user, event=event,
                                             **lesson_form.cleaned_data)
                messages.success(request, _("The lesson has been recorded."))
                return redirect("connections:event", pk=event.pk)
        elif action == "connection":
            connection_form = EventConnectionForm(request.POST, event=event)
            if connection_form.is_valid():
                services.record_event_connection(actor=request.user, event=event,
                                                 **connection_form.cleaned_data)
                messages.success(request, _("The connection has been recorded."))
                return redirect("connections:event", pk=event.pk)
        status = 400
    return render(request, "connections/event_detail.html", {
        "event": event,
        "deals": deals,
        "groups": cop.group_by_phase(deals, today=event.date),
        "proposed": cop.propose_seating(deals),
        "saved_tables": detail["tables"],
        "buddies": cop.propose_buddies(deals, today=event.date),
        "lessons": detail["lessons"],
        "connections": detail["connections"],
        "can_manage": can_manage,
        "lesson_form": lesson_form,
        "connection_form": connection_form,
    }, status=status)
