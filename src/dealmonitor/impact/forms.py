from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from dealmonitor.ui.concurrency import GuardedFormMixin
from dealmonitor.utils.uploads import check_upload
from dealmonitor.utils.web_addresses import WebAddressFormField

from .constants import IndicatorKind
from .models import Element, Indicator, Measurement
from .periods import PERIODICITY_CHOICES

class IndicatorForm(GuardedFormMixin, forms.ModelForm):
    milestone_statuses_text = forms.CharField(
        label=_("Milestone statuses"), required=False,
        help_text=_("For a milestone: its statuses in order, one per line. Empty: niet gestart, gestart, gerealiseerd."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    class Meta:
        model = Indicator
        fields = [
            "name", "description", "element", "ambition", "kind", "unit", "direction",
            "baseline_value", "baseline_date", "target_value", "target_status", "target_date",
            "aggregation", "data_source", "frequency", "scope",
        ]
        widgets = {
            "baseline_date": forms.DateInput(attrs={"type": "date"}),
            "target_date": forms.DateInput(attrs={"type": "date"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, deal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["element"].queryset = Element.objects.filter(pathway__deal=deal)
        self.fields["element"].required = False
        self.fields["ambition"].queryset = deal.ambitions.all()
        self.fields["ambition"].required = False
        if self.instance.pk and self.instance.milestone_statuses:
            self.initial["milestone_statuses_text"] = "\n".join(self.instance.milestone_statuses)

    def clean_milestone_statuses_text(self):
        text = self.cleaned_data.get("milestone_statuses_text", "")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def service_fields(self):
        data = {k: v for k, v in self.cleaned_data.items() if k != "milestone_statuses_text"}
        data["milestone_statuses"] = self.cleaned_data.get("milestone_statuses_text", [])
        return data


class TargetsForm(forms.Form):
    """Generate periodic targets between two dates, then fill in a value per period."""

    periodicity = forms.ChoiceField(label=_("Periods"), choices=PERIODICITY_CHOICES)
    first = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs={"type": "date"}))

    def clean(self):
        data = super().clean()
        if data.get("first") and data.get("last") and data["last"] < data["first"]:
            raise forms.ValidationError(_("The last date lies before the first."))
        return data


class MeasurementForm(GuardedFormMixin, forms.ModelForm):
    # A text field, so that "12,5" is accepted and "twaalf" gets a clear message from the
    # service rather than the browser's own.
    value = forms.CharField(label=_("Value"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    field_order = ["date", "period_start", "value", "status"]

    class Meta:
        model = Measurement
        # value and status are plain form fields: the service checks them and names the problem.
        fields = [
            "date", "period_start", "source", "evidence_file", "evidence_url",
            "reporting_organisation", "verification", "confidence", "note",
        ]
        field_classes = {"evidence_url": WebAddressFormField}  # the one check for web addresses
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "period_start": forms.DateInput(attrs={"type": "date"}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, indicator, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        if indicator.kind == IndicatorKind.MILESTONE:
            del self.fields["value"]
            self.fields["status"].choices = [("", "—")] + [(s, s) for s in indicator.statuses]
            self.fields["status"].required = True
        else:
            del self.fields["status"]
            self.fields["value"].required = True
            if indicator.unit:
                # Help texts are shown unescaped (they are ours); the unit is the user's.
                self.fields["value"].help_text = _("In %(unit)s.") % {"unit": escape(indicator.unit)}
        if organisations is not None:
            self.fields["reporting_organisation"].queryset = organisations
        # The service validates values and dates with messages that name the problem.
        self.fields["date"].required = False

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and hasattr(upload, "size"):
            check_upload(upload)  # type by content, size (utils/uploads.py)
        return upload
