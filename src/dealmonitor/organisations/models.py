from django.conf import settings
from django.core.exceptions import ValidationError
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
        _("CBS code"), max_length=6, blank=True, db_index=True,
        help_text=_("Of a municipality (GM0363) or province (PV27); filled in from the reference list when the name is one."),
    )
    kvk_number = models.CharField(
        _("KvK number"), max_length=8, blank=True, db_index=True,
        help_text=_("The eight digits of the Chamber of Commerce registration."),
    )
    oin = models.CharField(
        _("OIN"), max_length=20, blank=True, db_index=True,
        help_text=_("The government organisation identification number (twenty digits)."),
    )
    web_domain = models.CharField(
        _("web domain"), max_length=253, blank=True, db_index=True,
        help_text=_("For example denhaag.nl; a web address is reduced to its domain."),
    )
    name_key = models.CharField(
        _("normalised name"), max_length=300, blank=True, db_index=True, editable=False,
        help_text=_("The name as compared for duplicates: lower case, without punctuation or prefixes such as 'gemeente'."),
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

    def refresh_identity(self):
        """Normalise the identifiers, take the CBS code from the reference list when the name
        is a municipality or province, and compute the normalised name: on every save, so no
        path (form, admin, API, import) stores an organisation without them."""
        from .identity import IDENTIFIERS, area_code_for, normalise_identifier, normalise_name

        for field in IDENTIFIERS:
            setattr(self, field, normalise_identifier(field, getattr(self, field)))
        if not self.cbs_code:
            self.cbs_code = area_code_for(self.name, self.type)
        self.name_key = normalise_name(self.name, self.type)[:300]

    def clean(self):
        from .identity import IDENTIFIERS, identifier_error

        self.refresh_identity()
        errors = {f: identifier_error(f, getattr(self, f)) for f in IDENTIFIERS}
        errors = {f: e for f, e in errors.items() if e}
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.refresh_identity()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_key", "cbs_code"}
        super().save(*args, **kwargs)


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


class Merge(models.Model):
    """One organisation merged into another (services in organisations/merging.py): what moved,
    what was folded into the kept organisation's rows, and what was removed, so the merge can be
    undone, and the old address can redirect to the kept organisation."""

    kept = models.ForeignKey(
        Organisation, verbose_name=_("kept organisation"), null=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    kept_slug = models.CharField(_("kept organisation's identifier"), max_length=200)
    duplicate_slug = models.CharField(_("merged organisation's identifier"), max_length=200, db_index=True)
    duplicate_name = models.CharField(_("merged organisation's name"), max_length=300)
    duplicate_data = models.JSONField(_("the merged organisation as it was"), default=list)
    moved = models.JSONField(_("rows moved"), default=dict)
    filled = models.JSONField(_("values filled in"), default=dict)
    removed = models.JSONField(_("rows removed"), default=list)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("merged by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("undone by"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("merge of organisations")
        verbose_name_plural = _("merges of organisations")

    def __str__(self):
        return f"{self.duplicate_slug} → {self.kept_slug}"
