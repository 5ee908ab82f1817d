from django import forms
from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.models import Theme
from dealmonitor.organisations.reference import areas
from dealmonitor.ui.concurrency import GuardedFormMixin

from .constants import NATIONAL, Direction, Kind, MarkStatus, Visibility


def region_choices():
    provinces = sorted((a.code, a.name) for a in areas().values() if a.code.startswith("PV"))
    return [("", "—"), (NATIONAL, _("nationwide")), *[(c, n) for c, n in sorted(provinces, key=lambda x: x[1])]]


class PostForm(GuardedFormMixin, forms.Form):
    direction = forms.ChoiceField(label=_("Need or offer"), choices=Direction.choices,
                                  widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(label=_("For organisation"), queryset=None)
    kind = forms.ChoiceField(label=_("What"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Description"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What is needed or offered, for whom, and under which conditions."))
    themes = forms.ModelMultipleChoiceField(label=_("Themes"), queryset=Theme.objects.all(), required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 6}))
    region = forms.ChoiceField(label=_("Region"), required=False, choices=region_choices)
    period_start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    visibility = forms.ChoiceField(label=_("Who may read it"), choices=Visibility.choices,
                                   initial=Visibility.PROGRAMME, widget=forms.RadioSelect)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class MarkForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=MarkStatus.choices)
