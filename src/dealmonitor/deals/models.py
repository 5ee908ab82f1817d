import functools
from urllib.parse import urlsplit

from django.conf import settings
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import get_language, pgettext
from simple_history.models import HistoricalRecords

from dealmonitor.organisations.models import Organisation, Person
from dealmonitor.utils.choices import ChoiceLabels
from dealmonitor.utils.partial_dates import Precision, format_partial_date, partial_date_fields
from dealmonitor.utils.text_limits import LONG_TEXT

from .constants import (
    AmbitionScope,
    Confidence,
    DealKind,
    DealStatus,
    ParticipationKind,
    Phase,
    RoleKind,
    SourcedField,
    Stance,
)


class Source(models.Model):
    """Where a fact came from: a web address or one of the seed articles (`seed:<file>`)."""

    reference = models.CharField(_("reference"), max_length=1000, unique=True)

    class Meta:
        ordering = ["reference"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self):
        return self.reference

    @property
    def is_web(self):
        return self.reference.startswith(("http://", "https://"))

    @property
    def host(self):
        """The site of a web source, shown instead of the whole address."""
        return urlsplit(self.reference).hostname or "" if self.is_web else ""

    @property
    def seed_name(self):
        """The file name of a seed article (`seed:<file>`), else ''."""
        return self.reference[5:] if self.reference.startswith("seed:") else ""


