from django import forms
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from dealmonitor.ui.concurrency import GuardedFormMixin
from dealmonitor.utils.uploads import check_upload
from dealmonitor.utils.web_addresses import WebAddressFormField

from .constants import DIMENSIONS, IndicatorKind, Meaning, milestone_status_label
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
            "aggregation", "meaning", "whole_numbers", "allow_negative", "value_min",
            "value_max", "data_source", "frequency", "scope",
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
        if self.instance.pk and self.instance.breakdown:
            self.initial["breakdown_text"] = "\n".join(
                f"{d['dimension']}: {', '.join(d.get('categories') or [])}" for d in self.instance.dimensions)

    breakdown_text = forms.CharField(
        label=_("Breakdown"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("At most two dimensions, one per line: a dimension (gemeente, leeftijd, "
                    "geslacht, sector or eigen), a colon and its categories separated by "
                    "commas, e.g. \"gemeente: Utrecht, Zeist\". Without categories, the shipped "
                    "ones: leeftijd 0-17, 18-26, 27-66, 67+; geslacht vrouw, man, anders of "
                    "onbekend; sector overheid, bedrijfsleven, onderwijs en kennis, "
                    "maatschappelijk."),
    )

    def clean_breakdown_text(self):
        rows = []
        for line in self.cleaned_data.get("breakdown_text", "").splitlines():
            if not line.strip():
                continue
            dim, _sep, rest = line.partition(":")
            rows.append({"dimension": dim.strip().lower(),
                         "categories": [c.strip() for c in rest.split(",") if c.strip()]})
        return rows

    def clean_milestone_statuses_text(self):
        text = self.cleaned_data.get("milestone_statuses_text", "")
        return [line.strip() for line in text.splitlines() if line.strip()]

    def service_fields(self):
        data = {k: v for k, v in self.cleaned_data.items()
                if k not in ("milestone_statuses_text", "breakdown_text")}
        data["milestone_statuses"] = self.cleaned_data.get("milestone_statuses_text", [])
        data["breakdown"] = self.cleaned_data.get("breakdown_text", [])
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
            self.fields["status"].choices = [("", "—")] + [(s, milestone_status_label(s)) for s in indicator.statuses]
            self.fields["status"].required = True
        else:
            del self.fields["status"]
            self.fields["value"].required = True
            if indicator.meaning == Meaning.LEVEL or indicator.kind == IndicatorKind.PERCENTAGE:
                meaning = _("Enter the level on the date measured (the total so far, not the increase).")
            else:
                meaning = _("Enter the new amount since the previous measurement (the increase, "
                            "not the total so far): it is added up.")
            # Help texts are shown unescaped (they are ours); the unit is the user's.
            unit = _(" In %(unit)s.") % {"unit": escape(indicator.unit)} if indicator.unit else ""
            self.fields["value"].help_text = f"{meaning}{unit}"
            self.fields["value"].widget.attrs.update({"inputmode": "decimal", "aria-describedby": "waarde-wordt"})
            self._add_part_fields(indicator)
        if organisations is not None:
            self.fields["reporting_organisation"].queryset = organisations
        # The service validates values and dates with messages that name the problem.
        self.fields["date"].required = False
        self.fields["verification"].required = False  # empty: self-reported

    def _add_part_fields(self, indicator):
        """A field per category of each dimension of the indicator's breakdown."""
        self.part_fields = []
        stored = {}
        if self.instance.pk:
            stored = {(p.dimension, p.category): p.value for p in self.instance.parts.all()}
        for d, dim in enumerate(indicator.dimensions):
            code = dim["dimension"]
            label = DIMENSIONS[code][0] if code in DIMENSIONS else code
            for c, category in enumerate(dim.get("categories") or DIMENSIONS.get(code, ("", []))[1]):
                name = f"deel_{d}_{c}"
                self.fields[name] = forms.CharField(
                    label=f"{label}: {category}", required=False,
                    widget=forms.TextInput(attrs={"inputmode": "decimal"}))
                if (code, category) in stored:
                    self.initial[name] = stored[(code, category)]
                self.part_fields.append((name, code, category))

    def parts(self):
        """The values per category, for the service (which checks that they add up)."""
        return [{"dimension": code, "category": category, "value": self.cleaned_data.get(name, "")}
                for name, code, category in getattr(self, "part_fields", [])]

    def clean_evidence_file(self):
        upload = self.cleaned_data.get("evidence_file")
        if upload and hasattr(upload, "size"):
            check_upload(upload)  # type by content, size (utils/uploads.py)
        return upload


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is this measurement withdrawn?"), max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The measurement stays in the list and the history, but no longer counts."),
    )


class SendBackForm(forms.Form):
    note = forms.CharField(
        label=_("What should be checked or corrected?"), max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
