"""Forms of the pathway editor and the effects page. Validation that concerns the domain lives
in services.py; these forms only turn request data into typed values."""

from django import forms
from django.utils.translation import gettext_lazy as _

from dealmonitor.utils.web_addresses import WebAddressFormField
from dealmonitor.ui.concurrency import GuardedFormMixin

from .constants import AssumptionStatus, EvidenceStance
from .models import Effect, Element, Pathway, ReferenceItem


class PathwayForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Pathway
        fields = ["summary", "beneficiary_group", "beneficiary_involvement"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}


class ElementForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Element
        fields = ["level", "title", "description", "is_active_ingredient"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}


class LinkForm(GuardedFormMixin, forms.Form):
    cause = forms.ModelChoiceField(label=_("From (cause)"), queryset=Element.objects.none())
    effect = forms.ModelChoiceField(label=_("To (effect)"), queryset=Element.objects.none())

    def __init__(self, *args, pathway, **kwargs):
        super().__init__(*args, **kwargs)
        elements = Element.objects.filter(pathway=pathway)
        self.fields["cause"].queryset = elements
        self.fields["effect"].queryset = elements


class AssumptionForm(GuardedFormMixin, forms.Form):
    text = forms.CharField(label=_("Assumption"), widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(GuardedFormMixin, forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    stance = forms.ChoiceField(label=_("The evidence"), choices=EvidenceStance.choices)
    text = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 2}))
    url = WebAddressFormField(label=_("Address of the source"), required=False)
    new_status = forms.ChoiceField(
        label=_("Status of the assumption after this evidence"),
        choices=[("", _("unchanged"))] + list(AssumptionStatus.choices), required=False,
    )


class EffectForm(GuardedFormMixin, forms.ModelForm):
    tags = forms.ModelMultipleChoiceField(
        label=_("Broad prosperity themes and SDGs"), required=False,
        queryset=ReferenceItem.objects.select_related("reference_set"),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Effect
        fields = [
            "description", "element", "valence", "intended", "dimension", "what", "who",
            "how_much", "contribution", "risk",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 2})
            for name in ["description", "what", "who", "how_much", "contribution", "risk"]
        }

    def __init__(self, *args, deal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].queryset = Element.objects.filter(pathway__deal=deal)
        self.fields["element"].required = False
        self.fields["tags"].label_from_instance = lambda item: f"{item.code} {item.name}" if item.code.startswith("SDG") else item.name
