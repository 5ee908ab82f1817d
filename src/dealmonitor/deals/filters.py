import django_filters
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext_lazy as _

from .constants import DealKind, DealStatus, Phase
from .models import Deal, Theme
from .selectors import search_q, themes_in_use

PHASE_UNKNOWN = "onbekend"


class PortfolioFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_q")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=DealKind.choices)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=DealStatus.choices)
    phase = django_filters.ChoiceFilter(
        label=_("Phase"),
        choices=[*Phase.choices, (PHASE_UNKNOWN, _("not yet recorded"))],
        method="filter_phase",
    )
    theme = django_filters.ModelChoiceFilter(
        label=_("Theme"),
        queryset=Theme.objects.filter(
            Exists(Deal.themes.through.objects.filter(theme=OuterRef("pk")))
        ).order_by("name"),
        field_name="themes",
        to_field_name="name",
    )

    class Meta:
        model = Deal
        fields = ["q", "kind", "status", "phase", "theme"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only themes of deals the user may read (the public: published deals); without a
        # request (the command line) the system reads every deal.
        user = getattr(self.request, "user", None)
        self.filters["theme"].queryset = themes_in_use(user)

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value.strip())) if value.strip() else queryset

    def filter_phase(self, queryset, name, value):
        return queryset.filter(phase="" if value == PHASE_UNKNOWN else value)
