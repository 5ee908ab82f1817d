"""Areas (municipality, district, neighbourhood, by their CBS code), the figures about them
that a deal shows as context, and the areas a deal declares beyond its partner municipalities."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords

from dealmonitor.deals.models import Deal

from .constants import AreaKind


class Area(models.Model):
    """A municipality, district or neighbourhood, by its CBS code. Municipalities come from the
    reference list (organisations/reference, `dealmonitor areas sync`); districts and
    neighbourhoods are added by programme staff (`dealmonitor areas add`, the admin)."""

    kind = models.CharField("soort", max_length=10, choices=AreaKind.choices)
    code = models.CharField("CBS-code", max_length=10, unique=True)
    name = models.CharField("naam", max_length=200)
    parent = models.ForeignKey("self", verbose_name="ligt in", null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    province = models.CharField("provincie (CBS-code)", max_length=4, blank=True)
    valid_from = models.DateField("bestaat sinds", null=True, blank=True)
    valid_to = models.DateField("bestond tot en met", null=True, blank=True)
    successor = models.ForeignKey("self", verbose_name="opgegaan in", null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="predecessors")

    class Meta:
        ordering = ["code"]
        verbose_name = "gebied"
        verbose_name_plural = "gebieden"

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("areas:detail", kwargs={"code": self.code})

    @property
    def is_current(self):
        return self.valid_to is None


class Topic(models.Model):
    """What a figure counts: "Inwoners" (aantal), "Huishoudens met laag inkomen" (%)."""

    name = models.CharField("onderwerp", max_length=200, unique=True)
    unit = models.CharField("eenheid", max_length=50, blank=True)
    cbs_key = models.CharField("kolom bij CBS", max_length=100, blank=True,
                               help_text="De kolomnaam in de StatLine-download, bijvoorbeeld AantalInwoners_5.")

    class Meta:
        ordering = ["name"]
        verbose_name = "onderwerp"
        verbose_name_plural = "onderwerpen"

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name


class FigureSource(models.Model):
    """Where a set of figures comes from: the table's title and identifier, the date it was
    retrieved; one per import."""

    title = models.CharField("titel", max_length=300)
    table_id = models.CharField("tabel", max_length=30, blank=True,
                                help_text="Het nummer van de StatLine-tabel, bijvoorbeeld 85984NED.")
    publisher = models.CharField("uitgever", max_length=200, default="CBS")
    retrieved_on = models.DateField("opgehaald op")
    url = models.URLField("adres", blank=True)
    file_name = models.CharField("bestand", max_length=255, blank=True)
    imported_at = models.DateTimeField("ingelezen op", auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = "bron van cijfers"
        verbose_name_plural = "bronnen van cijfers"

    def __str__(self):
        table = f", tabel {self.table_id}" if self.table_id else ""
        return f"{self.title} ({self.publisher}{table}), opgehaald {self.retrieved_on:%d-%m-%Y}"


class Figure(models.Model):
    """One figure about one area for one period. `value` None: the source has no figure
    (CBS's "." or "x"), which is not zero."""

    area = models.ForeignKey(Area, verbose_name="gebied", on_delete=models.PROTECT,
                             related_name="figures")
    topic = models.ForeignKey(Topic, verbose_name="onderwerp", on_delete=models.PROTECT,
                              related_name="figures")
    period_start = models.DateField("periode vanaf")
    period_end = models.DateField("periode tot en met")
    period_label = models.CharField("periode", max_length=30)
    value = models.DecimalField("waarde", max_digits=20, decimal_places=6, null=True, blank=True)
    missing_reason = models.CharField("waarom geen waarde", max_length=40, blank=True)
    source = models.ForeignKey(FigureSource, verbose_name="bron", on_delete=models.PROTECT,
                               related_name="figures")

    class Meta:
        ordering = ["area__code", "topic__name", "period_start"]
        verbose_name = "contextcijfer"
        verbose_name_plural = "contextcijfers"
        constraints = [
            models.UniqueConstraint(fields=["area", "topic", "period_start", "period_end"],
                                    name="one_figure_per_area_topic_period"),
        ]

    def __str__(self):
        return f"{self.topic.name}, {self.area.name}, {self.period_label}"


class DealArea(models.Model):
    """An area the deal team declared for its deal (`included`), or a partner municipality it
    left out (`included=False`): by default a deal's areas are the municipalities among its
    partners (selectors.deal_areas)."""

    deal = models.ForeignKey(Deal, verbose_name="deal", on_delete=models.CASCADE,
                             related_name="declared_areas")
    area = models.ForeignKey(Area, verbose_name="gebied", on_delete=models.PROTECT,
                             related_name="deal_links")
    included = models.BooleanField("hoort bij de deal", default=True)
    note = models.CharField("toelichting", max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__code"]
        verbose_name = "gebied van een deal"
        verbose_name_plural = "gebieden van deals"
        constraints = [
            models.UniqueConstraint(fields=["deal", "area"], name="one_choice_per_deal_area"),
        ]

    def __str__(self):
        return str(self.area)
