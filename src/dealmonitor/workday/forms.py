from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.constants import DealKind, Phase
from dealmonitor.deals.models import Deal, Theme
from dealmonitor.ui.concurrency import GuardedFormMixin
from dealmonitor.ui.forms import SearchableCheckboxSelectMultiple

DATE = forms.DateInput(attrs={"type": "date"})


class UserChoice(forms.ModelMultipleChoiceField):
    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.get_username()})" if name else user.get_username()


class NewDealForm(GuardedFormMixin, forms.Form):
    name = forms.CharField(label=_("Name"), max_length=Deal._meta.get_field("name").max_length)
    kind = forms.ChoiceField(label=_("Kind"), choices=DealKind.choices, initial=DealKind.CITY_DEAL)
    other_kind = forms.CharField(label=_("What kind (for 'other')"), required=False,
                                 max_length=Deal._meta.get_field("other_kind").max_length)
    description = forms.CharField(label=_("Description"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    signing_date = forms.DateField(label=_("Signed on"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("Ends on"), required=False, widget=DATE)
    phase = forms.ChoiceField(label=_("Phase"), choices=Phase.choices, initial=Phase.VERKENNEN,
                              help_text=_("The phase the deal starts in, from its signing date."))
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"), required=False, queryset=Theme.objects.all(),
        widget=SearchableCheckboxSelectMultiple,
    )
    dealmakers = UserChoice(
        label=_("Dealmakers"), required=False, widget=SearchableCheckboxSelectMultiple,
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        help_text=_("The ministry's liaisons for the deal."),
    )
    team = UserChoice(
        label=_("Deal team"), required=False, widget=SearchableCheckboxSelectMultiple,
        queryset=get_user_model().objects.filter(is_active=True).order_by("username"),
        help_text=_("Project leader and secretary: they edit the deal."),
    )
