"""Changes to actions: each one whole or not at all, and none lost.

History is kept by django-simple-history. Indicators are set with history paused and the
action saved afterwards, so one edit is one history entry that lists its indicators.

Every change locks rows in one order, plan -> priority -> action, so changes never deadlock:
the plan row first, to re-check that it is still a draft (the check the view made happened
before this transaction, and "Send for review" locks the same row), then the rows it writes.
A change re-reads the action under its lock and writes only the fields it owns, so it never
puts back what someone else saved a moment earlier.
"""

from __future__ import annotations

import datetime
from typing import Literal

from django.contrib.auth.models import User
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from indicators.models import Indicator
from plans.models import Plan
from plans.ordering import next_order
from plans.permissions import ChangeRefused, plan_progress_refusal
from plans.written_dates import WrittenDate, review_date_fields
from priorities.forms import LeadPartnerChoice
from priorities.models import Action, ActionLeadPartner, Aim, Priority, ProgressUpdate
from priorities.services._locks import (
    REMOVED_MESSAGE,
    _lock_current_action,
    _lock_draft_plan,
    _lock_priority,
    _plan_id_of,
)


class ActionChangedMeanwhile(Exception):
    """Someone else saved the action since this person opened it."""

    def __init__(self, action: Action, seen_version: int) -> None:
        super().__init__(f"Action {action.pk} is at version {action.version}, not {seen_version}")
        self.action = action
        self.seen_version = seen_version


# What an edit of an action's words owns; its place (order) belongs to moves alone.
EDITED_FIELDS = [
    "text",
    "aim",
    "element",
    "baseline_data",
    "review_date",
    "review_date_precision",
    "review_date_by",
    "funding_stream",
    "status",
    "rag",
    "version",
]


def _set_lead_partners(action: Action, leads: list[LeadPartnerChoice], user: User) -> None:
    """Replace the lead partners, each removal and addition in their history with its author;
    an unchanged list writes nothing, so the audit log shows only real changes."""
    wanted = [
        ActionLeadPartner(
            action=action,
            order=order,
            kind=lead.kind,
            organisation=lead.organisation,
            group=lead.group,
            printed_as=lead.printed_as,
        )
        for order, lead in enumerate(leads, start=1)
    ]
    current = list(action.lead_partners.order_by("order"))
    fields = ["order", "kind", "organisation_id", "group_id", "printed_as"]
    if [[getattr(p, f) for f in fields] for p in current] == [
        [getattr(p, f) for f in fields] for p in wanted
    ]:
        return
    for partner in current:
        partner._history_user = user
        partner.delete()
    bulk_create_with_history(wanted, ActionLeadPartner, default_user=user)


def _lead_partner_names(action: Action) -> str:
    leads = ActionLeadPartner.objects.filter(action=action).select_related(
        "organisation", "group", "action__priority__plan__partnership"
    )
    return " / ".join(lead.name for lead in leads)


def _set_indicators(action: Action, indicators: list[Indicator]) -> None:
    action.skip_history_when_saving = True
    try:
        action.indicators.set(indicators)
    finally:
        del action.skip_history_when_saving


@transaction.atomic
def action_create(
    *,
    priority: Priority,
    user: User,
    text: str,
    lead_partners: list[LeadPartnerChoice],
    indicators: list[Indicator],
    aim: Aim | None = None,
    element: str = "",
    baseline_data: str = "",
    review_date: WrittenDate | datetime.date | None = None,
    funding_stream: str = "",
    status: str = Action.Status.NOT_STARTED,
    rag: str = "",
) -> Action:
    """Add an action at the end of the priority's action plan."""
    _lock_draft_plan(priority.plan_id)
    # Lock the priority so two officers adding at once do not both take the same place, and
    # refuse if an administrator removed it meanwhile.
    _lock_priority(priority.pk)
    action = Action(
        priority=priority,
        order=next_order(priority.actions.all()),
        text=text,
        aim=aim,
        element=element,
        baseline_data=baseline_data,
        **review_date_fields(review_date),
        funding_stream=funding_stream,
        status=status,
        rag=rag,
    )
    action.skip_history_when_saving = True
    action.save()
    del action.skip_history_when_saving
    _set_lead_partners(action, lead_partners, user)
    _set_indicators(action, indicators)
    action._history_user = user
    action.save()
    # Saved first without history so the one entry lists the indicators; it is the creation.
    Action.history.filter(id=action.pk).update(history_type="+")
    return action


