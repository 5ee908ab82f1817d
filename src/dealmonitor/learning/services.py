"""The only code that writes learning data.

Each service checks permission (learning/rules.py), validates with plain-language messages,
writes in one transaction and leaves a history entry (django-simple-history) with the acting
user and an optional reason.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dealmonitor.deals.history import set_relations
from dealmonitor.deals.writing import assign as _assign
from dealmonitor.deals.writing import check as _check
from dealmonitor.deals.writing import save as _save
from dealmonitor.deals.writing import delete as _delete
from dealmonitor.deals.references import check_references, check_row
from dealmonitor.impact.models import Assumption
from dealmonitor.organisations.constants import OrganisationType

from . import rules as learning_rules
from . import signals
from .constants import CLOSED_STATUSES, BottleneckStatus, LessonKind, Visibility
from .defaults import DEFAULT_TEMPLATE
from .models import (
    Adoption,
    Answer,
    AssessmentRound,
    AssessmentTemplate,
    Bottleneck,
    BottleneckStatusChange,
    Deliverable,
    Experiment,
    Lesson,
    Milestone,
    ScalingPlan,
    StartConversation,
    Statement,
    Uptake,
)


def _may_edit(actor, deal):
    _check(learning_rules.can_edit_learning, actor, deal,
           _("You may not edit the learning data of this deal."))


def _today():
    return timezone.localdate()


# Bottlenecks ------------------------------------------------------------------------------

BOTTLENECK_FIELDS = (
    "title", "description", "kind", "rule", "level", "ministry", "resolution", "is_example",
)


def _validate_bottleneck(bottleneck, actor):
    check_row(actor=actor, instance=bottleneck)  # before the ministry's name is shown
    if bottleneck.ministry_id and bottleneck.ministry.type != OrganisationType.MINISTERIE:
        raise ValidationError(
            {"ministry": _("%(name)s is not a ministry.") % {"name": bottleneck.ministry.name}}
        )


def report_bottleneck(*, actor, deal, signalled_on=None, note="", reason="", **fields):
    """Record a new bottleneck with status 'signalled' as the first entry of its history."""
    _may_edit(actor, deal)
    signalled_on = signalled_on or _today()
    if signalled_on > _today():
        raise ValidationError({"signalled_on": _("A bottleneck cannot be signalled in the future.")})
    bottleneck = Bottleneck(deal=deal, signalled_on=signalled_on,
                            status=BottleneckStatus.GESIGNALEERD)
    _assign(bottleneck, fields, BOTTLENECK_FIELDS)
    _validate_bottleneck(bottleneck, actor)
    with transaction.atomic():
        _save(bottleneck, actor, reason)
        _save(
            BottleneckStatusChange(
                bottleneck=bottleneck, status=BottleneckStatus.GESIGNALEERD, date=signalled_on,
                note=note, recorded_by=actor,
            ),
            actor, reason,
        )
        if not bottleneck.is_example:
            transaction.on_commit(lambda: signals.bottleneck_reported.send(
                sender=Bottleneck, bottleneck=bottleneck))
    return bottleneck


def update_bottleneck(*, actor, bottleneck, reason="", **fields):
    """Change what a bottleneck is about; its status changes through `change_bottleneck_status`."""
    _may_edit(actor, bottleneck.deal)
    ministry_before = bottleneck.ministry_id
    _assign(bottleneck, fields, BOTTLENECK_FIELDS)
    _validate_bottleneck(bottleneck, actor)
    with transaction.atomic():
        saved = _save(bottleneck, actor, reason)
        if bottleneck.ministry_id and bottleneck.ministry_id != ministry_before and not bottleneck.is_example:
            # the organisation it is raised with hears of it now (the dealmakers did at the report)
            transaction.on_commit(lambda: signals.bottleneck_raised_with.send(
                sender=Bottleneck, bottleneck=bottleneck))
        return saved


def change_bottleneck_status(*, actor, bottleneck, status, date=None, note="", resolution=None,
                             reason=""):
    """Move a bottleneck to a new status, keeping the old one in its history. Resolving it
    needs a description of the resolution; closing it (resolved or not) sets its closing date,
    reopening clears it."""
    _may_edit(actor, bottleneck.deal)
    date = date or _today()
    if status not in BottleneckStatus.values:
        raise ValidationError({"status": _("Unknown status: %(status)s") % {"status": status}})
    if status == bottleneck.status:
        raise ValidationError({"status": _("The bottleneck already has this status.")})
    if date > _today():
        raise ValidationError({"date": _("A status change cannot lie in the future.")})
    last = bottleneck.status_changes.order_by("-date", "-id").first()
    earliest = last.date if last else bottleneck.signalled_on
    if date < earliest:
        raise ValidationError({
            "date": _("A new status cannot start before the current one (%(date)s).")
            % {"date": earliest.isoformat()}
        })
    if resolution is not None:
        bottleneck.resolution = resolution
    if status == BottleneckStatus.OPGELOST and not bottleneck.resolution.strip():
        raise ValidationError({"resolution": _("Describe how the bottleneck was resolved.")})
    bottleneck.status = status
    bottleneck.closed_on = date if status in CLOSED_STATUSES else None
    with transaction.atomic():
        change = _save(
            BottleneckStatusChange(bottleneck=bottleneck, status=status, date=date, note=note,
                                   recorded_by=actor),
            actor, reason,
        )
        _save(bottleneck, actor, reason or "status change")
    return change


# Lessons ----------------------------------------------------------------------------------

LESSON_FIELDS = (
    "title", "text", "kind", "phase", "tags", "visibility", "learned_on", "is_example",
    "source_round",
)


def save_lesson(*, actor, deal, lesson=None, themes=None, indicators=None, assumptions=None,
                bottlenecks=None, reason="", **fields):
    """Create or change a lesson. Its links to indicators, assumptions and bottlenecks must
    stay within the deal."""
    _may_edit(actor, deal)
    lesson = lesson or Lesson(deal=deal, author=actor)
    if lesson.deal_id != deal.pk:
        raise ValidationError(_("This lesson belongs to another deal."))
    _assign(lesson, fields, LESSON_FIELDS)
    if assumptions is not None:
        assumptions = list(Assumption.objects.filter(pk__in=[a.pk for a in assumptions])
                           .select_related("link__pathway"))
    links = {"themes": themes, "indicators": indicators, "assumptions": assumptions,
             "bottlenecks": bottlenecks}
    with transaction.atomic():
        _save(lesson, actor, reason, exclude=["search_stems"], relations=links)
        # one more history entry, with every link that changed
        set_relations(lesson, actor=actor, reason=reason, themes=themes, indicators=indicators,
                      assumptions=assumptions, bottlenecks=bottlenecks)
    return lesson


# Self-assessment templates ------------------------------------------------------------------


def ensure_default_template(*, actor=None):
    """The default template (defaults.py), created once; returns the default template."""
    current = AssessmentTemplate.objects.filter(is_default=True).order_by("-version").first()
    if current:
        return current
    _check(learning_rules.can_manage_templates, actor, None,
           _("Only the programme configures self-assessment templates."))
    with transaction.atomic():
        template = _save(
            AssessmentTemplate(name=DEFAULT_TEMPLATE["name"], version=1, is_default=True,
                               description=DEFAULT_TEMPLATE["description"]),
            actor, "default template",
        )
        for order, (code, theme, text) in enumerate(DEFAULT_TEMPLATE["statements"], start=1):
            _save(Statement(template=template, code=code, theme=theme, text=text, order=order),
                  actor, "default template")
    return template


def new_template_version(*, actor, template, statements, description=None, reason=""):
    """Publish a new version of a template with the given statements (dicts with code, theme,
    text). The old version stays as it was, so its rounds keep their statements; a statement
    with the same code in both versions is compared across rounds."""
    _check(learning_rules.can_manage_templates, actor, None,
           _("Only the programme configures self-assessment templates."))
    statements = list(statements)
    if not statements:
        raise ValidationError(_("A template needs at least one statement."))
    codes = [s["code"] for s in statements]
    if len(set(codes)) != len(codes):
        raise ValidationError(_("Each statement needs its own code."))
    latest = AssessmentTemplate.objects.filter(name=template.name).order_by("-version").first()
    with transaction.atomic():
        new = _save(
            AssessmentTemplate(
                name=template.name, version=latest.version + 1, is_default=template.is_default,
                description=template.description if description is None else description,
            ),
            actor, reason,
        )
        if template.is_default:
            for old in AssessmentTemplate.objects.filter(name=template.name, is_default=True).exclude(pk=new.pk):
                old.is_default = False
                _save(old, actor, reason or "new version")
        for order, row in enumerate(statements, start=1):
            _save(Statement(template=new, code=row["code"], theme=row["theme"], text=row["text"],
                            order=order), actor, reason)
    return new


# Self-assessment rounds ---------------------------------------------------------------------


def open_round(*, actor, deal, name, opened_on=None, template=None, is_example=False, reason=""):
    _may_edit(actor, deal)
    template = template or ensure_default_template(actor=None)
    opened_on = opened_on or _today()
    if deal.assessment_rounds.filter(closed_on__isnull=True).exists():
        raise ValidationError(_("This deal already has an open round; close it first."))
    if not name.strip():
        raise ValidationError({"name": _("Give the round a name, e.g. 'Midterm 2024'.")})
    with transaction.atomic():
        round = _save(
            AssessmentRound(deal=deal, template=template, name=name.strip(), opened_on=opened_on,
                            is_example=is_example),
            actor, reason,
        )
        if not is_example:
            transaction.on_commit(lambda: signals.round_opened.send(sender=AssessmentRound,
                                                                    round=round))
        return round


def answerable_organisations(actor, round):
    """The organisations `actor` may answer for: all partners of the deal for its team and
    the programme, only their own organisation(s) for a partner member."""
    deal = round.deal
    participants = deal.participations.select_related("organisation").order_by("organisation__name")
    if learning_rules.can_edit_learning(actor, deal):
        return [p.organisation for p in participants]
    own = set(learning_rules.partner_organisations(actor, deal))
    return [p.organisation for p in participants if p.organisation_id in own]


def save_answers(*, actor, round, organisation, answers, is_example=False, reason=""):
    """Store one organisation's answers: `answers` maps statement id to (score, comment).
    A score of None with an empty comment removes an earlier answer; a comment without a
    score is refused, so that nothing entered is lost."""
    deal = round.deal
    _check(learning_rules.can_answer_assessment, actor, deal,
           _("You may not answer this self-assessment."))
    if not round.is_open:
        raise ValidationError(_("This round is closed; its answers can no longer change."))
    check_references(actor=actor, deal=deal, model=Answer, values={"organisation": organisation})
    allowed = {o.pk for o in answerable_organisations(actor, round)}
    if organisation.pk not in allowed:
        if deal.participations.filter(organisation=organisation).exists():
            raise PermissionDenied(_("You may only answer for your own organisation."))
        raise ValidationError(_("%(name)s is not a partner of this deal.") % {"name": organisation.name})
    statements = {s.pk: s for s in round.template.statements.all()}
    errors = {}
    clean = {}
    for statement_id, (score, comment) in answers.items():
        if statement_id not in statements:
            raise ValidationError(_("A statement does not belong to this round's template."))
        comment = (comment or "").strip()
        if score in (None, ""):
            if comment:
                errors[statement_id] = _("Give a score from 1 to 5 with your comment.")
            clean[statement_id] = None
            continue
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            errors[statement_id] = _("A score runs from 1 to 5.")
            continue
        clean[statement_id] = (score, comment)
    if errors:
        raise ValidationError({f"statement_{k}": v for k, v in errors.items()})
    existing = {a.statement_id: a for a in round.answers.filter(organisation=organisation)}
    with transaction.atomic():
        for statement_id, value in clean.items():
            answer = existing.get(statement_id)
            if value is None:
                if answer:
                    _delete(answer, actor, reason)
                continue
            score, comment = value
            if answer and (answer.score, answer.comment) == (score, comment):
                continue
            answer = answer or Answer(round=round, statement=statements[statement_id],
                                      organisation=organisation, is_example=is_example)
            answer.score, answer.comment, answer.answered_by = score, comment, actor
            _save(answer, actor, reason)
    return round.answers.filter(organisation=organisation)


def close_round(*, actor, round, reflection, lessons="", closed_on=None, lesson_kind=LessonKind.INZICHT,
                is_example=False, reason=""):
    """Close a round with the team's reflection. Each non-empty line of `lessons` becomes a
    lesson of the deal, linked to the round and visible to the deal."""
    deal = round.deal
    _may_edit(actor, deal)
    if not round.is_open:
        raise ValidationError(_("This round is already closed."))
    if not reflection.strip():
        raise ValidationError({"reflection": _("Write the reflection that closes the round.")})
    closed_on = closed_on or _today()
    if closed_on < round.opened_on:
        raise ValidationError({"closed_on": _("A round cannot close before it opened (%(date)s).")
                               % {"date": round.opened_on.isoformat()}})
    lines = [line.strip() for line in lessons.splitlines() if line.strip()]
    with transaction.atomic():
        round.reflection = reflection.strip()
        round.closed_on = closed_on
        _save(round, actor, reason or "closed")
        created = []
        for line in lines:
            title = line if len(line) <= 120 else line[:117].rstrip() + "…"
            created.append(save_lesson(
                actor=actor, deal=deal, title=title, text=line, kind=lesson_kind,
                phase=deal.phase, visibility=Visibility.DEAL, learned_on=closed_on,
                source_round=round, is_example=is_example, themes=list(deal.themes.all()),
                reason=reason or "from self-assessment",
            ))
    return created


# Uptake and deliverables ----------------------------------------------------------------------

UPTAKE_FIELDS = ("kind", "title", "description", "date", "evidence_url", "bottleneck",
                 "deliverable", "is_example")
DELIVERABLE_FIELDS = ("name", "kind", "description", "url", "is_example")
ADOPTION_FIELDS = ("organisation", "adopter", "date", "note", "is_example")


def save_uptake(*, actor, deal, uptake=None, reason="", **fields):
    _may_edit(actor, deal)
    uptake = uptake or Uptake(deal=deal)
    _assign(uptake, fields, UPTAKE_FIELDS)
    errors = {}
    if uptake.date and uptake.date > _today():
        errors["date"] = _("Uptake is recorded once it has happened; the date lies in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _save(uptake, actor, reason)


def save_deliverable(*, actor, deal, deliverable=None, reason="", **fields):
    _may_edit(actor, deal)
    deliverable = deliverable or Deliverable(deal=deal)
    _assign(deliverable, fields, DELIVERABLE_FIELDS)
    with transaction.atomic():
        return _save(deliverable, actor, reason)


def add_adoption(*, actor, deliverable, reason="", **fields):
    _may_edit(actor, deliverable.deal)
    adoption = Adoption(deliverable=deliverable)
    _assign(adoption, fields, ADOPTION_FIELDS)
    if not adoption.organisation_id and not adoption.adopter.strip():
        raise ValidationError({"adopter": _("Name who adopted it: pick an organisation or write its name.")})
    if adoption.date and adoption.date > _today():
        raise ValidationError({"date": _("The date lies in the future.")})
    with transaction.atomic():
        return _save(adoption, actor, reason)


# Scaling plan and start conversation ----------------------------------------------------------

SCALING_FIELDS = (
    "route", "route_explanation", "diversity_settings", "diversity_target_groups",
    "diversity_interests", "diversity_environments", "scaling_partners", "resistant_parties",
    "owner_after", "is_example",
)
START_FIELDS = (
    "participants", "client", "internal_anchoring", "way_of_working", "escalation",
    "joint_strategy", "picture_of_success", "expected_end_result", "is_example",
)


def _save_revisited(model, fields_allowed, *, actor, deal, reviewed_on, reason, fields):
    _may_edit(actor, deal)
    reviewed_on = reviewed_on or _today()
    if reviewed_on > _today():
        raise ValidationError({"reviewed_on": _("The date lies in the future.")})
    instance = model.objects.filter(deal=deal).first() or model(deal=deal)
    if instance.pk and reviewed_on < instance.reviewed_on:
        raise ValidationError({"reviewed_on": _(
            "The last revisit was on %(date)s; a new version cannot be older."
        ) % {"date": instance.reviewed_on.isoformat()}})
    _assign(instance, fields, fields_allowed)
    instance.reviewed_on = reviewed_on
    with transaction.atomic():
        return _save(instance, actor, reason or "revisit")


def save_scaling_plan(*, actor, deal, reviewed_on=None, reason="", **fields):
    """Draw up or revisit the deal's scaling plan; the earlier version stays in its history."""
    return _save_revisited(ScalingPlan, SCALING_FIELDS, actor=actor, deal=deal,
                           reviewed_on=reviewed_on, reason=reason, fields=fields)


