from django import forms
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from .constants import MAX_BYTES
from .importing import parse_topics, period_from_text

MAX_MEGABYTES = MAX_BYTES // (1024 * 1024)
TOPICS_HELP = _("One line per column: column = name | unit, for example "
                "“AantalInwoners_5 = Inwoners | aantal”.")


def _file_help():
    return _("The raw data set as CSV (semicolons), at most %(size)s MB.") % {"size": MAX_MEGABYTES}


class FiguresUploadForm(forms.Form):
    file = forms.FileField(label=_("CSV file from StatLine"), help_text=lazy(_file_help, str)())
    topics = forms.CharField(label=_("Topics"), widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=TOPICS_HELP, max_length=5000)
    source_title = forms.CharField(label=_("Title of the source"), max_length=300,
                                   help_text=_("For example “Kerncijfers wijken en buurten 2024”."))
    table_id = forms.CharField(label=_("Table number at CBS"), max_length=30, required=False,
                               help_text=_("For example 85984NED."))
    url = forms.URLField(label=_("Address of the table"), required=False, max_length=200,
                         assume_scheme="https")
    retrieved_on = forms.DateField(label=_("Retrieved on"), widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.CharField(label=_("Period"), max_length=20, required=False,
                             help_text=_("Only for a file without a Perioden column (districts and "
                                         "neighbourhoods): the year of the table, such as 2024."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than %(size)s MB.") % {"size": MAX_MEGABYTES})
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError(_("Choose a CSV file (.csv)."))
        return upload

    def clean_topics(self):
        return parse_topics(self.cleaned_data["topics"].splitlines())

    def clean_period(self):
        text = self.cleaned_data.get("period", "").strip()
        return period_from_text(text) if text else None

    def clean_retrieved_on(self):
        day = self.cleaned_data["retrieved_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date of retrieval lies in the future."))
        return day


class ChooseAreaForm(forms.Form):
    code = forms.CharField(label=_("CBS code of the area"), max_length=10,
                           help_text=_("For example GM0599 (municipality), WK059901 (district) or "
                                       "BU05990101 (neighbourhood)."))
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()
