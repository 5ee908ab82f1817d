from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dealmonitor.deals import access
from dealmonitor.deals.access import deal_view
from dealmonitor.ui.concurrency import guarded_post
from dealmonitor.deals.internal import public_fields
from dealmonitor.ui.pagination import paginate
from dealmonitor.utils.params import int_param

from . import rules as learning_rules
from . import selectors, services
from .constants import BottleneckKind, BottleneckStatus
from .forms import (
    AdoptionForm,
    AnswersForm,
    BottleneckForm,
    CloseRoundForm,
    DeliverableForm,
    LessonForm,
    LessonSearchForm,
    OpenRoundForm,
    StatementFormSet,
    StatusChangeForm,
    TemplateVersionForm,
    UptakeForm,
)
from .models import (
    AssessmentRound,
    AssessmentTemplate,
    Deliverable,
    Experiment,
    Milestone,
    ScalingPlan,
    StartConversation,
)


def _may_edit(request, deal):
    access.require(request.user, learning_rules.can_edit_learning, deal)


def _form_errors(form, exc):
    if hasattr(exc, "message_dict"):
        for name, errors in exc.message_dict.items():
            for error in errors:
                form.add_error(name if name in form.fields else None, error)
    else:
        for error in exc.messages:
            form.add_error(None, error)


def _can_edit(request, deal):
    return access.allowed(request.user, learning_rules.can_edit_learning, deal)


# The programme view -----------------------------------------------------------------------


def programme(request):
    return render(request, "learning/programme.html", {"overview": selectors.programme_overview(request.user)})


def evidence_gaps(request):
    return render(request, "learning/evidence_gaps.html", {"gaps": selectors.evidence_gaps(request.user)})


def key_persons(request):
    return render(request, "learning/key_persons.html", {"risk": selectors.key_person_risk(request.user)})


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
    can_edit = _can_edit(request, bottleneck.deal)
    if request.method == "POST":
        _may_edit(request, deal)
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
                _form_errors(status_form, exc)
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
    _may_edit(request, deal)
    form = BottleneckForm(request.POST or None, instance=bottleneck)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            if bottleneck:
                saved = services.update_bottleneck(actor=request.user, bottleneck=bottleneck, **data)
            else:
                saved = services.report_bottleneck(actor=request.user, deal=deal, **data)
        except ValidationError as exc:
            _form_errors(form, exc)
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


# A deal's learning page -------------------------------------------------------------------


@deal_view()
def deal_learning(request, deal):
    context = selectors.deal_learning(request.user, deal)
    context.update({
        "deal": deal,
        "can_edit": _can_edit(request, deal),
        "can_read_rounds": access.allowed(request.user, learning_rules.can_read_assessment, deal),
        "open_round": next((r for r in context["rounds"] if r.is_open), None),
    })
    return render(request, "learning/deal.html", context)


# Lessons ----------------------------------------------------------------------------------


LESSONS_PER_PAGE = 25


def lesson_list(request):
    form = LessonSearchForm(request.GET or None, themes=selectors.lesson_themes())
    params = {"q": "", "phase": "", "theme": None, "kind": ""}
    if form.is_bound and form.is_valid():
        params.update({k: v for k, v in form.cleaned_data.items() if v})
    lessons = selectors.lesson_library_lazily(request.user, **params)
    page = paginate(request, lessons, per_page=LESSONS_PER_PAGE)
    return render(request, "learning/lesson_list.html", {
        "form": form, "lessons": page.object_list, "page": page, "query": params["q"],
        "searched": any(v for k, v in request.GET.items() if k != "page"),
    })


@deal_view()
def lesson_detail(request, deal, pk):
    lesson = access.find_row(request.user, selectors.lesson_detail_rows(request.user), pk, deal=deal)
    return render(request, "learning/lesson_detail.html", {
        "lesson": lesson, "deal": lesson.deal, "can_edit": _can_edit(request, lesson.deal),
    })


def _lesson_form(request, deal, lesson=None):
    _may_edit(request, deal)
    form = LessonForm(request.POST or None, instance=lesson, deal=deal)
    if request.method == "POST" and form.is_valid():
        data, links = form.service_fields()
        try:
            saved = services.save_lesson(actor=request.user, deal=deal, lesson=lesson, **data, **links)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The lesson has been saved."))
            return redirect(saved.get_absolute_url())
    return render(request, "learning/form.html", {
        "deal": deal, "form": form,
        "title": _("Edit lesson") if lesson else _("Record a lesson"),
        "button": _("Save lesson"),
        "back": lesson.get_absolute_url() if lesson else reverse("learning:deal", args=[deal.slug]),
    }, status=400 if form.errors else 200)


@guarded_post
@deal_view()
def lesson_create(request, deal):
    return _lesson_form(request, deal)


@guarded_post
@deal_view()
def lesson_edit(request, deal, pk):
    lesson = access.find_row(request.user, selectors.visible_lessons(request.user), pk, deal=deal)
    return _lesson_form(request, deal, lesson)


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
            _form_errors(form, exc)
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
            _form_errors(form, exc)
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
        "can_edit": _can_edit(request, round.deal),
        "answerable": services.answerable_organisations(user, round)
        if access.allowed(user, learning_rules.can_answer_assessment, deal) and round.is_open else [],
        "close_form": CloseRoundForm() if round.is_open and _can_edit(request, round.deal) else None,
        "round_lessons": [l for l in round.lessons.all() if learning_rules.can_read_lesson(user, l)],
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
            _form_errors(form, exc)
        else:
            messages.success(request, _("The round is closed; %(n)s lessons were recorded.") % {"n": len(created)})
            return redirect(round.get_absolute_url())
    return render(request, "learning/form.html", {
        "deal": deal, "form": form, "title": _("Close the round with a reflection"),
        "button": _("Close round"), "back": round.get_absolute_url(),
    }, status=400 if form.errors else 200)


