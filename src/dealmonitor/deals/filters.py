import django_filters
from django.utils.translation import gettext_lazy as _

from .constants import DealKind, DealStatus, Phase
from .models import Deal
from .selectors import search_q, themes_in_use

PHASE_UNKNOWN = "onbekend"


def _themes_for(request):
    """The themes of the theme filter: only those of deals the user may read (the public:
    published deals); without a request (the command line) the system reads every deal.
    Given as a function, not a queryset that each filter set replaced: every filter set deep-
    copies its filters, and with them such a queryset's whole query (half a millisecond of
    every portfolio page)."""
    return themes_in_use(getattr(request, "user", None))


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
        queryset=_themes_for,
        field_name="themes",
        to_field_name="name",
    )

    class Meta:
        model = Deal
        fields = ["q", "kind", "status", "phase", "theme"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(search_q(value.strip())) if value.strip() else queryset

    def filter_phase(self, queryset, name, value):
        return queryset.filter(phase="" if value == PHASE_UNKNOWN else value)
