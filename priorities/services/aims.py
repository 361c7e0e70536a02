"""Changes to a priority's aims: add, edit, move, remove.

An aim that actions point at can be removed: the actions stay, with no aim, and each one's
history says why.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from plans.ordering import Direction, next_order, swap_with_neighbour
from plans.permissions import ChangeRefused
from priorities.models import Action, Aim, Priority
from priorities.services._locks import (
    AIM_GONE_MESSAGE,
    _lock_aim,
    _lock_draft_plan,
    _lock_priority,
)


def _plan_id_of_aim(aim: Aim) -> int:
    plan_id = Priority.objects.filter(pk=aim.priority_id).values_list("plan_id", flat=True).first()
    if plan_id is None:
        raise ChangeRefused(AIM_GONE_MESSAGE)
    return plan_id


@transaction.atomic
def aim_create(
    *, priority: Priority, user: User, title: str, baseline_data: str, agencies: str = ""
) -> Aim:
    """Add an aim after the priority's last one."""
    _lock_draft_plan(priority.plan_id)
    priority = _lock_priority(priority.pk)
    aim = Aim(
        priority=priority,
        order=next_order(priority.aims.all()),
        title=title,
        baseline_data=baseline_data,
        agencies=agencies,
    )
    aim._history_user = user
    aim.save()
    return aim


@transaction.atomic
def aim_update(*, aim: Aim, user: User, title: str, baseline_data: str, agencies: str = "") -> Aim:
    _lock_draft_plan(_plan_id_of_aim(aim))
    _lock_priority(aim.priority_id)
    aim = _lock_aim(aim.pk)
    aim.title = title
    aim.baseline_data = baseline_data
    aim.agencies = agencies
    aim._history_user = user
    aim.save(update_fields=["title", "baseline_data", "agencies"])
    return aim


@transaction.atomic
def aim_move(*, aim: Aim, user: User, direction: Direction) -> bool:
    """Swap the aim with its neighbour; False when it is already first or last.

    Orders are unique within a priority, so the swap parks the aim on a free place first.
    """
    _lock_draft_plan(_plan_id_of_aim(aim))
    _lock_priority(aim.priority_id)
    return swap_with_neighbour(
        siblings=Aim.objects.filter(priority_id=aim.priority_id),
        pk=aim.pk,
        user=user,
        direction=direction,
        gone=AIM_GONE_MESSAGE,
    )


@transaction.atomic
def aim_remove(*, aim: Aim, user: User) -> None:
    """Remove an aim from a draft plan; the actions that pointed at it keep going, unlinked."""
    _lock_draft_plan(_plan_id_of_aim(aim))
    _lock_priority(aim.priority_id)
    aim_delete(aim=_lock_aim(aim.pk), user=user)


@transaction.atomic
def aim_delete(*, aim: Aim, user: User) -> None:
    """Delete an aim, first unlinking its actions with a history row on each that says why;
    the database's SET NULL would unlink them with no trace."""
    reason = f"Its aim was removed: {aim.title[:200]}"
    for action in Action.objects.select_for_update().filter(aim=aim):
        action.aim = None
        action.version += 1
        action._history_user = user
        action._change_reason = reason
        action.save(update_fields=["aim", "version"])
    aim._history_user = user
    aim.delete()
