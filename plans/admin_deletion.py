"""Deletions the admin refuses because they would lose work or silently take access away.

Each refusal says what to move or do first. The single delete page, the bulk "Delete selected"
action and any other caller of delete_model/delete_queryset all go through the same check, and
the database refuses the same deletions of priorities and task groups (PROTECT) besides.
"""

from __future__ import annotations

import dataclasses

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected
from django.contrib.admin.options import ActionLocation
from django.contrib.admin.utils import NestedObjects, get_deleted_objects, unquote
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.db import router, transaction
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse

from plans import people
from plans.models import (
    DemoPlanSource,
    Group,
    HiddenComment,
    Membership,
    Plan,
    PlanContentVersion,
    PlanTransition,
    PublishedCopy,
)
from plans.plan_deletion import PlanDeletionRefused, plan_delete, plan_deletion_refusal
from priorities.models import (
    Action,
    ActionLeadPartner,
    Priority,
    ProgressUpdate,
    ReviewComment,
    ReviewReminder,
)

NAMES_LISTED = 5


def _listed(names: list[str]) -> str:
    shown = ", ".join(f"“{name}”" for name in names[:NAMES_LISTED])
    more = len(names) - NAMES_LISTED
    return f"{shown} and {more} more" if more > 0 else shown


def _plural(count: int, noun: str, nouns: str = "") -> str:
    return f"{count} {noun if count == 1 else nouns or noun + 's'}"


class RefusesDeletionInUse(admin.ModelAdmin):
    """A ModelAdmin whose objects cannot be deleted while deletion_refusal names a reason."""

    def deletion_refusal(self, obj: Model) -> str | None:
        raise NotImplementedError

    def delete_view(
        self, request: HttpRequest, object_id: str, extra_context: dict | None = None
    ) -> HttpResponse:
        obj = self.get_object(request, unquote(object_id))
        refusal = self.deletion_refusal(obj) if obj is not None else None
        if refusal:
            self.message_user(request, refusal, messages.ERROR)
            opts = self.opts
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
            )
        return super().delete_view(request, object_id, extra_context)

    def delete_model(self, request: HttpRequest, obj: Model) -> None:
        refusal = self.deletion_refusal(obj)
        if refusal:
            raise PermissionDenied(refusal)
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        refusal = next(filter(None, map(self.deletion_refusal, queryset)), None)
        if refusal:
            raise PermissionDenied(refusal)
        super().delete_queryset(request, queryset)

    def get_actions(
        self, request: HttpRequest, action_location: ActionLocation = ActionLocation.CHANGE_LIST
    ) -> dict:
        actions = super().get_actions(request, action_location=action_location)
        if "delete_selected" in actions:
            actions["delete_selected"] = dataclasses.replace(
                actions["delete_selected"], func=delete_selected_unless_in_use
            )
        return actions


def delete_selected_unless_in_use(
    modeladmin: RefusesDeletionInUse, request: HttpRequest, queryset: QuerySet
) -> HttpResponse | None:
    """Django's bulk delete, refused with every reason when any selected object is in use."""
    refusals = [refusal for obj in queryset if (refusal := modeladmin.deletion_refusal(obj))]
    if refusals:
        for refusal in refusals:
            modeladmin.message_user(request, refusal, messages.ERROR)
        return None
    return delete_selected(modeladmin, request, queryset)


# Records plan_delete removes with the plan, which nobody may delete one by one.
PLAN_RECORDS = [
    PlanContentVersion,
    DemoPlanSource,
    PlanTransition,
    PublishedCopy,
    HiddenComment,
    ReviewReminder,
]


