from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dealmonitor.deals.models import Deal
from dealmonitor.organisations.models import Organisation
from dealmonitor.utils.text_limits import LONG_TEXT

from .constants import (
    DEFAULT_MILESTONE_STATUSES,
    Aggregation,
    AssumptionStatus,
    Confidence,
    Dimension,
    Direction,
    EvidenceStance,
    Frequency,
    IndicatorKind,
    IndicatorScope,
    Level,
    Meaning,
    Valence,
    Verification,
)


class ReferenceSet(models.Model):
    """A versioned reference list shipped with the product, with its source and licence."""

    code = models.SlugField(_("code"), max_length=50)
    name = models.CharField(_("name"), max_length=200)
    edition = models.CharField(_("edition"), max_length=50)
    source = models.CharField(_("source"), max_length=500)
    licence = models.CharField(_("licence"), max_length=200)
    attribution = models.TextField(_("attribution"), blank=True, max_length=LONG_TEXT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "edition"], name="unique_reference_edition")
        ]
        verbose_name = _("reference set")
        verbose_name_plural = _("reference sets")

    def __str__(self):
        return f"{self.name} ({self.edition})"


class ReferenceItem(models.Model):
    """One theme of the CBS Monitor Brede Welvaart or one UN Sustainable Development Goal."""

    reference_set = models.ForeignKey(ReferenceSet, on_delete=models.PROTECT, related_name="items")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["reference_set", "order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["reference_set", "code"], name="unique_reference_item")
        ]
        verbose_name = _("reference item")
        verbose_name_plural = _("reference items")

    def __str__(self):
        return f"{self.code} {self.name}"


class Pathway(models.Model):
    """The impact pathway (impactketen, veranderpad) of a deal."""

    deal = models.OneToOneField(Deal, on_delete=models.CASCADE, related_name="pathway")
    summary = models.TextField(_("summary"), blank=True, max_length=LONG_TEXT)
    beneficiary_group = models.TextField(
        _("beneficiary group"), blank=True,
        help_text=_("The people who should benefit (profijtgroep)."), max_length=LONG_TEXT)
    beneficiary_involvement = models.TextField(
        _("how the beneficiary group is involved"), blank=True, max_length=LONG_TEXT)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("impact pathway")
        verbose_name_plural = _("impact pathways")

    def __str__(self):
        return str(self.deal)

    def get_absolute_url(self):
        return reverse("impact:pathway", kwargs={"slug": self.deal.slug})


