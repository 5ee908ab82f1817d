from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.ui.forms import blank_guarded_form
from dealmonitor.ui.pagination import paginate
from dealmonitor.utils.params import int_param

from . import access, deal_html, history, portfolio_html, selectors, services
from . import rules as deal_rules
from .access import deal_view
from .constants import SourcedField
from .filters import PortfolioFilter
from .forms import PhaseChangeForm
from dealmonitor.organisations.models import Organisation
from dealmonitor.organisations.rules import can_change_organisation


PAGE_SIZE = 50


def portfolio(request):
    deals = selectors.portfolio_table(request.user)
    filterset = PortfolioFilter(request.GET or None, queryset=deals, request=request)
    filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else deals
    totals = selectors.portfolio_totals(filtered)
    page = paginate(request, filtered, per_page=PAGE_SIZE, count=totals["total"])
    rows = selectors.with_theme_names(list(page.object_list))
    asked = any(v for k, v in request.GET.items() if k != "page")
    context = {
        "filter": filterset,
        "deals": rows,
        "deal_rows": portfolio_html.deal_rows(rows),
        "page": page,
        "totals": totals,
        # unfiltered, the totals have counted every deal the user may read already
        "all_count": deals.count() if asked and filtered is not deals else totals["total"],
        "filtered": asked,
    }
    if request.htmx:
        return render(request, "deals/partials/portfolio_results.html", context)
    portfolio_html.read_theme_options(filterset.form.fields["theme"], request.user)
    return render(request, "deals/portfolio.html", context)


@deal_view(detail=True)
def deal_detail(request, deal):
    return _deal_page(request, deal)


def _deal_page(request, deal, phase_form=None):
    facts = selectors.facts_by_field(deal)
    can_change = access.allowed(request.user, deal_rules.can_edit_deal_data, deal)
    partners = deal_html.PartnerList()
    context = {
        "deal": deal,
        "facts": facts,
        "fact_rows": [(f, facts.get(f.value)) for f in SourcedField if f.value in facts],
        "composition": selectors.partnership_composition(deal),
        "groups": [(key, label, rows, partners(rows))
                   for key, label, rows in selectors.participations_by_type(deal)],
        "count_history": selectors.partner_count_history(deal),
        "can_change_phase": can_change,
        "phase_form": phase_form
        or (blank_guarded_form(PhaseChangeForm, started_on=timezone.localdate())
            if can_change else None),
    }
    return render(request, "deals/deal_detail.html", context, status=400 if phase_form else 200)


@require_POST
@guarded_post
@deal_view(deal_rules.can_edit_deal_data, detail=True)
def change_phase(request, deal):
    form = PhaseChangeForm(request.POST)
    if form.is_valid():
        try:
            services.change_deal_phase(
                actor=request.user,
                deal=deal,
                phase=form.cleaned_data["phase"],
                started_on=form.cleaned_data["started_on"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            messages.success(request, _("The phase has been changed."))
            return redirect(deal.get_absolute_url() + "#fase")
    return _deal_page(request, deal, phase_form=form)


def _page_number(request):
    # at most a page number whose offset the database can still count to
    return int_param(request.GET, "pagina", 1, minimum=1, maximum=10**9)


@deal_view(deal_rules.can_view_internal)
def change_log(request, deal):
    """Every change to the deal's data: who, when, from what to what, and why. The values
    include internal data, so the page is for those who may see the deal's internals."""
    part = request.GET.get("onderdeel", "")
    if part not in history.PARTS:
        part = ""
    page = _page_number(request)
    entries, has_next = history.change_log(deal, part=part or None, page=page)
    return render(request, "deals/change_log.html", {
        "deal": deal,
        "entries": entries,
        "parts": history.PARTS.items(),
        "part": part,
        "page": page,
        "has_next": has_next,
        "can_restore": deal_rules.can_edit_deal_data(request.user, deal),
        "can_restore_roles": deal_rules.can_manage_roles(request.user),
    })


@require_POST
@guarded_post
@deal_view(deal_rules.can_edit_deal_data)
def restore_change(request, deal, label, history_id):
    try:
        services.restore_change(actor=request.user, deal=deal, label=label,
                                history_id=history_id, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The earlier value has been put back; the change log shows it as a new change."))
    return redirect(reverse("deals:change_log", args=[deal.slug]))


# Organisations (/organisaties/): the register as far as the user may see it, through deals.


def organisation_list(request):
    return render(
        request,
        "organisations/organisation_list.html",
        {"organisations": selectors.organisations_list(request.user),
         "can_clean": access.allowed(request.user, can_change_organisation)},
    )


def organisation_detail(request, slug):
    try:
        organisation = selectors.organisation_detail(request.user, slug)
    except Organisation.DoesNotExist:
        kept = selectors.merged_organisation(request.user, slug)  # an old address
        if kept is not None:
            return redirect(kept.get_absolute_url(), permanent=True)
        raise Http404(_("No organisation with this identifier.")) from None
    return render(
        request, "organisations/organisation_detail.html", {"organisation": organisation}
    )