class DeletesDraftPlans(RefusesDeletionInUse):
    """The plan admin's delete page and bulk delete, through plan_delete: a draft goes with
    everything in it, any other plan is refused with what to do instead."""

    def deletion_refusal(self, obj: Plan) -> str | None:
        return plan_deletion_refusal(obj)

    def get_deleted_objects(self, objs, request: HttpRequest) -> tuple:
        """What plan_delete removes: the plan's own cascade plus its actions, which protect
        their priorities from the database's cascade and so are listed on their own."""
        plans = list(objs)
        deleted, counts, perms_needed, protected = super().get_deleted_objects(plans, request)
        actions = list(Action.objects.filter(priority__plan__in=plans))
        if actions:
            more, more_counts, more_perms, _ = get_deleted_objects(
                actions, request, self.admin_site
            )
            deleted = [*deleted, *more]
            for name, count in more_counts.items():
                counts[name] = counts.get(name, 0) + count
            perms_needed |= more_perms
            # Django lists the protected objects as text; ask which they are.
            collector = NestedObjects(using=router.db_for_write(Plan))
            collector.collect(plans)
            if all(isinstance(obj, Action) for obj in collector.protected):
                protected = []
        records = {str(model._meta.verbose_name) for model in PLAN_RECORDS}
        return deleted, counts, perms_needed - records, protected

    def delete_model(self, request: HttpRequest, obj: Plan) -> None:
        try:
            plan_delete(plan=obj, user=request.user)
        except PlanDeletionRefused as refusal:
            raise PermissionDenied(refusal.message) from refusal

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Plan]) -> None:
        with transaction.atomic():
            for plan in queryset:
                self.delete_model(request, plan)


def priority_deletion_refusal(priority: Priority) -> str | None:
    texts = list(Action.objects.filter(priority=priority).values_list("text", flat=True))
    if not texts:
        return None
    return (
        f"“{priority.title}” cannot be deleted: it would take its actions’ lead partners and "
        f"progress with it. Move or remove its {_plural(len(texts), 'action')} first "
        f"({_listed([text[:60] for text in texts])}); removed actions count too."
    )


def group_deletion_refusal(group: Group) -> str | None:
    priorities = list(Priority.objects.filter(task_group=group).values_list("title", flat=True))
    editors = [
        user.get_full_name() or user.username
        for user in User.objects.filter(memberships__task_groups=group).order_by("username")
    ]
    leads = ActionLeadPartner.objects.filter(group=group).count()
    reasons = []
    if priorities:
        reasons.append(
            f"move its {_plural(len(priorities), 'priority', 'priorities')} to another task "
            f"group ({_listed(priorities)})"
        )
    if editors:
        reasons.append(
            f"give its {_plural(len(editors), 'editor')} another task group, since they would "
            f"lose their write access ({_listed(editors)})"
        )
    if leads:
        reasons.append(f"name another lead partner on {_plural(leads, 'action')}")
    if not reasons:
        return None
    return f"“{group.name}” cannot be deleted yet: first {'; '.join(reasons)}."


def authored_work(user: User) -> list[str]:
    """What a person has written or done that carries their name, counted by kind."""
    counts = {
        "change recorded in the history": sum(
            model.history.filter(history_user=user).count()
            for model in apps.get_models()
            if hasattr(model._meta, "simple_history_manager_attribute")
        ),
        "progress update": ProgressUpdate.objects.filter(author=user).count(),
        "review comment": ReviewComment.objects.filter(author=user).count()
        + ReviewComment.objects.filter(resolved_by=user).count(),
        "workflow move": PlanTransition.objects.filter(user=user).count(),
        "published copy": PublishedCopy.objects.filter(published_by=user).count(),
    }
    return [_plural(count, noun) for noun, count in counts.items() if count]


def user_deletion_refusal(user: User) -> str | None:
    work = authored_work(user)
    if not work:
        return None
    name = user.get_full_name() or user.username
    return (
        f"{name} cannot be deleted: their name is on their work ({', '.join(work)}). "
        "Deactivate them instead, so they can no longer sign in and their name stays."
    )


@admin.action(description="Deactivate the selected people (they keep their name on their work)")
def deactivate_people(modeladmin: admin.ModelAdmin, request: HttpRequest, queryset) -> None:
    """Stop each person signing in and take away their roles, each removal in the history."""
    for user in queryset:
        name = user.get_full_name() or user.username
        try:
            with transaction.atomic():
                for membership in Membership.objects.filter(user=user).select_related("user"):
                    membership._change_reason = "Person deactivated"
                    people.membership_remove(membership=membership)
                User.objects.filter(pk=user.pk).update(is_active=False)
        except people.PeopleRefused as refusal:
            modeladmin.message_user(
                request, f"{name} was not deactivated: {refusal.reason}", messages.ERROR
            )
        else:
            modeladmin.message_user(request, f"{name} deactivated.", messages.SUCCESS)
