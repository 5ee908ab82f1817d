from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dealmonitor.utils.change_reason import ChangeReasonAdminMixin, ReasonModelForm

from . import identity
from .models import Organisation, Person
from .services import DuplicateOrganisation, check_new_organisation, duplicates_of


class OrganisationAdminForm(ReasonModelForm):
    """The admin is one more path that creates organisations: the same check as the forms, the
    API and the imports (services.check_new_organisation)."""

    confirm_similar = forms.BooleanField(
        label=_("This is another organisation than the similar one named above"), required=False,
    )

    class Meta:
        model = Organisation
        fields = ["slug", "name", "type", "subtype", "government_level", "cbs_code",
                  "kvk_number", "oin", "web_domain"]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        fields = {k: data.get(k) or "" for k in self.Meta.fields if k != "slug"}
        if self.instance.pk is None:
            try:
                check_new_organisation(slug=data.get("slug", ""),
                                       confirmed=data.get("confirm_similar", False), **fields)
            except DuplicateOrganisation as error:
                raise forms.ValidationError(error.messages) from None
        else:  # a change: another organisation's identifier may not be taken over
            taken = [m for m in duplicates_of(self.instance) if m.reason == "identifier"]
            if taken:
                raise forms.ValidationError(
                    _("%(field)s %(value)s belongs to '%(name)s' (%(slug)s).") % {
                        "field": identity.IDENTIFIER_LABELS[taken[0].field],
                        "value": getattr(self.instance, taken[0].field),
                        "name": taken[0].organisation.name, "slug": taken[0].organisation.slug})
        return data


@admin.register(Organisation)
class OrganisationAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    form = OrganisationAdminForm
    list_display = ["name", "type", "cbs_code", "kvk_number", "government_level"]
    list_filter = ["type", "government_level"]
    search_fields = ["name", "slug", "name_key", "cbs_code", "kvk_number", "oin", "web_domain"]
    readonly_fields = ["name_key"]


@admin.register(Person)
class PersonAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    search_fields = ["slug", "name"]
