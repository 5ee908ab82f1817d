"""Learning and steering: bottlenecks, lessons, self-assessments, uptake and deliverables."""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dealmonitor.deals.constants import Phase
from dealmonitor.deals.models import Deal, Theme
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.text import stems
from dealmonitor.utils.text_limits import LONG_TEXT

from .constants import (
    CLOSED_STATUSES,
    SCORES,
    BottleneckKind,
    BottleneckStatus,
    DeliverableKind,
    LessonKind,
    RuleLevel,
    ScalingRoute,
    UptakeKind,
    Visibility,
    WayOfWorking,
)

EXAMPLE_HELP = _("Invented for the demo, not a fact of the deal.")


# Bottlenecks ------------------------------------------------------------------------------


class Bottleneck(models.Model):
    """A rule or practice that blocks a deal (knelpunt), raised with a ministry."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="bottlenecks")
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    kind = models.CharField(_("kind"), max_length=20, choices=BottleneckKind.choices)
    rule = models.CharField(
        _("rule concerned"), max_length=300, blank=True,
        help_text=_("The law, regulation or practice that blocks, e.g. a subsidy scheme."),
    )
    level = models.CharField(_("level"), max_length=20, choices=RuleLevel.choices, blank=True)
    ministry = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("raised with (ministry)"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=BottleneckStatus.choices,
        default=BottleneckStatus.GESIGNALEERD,
        help_text=_("The current status; changed only through a status change, which keeps history."),
    )
    signalled_on = models.DateField(_("signalled on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True, max_length=LONG_TEXT)
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "-signalled_on", "id"]
        verbose_name = _("bottleneck")
        verbose_name_plural = _("bottlenecks")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("learning:bottleneck", kwargs={"slug": self.deal.slug, "pk": self.pk})

    @property
    def is_open(self):
        return self.status not in CLOSED_STATUSES

    def days_open(self, today=None):
        """Days from being signalled to being closed (or to today while it is open)."""
        end = self.closed_on if not self.is_open and self.closed_on else (today or timezone.localdate())
        return max((end - self.signalled_on).days, 0)


class BottleneckStatusChange(models.Model):
    """The status history of a bottleneck: one row per status it entered."""

    bottleneck = models.ForeignKey(Bottleneck, on_delete=models.CASCADE, related_name="status_changes")
    status = models.CharField(_("status"), max_length=20, choices=BottleneckStatus.choices)
    date = models.DateField(_("date"))
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["bottleneck", "date", "id"]
        verbose_name = _("bottleneck status change")
        verbose_name_plural = _("bottleneck status changes")

    def __str__(self):
        return f"{self.bottleneck}: {self.status} ({self.date})"


# Self-assessments -------------------------------------------------------------------------


class AssessmentTemplate(models.Model):
    """A versioned set of statements; a used version is never changed, a new version is made."""

    name = models.CharField(_("name"), max_length=200)
    version = models.PositiveIntegerField(_("version"), default=1)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    is_default = models.BooleanField(_("default template"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="unique_template_version")
        ]
        verbose_name = _("self-assessment template")
        verbose_name_plural = _("self-assessment templates")

    def __str__(self):
        return f"{self.name} (v{self.version})"


class Statement(models.Model):
    """A statement scored 1 to 5. `code` stays the same across versions, so rounds on
    different versions of a template can be compared statement by statement."""

    template = models.ForeignKey(AssessmentTemplate, on_delete=models.CASCADE, related_name="statements")
    code = models.SlugField(_("code"), max_length=50)
    theme = models.CharField(_("theme"), max_length=100)
    text = models.TextField(_("statement"), max_length=LONG_TEXT)
    order = models.PositiveIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["template", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="unique_statement_code")
        ]
        verbose_name = _("statement")
        verbose_name_plural = _("statements")

    def __str__(self):
        return self.text[:80]


class AssessmentRound(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="assessment_rounds")
    template = models.ForeignKey(
        AssessmentTemplate, on_delete=models.PROTECT, related_name="rounds",
        verbose_name=_("template"),
    )
    name = models.CharField(_("name"), max_length=200, help_text=_("E.g. 'Midterm 2024'."))
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    reflection = models.TextField(_("reflection"), blank=True, max_length=LONG_TEXT)
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "opened_on", "id"]
        verbose_name = _("self-assessment round")
        verbose_name_plural = _("self-assessment rounds")

    def __str__(self):
        return f"{self.deal}: {self.name}"

    def get_absolute_url(self):
        return reverse("learning:round", kwargs={"slug": self.deal.slug, "pk": self.pk})

    @property
    def is_open(self):
        return self.closed_on is None


class Answer(models.Model):
    """One partner organisation's score on one statement in one round."""

    round = models.ForeignKey(AssessmentRound, on_delete=models.CASCADE, related_name="answers")
    statement = models.ForeignKey(Statement, on_delete=models.PROTECT, related_name="answers")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", verbose_name=_("organisation")
    )
    score = models.PositiveSmallIntegerField(_("score"), choices=SCORES)
    comment = models.TextField(_("comment"), blank=True, max_length=LONG_TEXT)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "statement", "organisation"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "statement", "organisation"], name="unique_answer_per_organisation"
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=1, score__lte=5), name="answer_score_1_to_5"
            ),
        ]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")


