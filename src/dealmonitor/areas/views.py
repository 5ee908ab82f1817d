"""Areas and their context figures: the list and one area (public facts), the upload for
programme staff, and a deal's areas with the figures about them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.ui.pagination import paginate

from . import importing, rules, selectors, services
from .constants import MAX_BYTES, AreaKind
from .forms import ChooseAreaForm, FiguresUploadForm
from .models import Area, FigureSource


def area_list(request):
    query = request.GET.get("q", "")[:100]
    kind = request.GET.get("soort", "")
    if kind not in AreaKind.values:
        kind = ""
    page = paginate(request, selectors.search_areas(query, kind), per_page=100)
    return render(request, "areas/area_list.html", {
        "areas": page.object_list, "page": page, "query": query, "kind": kind,
        "kinds": AreaKind.choices,
        "can_upload": access.allowed(request.user, rules.can_import_figures),
        "sources": FigureSource.objects.all()[:10],
    })


def area_detail(request, code):
    area = Area.objects.select_related("parent", "successor").filter(code=code.upper()[:10]).first()
    if area is None:
        raise Http404(_("Unknown area."))
    figures = selectors.figures_for([area])
    sources = list({f.source_id: f.source for f in figures}.values())
    return render(request, "areas/area_detail.html", {
        "area": area, "figures": figures, "sources": sources,
        "children": area.children.order_by("code")[:200],
    })


@guarded_post
def upload_figures(request):
    access.require(request.user, rules.can_import_figures)
    form = FiguresUploadForm(request.POST or None, request.FILES or None)
    errors, status = [], 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            upload = data["file"]
            try:
                result = importing.import_figures(
                    actor=request.user, data=upload.read(MAX_BYTES + 1), topics=data["topics"],
                    source_title=data["source_title"], table_id=data["table_id"], url=data["url"],
                    retrieved_on=data["retrieved_on"], period=data["period"], file_name=upload.name,
                )
            except ValidationError as exc:
                errors = exc.messages
            else:
                messages.success(request, _(
                    "%(created)s figures added and %(updated)s updated for %(areas)s areas "
                    "(%(missing)s without a value: unknown at the source).") % {
                    "created": result.created, "updated": result.updated, "areas": result.areas,
                    "missing": result.missing})
                return redirect("areas:list")
        status = 400
    return render(request, "areas/upload.html", {"form": form, "errors": errors}, status=status)


@guarded_post
@deal_view(detail=False)
def deal_context(request, deal):
    can_choose = access.allowed(request.user, rules.can_choose_areas, deal)
    form, status = None, 200
    if request.method == "POST":
        access.require(request.user, rules.can_choose_areas, deal)
        if "leave_out" in request.POST:
            area = Area.objects.filter(code=request.POST.get("leave_out", "")[:10]).first()
            try:
                if area is None:
                    raise ValidationError(_("Unknown area."))
                services.leave_out_area(actor=request.user, deal=deal, area=area,
                                        reason=request.POST.get("reason", "")[:78])
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages))
            else:
                messages.success(request, _("%(area)s no longer belongs to the areas of the deal.") % {"area": area})
            return redirect("areas:deal", slug=deal.slug)
        form = ChooseAreaForm(request.POST)
        if form.is_valid():
            area = selectors.current_area(form.cleaned_data["code"])
            if area is None:
                form.add_error("code", _("No existing area with this code."))
            else:
                try:
                    services.choose_area(actor=request.user, deal=deal, area=area,
                                         note=form.cleaned_data["note"])
                except ValidationError as exc:
                    form.add_error("code", " ".join(exc.messages))
                else:
                    messages.success(request, _("%(area)s now belongs to the areas of the deal.") % {"area": area})
                    return redirect("areas:deal", slug=deal.slug)
        status = 400
    context = selectors.deal_context(deal)
    return render(request, "areas/deal_context.html", {
        "deal": deal, "context": context, "can_choose": can_choose,
        "form": form or (ChooseAreaForm() if can_choose else None),
    }, status=status)