@transaction.atomic
def action_update(
    *,
    action: Action,
    user: User,
    version: int | None,
    text: str,
    lead_partners: list[LeadPartnerChoice],
    indicators: list[Indicator],
    aim: Aim | None = None,
    element: str = "",
    baseline_data: str = "",
    review_date: WrittenDate | datetime.date | None = None,
    funding_stream: str = "",
    status: str = Action.Status.NOT_STARTED,
    rag: str = "",
) -> Action:
    """Save an edit only if nobody else has saved the action since `version` was read.

    The edit changes the action's words, never its place, so a reorder meanwhile stands.
    """
    _lock_draft_plan(_plan_id_of(action))
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.version != version:
        raise ActionChangedMeanwhile(action, version or 0)
    action.version = version + 1
    action.text = text
    action.aim = aim
    action.element = element
    action.baseline_data = baseline_data
    for name, value in review_date_fields(review_date).items():
        setattr(action, name, value)
    action.funding_stream = funding_stream
    action.status = status
    action.rag = rag
    before = _lead_partner_names(action)
    _set_lead_partners(action, lead_partners, user)
    after = _lead_partner_names(action)
    if before != after:
        # Lead partners are rows of their own; the action's history notes the change in words.
        action._change_reason = f"Lead partners: {before or '(none)'} → {after or '(none)'}"
    _set_indicators(action, indicators)
    action._history_user = user
    action.save(update_fields=EDITED_FIELDS)
    return action


@transaction.atomic
def action_remove(*, action: Action, user: User) -> Action:
    """Take the action out of the plan; action_restore brings it back."""
    _lock_draft_plan(_plan_id_of(action))
    action = _lock_current_action(action.pk)
    action.status = Action.Status.REMOVED
    action.version += 1
    action._history_user = user
    action.save(update_fields=["status", "version"])
    return action


def status_before_removal(action: Action) -> str:
    """The status the action had when it was removed, from its history; not started when
    the history does not say (an action removed before history was kept)."""
    before = (
        Action.history.filter(id=action.pk)
        .exclude(status=Action.Status.REMOVED)
        .order_by("-history_date", "-history_id")
        .values_list("status", flat=True)
        .first()
    )
    return before or Action.Status.NOT_STARTED


@transaction.atomic
def action_restore(*, action: Action, user: User) -> bool:
    """Bring a removed action back into the plan, at the end of its priority's action plan,
    with the status it had before; False when it is already part of the plan."""
    _lock_draft_plan(_plan_id_of(action))
    Priority.objects.select_for_update().filter(pk=action.priority_id).first()
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status != Action.Status.REMOVED:
        return False
    others = Action.objects.filter(priority_id=action.priority_id).exclude(pk=action.pk)
    after = next_order(others)
    if action.order < after:
        action.order = after
    action.status = status_before_removal(action)
    action.version += 1
    action._history_user = user
    action._change_reason = "Brought back into the plan"
    action.save(update_fields=["order", "status", "version"])
    return True


@transaction.atomic
def action_move(*, action: Action, direction: Literal["up", "down"]) -> bool:
    """Swap the action with its neighbour; False when it is already first or last.

    Orders are unique within a priority, so the swap parks one action on a free place first.
    Moving is not an edit of the action's words, so it leaves the version alone.
    """
    _lock_draft_plan(_plan_id_of(action))
    siblings = Action.objects.select_for_update().filter(priority_id=action.priority_id)
    current = list(siblings.current().order_by("order").values_list("pk", "order"))
    position = next((i for i, (pk, _) in enumerate(current) if pk == action.pk), None)
    if position is None:
        raise ChangeRefused(REMOVED_MESSAGE)
    neighbour = position - 1 if direction == "up" else position + 1
    if not 0 <= neighbour < len(current):
        return False
    (pk_a, order_a), (pk_b, order_b) = current[position], current[neighbour]
    parking = next_order(siblings)
    Action.objects.filter(pk=pk_a).update(order=parking)
    Action.objects.filter(pk=pk_b).update(order=order_a)
    Action.objects.filter(pk=pk_a).update(order=order_b)
    return True


@transaction.atomic
def progress_record(
    *, action: Action, user: User, reported_on: datetime.date, rag: str, note: str
) -> ProgressUpdate:
    """Record progress; the latest update's rating becomes the action's RAG rating.

    Progress goes on after publication, so the plan need not be a draft, only not superseded.
    """
    plan = Plan.objects.select_for_update().get(pk=_plan_id_of(action))
    refusal = plan_progress_refusal(plan)
    if refusal:
        raise ChangeRefused(refusal)
    action = _lock_current_action(action.pk)
    update = ProgressUpdate.objects.create(
        action=action, reported_on=reported_on, rag=rag, note=note, author=user
    )
    latest = action.progress_updates.order_by("-reported_on", "-created_at").first()
    if latest == update and action.rag != rag:
        # A new version, so an edit opened before this rating cannot put the old one back.
        action.rag = rag
        action.version += 1
        action._history_user = user
        action.save(update_fields=["rag", "version"])
    return update