# Lessons ----------------------------------------------------------------------------------


class Lesson(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("lesson"), max_length=LONG_TEXT)
    kind = models.CharField(_("kind"), max_length=20, choices=LessonKind.choices)
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices, blank=True)
    themes = models.ManyToManyField(Theme, blank=True, related_name="lessons", verbose_name=_("themes"))
    tags = models.CharField(
        _("tags"), max_length=500, blank=True, help_text=_("Separated by commas."),
    )
    visibility = models.CharField(
        _("visible to"), max_length=20, choices=Visibility.choices, default=Visibility.PROGRAMMA
    )
    indicators = models.ManyToManyField(
        "impact.Indicator", blank=True, related_name="lessons", verbose_name=_("indicators")
    )
    assumptions = models.ManyToManyField(
        "impact.Assumption", blank=True, related_name="lessons", verbose_name=_("assumptions")
    )
    bottlenecks = models.ManyToManyField(
        Bottleneck, blank=True, related_name="lessons", verbose_name=_("bottlenecks")
    )
    source_round = models.ForeignKey(
        AssessmentRound, null=True, blank=True, on_delete=models.SET_NULL, related_name="lessons",
        verbose_name=_("from self-assessment round"),
    )
    learned_on = models.DateField(_("date"), default=timezone.localdate)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    search_stems = models.TextField(
        editable=False, blank=True,
        help_text="Stems of title, text and tags (utils.text) for search outside PostgreSQL.",
    )
    # PostgreSQL only: title, text and tags as a weighted `dutch` tsvector, kept by a
    # trigger (migration 0004) and GIN-indexed, so a search reads the index instead of
    # parsing every lesson (docs/performance.md). Always empty on SQLite.
    search_document = SearchVectorField(null=True, editable=False)
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords(
        excluded_fields=["search_stems", "search_document"],
        m2m_fields=[themes, indicators, assumptions, bottlenecks],
    )

    class Meta:
        ordering = ["-learned_on", "id"]
        verbose_name = _("lesson")
        verbose_name_plural = _("lessons")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("learning:lesson", kwargs={"slug": self.deal.slug, "pk": self.pk})

    @property
    def tag_list(self):
        return [t.strip() for t in self.tags.split(",") if t.strip()]

    def save(self, *args, **kwargs):
        self.search_stems = stem_document(self.title, self.text, self.tags)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = set(kwargs["update_fields"]) | {"search_stems"}
        super().save(*args, **kwargs)


FIELD_BREAK = "|"


def stem_document(title, text, tags):
    """`| title stems | text stems | tag stems |`: words as stems, in order, with a break
    between fields so that a phrase never runs from one field into the next."""
    parts = [" ".join(stems(part)) for part in (title, text, tags.replace(",", " "))]
    return f"{FIELD_BREAK} " + f" {FIELD_BREAK} ".join(parts) + f" {FIELD_BREAK}"


