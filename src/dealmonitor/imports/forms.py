from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import columns as C
from .reading import Limits, too_big_message


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
    )
    kind = forms.ChoiceField(label=_("What the sheet holds"), choices=())
    deal = forms.ChoiceField(
        label=_("Deal"), required=False,
        help_text=_("For a sheet without a deal column: the deal every row belongs to."),
    )

    def __init__(self, *args, deals=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = gettext(
            "An Excel workbook (.xlsx) or a CSV file; at most %(limit)s MB."
        ) % {"limit": settings.IMPORT_MAX_BYTES // (1024 * 1024)}
        self.fields["kind"].choices = [(k.key, k.label) for k in C.KINDS.values()]
        self.fields["deal"].choices = [("", _("(the sheet has a deal column)"))] + [
            (d.slug, d.name) for d in deals
        ]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an Excel workbook (.xlsx) or a CSV file."))
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(too_big_message(Limits.from_settings()))
        head = upload.read(4)
        upload.seek(0)
        if name.endswith(".xlsx") and head != b"PK\x03\x04":
            raise forms.ValidationError(_("This file is not an Excel workbook (.xlsx)."))
        return upload


class MappingForm(forms.Form):
    """One choice per column of the sheet kind: which column of the user's file holds it."""

    def __init__(self, *args, kind, headers, sheets, initial_mapping, sheet, has_default_deal=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        if len(sheets) > 1:
            self.fields["sheet"] = forms.ChoiceField(
                label=_("Sheet"), choices=[(s, s) for s in sheets], initial=sheet)
        options = [("", _("(not in my file)"))] + [
            (str(i), h) for i, h in enumerate(headers) if h
        ]
        for column in kind.columns:
            required = column.required and not (column.key == "deal_id" and has_default_deal)
            label = f"{column.key}: {column.label}"
            self.fields[f"col_{column.key}"] = forms.ChoiceField(
                label=label, choices=options, required=required,
                initial=str(initial_mapping.get(column.key)) if initial_mapping.get(column.key) is not None else "",
                help_text=column.expected(),
            )

    def mapping(self):
        out = {}
        for column in self.kind.columns:
            value = self.cleaned_data.get(f"col_{column.key}")
            out[column.key] = int(value) if value not in (None, "") else None
        return out

    def clean(self):
        cleaned = super().clean()
        used = {}
        for column in self.kind.columns:
            value = cleaned.get(f"col_{column.key}")
            if value:
                if value in used:
                    self.add_error(f"col_{column.key}", _("This column of your file is already used for %(other)s.")
                                   % {"other": used[value]})
                used[value] = column.key
        return cleaned
