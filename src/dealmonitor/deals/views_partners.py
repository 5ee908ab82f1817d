"""A deal's partners, managed by its team in the app: the list, adding a registered
organisation (found while typing) or a new one (with a warning about likely duplicates),
changing a participation, and a partner member's own commitment and contact."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.ui.forms import add_service_errors

from . import access, selectors, services, services_partners
from . import rules as deal_rules
from .access import deal_view
from .forms_partners import AddPartnerForm, CommitmentForm, EditParticipationForm
from .models import Participation


def _own_organisations(user, deal):
    return set(deal_rules.partner_organisations(user, deal))


@guarded_post
@deal_view(detail=True)
def partners(request, deal):
    can_edit = access.allowed(request.user, deal_rules.can_edit_deal_data, deal)
    can_see_internal = access.allowed(request.user, deal_rules.can_view_internal, deal)
    form, status = None, 200
    if request.method == "POST":
        access.require(request.user, deal_rules.can_edit_deal_data, deal)
        form = AddPartnerForm(request.POST)
        if form.is_valid():
            organisation = None
            if form.cleaned_data["organisation"]:
                organisation = next((o for o in selectors.search_organisations(
                    request.user, form.cleaned_data["organisation"], limit=50)
                    if form.cleaned_data["organisation"] in (o.slug, o.name)), None)
                if organisation is None:
                    form.add_error("organisation", _("Pick an organisation from the list, or give a new one's name below."))
            if not form.errors:
                try:
                    row = services_partners.add_partner(
                        actor=request.user, deal=deal, organisation=organisation,
                        new_organisation=None if organisation else form.new_organisation(),
                        confirmed=form.cleaned_data["confirm_similar"],
                        **form.participation_fields())
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("%(name)s has been added to the partners.") % {
                        "name": row.organisation.name})
                    return redirect(reverse("deals:partners", args=[deal.slug]) + f"#partner-{row.pk}")
        status = 400
    elif can_edit:
        form = AddPartnerForm()
    return render(request, "deals/partners.html", {
        "deal": deal, "current": "partners", "participations": selectors.deal_partners(deal),
        "can_edit": can_edit, "can_see_internal": can_see_internal, "form": form,
        "own": _own_organisations(request.user, deal),
    }, status=status)


@deal_view(deal_rules.can_edit_deal_data)
def organisation_options(request, deal):
    """The registered organisations that match what was typed (htmx, or a plain GET), and a
    warning when a new name resembles a registered one."""
    text = request.GET.get("organisation", "") or request.GET.get("name", "")
    found = selectors.search_organisations(request.user, text)
    warning = None
    if request.GET.get("name"):
        from dealmonitor.organisations.services import DuplicateOrganisation, check_new_organisation

        try:
            check_new_organisation(name=request.GET["name"], type=request.GET.get("type", ""),
                                   kvk_number=request.GET.get("kvk_number", ""),
                                   web_domain=request.GET.get("web_domain", ""))
        except DuplicateOrganisation as error:
            warning = " ".join(services_partners.shown_duplicate_error(request.user, error).messages)
        except ValidationError:
            warning = None
    in_deal = set(deal.participations.values_list("organisation_id", flat=True))
    return render(request, "deals/partials/organisation_options.html", {
        "deal": deal, "organisations": found, "in_deal": in_deal, "warning": warning,
        "text": text,
    })


@guarded_post
@deal_view(deal_rules.can_edit_deal_data)
def partner_edit(request, deal, pk):
    row = access.find_row(request.user, Participation.objects.select_related("organisation"), pk,
                          deal_rules.can_edit_deal_data, deal=deal)
    form = EditParticipationForm(request.POST or None, guarded_row=row,
                                 initial=EditParticipationForm.initial_for(row))
    if request.method == "POST" and form.is_valid():
        try:
            services.save_participation(actor=request.user, deal=deal, organisation=row.organisation,
                                        **form.participation_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The participation of %(name)s has been saved.") % {
                "name": row.organisation.name})
            return redirect(reverse("deals:partners", args=[deal.slug]) + f"#partner-{row.pk}")
    return render(request, "deals/partner_edit.html", {
        "deal": deal, "current": "partners", "row": row, "form": form,
        "title": _("Participation of %(name)s") % {"name": row.organisation.name},
    }, status=400 if request.method == "POST" else 200)


@guarded_post
@deal_view(detail=True)
def partner_commitment(request, deal, pk):
    """A partner member's own organisation: commitment and contact (the team may use it too)."""
    row = access.find_row(request.user, Participation.objects.select_related("organisation"), pk,
                          deal=deal)
    if not deal_rules.can_report_for(request.user, deal, row.organisation):
        access.require(request.user, deal_rules.can_edit_deal_data, deal)
    form = CommitmentForm(request.POST or None, instance=row)
    if request.method == "POST" and form.is_valid():
        try:
            services_partners.update_own_commitment(
                actor=request.user, participation=row,
                **{k: form.cleaned_data[k] for k in services_partners.OWN_FIELDS})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The commitment of %(name)s has been saved.") % {
                "name": row.organisation.name})
            return redirect(reverse("deals:partners", args=[deal.slug]) + f"#partner-{row.pk}")
    return render(request, "deals/partner_edit.html", {
        "deal": deal, "current": "partners", "row": row, "form": form,
        "title": _("Commitment of %(name)s") % {"name": row.organisation.name},
    }, status=400 if request.method == "POST" else 200)
