"""The workflow in the Django admin: moving plans as admin actions, and the records moves and
reviews leave. Every move goes through plans.workflow.plan_move, exactly as the plan page's
buttons do."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse

from cspplan.forms import SafeInputAdmin
from plans.models import HiddenComment, Plan, PlanTransition
from plans.workflow import MOVES, Move, MoveRefused, plan_move


class RecordReadOnly:
    """A record of what happened (a move, a published copy, a count the database keeps):
    nobody adds, edits or deletes it here."""

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class PlanTransitionInline(SafeInputAdmin, RecordReadOnly, admin.TabularInline):
    model = PlanTransition
    fk_name = "plan"
    fields = ["created_at", "user", "from_status", "to_status", "comment", "open_comments_reason"]
    readonly_fields = fields
    extra = 0
    verbose_name = "move through the workflow"
    verbose_name_plural = "moves through the workflow"


@admin.register(PlanTransition)
class PlanTransitionAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    list_display = ["plan", "from_status", "to_status", "user", "created_at"]
    list_filter = ["plan__partnership", "to_status"]
    list_select_related = ["plan", "user"]
    search_fields = ["plan__title", "comment", "user__username"]
    date_hierarchy = "created_at"
    fields = [
        "plan",
        "from_status",
        "to_status",
        "user",
        "created_at",
        "comment",
        "open_comments_reason",
    ]
    readonly_fields = fields


@admin.register(HiddenComment)
class HiddenCommentAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    """Who hid which comment, when and why. Hiding is done on the plan's page."""

    list_display = ["__str__", "hidden_by", "hidden_at", "reason"]
    list_select_related = ["hidden_by", "review_comment", "transition"]
    search_fields = ["reason", "hidden_by__username"]
    date_hierarchy = "hidden_at"
    fields = ["review_comment", "transition", "hidden_by", "hidden_at", "reason"]
    readonly_fields = fields


def _move_plans(
    admin_view: admin.ModelAdmin, request: HttpRequest, plans: QuerySet[Plan], move: Move
) -> HttpResponse | None:
    """Ask for the comment first (required to send a plan back), then move each plan and
    report each refusal in words."""
    if "apply" not in request.POST:
        return TemplateResponse(
            request,
            "admin/plans/plan/move_confirmation.html",
            {
                **admin_view.admin_site.each_context(request),
                "title": move.label,
                "move": move,
                "plans": plans,
                "opts": admin_view.model._meta,
                "action_name": request.POST.get("action", ""),
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            },
        )
    comment = request.POST.get("comment", "")
    reason = request.POST.get("open_comments_reason", "")
    for plan in plans:
        try:
            plan_move(
                plan=plan,
                to_status=move.to_status,
                user=request.user,
                comment=comment,
                open_comments_reason=reason,
            )
        except MoveRefused as refusal:
            admin_view.message_user(request, f"{plan}: {refusal.message}", messages.ERROR)
        else:
            admin_view.message_user(
                request, f"{plan} is now {move.to_status_label.lower()}.", messages.SUCCESS
            )
    return None


def _admin_action(move: Move) -> Callable:
    def action(admin_view, request, queryset):
        return _move_plans(admin_view, request, queryset.select_related("partnership"), move)

    action.__name__ = f"move_{move.from_status}_to_{move.to_status}"
    return admin.action(
        description=f"{move.label} ({move.from_status_label} → {move.to_status_label})"
    )(action)


MOVE_ACTIONS = [_admin_action(move) for move in MOVES]
