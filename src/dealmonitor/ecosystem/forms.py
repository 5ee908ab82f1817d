from django import forms
from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.models import Theme
from dealmonitor.organisations.reference import areas
from dealmonitor.ui.concurrency import GuardedFormMixin

from .constants import NATIONAL, POST_TEXT, Direction, Kind, MarkStatus, Visibility


def region_choices():
    provinces = sorted((a.code, a.name) for a in areas().values() if a.code.startswith("PV"))
    return [("", "—"), (NATIONAL, _("nationwide")), *[(c, n) for c, n in sorted(provinces, key=lambda x: x[1])]]


class PostForm(GuardedFormMixin, forms.Form):
    direction = forms.ChoiceField(label=_("Need or offer"), choices=Direction.choices,
                                  widget=forms.RadioSelect)
    organisation = forms.ModelChoiceField(label=_("For organisation"), queryset=None)
    kind = forms.ChoiceField(label=_("What"), choices=Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Description"), max_length=POST_TEXT, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("What is needed or offered, for whom, and under which conditions."))
    themes = forms.ModelMultipleChoiceField(label=_("Themes"), queryset=Theme.objects.all(), required=False,
                                            widget=forms.SelectMultiple(attrs={"size": 6}))
    region = forms.ChoiceField(label=_("Region"), required=False, choices=region_choices)
    period_start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    visibility = forms.ChoiceField(label=_("Who may read it"), choices=Visibility.choices,
                                   initial=Visibility.PROGRAMME, widget=forms.RadioSelect)

    def __init__(self, *args, organisations=None, **kwargs):
        """`organisations`: those the user may post for; None when the organisation is given
        (a post of an organisation itself, or a change of a post)."""
        super().__init__(*args, **kwargs)
        if organisations is None:
            del self.fields["organisation"]
        else:
            self.fields["organisation"].queryset = organisations


class PostEditForm(PostForm):
    """Change a post, or close it: a closed post leaves the matching and the lists, and stays
    readable for its poster with its marks."""

    is_open = forms.BooleanField(label=_("Open"), required=False, initial=True,
                                 help_text=_("Untick to close the post when it is no longer needed or offered."))
    reason = forms.CharField(label=_("Reason for the change"), max_length=200, required=False,
                             help_text=_("Kept in the history of the post."))

    field_order = ["is_open", "direction", "kind", "title", "text", "themes", "region", "period_start",
                   "period_end", "visibility", "reason"]

    def __init__(self, *args, post, **kwargs):
        initial = {name: getattr(post, name) for name in (
            "direction", "kind", "title", "text", "region", "period_start", "period_end", "visibility", "is_open")}
        initial["themes"] = list(post.themes.all())
        super().__init__(*args, guarded_row=post, initial=initial, **kwargs)

    def saved_values(self, row):
        values = {name: getattr(row, name) for name in self.fields if hasattr(row, name) and name != "themes"}
        values["themes"] = [t.pk for t in row.themes.all()]
        return values


class MarkForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(choices=MarkStatus.choices)
