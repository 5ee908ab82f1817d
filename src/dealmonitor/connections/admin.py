from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dealmonitor.utils.change_reason import ChangeReasonAdminMixin

from .models import CommunityEvent, Connection, EventLesson, EventTable


@admin.register(Connection)
class ConnectionAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    list_display = ["deal_a", "deal_b", "status", "kind", "decided_by", "decided_at"]
    list_filter = ["status", "kind"]
    raw_id_fields = ["deal_a", "deal_b", "event"]
    readonly_fields = ["decided_by", "decided_at"]

    def has_add_permission(self, request):
        return False  # decisions are made on the deal's related page, through the service

    def has_change_permission(self, request, obj=None):
        return False


class EventTableInline(admin.TabularInline):
    model = EventTable
    extra = 0
    can_delete = False
    readonly_fields = ["number"]
    fields = ["number"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(CommunityEvent)
class CommunityEventAdmin(SimpleHistoryAdmin):
    list_display = ["title", "date", "place"]
    date_hierarchy = "date"
    inlines = [EventTableInline]
    readonly_fields = ["title", "date", "place", "deals", "created_by"]

    def has_add_permission(self, request):
        return False  # events are planned on /verbanden/bijeenkomsten/, through the service


@admin.register(EventLesson)
class EventLessonAdmin(SimpleHistoryAdmin):
    list_display = ["event", "deal", "recorded_at"]
    readonly_fields = ["event", "deal", "text", "recorded_by", "recorded_at"]

    def has_add_permission(self, request):
        return False
