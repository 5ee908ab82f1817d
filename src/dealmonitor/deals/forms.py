from django import forms
from django.utils.translation import gettext_lazy as _

from dealmonitor.ui.concurrency import GuardedFormMixin

from .constants import Phase


class PhaseChangeForm(GuardedFormMixin, forms.Form):
    phase = forms.ChoiceField(label=_("New phase"), choices=Phase.choices)
    started_on = forms.DateField(
        label=_("Since"), widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("The date the deal entered this phase."),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
