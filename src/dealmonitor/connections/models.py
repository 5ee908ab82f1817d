from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dealmonitor.utils.choices import ChoiceLabels
from dealmonitor.utils.text_limits import LONG_TEXT

from .constants import DecisionStatus, LinkKind


class RelatedSuggestion(models.Model):
    """A precomputed related deal: one row per (deal, other deal) in the deal's top list.

    Derived data: written only by the rebuild and the incremental update in `related.py`
    (a cache of the engine's output, so it keeps no history; the people's decisions on
    suggestions are `Connection` rows, which do). One deal's list is one indexed query.
    """

    deal = models.ForeignKey(
        "deals.Deal", on_delete=models.CASCADE, related_name="related_suggestions"
    )
    other = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="+")
    rank = models.PositiveSmallIntegerField(_("rank"))
    score = models.FloatField(_("score"))
    reasons = models.JSONField(_("reasons"), default=list)
    # A fingerprint of `reasons` (storage.digest): a rebuild compares 200,000 stored rows by
    # it instead of reading their JSON back. A default in the database too, so that code
    # without the column (a deploy under way) can still write rows.
    digest = models.CharField(max_length=32, blank=True, default="", db_default="",
                              editable=False)
    computed_at = models.DateTimeField(_("computed at"), auto_now=True)

    class Meta:
        ordering = ["deal", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["deal", "other"], name="unique_suggestion_per_pair")
        ]
        indexes = [models.Index(fields=["deal", "rank"], name="suggestion_deal_rank")]
        verbose_name = _("related-deal suggestion")
        verbose_name_plural = _("related-deal suggestions")

    def __str__(self):
        return f"{self.deal_id} → {self.other_id} ({self.score:.2f})"


class Connection(ChoiceLabels, models.Model):
    """A person's decision about two deals: a confirmed connection (with its kind) or a
    dismissed suggestion (with the reason). Stored once per pair, the lower id first."""

    deal_a = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("first deal"))
    deal_b = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="+",
                               verbose_name=_("second deal"))
    status = models.CharField(_("decision"), max_length=20, choices=DecisionStatus.choices)
    kind = models.CharField(
        _("kind of connection"), max_length=30, choices=LinkKind.choices, blank=True
    )
    note = models.TextField(
        _("note"), blank=True, max_length=LONG_TEXT,
        help_text=_("For a dismissal: why the deals are not related."),
    )
    event = models.ForeignKey(
        "connections.CommunityEvent", null=True, blank=True, on_delete=models.SET_NULL,
        related_name="connections", verbose_name=_("recorded at event"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("decided by"),
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(fields=["deal_a", "deal_b"], name="unique_connection_pair"),
            models.CheckConstraint(
                condition=Q(deal_a__lt=models.F("deal_b")), name="connection_pair_ordered"
            ),
        ]
        verbose_name = _("connection")
        verbose_name_plural = _("connections")

    def __str__(self):
        return f"{self.deal_a_id} – {self.deal_b_id}: {self.status}"

    def other_than(self, deal):
        return self.deal_b if deal.pk == self.deal_a_id else self.deal_a


class CommunityEvent(models.Model):
    """A meeting of the Community of Practice (bijeenkomst) with the deals taking part."""

    title = models.CharField(_("title"), max_length=200)
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    deals = models.ManyToManyField(
        "deals.Deal", verbose_name=_("deals taking part"), blank=True, related_name="cop_events"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("created by"),
    )

    history = HistoricalRecords(m2m_fields=[deals])

    class Meta:
        ordering = ["-date", "title"]
        verbose_name = _("Community of Practice event")
        verbose_name_plural = _("Community of Practice events")

    def __str__(self):
        return f"{self.title} ({self.date:%Y-%m-%d})"


class EventTable(models.Model):
    """One table of an event's seating plan."""

    event = models.ForeignKey(CommunityEvent, on_delete=models.CASCADE, related_name="tables",
                              verbose_name=_("event"))
    number = models.PositiveSmallIntegerField(_("table"))
    deals = models.ManyToManyField("deals.Deal", verbose_name=_("deals"), related_name="+")

    history = HistoricalRecords(m2m_fields=[deals])

    class Meta:
        ordering = ["event", "number"]
        constraints = [
            models.UniqueConstraint(fields=["event", "number"], name="unique_table_number")
        ]
        verbose_name = _("table")
        verbose_name_plural = _("tables")

    def __str__(self):
        return f"{self.event}: {self.number}"


class EventLesson(models.Model):
    """A lesson or insight noted at an event, for one deal or for the whole group."""

    event = models.ForeignKey(CommunityEvent, on_delete=models.CASCADE, related_name="lessons",
                              verbose_name=_("event"))
    deal = models.ForeignKey(
        "deals.Deal", null=True, blank=True, on_delete=models.CASCADE, related_name="+",
        verbose_name=_("deal"),
    )
    text = models.TextField(_("lesson"), max_length=LONG_TEXT)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+", verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "recorded_at"]
        verbose_name = _("lesson from an event")
        verbose_name_plural = _("lessons from events")

    def __str__(self):
        return self.text[:80]


class SimilarityFeature(models.Model):
    """What the related-deals engine keeps of each deal between runs, so that one deal's
    list is updated without reading the whole portfolio (`incremental.py`). Derived data,
    rewritten by the rebuild and the one-deal update like the suggestions; no history.

    kind  key                weight                         label
    o     organisation pk    weight in the deal's vector    -
    t     theme pk           weight in the deal's vector    -
    s     stem               weight in the deal's vector    a readable spelling
    w     stem               times the deal's texts use it  its spelling, if not the stem (every stem: rarity)
    r     regulation key     -                              the regulation as worded
    m     named deal pk      1 for a follow-up, else 0      field, a newline, the sentence
    """

    # No foreign-key constraint in the database (derived data, like a cache): with one, each
    # of the rebuild's ~900,000 rows at scale L queued a deferred check for the commit.
    # Deleting a deal still deletes its rows (Django cascades); (deal, kind) is the index.
    deal = models.ForeignKey("deals.Deal", on_delete=models.CASCADE, related_name="+",
                             db_constraint=False, db_index=False)
    kind = models.CharField(max_length=1)
    key = models.CharField(max_length=400)
    weight = models.FloatField(default=0.0)
    label = models.TextField(blank=True, default="")

    class Meta:
        indexes = [
            models.Index(fields=["kind", "key"], name="similarity_kind_key"),
            models.Index(fields=["deal", "kind"], name="similarity_deal_kind"),
        ]
        verbose_name = _("similarity feature")
        verbose_name_plural = _("similarity features")

    def __str__(self):
        return f"{self.deal_id} {self.kind}:{self.key}"


class StemCount(models.Model):
    """In how many deals' texts each stem occurs: the `w` rows of `SimilarityFeature` counted
    once, kept by the rebuild and the one-deal update (a stem's row changes when a deal gains
    or loses it), so that an update reads the rarity of its ~100 stems as ~100 rows instead
    of counting their postings (thousands of rows for a common word). `label`: the readable
    spelling the rebuild chose for the whole portfolio ("" when it is the stem itself).
    Derived data, no history."""

    key = models.CharField(max_length=400, primary_key=True)
    deals = models.PositiveIntegerField(default=0)
    label = models.CharField(max_length=400, blank=True, default="")

    class Meta:
        verbose_name = _("stem count")
        verbose_name_plural = _("stem counts")

    def __str__(self):
        return f"{self.key}: {self.deals}"
