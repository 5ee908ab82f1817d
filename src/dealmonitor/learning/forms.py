from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dealmonitor.deals.constants import Phase
from dealmonitor.deals.models import Theme
from dealmonitor.impact.models import Assumption, Indicator
from dealmonitor.organisations.constants import OrganisationType
from dealmonitor.organisations.models import Organisation
from dealmonitor.deals.selectors import visible_organisations
from dealmonitor.utils.web_addresses import WebAddressFormField
from dealmonitor.ui.concurrency import GuardedFormMixin, rows_version
from dealmonitor.ui.forms import SearchableCheckboxSelectMultiple

from .constants import BottleneckStatus, LessonKind, Visibility
from .models import (
    Adoption,
    Bottleneck,
    Deliverable,
    Experiment,
    Lesson,
    Milestone,
    ScalingPlan,
    StartConversation,
    Uptake,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BottleneckForm(GuardedFormMixin, forms.ModelForm):
    signalled_on = forms.DateField(label=_("Signalled on"), widget=DATE, initial=timezone.localdate)

    class Meta:
        model = Bottleneck
        fields = ["title", "description", "kind", "rule", "level", "ministry", "resolution"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4}),
                   "resolution": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ministry"].queryset = Organisation.objects.filter(
            type=OrganisationType.MINISTERIE
        ).order_by("name")
        if self.instance.pk:
            del self.fields["signalled_on"]


