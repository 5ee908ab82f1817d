"""Self-assessments: templates and their versions, rounds, answers, closing a round."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.utils.params import int_param

from .. import rules as learning_rules
from .. import selectors, services
from ..forms import (
    AnswersForm,
    CloseRoundForm,
    OpenRoundForm,
    StatementFormSet,
    TemplateVersionForm,
)
from ..models import (
    AssessmentRound,
    AssessmentTemplate,
)
from .common import can_edit_learning, form_errors


# Self-assessments -------------------------------------------------------------------------


def templates(request):
    rows = AssessmentTemplate.objects.prefetch_related("statements").order_by("name", "-version")
    return render(request, "learning/templates.html", {
        "templates": rows,
        "can_manage": access.allowed(request.user, learning_rules.can_manage_templates),
    })


@guarded_post
def template_version(request, pk):
    """The programme publishes a new version of a template: the statements of the version it
    starts from, changed, removed, reordered or added to. The old version stays as it was."""
    access.require(request.user, learning_rules.can_manage_templates)
    template = get_object_or_404(AssessmentTemplate.objects.prefetch_related("statements"), pk=pk)
    initial = [
        {"code": s.code, "theme": s.theme, "text": s.text, "ORDER": i}
        for i, s in enumerate(template.statements.all(), start=1)
    ]
    formset = StatementFormSet(request.POST or None, initial=initial, prefix="statements")
    form = TemplateVersionForm(request.POST or None, initial={"description": template.description})
    if request.method == "POST" and formset.is_valid() and form.is_valid():
        try:
            new = services.new_template_version(
                actor=request.user, template=template, statements=formset.statements(),
                description=form.cleaned_data["description"], reason="new version",
            )
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("Version %(version)s of %(name)s is published.")
                             % {"version": new.version, "name": new.name})
            return redirect(reverse("learning:templates") + f"#template-{new.pk}")
    return render(request, "learning/template_version.html", {
        "template": template, "formset": formset, "form": form,
    }, status=400 if request.method == "POST" else 200)


@guarded_post
@deal_view(learning_rules.can_edit_learning)
def round_open(request, deal):
    form = OpenRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.open_round(actor=request.user, deal=deal, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The round is open; partners can now answer."))
            return redirect(created.get_absolute_url())
    return render(request, "learning/form.html", {
        "deal": deal, "form": form, "title": _("Open a self-assessment round"),
        "intro": _("The round uses the programme's current default template. Each partner organisation answers its own part."),
        "button": _("Open round"), "back": reverse("learning:deal", args=[deal.slug]),
    }, status=400 if form.errors else 200)


def _round(request, deal, pk, predicate):
    return access.find_row(request.user, AssessmentRound.objects.select_related("deal", "template"),
                           pk, predicate, deal=deal)


@deal_view()
def round_detail(request, deal, pk):
    round = _round(request, deal, pk, learning_rules.can_read_assessment)
    data = selectors.round_results(round)
    user = request.user
    return render(request, "learning/round_detail.html", {
        "round": round, "deal": round.deal,
        "data": data,
        "themes": selectors.themes_of(data["results"]),
        "can_edit": can_edit_learning(request, round.deal),
        "answerable": services.answerable_organisations(user, round)
        if access.allowed(user, learning_rules.can_answer_assessment, deal) and round.is_open else [],
        "close_form": CloseRoundForm() if round.is_open and can_edit_learning(request, round.deal) else None,
        "round_lessons": [l for l in round.lessons.select_related("deal") if learning_rules.can_read_lesson(user, l)],
    })


@guarded_post
@deal_view()
def round_answer(request, deal, pk):
    round = _round(request, deal, pk, learning_rules.can_answer_assessment)
    organisations = services.answerable_organisations(request.user, round)
    org_id = int_param(request.POST, "organisation", int_param(request.GET, "organisation"))
    organisation = next((o for o in organisations if str(o.pk) == str(org_id)), None)
    if organisation is None:
        partners = {str(i) for i in deal.participations.values_list("organisation_id", flat=True)}
        if org_id and str(org_id) in partners:
            raise PermissionDenied  # a partner of the deal, but not one this user answers for
        if len(organisations) == 1:
            organisation = organisations[0]
        else:
            return render(request, "learning/round_choose_organisation.html", {
                "round": round, "deal": deal, "organisations": organisations,
            })
    statements = list(round.template.statements.all())
    existing = {a.statement_id: a for a in round.answers.filter(organisation=organisation)}
    form = AnswersForm(request.POST or None, statements=statements, existing=existing,
                       round=round, organisation=organisation)
    if request.method == "POST" and round.is_open and form.is_valid():
        try:
            services.save_answers(actor=request.user, round=round, organisation=organisation,
                                  answers=form.answers())
        except ValidationError as exc:
            for key, errors in exc.message_dict.items() if hasattr(exc, "message_dict") else [(None, exc.messages)]:
                target = key.replace("statement_", "score_") if key else None
                for error in errors:
                    form.add_error(target if target in form.fields else None, error)
        else:
            messages.success(request, _("The answers of %(name)s have been saved.") % {"name": organisation.name})
            return redirect(round.get_absolute_url())
    return render(request, "learning/round_answer.html", {
        "round": round, "deal": deal, "organisation": organisation, "form": form,
    }, status=400 if form.errors else 200)


@guarded_post
@deal_view()
def round_close(request, deal, pk):
    round = _round(request, deal, pk, learning_rules.can_edit_learning)
    form = CloseRoundForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.close_round(actor=request.user, round=round, **form.cleaned_data)
        except ValidationError as exc:
            form_errors(form, exc)
        else:
            messages.success(request, _("The round is closed; %(n)s lessons were recorded.") % {"n": len(created)})
            return redirect(round.get_absolute_url())
    return render(request, "learning/form.html", {
        "deal": deal, "form": form, "title": _("Close the round with a reflection"),
        "button": _("Close round"), "back": round.get_absolute_url(),
    }, status=400 if form.errors else 200)
