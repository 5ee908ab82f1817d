from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dealmonitor.deals.models import Deal, Theme
from dealmonitor.organisations.models import Organisation

from .constants import POST_TEXT, Direction, Kind, MarkStatus, Visibility


class Post(models.Model):
    """What an organisation needs or offers ("vraag en aanbod"): for a deal it is a partner of,
    or for itself (no deal: an organisation's own post)."""

    deal = models.ForeignKey(Deal, verbose_name=_("deal"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="ecosystem_posts",
                             help_text=_("Empty: the organisation posts for itself, outside a deal."))
    organisation = models.ForeignKey(Organisation, verbose_name=_("organisation"),
                                     on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(_("need or offer"), max_length=10, choices=Direction.choices)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("description"), max_length=POST_TEXT)
    themes = models.ManyToManyField(Theme, verbose_name=_("themes"), blank=True, related_name="+")
    region = models.CharField(_("region"), max_length=20, blank=True,
                              help_text=_("A province, or nationwide."))
    period_start = models.DateField(_("from"), null=True, blank=True)
    period_end = models.DateField(_("until"), null=True, blank=True)
    visibility = models.CharField(_("who may read it"), max_length=20, choices=Visibility.choices,
                                  default=Visibility.PROGRAMME)
    is_open = models.BooleanField(_("open"), default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("posted at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[themes])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("need or offer")
        verbose_name_plural = _("needs and offers")

    def __str__(self):
        return f"{self.get_direction_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("ecosystem:detail", kwargs={"pk": self.pk})

    def region_label(self):
        """The region as people name it: the province's name, or nationwide."""
        from dealmonitor.organisations.reference import area

        from .constants import NATIONAL

        if self.region == NATIONAL:
            return _("nationwide")
        found = area(self.region) if self.region else None
        return found.name if found else self.region


class MatchMark(models.Model):
    """The poster of a need marks an offer that matched it: contacted, useful or not."""

    need = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="marks")
    offer = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=20, choices=MarkStatus.choices)
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["need", "offer"], name="one_mark_per_match")]
        verbose_name = _("match decision")
        verbose_name_plural = _("match decisions")