# Uptake and deliverables ----------------------------------------------------------------------


def _simple_create(request, deal, form, save, title, button, done):
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(reverse("learning:deal", args=[deal.slug]) + "#doorwerking")
    return render(request, "learning/form.html", {
        "deal": deal, "form": form, "title": title, "button": button,
        "back": reverse("learning:deal", args=[deal.slug]),
    }, status=400 if form.errors else 200)


@guarded_post
@deal_view(learning_rules.can_edit_learning)
def uptake_create(request, deal):
    return _simple_create(
        request, deal, UptakeForm(request.POST or None, deal=deal),
        lambda data: services.save_uptake(actor=request.user, deal=deal, **data),
        _("Record uptake"), _("Save uptake"), _("The uptake has been saved."),
    )


@guarded_post
@deal_view(learning_rules.can_edit_learning)
def deliverable_create(request, deal):
    return _simple_create(
        request, deal, DeliverableForm(request.POST or None),
        lambda data: services.save_deliverable(actor=request.user, deal=deal, **data),
        _("Add a deliverable"), _("Save deliverable"), _("The deliverable has been saved."),
    )


@guarded_post
@deal_view()
def adoption_create(request, deal, pk):
    deliverable = access.find_row(request.user, Deliverable.objects.select_related("deal"), pk,
                                  learning_rules.can_edit_learning, deal=deal)
    return _simple_create(
        request, deal, AdoptionForm(request.POST or None, user=request.user),
        lambda data: services.add_adoption(actor=request.user, deliverable=deliverable, **data),
        _("Who adopted %(name)s?") % {"name": deliverable.name}, _("Save adopter"),
        _("The adopter has been saved."),
    )


# Scaling plan and start conversation ----------------------------------------------------------


def _revisit_page(request, deal, *, model, form_class, save, template, done):
    current = model.objects.filter(deal=deal).first()
    can_edit = _can_edit(request, deal)
    form = None
    if request.method == "POST":
        _may_edit(request, deal)
        form = form_class(request.POST, instance=current or model(deal=deal))
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items()}
            try:
                save(actor=request.user, deal=deal, **data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, done)
                return redirect(request.path)
    elif can_edit:
        form = form_class(instance=current)
    history = list(current.history.order_by("-history_date")[:10]) if current else []
    internal = access.allowed(request.user, learning_rules.can_view_internal, deal)
    shown = [name for name in form_class._meta.fields if name != "reviewed_on"]
    if not internal:
        shown = public_fields(model, shown)
    return render(request, template, {
        "deal": deal, "current": current, "form": form, "can_edit": can_edit,
        "tab": "scaling_plan" if model is ScalingPlan else "learning",
        "due": current.revisit_due() if current else False,
        "versions": history,
        "rows": [_display(current, name) for name in shown] if current else [],
        # Stances are internal (deals/internal.py): the hints only for those who may see them.
        "participations": deal.participations.select_related("organisation").filter(
            Q(kind="opschalingspartner") | Q(stance="weerstand")
        ) if model is ScalingPlan and internal else [],
    }, status=400 if form is not None and form.errors else 200)


def _display(instance, name):
    field = instance._meta.get_field(name)
    value = getattr(instance, f"get_{name}_display")() if field.choices else getattr(instance, name)
    return {"name": name, "label": field.verbose_name, "value": value}


@guarded_post
@deal_view()
def scaling_plan(request, deal):
    from .forms import ScalingPlanForm

    return _revisit_page(request, deal, model=ScalingPlan, form_class=ScalingPlanForm,
                         save=services.save_scaling_plan, template="learning/scaling_plan.html",
                         done=_("The scaling plan has been saved."))


@guarded_post
@deal_view()
def start_conversation(request, deal):
    from .forms import StartConversationForm

    return _revisit_page(request, deal, model=StartConversation, form_class=StartConversationForm,
                         save=services.save_start_conversation, template="learning/start_conversation.html",
                         done=_("The start conversation has been saved."))


# Milestones and experiments -------------------------------------------------------------------


def _deal_item_form(request, deal, form, save, title, button, done):
    if request.method == "POST" and form.is_valid():
        try:
            save(dict(form.cleaned_data))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect(reverse("learning:deal", args=[deal.slug]) + "#experimenten")
    return render(request, "learning/form.html", {
        "deal": deal, "form": form, "title": title, "button": button,
        "back": reverse("learning:deal", args=[deal.slug]),
    }, status=400 if form.errors else 200)


@guarded_post
@deal_view()
def milestone_form(request, deal, pk=None):
    from .forms import MilestoneForm

    milestone = access.find_row(request.user, Milestone, pk, deal=deal) if pk else None
    _may_edit(request, deal)
    return _deal_item_form(
        request, deal, MilestoneForm(request.POST or None, instance=milestone),
        lambda data: services.save_milestone(actor=request.user, deal=deal, milestone=milestone, **data),
        _("Edit milestone") if milestone else _("Add a milestone"), _("Save milestone"),
        _("The milestone has been saved."),
    )


@guarded_post
@deal_view()
def experiment_form(request, deal, pk=None):
    from .forms import ExperimentForm

    experiment = access.find_row(request.user, Experiment, pk, deal=deal) if pk else None
    _may_edit(request, deal)
    return _deal_item_form(
        request, deal, ExperimentForm(request.POST or None, instance=experiment, deal=deal),
        lambda data: services.save_experiment(actor=request.user, deal=deal, experiment=experiment, **data),
        _("Edit experiment") if experiment else _("Add an experiment"), _("Save experiment"),
        _("The experiment has been saved."),
    )
