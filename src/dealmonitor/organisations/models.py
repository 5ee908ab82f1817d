from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .constants import GovernmentLevel, OrganisationType


class Organisation(models.Model):
    """One organisation, once, however many deals it takes part in."""

    slug = models.SlugField(_("identifier"), max_length=200, unique=True, allow_unicode=True)
    name = models.CharField(_("name"), max_length=300)
    type = models.CharField(_("type"), max_length=40, choices=OrganisationType.choices)
    subtype = models.CharField(_("subtype"), max_length=200, blank=True)
    government_level = models.CharField(
        _("government level"), max_length=20, choices=GovernmentLevel.choices, blank=True
    )
    cbs_code = models.CharField(
        _("CBS municipality code"), max_length=6, blank=True, help_text=_("For example GM0363.")
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:detail", kwargs={"slug": self.slug})


class Person(models.Model):
    """A person with a role in one or more deals. The demo data is anonymous: a stable
    identifier links the roles of one person across deals without naming them."""

    slug = models.SlugField(_("identifier"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="people",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        verbose_name = _("person")
        verbose_name_plural = _("people")

    def __str__(self):
        return self.name or _("person %(id)s") % {"id": self.slug}
