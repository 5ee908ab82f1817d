from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.ui.pagination import paginate

from . import history, selectors, services
from . import rules as deal_rules
from .constants import SourcedField
from .filters import PortfolioFilter
from .forms import PhaseChangeForm
from .models import Deal


PAGE_SIZE = 50


def portfolio(request):
    deals = selectors.portfolio(request.user)
    filterset = PortfolioFilter(request.GET or None, queryset=deals, request=request)
    filtered = filterset.qs if filterset.is_bound and filterset.is_valid() else deals
    totals = selectors.portfolio_totals(filtered)
    page = paginate(request, filtered, per_page=PAGE_SIZE, count=totals["total"])
    context = {
        "filter": filterset,
        "deals": page.object_list,
        "page": page,
        "totals": totals,
        "all_count": deals.count(),
        "filtered": any(v for k, v in request.GET.items() if k != "page"),
    }
    template = "deals/partials/portfolio_results.html" if request.htmx else "deals/portfolio.html"
    return render(request, template, context)


def _get_deal(request, slug):
    try:
        return selectors.deal_detail(request.user, slug)
    except Deal.DoesNotExist:
        raise Http404(_("No deal with this identifier.")) from None


def deal_detail(request, slug, phase_form=None):
    deal = _get_deal(request, slug)
    facts = selectors.facts_by_field(deal)
    can_change = request.user.is_authenticated and deal_rules.can_edit_deal_data(request.user, deal)
    context = {
        "deal": deal,
        "facts": facts,
        "fact_rows": [(f, facts.get(f.value)) for f in SourcedField if f.value in facts],
        "composition": selectors.partnership_composition(deal),
        "groups": selectors.participations_by_type(deal),
        "count_history": selectors.partner_count_history(deal),
        "can_change_phase": can_change,
        "phase_form": phase_form
        or (PhaseChangeForm(initial={"started_on": timezone.localdate()}) if can_change else None),
    }
    return render(request, "deals/deal_detail.html", context, status=400 if phase_form else 200)


@require_POST
@guarded_post
def change_phase(request, slug):
    deal = _get_deal(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not deal_rules.can_edit_deal_data(request.user, deal):
        raise PermissionDenied
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
    return deal_detail(request, slug, phase_form=form)


def _deal_only(request, slug):
    """The deal, without the prefetches of its page."""
    try:
        return selectors.visible_deals(request.user).get(slug=slug)
    except Deal.DoesNotExist:
        raise Http404(_("No deal with this identifier.")) from None


def _page_number(request):
    try:
        return max(int(request.GET.get("pagina", 1)), 1)
    except ValueError:
        return 1


def change_log(request, slug):
    """Every change to the deal's data: who, when, from what to what, and why. The values
    include internal data, so the page is for those who may see the deal's internals."""
    deal = _deal_only(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not deal_rules.can_view_internal(request.user, deal):
        raise PermissionDenied
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
def restore_change(request, slug, label, history_id):
    deal = _deal_only(request, slug)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not deal_rules.can_edit_deal_data(request.user, deal):
        raise PermissionDenied
    try:
        services.restore_change(actor=request.user, deal=deal, label=label,
                                history_id=history_id, note=request.POST.get("note", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The earlier value has been put back; the change log shows it as a new change."))
    return redirect(reverse("deals:change_log", args=[deal.slug]))
