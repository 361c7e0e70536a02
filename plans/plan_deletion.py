"""Deleting a draft plan with everything in it, for a support officer who made one by mistake.

The database alone cannot do it: actions protect their priority, so the plan's cascade stops at
the first priority with actions, and the read-only records (content version, workflow moves)
are rows the admin never lets anyone delete one by one. Each part is deleted here leaves first,
one row at a time, so the history keeps a "deleted" record of it signed by the person.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Model, QuerySet

from indicators.models import LocalTarget, LocalTargetMeasure, LocalTargetValue, TargetColumn
from plans.models import (
    BudgetLine,
    Plan,
    PlanTransition,
    PublishedCopy,
    RelatedStrategy,
    ScanningCategory,
    ScanningCriterion,
    ScanningMark,
    ScanningMatrix,
    Section,
    Subsection,
)
from priorities.models import (
    Action,
    ActionLeadPartner,
    Aim,
    Priority,
    ProgressUpdate,
    ReviewComment,
    ReviewReminder,
)


class PlanDeletionRefused(Exception):
    """A plan that must be kept, with a message saying what to do instead."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def plan_deletion_refusal(plan: Plan) -> str | None:
    """Why this plan cannot be deleted, in words, or None when it can."""
    if plan.status == Plan.Status.DRAFT and not plan.published_copies.exists():
        return None
    if plan.status in (Plan.Status.IN_REVIEW, Plan.Status.APPROVED):
        instead = (
            "If it should go, send it back to draft first; its moves through the workflow "
            "are kept until then."
        )
    else:
        instead = (
            "What was published stays the partnership's record. To change it, start next "
            "year's plan from its page."
        )
    return (
        f"“{plan}” cannot be deleted: it is {plan.get_status_display().lower()}, and only "
        f"plans in draft that were never published can be deleted. {instead}"
    )


def _delete_each(queryset: QuerySet, user: AbstractBaseUser | None) -> int:
    """Delete row by row, so each history record says who deleted it."""
    count = 0
    obj: Model
    for obj in queryset:
        obj._history_user = user
        obj.delete()
        count += 1
    return count


def plan_delete(*, plan: Plan, user: AbstractBaseUser | None) -> None:
    """Delete a draft plan and all its content: progress, lead partners, actions, aims,
    priorities, local targets, sections and their subsections, related strategies, budget
    lines, the scanning matrix and its records. The partnership's own things (glossary,
    groups, organisations) stay."""
    with transaction.atomic():
        plan = Plan.objects.select_for_update().get(pk=plan.pk)
        refusal = plan_deletion_refusal(plan)
        if refusal:
            raise PlanDeletionRefused(refusal)
        actions = Action.objects.filter(priority__plan=plan)
        # Records without a history of their own go in bulk; comments take their replies
        # and the notes of who hid them.
        ReviewComment.objects.filter(plan=plan).delete()
        PlanTransition.objects.filter(plan=plan).delete()
        ReviewReminder.objects.filter(action__in=actions).delete()
        PublishedCopy.objects.filter(plan=plan).delete()
        for queryset in (
            ProgressUpdate.objects.filter(action__in=actions),
            ActionLeadPartner.objects.filter(action__in=actions),
            actions,
            Aim.objects.filter(priority__plan=plan),
            Priority.objects.filter(plan=plan),
            LocalTargetValue.objects.filter(target__measure__plan=plan),
            LocalTarget.objects.filter(measure__plan=plan),
            TargetColumn.objects.filter(measure__plan=plan),
            LocalTargetMeasure.objects.filter(plan=plan),
            Subsection.objects.filter(section__plan=plan),
            Section.objects.filter(plan=plan),
            RelatedStrategy.objects.filter(plan=plan),
            BudgetLine.objects.filter(plan=plan),
            ScanningMark.objects.filter(category__matrix__plan=plan),
            ScanningCategory.objects.filter(matrix__plan=plan, parent__isnull=False),
            ScanningCategory.objects.filter(matrix__plan=plan),
            ScanningCriterion.objects.filter(matrix__plan=plan),
            ScanningMatrix.objects.filter(plan=plan),
        ):
            _delete_each(queryset, user)
        # The content version row goes with the plan, by the database's cascade.
        plan._history_user = user
        plan.delete()
