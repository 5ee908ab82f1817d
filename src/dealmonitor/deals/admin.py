from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dealmonitor.utils.change_reason import ChangeReasonAdminMixin

from .models import (
    Ambition,
    Deal,
    DealFact,
    Participation,
    PartnerCount,
    PhaseChange,
    Result,
    Role,
    Source,
    Theme,
    Track,
    WorkingGroup,
)


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["organisation"]
    fields = ["organisation", "kind", "role_description", "stance", "joined_on", "left_on"]


class PhaseChangeInline(admin.TabularInline):
    model = PhaseChange
    extra = 0
    readonly_fields = ["phase", "started_on", "note", "recorded_by", "recorded_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False  # phases change through the service, which keeps the history right


@admin.register(Deal)
class DealAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "status", "phase", "signing_date", "is_published"]
    list_filter = ["is_published", "kind", "status", "phase", "themes"]
    search_fields = ["name", "slug", "description"]
    readonly_fields = ["phase"]
    filter_horizontal = ["themes"]
    exclude = ["all_sources"]
    inlines = [ParticipationInline, PhaseChangeInline]


@admin.register(Participation)
class ParticipationAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    list_display = ["organisation", "deal", "kind", "stance"]
    list_filter = ["kind", "stance", "organisation__type"]
    search_fields = ["organisation__name", "deal__name"]
    autocomplete_fields = ["deal", "organisation"]
    filter_horizontal = ["sources"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    search_fields = ["reference"]


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    search_fields = ["name"]


for model in [Ambition, DealFact, PartnerCount, Result, Role, Track, WorkingGroup]:
    admin.site.register(model, SimpleHistoryAdmin)
