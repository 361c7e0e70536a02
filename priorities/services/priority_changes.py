"""Changes to a plan's priorities: add, edit, move, remove.

A priority is removed only while it has no actions at all, current or removed: removed
actions are kept so they can be brought back, with their progress and history, and the
database protects them (Action.priority is PROTECT). So removal is refused, with the counts,
rather than ending in a server error or taking actions with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Count, Q

from plans.models import Group, Plan
from plans.ordering import Direction, next_order, swap_with_neighbour
from plans.permissions import ChangeRefused
from priorities.models import Action, Aim, Priority
from priorities.services._locks import (
    PRIORITY_GONE_MESSAGE,
    _lock_draft_plan,
    _lock_priority,
)
from priorities.services.aims import aim_delete


@dataclass(frozen=True)
class PriorityOwnership:
    """What only an administrator sets on a priority: its label, owner and kind."""

    label: str
    task_group: Group | None
    lead_officer: str
    is_cross_cutting: bool


OWNERSHIP_FIELDS = ["label", "task_group", "lead_officer", "is_cross_cutting"]
WORDS_FIELDS = ["title", "background", "aim", "measuring_performance", "measuring_difficulties"]


def _set_ownership(priority: Priority, ownership: PriorityOwnership) -> None:
    priority.label = ownership.label
    priority.task_group = ownership.task_group
    priority.lead_officer = ownership.lead_officer
    priority.is_cross_cutting = ownership.is_cross_cutting


def _set_aims(priority: Priority, aims: list[str], user: User) -> None:
    """Aims typed one a line: kept aims keep their baseline data by position."""
    existing = list(priority.aims.order_by("order"))
    for extra in existing[len(aims) :]:
        aim_delete(aim=extra, user=user)
    # Park the kept aims beyond any order in use, then number them 1, 2, 3...
    offset = max([a.order for a in existing] + [len(aims)]) + 1
    for index, kept in enumerate(existing[: len(aims)]):
        Aim.objects.filter(pk=kept.pk).update(order=offset + index)
    changed = []
    for index, title_text in enumerate(aims, start=1):
        if index <= len(existing):
            kept = existing[index - 1]
            Aim.objects.filter(pk=kept.pk).update(order=index, title=title_text)
            if (kept.order, kept.title) != (index, title_text):
                kept.order, kept.title = index, title_text
                changed.append(kept)
        else:
            added = Aim(priority=priority, order=index, title=title_text)
            added._history_user = user
            added.save()
    # Kept aims are updated in place, which records nothing; their history rows are made here.
    Aim.history.bulk_history_create(changed, update=True, default_user=user)


@transaction.atomic
def priority_create(
    *,
    plan: Plan,
    user: User,
    ownership: PriorityOwnership,
    title: str,
    background: str,
    aim: str,
    measuring_performance: str,
    measuring_difficulties: str,
    aims: list[str],
) -> Priority:
    """Add a priority after the plan's last one."""
    plan = _lock_draft_plan(plan.pk)
    priority = Priority(
        plan=plan,
        order=next_order(plan.priorities.all()),
        title=title,
        background=background,
        aim=aim,
        measuring_performance=measuring_performance,
        measuring_difficulties=measuring_difficulties,
    )
    _set_ownership(priority, ownership)
    priority._history_user = user
    priority.save()
    _set_aims(priority, aims, user)
    return priority


@transaction.atomic
def priority_update(
    *,
    priority: Priority,
    user: User,
    title: str,
    background: str,
    aim: str,
    measuring_performance: str,
    measuring_difficulties: str,
    aims: list[str],
    ownership: PriorityOwnership | None = None,
) -> Priority:
    """Save a priority's words and its aims; aims keep their baseline data by position.

    Only the words are written, and the label, task group, lead officer and kind when an
    administrator gives them (`ownership`); the place is kept as it is saved now.
    """
    _lock_draft_plan(priority.plan_id)
    priority = _lock_priority(priority.pk)
    priority.title = title
    priority.background = background
    priority.aim = aim
    priority.measuring_performance = measuring_performance
    priority.measuring_difficulties = measuring_difficulties
    fields = list(WORDS_FIELDS)
    if ownership is not None:
        _set_ownership(priority, ownership)
        fields += OWNERSHIP_FIELDS
    priority._history_user = user
    priority.save(update_fields=fields)
    _set_aims(priority, aims, user)
    return priority


@transaction.atomic
def priority_move(*, priority: Priority, user: User, direction: Direction) -> bool:
    """Swap the priority with its neighbour; False when it is already first or last.

    Orders are unique within a plan, so the swap parks the priority on a free place first.
    The two priorities' history records the new places (the parking place is not kept).
    """
    _lock_draft_plan(priority.plan_id)
    return swap_with_neighbour(
        siblings=Priority.objects.filter(plan_id=priority.plan_id),
        pk=priority.pk,
        user=user,
        direction=direction,
        gone=PRIORITY_GONE_MESSAGE,
    )


def priority_removal_refusal(priority: Priority) -> str | None:
    """Why the priority cannot be removed (it still has actions), or None if it can."""
    counts = Action.objects.filter(priority_id=priority.pk).aggregate(
        current=Count("pk", filter=~Q(status=Action.Status.REMOVED)),
        removed=Count("pk", filter=Q(status=Action.Status.REMOVED)),
    )
    current, removed = counts["current"], counts["removed"]
    if not current and not removed:
        return None
    parts = []
    if current:
        parts.append(f"{current} action{'' if current == 1 else 's'} in the plan")
    if removed:
        parts.append(
            f"{removed} removed action{'' if removed == 1 else 's'}, kept so "
            f"{'it' if removed == 1 else 'they'} can be brought back"
        )
    return (
        f"“{priority.title}” cannot be removed because it has {' and '.join(parts)}. "
        "A priority is removed only when it has no actions at all, so that no action, its "
        "progress or its history is lost."
    )


@transaction.atomic
def priority_remove(*, priority: Priority, user: User) -> None:
    """Delete a priority that has no actions, with its aims; history keeps them and who."""
    _lock_draft_plan(priority.plan_id)
    priority = _lock_priority(priority.pk)
    refusal = priority_removal_refusal(priority)
    if refusal:
        raise ChangeRefused(refusal)
    for aim in Aim.objects.select_for_update().filter(priority=priority):
        aim_delete(aim=aim, user=user)
    priority._history_user = user
    priority.delete()
