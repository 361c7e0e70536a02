"""People in the admin: their partnership roles, and Django's own user and permission-group
pages with the project's rules (people who have done anything are deactivated, not deleted).
Imported by plans/admin.py, which Django's admin discovers."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as AuthGroupAdmin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group as AuthGroup
from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import HttpRequest

from cspplan.admin_history import HistoryAdmin
from cspplan.forms import RefuseControlCharacters, SafeInputAdmin
from plans.admin_deletion import RefusesDeletionInUse, deactivate_people, user_deletion_refusal
from plans.models import Membership
from priorities.admin_widgets import LabelledTabularInline


class MembershipForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["user", "partnership", "role", "task_groups"]

    def clean(self) -> dict:
        cleaned_data = super().clean()
        partnership = cleaned_data.get("partnership")
        task_groups = cleaned_data.get("task_groups")
        if partnership and task_groups:
            strangers = [
                group.name for group in task_groups if group.partnership_id != partnership.pk
            ]
            if strangers:
                self.add_error(
                    "task_groups",
                    f"Choose task groups of {partnership.short_name} only, not "
                    f"{', '.join(strangers)}.",
                )
        return cleaned_data


@admin.register(Membership)
class MembershipAdmin(HistoryAdmin):
    form = MembershipForm
    list_display = ["user", "partnership", "role", "task_group_names"]
    list_filter = ["partnership", "role"]
    list_select_related = ["user", "partnership"]
    search_fields = [
        "user__username",
        "user__email",
        "user__first_name",
        "user__last_name",
        "partnership__name",
    ]
    autocomplete_fields = ["user", "partnership", "task_groups"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).prefetch_related("task_groups")

    @admin.display(description="task groups")
    def task_group_names(self, membership: Membership) -> str:
        return ", ".join(group.display_name for group in membership.task_groups.all())


class MembershipInline(SafeInputAdmin, LabelledTabularInline):
    model = Membership
    form = MembershipForm
    extra = 0
    fields = ["partnership", "role", "task_groups"]
    autocomplete_fields = ["partnership", "task_groups"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Membership]:
        return super().get_queryset(request).select_related("user", "partnership")


admin.site.unregister(User)


@admin.register(User)
class PersonAdmin(SafeInputAdmin, RefusesDeletionInUse, UserAdmin):
    """Django's user admin, with the person's partnership roles on the same page. People who
    have done anything are deactivated rather than deleted, so their name stays on it."""

    inlines = [MembershipInline]
    actions = [deactivate_people]

    def deletion_refusal(self, obj: User) -> str | None:
        return user_deletion_refusal(obj)


admin.site.unregister(AuthGroup)


@admin.register(AuthGroup)
class PermissionGroupAdmin(SafeInputAdmin, AuthGroupAdmin):
    """Django's permission groups, whose names refuse control characters like every field."""
