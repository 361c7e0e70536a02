"""The workflow in the Django admin: moving plans as admin actions, the records moves and
reviews leave, and a plan's content kept read-only once the plan leaves draft. Every move goes
through plans.workflow.plan_move, exactly as the plan page's buttons do."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from django.contrib import admin, messages
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from cspplan.forms import SafeInputAdmin
from plans.models import HiddenComment, Plan, PlanTransition
from plans.publication import publication_request
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


def not_draft_message(plan: Plan) -> str:
    if plan.status in (Plan.Status.IN_REVIEW, Plan.Status.APPROVED):
        instead = (
            "To change it, send it back to draft first, with the button on the plan's page "
            "or an action on the list of plans."
        )
    elif plan.status == Plan.Status.PUBLISHED:
        instead = (
            "To correct it, use “Correct the published plan” on the plan's page (or that "
            "action on the list of plans) with a change note: the plan goes back to draft, is "
            "reviewed and approved as usual, and publishing it again stores a new version. "
            "Changes for next year belong in next year's plan: start next year's plan from "
            "its page."
        )
    else:
        instead = (
            "A superseded plan is kept as it was published; correct the plan that replaced it."
        )
    return (
        f"“{plan}” is {plan.get_status_display().lower()}: only plans in draft can be changed, "
        f"so its content cannot be changed here. {instead}"
    )


def _follow(obj: Model | None, path: str) -> Plan | None:
    """The plan at the end of a dotted path ("priority.plan"); None where a link is missing,
    as in a version from the history whose parent has been deleted since."""
    for name in filter(None, path.split(".")):
        if obj is None:
            return None
        try:
            obj = getattr(obj, name)
        except ObjectDoesNotExist:
            return None
    return obj if isinstance(obj, Plan) else None


class DraftPlanContentOnly:
    """A ModelAdmin of a plan's content, which changes only while its plan is a draft: the
    content of a plan in review, approved or published is shown read-only with the reason, and
    a plan that is not a draft cannot be chosen as the parent of a new or moved object.

    plan_path leads from the object to its plan ("priority.plan"); its first name is the form's
    field choosing the parent.
    """

    plan_path: str = "plan"

    def plan_of(self, obj: Model | None) -> Plan | None:
        return _follow(obj, self.plan_path) if obj is not None else None

    def _not_draft(self, obj: Model | None) -> Plan | None:
        plan = self.plan_of(obj)
        return plan if plan is not None and not plan.is_editable else None

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._not_draft(obj) is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._not_draft(obj) is None and super().has_delete_permission(request, obj)

    def _refused(self, request: HttpRequest, object_id: str) -> HttpResponse | None:
        plan = self._not_draft(self.get_object(request, unquote(object_id)))
        if plan is None:
            return None
        if request.method == "GET":
            self.message_user(request, not_draft_message(plan), messages.WARNING)
            return None
        self.message_user(request, not_draft_message(plan), messages.ERROR)
        return HttpResponseRedirect(self._change_url(object_id))

    def _change_url(self, object_id: str) -> str:
        opts = self.opts
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[object_id])

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context=None
    ) -> HttpResponse:
        return self._refused(request, object_id) or super().change_view(
            request, object_id, form_url, extra_context
        )

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context=None
    ) -> HttpResponse:
        """Simple history saves a reverted version without asking for the change permission."""
        return self._refused(request, object_id) or super().history_form_view(
            request, object_id, version_id, extra_context
        )

    def delete_view(self, request: HttpRequest, object_id: str, extra_context=None) -> HttpResponse:
        plan = self._not_draft(self.get_object(request, unquote(object_id)))
        if plan is not None:
            self.message_user(request, not_draft_message(plan), messages.ERROR)
            return HttpResponseRedirect(self._change_url(object_id))
        return super().delete_view(request, object_id, extra_context)

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict:
        actions = super().get_actions(request, action_location=action_location)
        if "delete_selected" in actions and self.plan_path:
            delete_selected = actions["delete_selected"].func
            lookup = self.plan_path.replace(".", "__")

            def delete_selected_of_drafts(
                modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet
            ) -> HttpResponse | None:
                """Django's bulk delete, refused when any selected object's plan is not a
                draft, with the reason for each such plan."""
                kept = Plan.objects.filter(pk__in=queryset.values(lookup)).exclude(
                    status=Plan.Status.DRAFT
                )
                for plan in kept:
                    modeladmin.message_user(request, not_draft_message(plan), messages.ERROR)
                if kept:
                    return None
                return delete_selected(modeladmin, request, queryset)

            actions["delete_selected"] = dataclasses.replace(
                actions["delete_selected"], func=delete_selected_of_drafts
            )
        return actions

    def get_form(self, request: HttpRequest, obj: Model | None = None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        parent_field, _, rest = self.plan_path.partition(".")
        if parent_field not in form.base_fields:
            return form

        class DraftParentForm(form):
            def clean(self) -> dict:
                cleaned_data = super().clean()
                plan = _follow(cleaned_data.get(parent_field), rest)
                if plan is not None and not plan.is_editable:
                    self.add_error(parent_field, not_draft_message(plan))
                return cleaned_data

        DraftParentForm.__name__ = form.__name__
        return DraftParentForm


class DraftPlanContentOnlyInline:
    """An inline of a plan's content, read-only on the page of an object whose plan is not a
    draft; parent_plan_path leads from that page's object to its plan ("" for the plan)."""

    parent_plan_path: str = ""

    def _editable(self, obj: Model | None) -> bool:
        if obj is None:
            return True
        plan = obj if isinstance(obj, Plan) else _follow(obj, self.parent_plan_path)
        return plan is None or plan.is_editable

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._editable(obj) and super().has_add_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._editable(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return self._editable(obj) and super().has_delete_permission(request, obj)


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
            if move.to_status == Plan.Status.PUBLISHED:
                # Rendered by the worker, as from the plan page, never in this request.
                publication_request(plan=plan, user=request.user, comment=comment)
                admin_view.message_user(
                    request,
                    f"{plan} is being published: it appears on its public page as soon as "
                    "its page and PDFs are stored.",
                    messages.SUCCESS,
                )
                continue
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
