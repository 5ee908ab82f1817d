from django import forms
from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.models import Deal
from dealmonitor.ui.concurrency import GuardedFormMixin
from dealmonitor.utils.text_limits import LONG_TEXT

from .constants import LinkKind


class ConfirmForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of connection"), choices=LinkKind.choices)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Optional: what the deals can do together."),
    )


class DismissForm(forms.Form):
    reason = forms.CharField(
        label=_("Why are these deals not related?"), max_length=LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class EventForm(GuardedFormMixin, forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    deals = forms.ModelMultipleChoiceField(
        label=_("Deals taking part"), queryset=Deal.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class LessonForm(GuardedFormMixin, forms.Form):
    deal = forms.ModelChoiceField(
        label=_("Deal"), queryset=Deal.objects.none(), required=False,
        empty_label=_("All deals at the event"),
    )
    text = forms.CharField(label=_("Lesson"), max_length=LONG_TEXT,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deal"].queryset = event.deals.order_by("name")


class EventConnectionForm(GuardedFormMixin, forms.Form):
    deal = forms.ModelChoiceField(label=_("Deal"), queryset=Deal.objects.none())
    other = forms.ModelChoiceField(label=_("Connected to"), queryset=Deal.objects.none())
    kind = forms.ChoiceField(label=_("Kind of connection"), choices=LinkKind.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=LONG_TEXT,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        deals = event.deals.order_by("name")
        self.fields["deal"].queryset = deals
        self.fields["other"].queryset = deals

    def clean(self):
        data = super().clean()
        if data.get("deal") and data.get("deal") == data.get("other"):
            self.add_error("other", _("Choose two different deals."))
        return data


class NetworkFilterForm(forms.Form):
    """The choices of the partner network page (a GET form: the address keeps them)."""

    deal = forms.ChoiceField(label=_("Highlight the partners of"), required=False)
    theme = forms.ChoiceField(label=_("Theme"), required=False)
    type = forms.ChoiceField(label=_("Type of organisation"), required=False)

    def __init__(self, *args, deals, themes, types, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deal"].choices = [("", "")] + [(d.slug, d.name) for d in deals]
        self.fields["theme"].choices = [("", "")] + [(str(t.pk), t.name) for t in themes]
        self.fields["type"].choices = [("", "")] + list(types)