class StatusChangeForm(GuardedFormMixin, forms.Form):
    status = forms.ChoiceField(label=_("New status"), choices=BottleneckStatus.choices)
    date = forms.DateField(label=_("Since"), widget=DATE, initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    resolution = forms.CharField(
        label=_("Resolution"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed when the bottleneck is resolved: what changed, and where."),
    )


class LessonForm(GuardedFormMixin, forms.ModelForm):
    learned_on = forms.DateField(label=_("Date"), widget=DATE, initial=timezone.localdate)

    class Meta:
        model = Lesson
        fields = ["title", "kind", "text", "phase", "themes", "tags", "visibility", "learned_on",
                  "indicators", "assumptions", "bottlenecks"]
        widgets = {
            "text": forms.Textarea(attrs={"rows": 6}),
            "themes": SearchableCheckboxSelectMultiple,
            "visibility": forms.RadioSelect,
            "indicators": forms.CheckboxSelectMultiple,
            "assumptions": forms.CheckboxSelectMultiple,
            "bottlenecks": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, deal, **kwargs):
        asked = kwargs.get("initial") or {}
        super().__init__(*args, **kwargs)
        if not self.instance.pk and "visibility" not in asked:
            # a new lesson in the form starts with the narrower audience: making it public is
            # a choice. The model's default (import, API) stays "programma".
            self.initial["visibility"] = Visibility.DEAL
        self.fields["themes"].queryset = Theme.objects.order_by("name")
        self.fields["visibility"].help_text = _(
            "Who can read this lesson. A public lesson of a published deal is on the open "
            "website and in the open data.")
        self.fields["indicators"].queryset = Indicator.objects.filter(deal=deal).order_by("name")
        self.fields["assumptions"].queryset = Assumption.objects.filter(link__pathway__deal=deal)
        self.fields["bottlenecks"].queryset = deal.bottlenecks.order_by("title")
        for name in ("indicators", "assumptions", "bottlenecks"):
            if not self.fields[name].queryset.exists():
                del self.fields[name]
        if not self.instance.pk:
            self.initial.setdefault("phase", deal.phase)
            self.initial.setdefault("themes", list(deal.themes.all()))

    def service_fields(self):
        data = dict(self.cleaned_data)
        links = {name: list(data.pop(name)) for name in ("themes", "indicators", "assumptions", "bottlenecks") if name in data}
        return data, links


class LessonSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False,
                        widget=forms.TextInput(attrs={"type": "search"}))
    phase = forms.ChoiceField(label=_("Phase"), required=False,
                              choices=[("", _("all phases"))] + list(Phase.choices))
    theme = forms.ModelChoiceField(label=_("Theme"), required=False, queryset=Theme.objects.none(),
                                   empty_label=_("all themes"))
    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("all kinds"))] + list(LessonKind.choices))

    def __init__(self, *args, themes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = themes


class OpenRoundForm(GuardedFormMixin, forms.Form):
    name = forms.CharField(label=_("Name of the round"), max_length=200,
                           help_text=_("E.g. 'Midterm 2024'."))
    opened_on = forms.DateField(label=_("Opened on"), widget=DATE, initial=timezone.localdate)


class CloseRoundForm(GuardedFormMixin, forms.Form):
    reflection = forms.CharField(label=_("Reflection"), widget=forms.Textarea(attrs={"rows": 6}),
                                 help_text=_("What do the results tell the deal, and what will it do about them?"))
    lessons = forms.CharField(
        label=_("Lessons"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One lesson per line; each line becomes a lesson of the deal."),
    )
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE, initial=timezone.localdate)


class AnswersForm(GuardedFormMixin, forms.Form):
    """A score (1-5, or none) and a comment per statement. Guarded as one set: the version is
    that of the organisation's answers in the round."""

    def __init__(self, *args, statements, existing=None, round=None, organisation=None, **kwargs):
        self.answer_rows = round.answers.filter(organisation=organisation) if round else None
        super().__init__(*args, guarded_row=round, **kwargs)
        existing = existing or {}
        self.statements = statements
        choices = [("", _("no answer"))] + [(str(i), str(i)) for i in range(1, 6)]
        for s in statements:
            answer = existing.get(s.pk)
            self.fields[f"score_{s.pk}"] = forms.ChoiceField(
                label=_("Score"), choices=choices, required=False, widget=forms.RadioSelect,
                initial=str(answer.score) if answer else "",
            )
            self.fields[f"comment_{s.pk}"] = forms.CharField(
                label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                initial=answer.comment if answer else "",
            )

    def current_version(self, row):
        return rows_version(self.answer_rows) if self.answer_rows is not None else ""

    def saved_values(self, row):
        values = {}
        for answer in self.answer_rows:
            values[f"score_{answer.statement_id}"] = str(answer.score)
            values[f"comment_{answer.statement_id}"] = answer.comment
        return values

    def rows(self):
        return [(s, self[f"score_{s.pk}"], self[f"comment_{s.pk}"]) for s in self.statements]

    def answers(self):
        return {
            s.pk: (self.cleaned_data.get(f"score_{s.pk}") or None, self.cleaned_data.get(f"comment_{s.pk}", ""))
            for s in self.statements
        }


class UptakeForm(GuardedFormMixin, forms.ModelForm):
    evidence_url = WebAddressFormField(label=_("Evidence (address)"), required=False)
    class Meta:
        model = Uptake
        fields = ["kind", "title", "description", "date", "evidence_url", "bottleneck", "deliverable"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, deal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bottleneck"].queryset = deal.bottlenecks.order_by("title")
        self.fields["deliverable"].queryset = deal.deliverables.order_by("name")


class DeliverableForm(GuardedFormMixin, forms.ModelForm):
    url = WebAddressFormField(label=_("Address"), required=False)
    class Meta:
        model = Deliverable
        fields = ["name", "kind", "description", "url"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AdoptionForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Adoption
        fields = ["organisation", "adopter", "date", "note"]
        widgets = {"date": DATE, "note": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The register as far as the user may read it (see deals.selectors.visible_organisations).
        self.fields["organisation"].queryset = visible_organisations(user).order_by("name")


class ScalingPlanForm(GuardedFormMixin, forms.ModelForm):
    reviewed_on = forms.DateField(label=_("Drawn up or revisited on"), widget=DATE, initial=timezone.localdate)

    class Meta:
        model = ScalingPlan
        fields = ["route", "route_explanation", "diversity_settings", "diversity_target_groups",
                  "diversity_interests", "diversity_environments", "scaling_partners",
                  "resistant_parties", "owner_after", "reviewed_on"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in (
            "route_explanation", "diversity_settings", "diversity_target_groups", "diversity_interests",
            "diversity_environments", "scaling_partners", "resistant_parties")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["reviewed_on"] = timezone.localdate()  # saving is a revisit: today, by default


class StartConversationForm(GuardedFormMixin, forms.ModelForm):
    reviewed_on = forms.DateField(label=_("Held or revisited on"), widget=DATE, initial=timezone.localdate)

    class Meta:
        model = StartConversation
        fields = ["participants", "client", "internal_anchoring", "way_of_working", "escalation",
                  "joint_strategy", "picture_of_success", "expected_end_result", "reviewed_on"]
        widgets = {name: forms.Textarea(attrs={"rows": 2}) for name in (
            "participants", "client", "internal_anchoring", "escalation", "joint_strategy",
            "picture_of_success", "expected_end_result")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.initial["reviewed_on"] = timezone.localdate()


class MilestoneForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Milestone
        fields = ["title", "due_on", "reached_on", "note"]
        widgets = {"due_on": DATE, "reached_on": DATE, "note": forms.Textarea(attrs={"rows": 2})}


class ExperimentForm(GuardedFormMixin, forms.ModelForm):
    class Meta:
        model = Experiment
        fields = ["title", "hypothesis", "setting", "started_on", "ended_on", "result", "lesson"]
        widgets = {"started_on": DATE, "ended_on": DATE,
                   "hypothesis": forms.Textarea(attrs={"rows": 3}), "setting": forms.Textarea(attrs={"rows": 2}),
                   "result": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, deal, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lesson"].queryset = deal.lessons.order_by("title")


class StatementForm(forms.Form):
    """One statement of a new template version. The code ties it to the same statement in
    earlier versions, so rounds on either version are compared on it."""

    code = forms.SlugField(label=_("Code"), max_length=50,
                           help_text=_("Keep the code to compare with earlier rounds; a new code starts a new statement."))
    theme = forms.CharField(label=_("Theme"), max_length=100)
    text = forms.CharField(label=_("Statement"), widget=forms.Textarea(attrs={"rows": 2}))


class BaseStatementFormSet(forms.BaseFormSet):
    def statements(self):
        """The statements to keep, in the order given: Django leaves out the rows marked for
        removal and the blank rows for new statements."""
        return [
            {k: form.cleaned_data[k] for k in ("code", "theme", "text")}
            for form in self.ordered_forms
        ]


StatementFormSet = forms.formset_factory(
    StatementForm, formset=BaseStatementFormSet, extra=2, can_delete=True, can_order=True
)


class TemplateVersionForm(GuardedFormMixin, forms.Form):
    description = forms.CharField(label=_("Instructions for the partners"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 3}))
