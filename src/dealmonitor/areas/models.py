"""Areas (municipality, district, neighbourhood, by their CBS code), the figures about them
that a deal shows as context, and the areas a deal declares beyond its partner municipalities."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from dealmonitor.deals.models import Deal

from .constants import AreaKind


class Area(models.Model):
    """A municipality, district or neighbourhood, by its CBS code. Municipalities come from the
    reference list (organisations/reference, `dealmonitor areas sync`); districts and
    neighbourhoods are added by programme staff (`dealmonitor areas add`, the admin)."""

    kind = models.CharField(_("kind"), max_length=10, choices=AreaKind.choices)
    code = models.CharField(_("CBS code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey("self", verbose_name=_("lies in"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="children")
    province = models.CharField(_("province (CBS code)"), max_length=4, blank=True)
    valid_from = models.DateField(_("exists since"), null=True, blank=True)
    valid_to = models.DateField(_("existed up to and including"), null=True, blank=True)
    successor = models.ForeignKey("self", verbose_name=_("merged into"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="predecessors")

    class Meta:
        ordering = ["code"]
        verbose_name = _("area")
        verbose_name_plural = _("areas")

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("areas:detail", kwargs={"code": self.code})

    @property
    def is_current(self):
        return self.valid_to is None


class Topic(models.Model):
    """What a figure counts: "Inwoners" (aantal), "Huishoudens met laag inkomen" (%)."""

    name = models.CharField(_("topic"), max_length=200, unique=True)
    unit = models.CharField(_("unit"), max_length=50, blank=True)
    cbs_key = models.CharField(_("column at CBS"), max_length=100, blank=True,
                               help_text=_("The column name in the StatLine download, for example AantalInwoners_5."))

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self):
        return f"{self.name} ({self.unit})" if self.unit else self.name


class FigureSource(models.Model):
    """Where a set of figures comes from: the table's title and identifier, the date it was
    retrieved; one per import."""

    title = models.CharField(_("title"), max_length=300)
    table_id = models.CharField(pgettext_lazy("statistics", "table"), max_length=30, blank=True,
                                help_text=_("The number of the StatLine table, for example 85984NED."))
    publisher = models.CharField(_("publisher"), max_length=200, default="CBS")
    retrieved_on = models.DateField(_("retrieved on"))
    url = models.URLField(_("address"), blank=True)
    file_name = models.CharField(_("file"), max_length=255, blank=True)
    imported_at = models.DateTimeField(_("imported on"), auto_now_add=True)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+",
                                    verbose_name=_("imported by"))

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("source of figures")
        verbose_name_plural = _("sources of figures")

    def __str__(self):
        table = _(", table %(table)s") % {"table": self.table_id} if self.table_id else ""
        return _("%(title)s (%(publisher)s%(table)s), retrieved %(date)s") % {
            "title": self.title, "publisher": self.publisher, "table": table,
            "date": f"{self.retrieved_on:%d-%m-%Y}"}


class Figure(models.Model):
    """One figure about one area for one period. `value` None: the source has no figure
    (CBS's "." or "x"), which is not zero."""

    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="figures")
    topic = models.ForeignKey(Topic, verbose_name=_("topic"), on_delete=models.PROTECT,
                              related_name="figures")
    period_start = models.DateField(_("period from"))
    period_end = models.DateField(_("period up to and including"))
    period_label = models.CharField(_("period"), max_length=30)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    missing_reason = models.CharField(_("why no value"), max_length=40, blank=True)
    source = models.ForeignKey(FigureSource, verbose_name=_("source"), on_delete=models.PROTECT,
                               related_name="figures")

    class Meta:
        ordering = ["area__code", "topic__name", "period_start"]
        verbose_name = _("context figure")
        verbose_name_plural = _("context figures")
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

    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE,
                             related_name="declared_areas")
    area = models.ForeignKey(Area, verbose_name=_("area"), on_delete=models.PROTECT,
                             related_name="deal_links")
    included = models.BooleanField(_("belongs to the deal"), default=True)
    note = models.CharField(_("note"), max_length=300, blank=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+",
                                 verbose_name=_("added by"))
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__code"]
        verbose_name = _("area of a deal")
        verbose_name_plural = _("areas of deals")
        constraints = [
            models.UniqueConstraint(fields=["deal", "area"], name="one_choice_per_deal_area"),
        ]

    def __str__(self):
        return str(self.area)
