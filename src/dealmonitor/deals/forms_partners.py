"""Forms of the partner pages. They turn request data into typed values; the domain checks
(duplicates, permissions, references) are in the services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.ui.concurrency import GuardedFormMixin
from dealmonitor.utils.partial_dates import parse_partial_date, to_iso

from .constants import ParticipationKind, Stance
from .models import Participation


class PartialDateFormField(forms.CharField):
    """A date as precise as it is known: 2023, 2023-05 or 2023-05-14."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("A year (2023), a month (2023-05) or a day (2023-05-14)."))
        super().__init__(max_length=10, **kwargs)

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return (None, "")
        try:
            return parse_partial_date(value)
        except ValueError:
            raise forms.ValidationError(
                _("Write a year (2023), a month (2023-05) or a day (2023-05-14).")) from None


class ParticipationFields(forms.Form):
    """What the deal team records of a partner's participation."""

    kind = forms.ChoiceField(label=_("Kind of participation"), choices=ParticipationKind.choices,
                             initial=ParticipationKind.PARTNER)
    role_description = forms.CharField(label=_("Role"), max_length=500, required=False)
    stance = forms.ChoiceField(label=_("Stance towards the deal"), required=False,
                               choices=[("", _("unknown"))] + list(Stance.choices))
    joined = PartialDateFormField(label=_("Joined"))
    left = PartialDateFormField(label=_("Left"))
    commitment_money = forms.DecimalField(label=_("Commitment in euros"), required=False,
                                          min_value=0, max_digits=14, decimal_places=2)
    commitment_fte = forms.DecimalField(label=_("Commitment in FTE"), required=False,
                                        min_value=0, max_digits=7, decimal_places=2)
    commitment_in_kind = forms.CharField(label=_("Commitment in kind"), required=False,
                                         widget=forms.Textarea(attrs={"rows": 2}))
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    contact_email = forms.EmailField(label=_("Contact's e-mail address"), required=False)

    def participation_fields(self):
        data = dict(self.cleaned_data)
        joined, left = data.pop("joined"), data.pop("left")
        return {
            **{k: v for k, v in data.items() if k in PARTICIPATION_KEYS},
            "joined_on": joined[0], "joined_on_precision": joined[1],
            "left_on": left[0], "left_on_precision": left[1],
            "commitment_in_kind": data.get("commitment_in_kind") or "",
        }


PARTICIPATION_KEYS = ("kind", "role_description", "stance", "commitment_money", "commitment_fte",
                      "commitment_in_kind", "contact_name", "contact_email")


class AddPartnerForm(GuardedFormMixin, ParticipationFields):
    """A registered organisation (picked with the search) or a new one."""

    organisation = forms.CharField(
        label=_("Registered organisation"), required=False, max_length=200,
        help_text=_("Type part of the name and pick the organisation from the list."),
        widget=forms.TextInput(attrs={"list": "organisation-options", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Or a new organisation: name"), max_length=300, required=False)
    type = forms.ChoiceField(label=_("Type"), required=False,
                             choices=[("", "—")] + list(OrganisationType.choices))
    kvk_number = forms.CharField(label=_("KvK number"), max_length=20, required=False)
    web_domain = forms.CharField(label=_("Web domain"), max_length=253, required=False,
                                 help_text=_("For example denhaag.nl."))
    confirm_similar = forms.BooleanField(
        label=_("This is another organisation than the similar one named above"), required=False)

    field_order = ["organisation", "name", "type", "kvk_number", "web_domain", "confirm_similar"]

    def clean(self):
        data = super().clean()
        if not data.get("organisation") and not data.get("name"):
            raise forms.ValidationError(_("Pick a registered organisation or give a new one's name."))
        if data.get("name") and not data.get("organisation") and not data.get("type"):
            self.add_error("type", _("Give the new organisation's type."))
        return data

    def new_organisation(self):
        d = self.cleaned_data
        return {"name": d["name"].strip(), "type": d["type"], "kvk_number": d["kvk_number"],
                "web_domain": d["web_domain"]}


class EditParticipationForm(GuardedFormMixin, ParticipationFields):
    @classmethod
    def initial_for(cls, row):
        return {
            **{k: getattr(row, k) for k in PARTICIPATION_KEYS},
            "joined": to_iso(row.joined_on, row.joined_on_precision) or "",
            "left": to_iso(row.left_on, row.left_on_precision) or "",
        }


class CommitmentForm(GuardedFormMixin, forms.ModelForm):
    """What a partner member keeps up to date of their own organisation."""

    class Meta:
        model = Participation
        fields = ["commitment_money", "commitment_fte", "commitment_in_kind", "contact_name",
                  "contact_email"]
        widgets = {"commitment_in_kind": forms.Textarea(attrs={"rows": 2})}
