from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Area, DealArea, Figure, FigureSource, Topic


@admin.register(Area)
class AreaAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "province", "valid_from", "valid_to")
    list_filter = ("kind",)
    search_fields = ("code", "name")
    raw_id_fields = ("parent", "successor")


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "unit", "cbs_key")


@admin.register(FigureSource)
class FigureSourceAdmin(admin.ModelAdmin):
    list_display = ("title", "table_id", "retrieved_on", "imported_at", "imported_by")
    readonly_fields = ("imported_at", "imported_by")


@admin.register(Figure)
class FigureAdmin(admin.ModelAdmin):
    list_display = ("area", "topic", "period_label", "value", "missing_reason", "source")
    list_filter = ("topic",)
    search_fields = ("area__code", "area__name")
    raw_id_fields = ("area", "source")


@admin.register(DealArea)
class DealAreaAdmin(SimpleHistoryAdmin):
    list_display = ("deal", "area", "included", "added_by")
    raw_id_fields = ("deal", "area")