def save_start_conversation(*, actor, deal, reviewed_on=None, reason="", **fields):
    """Record or revisit the deal's start conversation; the earlier version stays in its history."""
    return _save_revisited(StartConversation, START_FIELDS, actor=actor, deal=deal,
                           reviewed_on=reviewed_on, reason=reason, fields=fields)


# Milestones and experiments -------------------------------------------------------------------

MILESTONE_FIELDS = ("title", "due_on", "reached_on", "note", "is_example")
EXPERIMENT_FIELDS = ("title", "hypothesis", "setting", "started_on", "ended_on", "result", "lesson",
                     "is_example")


def save_milestone(*, actor, deal, milestone=None, reason="", **fields):
    _may_edit(actor, deal)
    milestone = milestone or Milestone(deal=deal)
    _assign(milestone, fields, MILESTONE_FIELDS)
    if milestone.reached_on and milestone.reached_on > _today():
        raise ValidationError({"reached_on": _("A milestone cannot be reached in the future.")})
    with transaction.atomic():
        return _save(milestone, actor, reason)


def save_experiment(*, actor, deal, experiment=None, reason="", **fields):
    _may_edit(actor, deal)
    experiment = experiment or Experiment(deal=deal)
    _assign(experiment, fields, EXPERIMENT_FIELDS)
    errors = {}
    if experiment.started_on and experiment.ended_on and experiment.ended_on < experiment.started_on:
        errors["ended_on"] = _("The experiment ends before it starts.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return _save(experiment, actor, reason)