# Uptake, anchoring and deliverables ---------------------------------------------------------


class Deliverable(models.Model):
    """Something a deal produced for others to use: a tool, a guide, a data set."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="deliverables")
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=DeliverableKind.choices)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    url = models.URLField(_("address"), blank=True, max_length=1000)
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "name"]
        verbose_name = _("deliverable")
        verbose_name_plural = _("deliverables")

    def __str__(self):
        return self.name


class Adoption(models.Model):
    """Who took up a deliverable: an organisation in the register or one named in words."""

    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="adoptions")
    organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("organisation"),
    )
    adopter = models.CharField(
        _("adopter (in words)"), max_length=300, blank=True,
        help_text=_("When the adopter is not in the register, or is a group (e.g. 'several cities')."),
    )
    date = models.DateField(_("date"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deliverable", "date", "id"]
        verbose_name = _("adoption")
        verbose_name_plural = _("adoptions")

    def __str__(self):
        return f"{self.deliverable}: {self.adopter_name}"

    @property
    def adopter_name(self):
        return self.organisation.name if self.organisation_id else self.adopter


class Uptake(models.Model):
    """Where a result of the deal landed outside it (doorwerking, borging)."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="uptakes")
    kind = models.CharField(_("kind"), max_length=30, choices=UptakeKind.choices)
    title = models.CharField(_("what landed where"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    date = models.DateField(_("date"), null=True, blank=True)
    evidence_url = models.URLField(_("evidence (address)"), blank=True, max_length=1000)
    bottleneck = models.ForeignKey(
        Bottleneck, null=True, blank=True, on_delete=models.SET_NULL, related_name="uptakes",
        verbose_name=_("from bottleneck"),
    )
    deliverable = models.ForeignKey(
        Deliverable, null=True, blank=True, on_delete=models.SET_NULL, related_name="uptakes",
        verbose_name=_("deliverable"),
    )
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "date", "id"]
        verbose_name = _("uptake")
        verbose_name_plural = _("uptake")

    def __str__(self):
        return self.title


# Scaling plan and start conversation ----------------------------------------------------------


class RevisitMixin(models.Model):
    """Dated, and due for a revisit a year after that date."""

    class Meta:
        abstract = True

    @property
    def revisit_due_on(self):
        from .constants import REVISIT_AFTER_DAYS

        return self.reviewed_on + dt.timedelta(days=REVISIT_AFTER_DAYS)

    def revisit_due(self, today=None):
        """Due a year after its date, unless the deal has finished."""
        if self.deal.status == "afgerond":
            return False
        return self.revisit_due_on <= (today or timezone.localdate())


class ScalingPlan(RevisitMixin):
    """How the deal's results go on after it: one plan per deal, revisited at least yearly
    (earlier versions stay in its history)."""

    deal = models.OneToOneField(Deal, on_delete=models.CASCADE, related_name="scaling_plan")
    route = models.CharField(_("route"), max_length=20, choices=ScalingRoute.choices)
    route_explanation = models.TextField(_("why this route"), blank=True, max_length=LONG_TEXT)
    diversity_settings = models.TextField(_("diversity in settings"), blank=True, max_length=LONG_TEXT)
    diversity_target_groups = models.TextField(_("diversity in target groups"), blank=True, max_length=LONG_TEXT)
    diversity_interests = models.TextField(_("diversity in interests"), blank=True, max_length=LONG_TEXT)
    diversity_environments = models.TextField(_("diversity in environments"), blank=True, max_length=LONG_TEXT)
    scaling_partners = models.TextField(
        _("scaling partners"), blank=True,
        help_text=_("Parties needed to scale the result, often not signatories."), max_length=LONG_TEXT)
    resistant_parties = models.TextField(
        _("resistant parties to involve"), blank=True,
        help_text=_("Parties that resist, and how the deal involves them early."), max_length=LONG_TEXT)
    owner_after = models.CharField(_("owner after the deal"), max_length=300, blank=True,
                                   help_text=_("Who keeps the result going once the deal ends."))
    reviewed_on = models.DateField(_("drawn up or last revisited on"))
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scaling plan")
        verbose_name_plural = _("scaling plans")

    def __str__(self):
        return f"{self.deal}: {self.get_route_display()}"


class StartConversation(RevisitMixin):
    """The start conversation (startgesprek) about roles, client and success; revisited yearly."""

    deal = models.OneToOneField(Deal, on_delete=models.CASCADE, related_name="start_conversation")
    participants = models.TextField(_("who took part"), blank=True, max_length=LONG_TEXT)
    client = models.TextField(_("who is the client"), blank=True, max_length=LONG_TEXT)
    internal_anchoring = models.TextField(
        _("internal anchoring"), blank=True,
        help_text=_("Who is involved inside the organisations, how results are anchored and steered."), max_length=LONG_TEXT)
    way_of_working = models.CharField(_("way of working"), max_length=20, choices=WayOfWorking.choices,
                                      blank=True)
    escalation = models.TextField(_("escalation"), blank=True, max_length=LONG_TEXT)
    joint_strategy = models.TextField(_("joint strategy"), blank=True, max_length=LONG_TEXT)
    picture_of_success = models.TextField(_("picture of success"), blank=True, max_length=LONG_TEXT)
    expected_end_result = models.TextField(_("what is reached at the end of the deal"), blank=True, max_length=LONG_TEXT)
    reviewed_on = models.DateField(_("held or last revisited on"))
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("start conversation")
        verbose_name_plural = _("start conversations")

    def __str__(self):
        return str(self.deal)


# Milestones and experiments -------------------------------------------------------------------


class Milestone(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=300)
    due_on = models.DateField(_("planned for"), null=True, blank=True)
    reached_on = models.DateField(_("reached on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", models.F("reached_on").asc(nulls_last=True), models.F("due_on").asc(nulls_last=True), "id"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title

    def is_overdue(self, today=None):
        return self.reached_on is None and self.due_on is not None and self.due_on < (today or timezone.localdate())


class Experiment(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="experiments")
    title = models.CharField(_("experiment"), max_length=300)
    hypothesis = models.TextField(_("hypothesis"), blank=True,
                                  help_text=_("What the deal expects to happen, and why."), max_length=LONG_TEXT)
    setting = models.TextField(_("setting"), blank=True,
                               help_text=_("Where and with whom: the place, the target group, the circumstances."), max_length=LONG_TEXT)
    started_on = models.DateField(_("started on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    result = models.TextField(_("result"), blank=True, max_length=LONG_TEXT)
    lesson = models.ForeignKey(Lesson, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="experiments", verbose_name=_("lesson"))
    is_example = models.BooleanField(_("example"), default=False, help_text=EXAMPLE_HELP)
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", models.F("started_on").asc(nulls_last=True), "id"]
        verbose_name = _("experiment")
        verbose_name_plural = _("experiments")

    def __str__(self):
        return self.title


# The programme view's partner figures, kept by the database (learning/summary.py) ---------


class PartnerReach(models.Model):
    """In how many deals (and published deals) an organisation of a type takes part. Kept by
    triggers on participations, deals and organisations (learning/summary.py), never written
    by Python except by the recount (`dealmonitor programme recount`)."""

    organisation_id = models.BigIntegerField()
    type = models.CharField(max_length=40)
    deals = models.IntegerField(default=0)
    published_deals = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation_id", "type"],
                                               name="unique_partner_reach")]


class DealPartnerType(models.Model):
    """How many partners of a type a deal has (kept like PartnerReach)."""

    deal_id = models.BigIntegerField()
    type = models.CharField(max_length=40)
    partners = models.IntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["deal_id", "type"],
                                               name="unique_deal_partner_type")]


class PartnerTypeTotal(models.Model):
    """Per organisation type: organisations in at least one deal, deals with at least one
    partner of the type; and the same over published deals only (kept like PartnerReach)."""

    type = models.CharField(max_length=40, unique=True)
    organisations = models.IntegerField(default=0)
    deals = models.IntegerField(default=0)
    published_organisations = models.IntegerField(default=0)
    published_deals = models.IntegerField(default=0)
