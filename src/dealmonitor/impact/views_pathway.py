"""The impact pathway page with its editor, and the effects page.

The page works without script: every change is an ordinary form post that the service checks
(permission, validation, history) and that redirects back to the section it changed.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dealmonitor.ui.concurrency import guarded_post

from . import diagram, services
from . import rules as impact_rules
from .constants import AssumptionStatus, EvidenceStance, Level
from .forms_pathway import (
    AssumptionForm,
    EffectForm,
    ElementForm,
    EvidenceForm,
    LinkForm,
    PathwayForm,
)
from .models import Assumption, AssumptionEvidence, Effect, Element, Link, Pathway, ReferenceSet
from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view

from .views import _form_errors


def _pathway_context(deal):
    """Everything the pathway page shows, in a fixed number of queries."""
    pathway = Pathway.objects.filter(deal=deal).first()
    if pathway is None:
        return {"pathway": None, "elements": [], "links": [], "levels": []}
    elements = list(pathway.elements.all())
    links = list(
        Link.objects.filter(pathway=pathway)
        .select_related("cause", "effect")
        .prefetch_related(
            Prefetch(
                "assumptions",
                queryset=Assumption.objects.prefetch_related(
                    Prefetch("evidence", queryset=AssumptionEvidence.objects.order_by("date", "id"))
                ),
                to_attr="assumption_list",
            )
        )
        .order_by("cause__order", "cause_id", "effect__order", "effect_id")
    )
    by_level = {level.value: [] for level in Level}
    for element in elements:
        element.outgoing = [link for link in links if link.cause_id == element.pk]
        by_level[element.level].append(element)
    return {
        "pathway": pathway,
        "elements": elements,
        "links": links,
        "levels": [(level.value, level.label, by_level[level.value]) for level in Level],
        "diagram": diagram.layout(elements, links),
    }


def _forms(pathway, data=None, bound=None):
    forms = {
        "pathway_form": PathwayForm(instance=pathway),
        "element_form": ElementForm(prefix="element"),
        "link_form": LinkForm(prefix="link", pathway=pathway),
    }
    if bound:
        forms.update(bound)
    return forms


@guarded_post
@deal_view()
def pathway(request, deal):
    can_edit = access.allowed(request.user, impact_rules.can_edit_pathway, deal)
    bound = {}
    if request.method == "POST":
        access.require(request.user, impact_rules.can_edit_pathway, deal)
        result = _handle_post(request, deal)
        if result is not None and not isinstance(result, dict):
            return result
        bound = result or {}
    context = _pathway_context(deal)
    context.update({"deal": deal, "can_edit": can_edit, "current": "pathway"})
    if can_edit and context["pathway"]:
        context.update(_forms(context["pathway"], bound=bound))
        context["assumption_form"] = bound.get("assumption_form") or AssumptionForm(prefix="assumption")
        context["evidence_form"] = bound.get("evidence_form") or EvidenceForm(prefix="evidence")
        context["failed"] = bound.get("failed")
        context["failed_pk"] = bound.get("failed_pk")
        context["stances"] = EvidenceStance.choices
        context["assumption_statuses"] = AssumptionStatus.choices
    return render(request, "impact/pathway.html", context, status=400 if bound else 200)


def _back(deal, anchor=""):
    return redirect(reverse("impact:pathway", kwargs={"slug": deal.slug}) + (f"#{anchor}" if anchor else ""))


def _handle_post(request, deal):
    """Apply one editor action. Returns a redirect on success, or the bound form with errors."""
    action = request.POST.get("action", "")
    actor = request.user
    if action == "create":
        services.get_or_create_pathway(actor=actor, deal=deal)
        messages.success(request, _("The impact pathway has been created; add its elements."))
        return _back(deal, "bewerken")
    pathway = get_object_or_404(Pathway, deal=deal)
    try:
        if action == "pathway":
            form = PathwayForm(request.POST, instance=Pathway.objects.get(pk=pathway.pk))
            if not form.is_valid():
                return {"pathway_form": form, "failed": action}
            services.update_pathway(actor=actor, pathway=pathway, **form.cleaned_data)
            messages.success(request, _("The pathway's description has been saved."))
            return _back(deal, "profijtgroep")
        if action == "element":
            form = ElementForm(request.POST, prefix="element")
            if not form.is_valid():
                return {"element_form": form, "failed": action}
            element = services.add_element(actor=actor, pathway=pathway, **form.cleaned_data)
            messages.success(request, _("“%(title)s” has been added.") % {"title": element.title})
            return _back(deal, f"element-{element.pk}")
        if action == "element-delete":
            element = access.find_row(None, Element.objects.filter(pathway=pathway), request.POST.get("element"), deal=deal, deal_path="pathway__deal")
            services.delete_element(actor=actor, element=element)
            messages.success(request, _("“%(title)s” has been removed.") % {"title": element.title})
            return _back(deal, "tekst")
        if action == "element-toggle-ingredient":
            element = access.find_row(None, Element.objects.filter(pathway=pathway), request.POST.get("element"), deal=deal, deal_path="pathway__deal")
            services.update_element(
                actor=actor, element=element, is_active_ingredient=not element.is_active_ingredient
            )
            return _back(deal, f"element-{element.pk}")
        if action == "link":
            form = LinkForm(request.POST, prefix="link", pathway=pathway)
            if not form.is_valid():
                return {"link_form": form, "failed": action}
            try:
                services.add_link(actor=actor, cause=form.cleaned_data["cause"],
                                  effect=form.cleaned_data["effect"])
            except ValidationError as exc:
                _form_errors(form, exc)
                return {"link_form": form, "failed": action}
            messages.success(request, _("The link has been added."))
            return _back(deal, f"element-{form.cleaned_data['cause'].pk}")
        if action == "link-delete":
            link = access.find_row(None, Link.objects.filter(pathway=pathway), request.POST.get("link"), deal=deal, deal_path="pathway__deal")
            services.delete_link(actor=actor, link=link)
            messages.success(request, _("The link has been removed."))
            return _back(deal, f"element-{link.cause_id}")
        if action == "assumption":
            link = access.find_row(None, Link.objects.filter(pathway=pathway), request.POST.get("link"), deal=deal, deal_path="pathway__deal")
            form = AssumptionForm(request.POST, prefix="assumption")
            if not form.is_valid():
                return {"assumption_form": form, "failed": "assumption", "failed_pk": link.pk}
            services.add_assumption(actor=actor, link=link, text=form.cleaned_data["text"])
            messages.success(request, _("The assumption has been added."))
            return _back(deal, f"element-{link.cause_id}")
        if action == "evidence":
            assumption = access.find_row(
                None, Assumption.objects.filter(link__pathway=pathway), request.POST.get("assumption"),
                deal=deal, deal_path="link__pathway__deal",
            )
            form = EvidenceForm(request.POST, prefix="evidence")
            if not form.is_valid():
                return {"evidence_form": form, "failed": "evidence", "failed_pk": assumption.pk}
            data = form.cleaned_data
            services.add_assumption_evidence(
                actor=actor, assumption=assumption, date=data["date"], stance=data["stance"],
                text=data["text"], url=data["url"], new_status=data["new_status"] or None,
            )
            messages.success(request, _("The evidence has been recorded."))
            return _back(deal, f"assumption-{assumption.pk}")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return _back(deal, "bewerken")
    messages.error(request, _("Unknown action."))
    return _back(deal)


@guarded_post
@deal_view()
def effects(request, deal):
    can_edit = access.allowed(request.user, impact_rules.can_edit_pathway, deal)
    form = None
    status = 200
    if request.method == "POST":
        access.require(request.user, impact_rules.can_edit_pathway, deal)
        form = EffectForm(request.POST, deal=deal)
        if form.is_valid():
            data = dict(form.cleaned_data)
            tags = data.pop("tags")
            try:
                services.save_effect(actor=request.user, deal=deal, tags=tags, **data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, _("The effect has been saved."))
                return redirect(reverse("impact:effects", kwargs={"slug": deal.slug}))
        status = 400
    elif can_edit:
        form = EffectForm(deal=deal)
    effect_list = list(
        Effect.objects.filter(deal=deal).select_related("element")
        .prefetch_related("tags__reference_set")
    )
    return render(request, "impact/effects.html", {
        "deal": deal,
        "effects": effect_list,
        "form": form,
        "can_edit": can_edit,
        "reference_sets": ReferenceSet.objects.order_by("code"),
    }, status=status)
