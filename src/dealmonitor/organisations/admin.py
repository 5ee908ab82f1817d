from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from dealmonitor.utils.change_reason import ChangeReasonAdminMixin

from .models import Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    list_display = ["name", "type", "subtype", "government_level"]
    list_filter = ["type", "government_level"]
    search_fields = ["name", "slug"]


@admin.register(Person)
class PersonAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    search_fields = ["slug", "name"]
