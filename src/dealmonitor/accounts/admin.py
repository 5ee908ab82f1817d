"""Roles are assigned here by the programme administrator (or with `dealmonitor roles`).

A role in a deal is a deal membership (with its history: who granted it and when); the
global roles are the user's `staff status` (programme administrator) and `evaluator`.
"""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dealmonitor.utils.change_reason import ChangeReasonAdminMixin

from .models import DealMembership, User


class DealMembershipInline(admin.TabularInline):
    model = DealMembership
    extra = 0
    autocomplete_fields = ["deal", "organisation"]


@admin.register(User)
class DealmonitorUserAdmin(UserAdmin):
    inlines = [DealMembershipInline]
    list_display = ["username", "email", "is_staff", "is_evaluator", "is_active"]
    list_filter = ["is_staff", "is_evaluator", "is_superuser", "is_active"]
    fieldsets = [
        *UserAdmin.fieldsets[:2],
        (_("Roles"), {
            "fields": ["is_active", "is_staff", "is_evaluator", "is_superuser"],
            "description": _(
                "Staff status makes the user a programme administrator (reads and edits every "
                "deal, assigns roles). An evaluator reads every deal and exports. Roles in one "
                "deal (dealmaker, deal team, partner member) are below."
            ),
        }),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]


@admin.register(DealMembership)
class DealMembershipAdmin(ChangeReasonAdminMixin, SimpleHistoryAdmin):
    list_display = ["user", "deal", "role", "organisation"]
    list_filter = ["role"]
    search_fields = ["user__username", "deal__name", "deal__slug", "organisation__name"]
    autocomplete_fields = ["user", "deal", "organisation"]
    list_select_related = ["user", "deal", "organisation"]
