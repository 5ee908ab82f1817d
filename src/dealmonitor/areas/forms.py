from django import forms
from django.utils import timezone

from .constants import MAX_BYTES
from .importing import parse_topics, period_from_text

TOPICS_HELP = ("Eén regel per kolom: kolom = naam | eenheid, bijvoorbeeld "
               "“AantalInwoners_5 = Inwoners | aantal”.")


class FiguresUploadForm(forms.Form):
    file = forms.FileField(label="CSV-bestand van StatLine",
                           help_text=f"De onbewerkte dataset als CSV (puntkomma's), ten hoogste "
                                     f"{MAX_BYTES // (1024 * 1024)} MB.")
    topics = forms.CharField(label="Onderwerpen", widget=forms.Textarea(attrs={"rows": 4}),
                             help_text=TOPICS_HELP, max_length=5000)
    source_title = forms.CharField(label="Titel van de bron", max_length=300,
                                   help_text="Bijvoorbeeld “Kerncijfers wijken en buurten 2024”.")
    table_id = forms.CharField(label="Tabelnummer bij CBS", max_length=30, required=False,
                               help_text="Bijvoorbeeld 85984NED.")
    url = forms.URLField(label="Adres van de tabel", required=False, max_length=200,
                         assume_scheme="https")
    retrieved_on = forms.DateField(label="Opgehaald op", widget=forms.DateInput(attrs={"type": "date"}))
    period = forms.CharField(label="Periode", max_length=20, required=False,
                             help_text="Alleen voor een bestand zonder kolom Perioden (wijken en "
                                       "buurten): het jaar van de tabel, zoals 2024.")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"Het bestand is groter dan {MAX_BYTES // (1024 * 1024)} MB.")
        if not upload.name.lower().endswith((".csv", ".txt")):
            raise forms.ValidationError("Kies een CSV-bestand (.csv).")
        return upload

    def clean_topics(self):
        return parse_topics(self.cleaned_data["topics"].splitlines())

    def clean_period(self):
        text = self.cleaned_data.get("period", "").strip()
        return period_from_text(text) if text else None

    def clean_retrieved_on(self):
        day = self.cleaned_data["retrieved_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("De datum van ophalen ligt in de toekomst.")
        return day


class ChooseAreaForm(forms.Form):
    code = forms.CharField(label="CBS-code van het gebied", max_length=10,
                           help_text="Bijvoorbeeld GM0599 (gemeente), WK059901 (wijk) of BU05990101 (buurt).")
    note = forms.CharField(label="Toelichting", max_length=300, required=False)

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()
