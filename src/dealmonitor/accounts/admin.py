from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import DealMembership, User


class DealMembershipInline(admin.TabularInline):
    model = DealMembership
    extra = 0
    autocomplete_fields = ["deal", "organisation"]


@admin.register(User)
class DealmonitorUserAdmin(UserAdmin):
    inlines = [DealMembershipInline]