class Theme(models.Model):
    """A theme of deals. `name` is the stored Dutch word (and the identifier in the API and the
    workbooks); `label` is that word in the reader's language, from the catalogue with context
    "theme" (conf/locale/en/), so a fixed list needs no column per language."""

    name = models.CharField(_("name"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")

    def __str__(self):
        return self.label

    @property
    def label(self):
        return theme_label(self.name)


def theme_label(name):
    """The label of the theme stored as `name`, in the reader's language (Theme.label)."""
    return _theme_label(name, get_language())


@functools.lru_cache(maxsize=4096)
def _theme_label(name, language):
    """A theme's label in `language` (the active one: it is part of the key only), kept per
    process as the catalogues are: `pgettext` looks the name up twice (with its context, then
    without) at every call, some fifty times on a portfolio page."""
    return pgettext("theme", name)


@receiver(setting_changed)
def _forget_theme_labels(setting, **kwargs):
    """A test that changes the languages or the catalogues changes the labels."""
    if setting in {"LANGUAGE_CODE", "LANGUAGES", "LOCALE_PATHS", "INSTALLED_APPS"}:
        _theme_label.cache_clear()


class Deal(ChoiceLabels, models.Model):
    slug = models.SlugField(
        _("identifier"), max_length=100, unique=True,
        help_text=_("Stable identifier, equal to the id in the data file."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DealKind.choices)
    other_kind = models.CharField(_("what kind"), max_length=100, blank=True)
    name = models.CharField(_("name"), max_length=300)
    aliases = models.JSONField(_("aliases"), default=list, blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="deals")
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    signing_date, signing_date_precision = partial_date_fields(_("signed on"))
    end_date, end_date_precision = partial_date_fields(_("ends on"))
    extended_to, extended_to_precision = partial_date_fields(_("extended to"))
    status = models.CharField(
        _("status"), max_length=20, choices=DealStatus.choices, default=DealStatus.ONBEKEND
    )
    status_as_of, status_as_of_precision = partial_date_fields(_("status as of"))
    phase = models.CharField(
        _("phase"), max_length=20, choices=Phase.choices, blank=True,
        help_text=_("The current phase; changed only through a phase change, which keeps history."),
    )
    is_published = models.BooleanField(
        _("published"), default=False,
        help_text=_(
            "A published deal is readable by everyone, without signing in (its internal fields "
            "excepted); an unpublished deal only by its members, evaluators and the programme."
        ),
    )
    all_sources = models.ManyToManyField(
        Source, verbose_name=_("all sources"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    # The themes are kept with every history entry (deals/history.py shows what changed);
    # `all_sources` is written only by the importer and left out (docs/development.md,
    # "Links in the history").
    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[themes])

    class Meta:
        ordering = ["name"]
        # The portfolio page sorts by name and counts by status and phase over every deal:
        # with these the database reads small indexes, not the whole table (10,000 deals
        # with their descriptions); see docs/performance.md.
        indexes = [
            models.Index(fields=["name"], name="deal_name"),
            models.Index(fields=["status", "phase"], name="deal_status_phase"),
            models.Index(fields=["phase"], name="deal_phase"),
        ]
        verbose_name = _("deal")
        verbose_name_plural = _("deals")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("deals:detail", kwargs={"slug": self.slug})

    @property
    def kind_label(self):
        if self.kind == DealKind.OTHER and self.other_kind:
            return self.other_kind
        return self.get_kind_display()

    @property
    def signing_date_display(self):
        return format_partial_date(self.signing_date, self.signing_date_precision)

    @property
    def end_date_display(self):
        return format_partial_date(self.end_date, self.end_date_precision)

    @property
    def extended_to_display(self):
        return format_partial_date(self.extended_to, self.extended_to_precision)

    @property
    def status_as_of_display(self):
        return format_partial_date(self.status_as_of, self.status_as_of_precision)


class DealFact(models.Model):
    """Provenance of one scalar fact of a deal: its sources, note, date and confidence."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="facts")
    field = models.CharField(_("field"), max_length=30, choices=SourcedField.choices)
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    as_of, as_of_precision = partial_date_fields(_("as of"))
    confidence = models.CharField(
        _("confidence"), max_length=20, choices=Confidence.choices, blank=True
    )
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "field"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "field"], name="unique_fact_per_deal_field")
        ]
        verbose_name = _("sourced fact")
        verbose_name_plural = _("sourced facts")

    def __str__(self):
        return f"{self.deal.slug}: {self.field}"

    @property
    def as_of_display(self):
        return format_partial_date(self.as_of, self.as_of_precision)


class PhaseChange(ChoiceLabels, models.Model):
    """The phase history of a deal: one row per phase it entered."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="phase_changes")
    phase = models.CharField(_("phase"), max_length=20, choices=Phase.choices)
    started_on, started_on_precision = partial_date_fields(_("since"))
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["deal", models.F("started_on").asc(nulls_first=True), "recorded_at"]
        verbose_name = _("phase change")
        verbose_name_plural = _("phase changes")

    def __str__(self):
        return f"{self.deal.slug}: {self.phase} ({self.started_on_display or '?'})"

    @property
    def started_on_display(self):
        return format_partial_date(self.started_on, self.started_on_precision)


class Track(models.Model):
    """A track (spoor) of a deal, with its lead (trekker): a person, an organisation or both."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="tracks")
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    lead_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("lead (person)"),
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("lead (organisation)"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "name"]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self):
        return self.name


class WorkingGroup(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="working_groups")
    track = models.ForeignKey(
        Track, null=True, blank=True, on_delete=models.SET_NULL, related_name="working_groups",
        verbose_name=_("track"),
    )
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True, max_length=LONG_TEXT)
    lead_person = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("lead (person)"),
    )
    lead_organisation = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("lead (organisation)"),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "name"]
        verbose_name = _("working group")
        verbose_name_plural = _("working groups")

    def __str__(self):
        return self.name


class Participation(models.Model):
    """An organisation in a deal."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="participations")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(
        _("kind"), max_length=30, choices=ParticipationKind.choices,
        default=ParticipationKind.PARTNER,
    )
    role_description = models.CharField(_("role"), max_length=500, blank=True)
    name_in_source = models.CharField(
        _("name in the source"), max_length=300, blank=True,
        help_text=_("How the source named the organisation in this deal."),
    )
    stance = models.CharField(_("stance"), max_length=20, choices=Stance.choices, blank=True)
    joined_on, joined_on_precision = partial_date_fields(_("joined on"))
    left_on, left_on_precision = partial_date_fields(_("left on"))
    commitment_money = models.DecimalField(
        _("commitment in euros"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    commitment_fte = models.DecimalField(
        _("commitment in FTE"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    commitment_in_kind = models.TextField(_("commitment in kind"), blank=True, max_length=LONG_TEXT)
    contact_name = models.CharField(
        _("contact person"), max_length=200, blank=True,
        help_text=_("Who the deal team contacts at this organisation about the deal."),
    )
    contact_email = models.EmailField(_("contact's e-mail address"), blank=True)
    delivered_money = models.DecimalField(
        _("delivered in euros"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    delivered_fte = models.DecimalField(
        _("delivered in FTE"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    confidence = models.CharField(
        _("confidence"), max_length=20, choices=Confidence.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "organisation"], name="unique_participation_per_deal"
            )
        ]
        verbose_name = _("participation")
        verbose_name_plural = _("participations")

    def __str__(self):
        return f"{self.organisation} in {self.deal}"

    @property
    def joined_on_display(self):
        return format_partial_date(self.joined_on, self.joined_on_precision)

    @property
    def left_on_display(self):
        return format_partial_date(self.left_on, self.left_on_precision)


class Role(ChoiceLabels, models.Model):
    """A person's role in a deal, for a period."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="roles")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="roles",
                               verbose_name=_("person"))
    kind = models.CharField(_("role"), max_length=30, choices=RoleKind.choices)
    description = models.CharField(_("description"), max_length=500, blank=True)
    start, start_precision = partial_date_fields(_("from"))
    end, end_precision = partial_date_fields(_("until"))
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "kind", "person__slug"]
        constraints = [
            models.UniqueConstraint(
                fields=["deal", "person", "kind"], name="unique_role_per_deal_person_kind"
            )
        ]
        verbose_name = _("role")
        verbose_name_plural = _("roles")

    def __str__(self):
        return f"{self.person} – {self.get_kind_display()} ({self.deal.slug})"

    @property
    def period_display(self):
        start = format_partial_date(self.start, self.start_precision)
        end = format_partial_date(self.end, self.end_precision)
        if start and end:
            return f"{start} – {end}"
        if start:
            return _("from %(date)s") % {"date": start}
        if end:
            return _("until %(date)s") % {"date": end}
        return ""


class PartnerCount(models.Model):
    """The size of the partnership at a date, as a source states it (with a breakdown by type
    where it gives one). Large deals list only some partners; this holds their real size."""

    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="partner_counts")
    count = models.PositiveIntegerField(_("number of partners"))
    as_of, as_of_precision = partial_date_fields(_("as of"))
    breakdown = models.JSONField(_("breakdown by type"), default=dict, blank=True)
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", models.F("as_of").asc(nulls_first=True), "count"]
        verbose_name = _("partner count")
        verbose_name_plural = _("partner counts")

    def __str__(self):
        return f"{self.deal.slug}: {self.count} ({self.as_of_display})"

    @property
    def as_of_display(self):
        return format_partial_date(self.as_of, self.as_of_precision)


class Result(models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="results")
    text = models.TextField(_("result"), max_length=LONG_TEXT)
    kind = models.CharField(_("kind"), max_length=50, blank=True)
    date, date_precision = partial_date_fields(_("date"))
    note = models.TextField(_("note"), blank=True, max_length=LONG_TEXT)
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "date", "id"]
        verbose_name = _("result")
        verbose_name_plural = _("results")

    def __str__(self):
        return self.text[:80]

    @property
    def date_display(self):
        return format_partial_date(self.date, self.date_precision)


class Ambition(ChoiceLabels, models.Model):
    deal = models.ForeignKey(Deal, on_delete=models.CASCADE, related_name="ambitions")
    text = models.TextField(_("ambition"), max_length=LONG_TEXT)
    target_value = models.DecimalField(
        _("target value"), max_digits=20, decimal_places=4, null=True, blank=True
    )
    unit = models.CharField(_("unit"), max_length=100, blank=True)
    target_year = models.PositiveSmallIntegerField(_("target year"), null=True, blank=True)
    scope = models.CharField(
        _("scope"), max_length=20, choices=AmbitionScope.choices, default=AmbitionScope.DEAL
    )
    sources = models.ManyToManyField(Source, verbose_name=_("sources"), blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["deal", "scope", "id"]
        verbose_name = _("ambition")
        verbose_name_plural = _("ambitions")

    def __str__(self):
        return self.text[:80]


__all__ = [
    "Ambition", "Deal", "DealFact", "Organisation", "Participation", "PartnerCount", "Person",
    "PhaseChange", "Precision", "Result", "Role", "Source", "Theme", "Track", "WorkingGroup",
]
