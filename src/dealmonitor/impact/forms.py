from django import forms
from django.utils.translation import gettext_lazy as _

from .constants import IndicatorKind
from .models import Element, Indicator, Measurement
from .periods import PERIODICITY_CHOICES

EVIDENCE_MAX_BYTES = 10 * 1024 * 1024
EVIDENCE_TYPES = {
    ".pdf": "application/pdf",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".csv": "text/csv",
    ".txt": "text/plain",
}
# The first bytes of the binary types, so a renamed file is refused.
MAGIC = {
    ".pdf": [b"%PDF"],
    ".png": [b"\x89PNG"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".xlsx": [b"PK\x03\x04"],
    ".docx": [b"PK\x03\x04"],
    ".odt": [b"PK\x03\x04"],
    ".ods": [b"PK\x03\x04"],
}


class IndicatorForm(forms.ModelForm):
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


class MeasurementForm(forms.ModelForm):
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
                self.fields["value"].help_text = _("In %(unit)s.") % {"unit": indicator.unit}
        if organisations is not None:
            self.fields["reporting_organisation"].queryset = organisations
        # The service validates values and dates with messages that name the problem.
        self.fields["date"].required = False

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if not upload or not hasattr(upload, "size"):
            return upload
        import os

        ext = os.path.splitext(upload.name)[1].lower()
        if ext not in EVIDENCE_TYPES:
            raise forms.ValidationError(
                _("Files of type %(ext)s are not accepted; use PDF, an image, an office document, CSV or text.")
                % {"ext": ext or "?"}
            )
        if upload.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        head = upload.read(8)
        upload.seek(0)
        if ext in MAGIC and not any(head.startswith(m) for m in MAGIC[ext]):
            raise forms.ValidationError(_("The file's content does not match its type %(ext)s.") % {"ext": ext})
        return upload
