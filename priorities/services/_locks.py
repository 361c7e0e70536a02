"""The locks every change takes, always in one order: plan -> priority -> aim or action.

The plan row first, to re-check that it is still a draft (the view's check happened before
the transaction, and "Send for review" locks the same row), then the rows the change writes.
"""

from __future__ import annotations

from plans.models import Plan
from plans.permissions import ChangeRefused, plan_change_refusal
from priorities.models import Action, Aim, Priority

REMOVED_MESSAGE = "This action has been removed. A partnership administrator can bring it back."
PRIORITY_GONE_MESSAGE = "This priority has been removed meanwhile."
AIM_GONE_MESSAGE = "This aim has been removed meanwhile."


def _lock_draft_plan(plan_id: int) -> Plan:
    """Lock the plan, and refuse if it has left draft since the view checked."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    refusal = plan_change_refusal(plan)
    if refusal:
        raise ChangeRefused(refusal)
    return plan


def _plan_id_of(action: Action) -> int:
    return Priority.objects.filter(pk=action.priority_id).values_list("plan_id", flat=True).get()


def _lock_priority(pk: int) -> Priority:
    """The priority as saved now, locked; refused if someone removed it meanwhile."""
    priority = Priority.objects.select_for_update().filter(pk=pk).first()
    if priority is None:
        raise ChangeRefused(PRIORITY_GONE_MESSAGE)
    return priority


def _lock_aim(pk: int) -> Aim:
    aim = Aim.objects.select_for_update().filter(pk=pk).first()
    if aim is None:
        raise ChangeRefused(AIM_GONE_MESSAGE)
    return aim


def _lock_current_action(pk: int) -> Action:
    """The action as saved now, locked until the transaction ends; never a removed one."""
    action = Action.objects.select_for_update().get(pk=pk)
    if action.status == Action.Status.REMOVED:
        raise ChangeRefused(REMOVED_MESSAGE)
    return action