class Element(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="elements")
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    is_active_ingredient = models.BooleanField(
        _("active ingredient"), default=False,
        help_text=_("An element expected to predict long-term impact (werkzaam element)."),
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Invented for the demo, not a fact of the deal.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["pathway", "order", "id"]
        verbose_name = _("pathway element")
        verbose_name_plural = _("pathway elements")

    def __str__(self):
        return f"{self.get_level_display()}: {self.title}"


class Link(models.Model):
    """A cause-to-effect step of the pathway: `cause` leads to `effect`."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="links")
    cause = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="links_out")
    effect = models.ForeignKey(Element, on_delete=models.CASCADE, related_name="links_in")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["cause", "effect"], name="unique_pathway_link"),
            models.CheckConstraint(
                condition=~models.Q(cause=models.F("effect")), name="link_not_to_itself"
            ),
        ]
        verbose_name = _("pathway link")
        verbose_name_plural = _("pathway links")

    def __str__(self):
        return f"{self.cause.title} → {self.effect.title}"


class Assumption(models.Model):
    link = models.ForeignKey(Link, on_delete=models.CASCADE, related_name="assumptions")
    text = models.TextField(_("assumption"), max_length=LONG_TEXT)
    status = models.CharField(
        _("status"), max_length=20, choices=AssumptionStatus.choices,
        default=AssumptionStatus.ONGETOETST,
    )
    is_example = models.BooleanField(_("example"), default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["link", "id"]
        verbose_name = _("assumption")
        verbose_name_plural = _("assumptions")

    def __str__(self):
        return self.text[:80]


class AssumptionEvidence(models.Model):
    """Dated evidence for or against an assumption."""

    assumption = models.ForeignKey(Assumption, on_delete=models.CASCADE, related_name="evidence")
    date = models.DateField(_("date"))
    stance = models.CharField(_("stance"), max_length=10, choices=EvidenceStance.choices)
    text = models.TextField(_("evidence"), max_length=LONG_TEXT)
    url = models.URLField(_("address"), blank=True, max_length=1000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["assumption", "date", "id"]
        verbose_name = _("evidence for an assumption")
        verbose_name_plural = _("evidence for assumptions")


class Effect(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="effects")
    element = models.ForeignKey(
        Element, null=True, blank=True, on_delete=models.SET_NULL, related_name="effects",
        verbose_name=_("pathway element"),
    )
    description = models.TextField(_("effect"), max_length=LONG_TEXT)
    valence = models.CharField(_("positive or negative"), max_length=10, choices=Valence.choices)
    intended = models.BooleanField(_("intended"), default=True)
    dimension = models.CharField(_("dimension"), max_length=20, choices=Dimension.choices)
    what = models.TextField(_("what"), blank=True, max_length=LONG_TEXT)
    who = models.TextField(_("who"), blank=True, max_length=LONG_TEXT)
    how_much = models.TextField(_("how much"), blank=True, max_length=LONG_TEXT)
    contribution = models.TextField(_("contribution"), blank=True, max_length=LONG_TEXT)
    risk = models.TextField(_("risk"), blank=True, max_length=LONG_TEXT)
    tags = models.ManyToManyField(
        ReferenceItem, blank=True, related_name="effects",
        verbose_name=_("broad prosperity themes and SDGs"),
    )
    is_example = models.BooleanField(_("example"), default=False)
    history = HistoricalRecords(m2m_fields=[tags])

    class Meta:
        ordering = ["deal", "id"]
        verbose_name = _("effect")
        verbose_name_plural = _("effects")

    def __str__(self):
        return self.description[:80]


def well_formed_breakdown(breakdown):
    """The items of a stored breakdown that are dimensions: dicts with a dimension name."""
    return [d for d in breakdown or () if isinstance(d, dict) and isinstance(d.get("dimension"), str)]


class Indicator(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="indicators")
    element = models.ForeignKey(
        Element, null=True, blank=True, on_delete=models.SET_NULL, related_name="indicators",
        verbose_name=_("pathway element"),
    )
    ambition = models.ForeignKey(
        "deals.Ambition", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="indicators", verbose_name=_("ambition"),
    )
    name = models.CharField(_("name"), max_length=300)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    kind = models.CharField(
        _("kind"), max_length=20, choices=IndicatorKind.choices, default=IndicatorKind.NUMERIC
    )
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    direction = models.CharField(
        _("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER
    )
    baseline_value = models.DecimalField(
        _("baseline"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    baseline_date = models.DateField(_("baseline date"), null=True, blank=True)
    target_value = models.DecimalField(
        _("end target"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    target_status = models.CharField(
        _("end target (milestone status)"), max_length=100, blank=True
    )
    target_date = models.DateField(_("end target date"), null=True, blank=True)
    aggregation = models.CharField(
        _("aggregation"), max_length=20, choices=Aggregation.choices, default=Aggregation.PER_PERIOD
    )
    milestone_statuses = models.JSONField(
        _("milestone statuses, in order"), default=list, blank=True
    )
    meaning = models.CharField(
        _("a measurement is"), max_length=10, choices=Meaning.choices, default=Meaning.INCREMENT,
        help_text=_("A new amount (the measurements add up) or the level on that date (the "
                    "latest counts)."),
    )
    whole_numbers = models.BooleanField(
        _("whole numbers only"), default=False,
        help_text=_("For counts: 4 is accepted, 4,5 is not."),
    )
    allow_negative = models.BooleanField(
        _("negative values allowed"), default=False,
        help_text=_("Only where the indicator can go below zero, such as a balance."),
    )
    value_min = models.DecimalField(
        _("lowest allowed value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    value_max = models.DecimalField(
        _("highest allowed value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    breakdown = models.JSONField(
        _("breakdown"), default=list, blank=True,
        help_text=_("Up to two dimensions, each with its categories, that a measurement may be "
                    "broken down by."),
    )
    data_source = models.CharField(_("data source"), max_length=300, blank=True)
    frequency = models.CharField(
        _("frequency"), max_length=20, choices=Frequency.choices, default=Frequency.YEAR
    )
    scope = models.CharField(
        _("scope"), max_length=20, choices=IndicatorScope.choices,
        default=IndicatorScope.PERFORMANCE,
    )
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Invented for the demo, not a fact of the deal.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("impact:indicator", kwargs={"slug": self.deal.slug, "pk": self.pk})

    @property
    def statuses(self):
        return self.milestone_statuses or DEFAULT_MILESTONE_STATUSES

    @property
    def dimensions(self):
        """The breakdown's dimensions as the services store them ({"dimension", "categories"});
        anything else a raw write left in the field is no dimension."""
        return well_formed_breakdown(self.breakdown)

    @property
    def is_milestone(self):
        return self.kind == IndicatorKind.MILESTONE


class Target(models.Model):
    """A periodic target: the value to reach in (or by the end of) a period."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    label = models.CharField(_("period"), max_length=50, blank=True)
    value = models.DecimalField(_("target"), max_digits=20, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("target status (milestone)"), max_length=100, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["indicator", "period_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "period_start", "period_end"], name="unique_target_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="target_period_ends_after_start",
            ),
        ]
        verbose_name = _("target")
        verbose_name_plural = _("targets")

    def __str__(self):
        return f"{self.indicator}: {self.label or self.period_start}"


def evidence_path(instance, filename):
    return f"evidence/{instance.indicator.deal.slug}/{instance.indicator_id}/{filename}"


class Measurement(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="measurements",
        db_index=False,  # the index on (indicator, date) in Meta serves every lookup by indicator
    )
    date = models.DateField(
        _("date"), help_text=_("The date measured, or the last day of the period measured.")
    )
    period_start = models.DateField(_("period start"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4, null=True, blank=True)
    status = models.CharField(_("status (milestone)"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    evidence_file = models.FileField(
        _("evidence (file)"), upload_to=evidence_path, blank=True, max_length=500
    )
    evidence_url = models.URLField(_("evidence (address)"), blank=True, max_length=1000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("reported by"),
    )
    reporting_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("reporting organisation"),
    )
    verification = models.CharField(
        _("verification"), max_length=20, choices=Verification.choices,
        default=Verification.SELF_REPORTED,
    )
    confidence = models.CharField(
        _("confidence"), max_length=10, choices=Confidence.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    verification_note = models.TextField(
        _("note of the deal team"), blank=True, max_length=LONG_TEXT,
        help_text=_("Why the deal team sent the measurement back."),
    )
    withdrawn = models.BooleanField(_("withdrawn"), default=False)
    withdrawn_reason = models.TextField(_("reason for withdrawal"), blank=True, max_length=LONG_TEXT)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("withdrawn by"),
    )
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Invented for the demo, not a fact of the deal.")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # One history row per measurement (an import of 100,000 writes 100,000), so every index
    # of the history table is paid for on every row. Its rows are read by measurement (`id`:
    # a measurement's own history), by deal through the indicator (`indicator`: the deal's
    # change log, deals/history.py), newest first (`history_date`) and by user (deleting a
    # user empties `history_user`); nothing reads them by reporter, reporting organisation or
    # withdrawer, so those three columns of the history get no index (docs/performance.md).
    history = HistoricalRecords(
        no_db_index=["reported_by", "reporting_organisation", "withdrawn_by"])

    class Meta:
        ordering = ["indicator", "date", "id"]
        indexes = [
            # Covering (PostgreSQL): the performance table reads an indicator's measurements
            # in this order with these fields from the index alone (an index-only scan: at
            # scale L 2 ms instead of 7 for the 5,000 measurements of 200 indicators).
            models.Index(fields=["indicator", "date", "id"], name="impact_meas_indicator_covering",
                         include=["value", "status", "evidence_file", "evidence_url",
                                  "reporting_organisation", "withdrawn", "verification"]),
        ]
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")

    def __str__(self):
        return f"{self.indicator}: {self.value if self.value is not None else self.status} ({self.date})"

    @property
    def has_evidence(self):
        return bool(self.evidence_file or self.evidence_url)


class MeasurementPart(models.Model):
    """A measurement's value for one category of one dimension of its indicator's breakdown.
    The categories of a dimension add up to the measurement's value (services check it)."""

    measurement = models.ForeignKey(Measurement, on_delete=models.CASCADE, related_name="parts")
    dimension = models.CharField(_("dimension"), max_length=20)
    category = models.CharField(_("category"), max_length=100)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    history = HistoricalRecords()

    class Meta:
        ordering = ["measurement", "dimension", "id"]
        constraints = [
            models.UniqueConstraint(fields=["measurement", "dimension", "category"],
                                    name="unique_measurement_category")
        ]
        verbose_name = _("value per category")
        verbose_name_plural = _("values per category")

    def __str__(self):
        return f"{self.dimension} {self.category}: {self.value}"
