from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "type", "subtype", "government_level"]
    list_filter = ["type", "government_level"]
    search_fields = ["name", "slug"]


@admin.register(Person)
class PersonAdmin(SimpleHistoryAdmin):
    search_fields = ["slug", "name"]
