"""Who may see and change what: one place for the role rules every view applies.

Reading a plan's working pages needs a membership of its partnership, and an outsider is told
nothing (404), not even that the plan exists. Changing needs the plan in draft and a role
that may change the thing: administrators change anything in their partnership, editors the
priorities of their own task groups. Everyone else who can read gets a 403 that says why.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest

from plans.models import Membership, Partnership, PendingImport, Plan
from priorities.models import Action, ActionLeadPartner, Priority


class ChangeRefused(PermissionDenied):
    """A refusal with a reason the refused person can act on."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class PlanLeftDraft(ChangeRefused):
    """The person may change this, but the plan is no longer a draft.

    Carries what was fetched, so a form posted after the plan moved on can be shown again
    with everything typed rather than lost behind a refusal page.
    """

    def __init__(self, reason: str, fetched: Priority | Action) -> None:
        super().__init__(reason)
        self.fetched = fetched


def _refuse_change(priority: Priority, fetched: Priority | Action) -> None:
    if priority.change_refusal is None:
        return
    if plan_change_refusal(priority.plan) and priority.access.may_change_priority(priority):
        raise PlanLeftDraft(priority.change_refusal, fetched)
    raise ChangeRefused(priority.change_refusal)


@dataclass(frozen=True)
class Access:
    """What one person may do in one partnership, worked out once per request."""

    is_superuser: bool
    membership: Membership | None

    @cached_property
    def task_group_ids(self) -> frozenset[int]:
        """The task groups whose priorities an editor may change. Read only when a rule asks,
        so the pages of administrators and readers, whose rules never do, make no query."""
        if self.membership is None:
            return frozenset()
        return frozenset(self.membership.task_groups.values_list("pk", flat=True))

    @property
    def can_read(self) -> bool:
        return self.is_superuser or self.membership is not None

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or (
            self.membership is not None and self.membership.role == Membership.Role.ADMINISTRATOR
        )

    def may_change_priority(self, priority: Priority) -> bool:
        if self.is_administrator:
            return True
        return (
            self.membership is not None
            and self.membership.role == Membership.Role.EDITOR
            and priority.task_group_id in self.task_group_ids
        )


def access_for(user: User | AnonymousUser, partnership: Partnership | int) -> Access:
    partnership_id = partnership if isinstance(partnership, int) else partnership.pk
    if not user.is_authenticated:
        return Access(is_superuser=False, membership=None)
    # One membership at most per person and partnership: unordered, so Meta.ordering's joins
    # through partnership and user are not made for it.
    membership = (
        Membership.objects.filter(user=user, partnership_id=partnership_id).order_by().first()
    )
    return Access(is_superuser=user.is_superuser, membership=membership)


def plans_for_member(user: User | AnonymousUser) -> QuerySet[Plan]:
    """Plans whose working pages the user may read, whatever their status."""
    if not user.is_authenticated:
        return Plan.objects.none()
    if user.is_superuser:
        return Plan.objects.all()
    return Plan.objects.filter(partnership__memberships__user=user)


CORRECTION_ADVICE = (
    "To correct a published plan, a partnership administrator uses “Correct the published "
    "plan” on the plan's page: with a change note, the plan goes back to draft to be edited, "
    "reviewed and approved, and is published again as a new version."
)


def plan_change_refusal(plan: Plan) -> str | None:
    if plan.is_editable:
        return None
    refusal = (
        f"“{plan.title}” ({plan.period_label}) is {plan.get_status_display().lower()}, so it "
        "can no longer be changed. Only plans in draft can be changed."
    )
    if plan.status == Plan.Status.PUBLISHED:
        return f"{refusal} {CORRECTION_ADVICE}"
    return refusal


def priority_change_refusal(access: Access, priority: Priority) -> str | None:
    """Why this person may not change this priority or its actions, or None if they may."""
    plan_refusal = plan_change_refusal(priority.plan)
    if plan_refusal:
        return plan_refusal
    if access.may_change_priority(priority):
        return None
    return _role_refusal(access)


def _role_refusal(access: Access) -> str:
    if access.membership and access.membership.role == Membership.Role.EDITOR:
        return (
            "You can only change the action plans of your own task groups. Ask a partnership "
            "administrator if you need to change this one."
        )
    return (
        "Your role in this partnership lets you read its plans but not change them. Ask a "
        "partnership administrator if you need to."
    )


def plan_progress_refusal(plan: Plan) -> str | None:
    if plan.status != Plan.Status.SUPERSEDED:
        return None
    return (
        f"“{plan.title}” ({plan.period_label}) has been superseded. Record progress on the plan "
        "that replaced it."
    )


def progress_refusal(access: Access, priority: Priority) -> str | None:
    """Why this person may not record progress on this priority's actions, or None.

    Progress follows the plan through its year, so it is recorded on a published plan as
    well as on drafts; only a superseded plan is closed, its successor carries the work on.
    """
    plan_refusal = plan_progress_refusal(priority.plan)
    if plan_refusal:
        return plan_refusal
    if access.may_change_priority(priority):
        return None
    return _role_refusal(access)


def _check(request: HttpRequest, partnership_id: int) -> Access:
    access = access_for(request.user, partnership_id)
    if not access.can_read:
        raise Http404("No such page.")
    return access


def get_plan_for_user(request: HttpRequest, pk: int, write: bool = False) -> Plan:
    plan = Plan.objects.filter(pk=pk).select_related("partnership").first()
    if plan is None:
        raise Http404("No such plan.")
    plan.access = _check(request, plan.partnership_id)
    if write:
        refusal = plan_change_refusal(plan) or (
            None if plan.access.is_administrator else "Only administrators can change the plan."
        )
        if refusal:
            raise ChangeRefused(refusal)
    return plan


def get_plan_for_form(request: HttpRequest, pk: int) -> tuple[Plan, str | None]:
    """The plan, fetched for an administrator's change, and why it can no longer be changed
    when a form is posted after it left draft: the form then comes back with what was typed.
    A page asked for is refused as get_plan_for_user refuses it."""
    try:
        return get_plan_for_user(request, pk, write=True), None
    except ChangeRefused:
        if request.method != "POST":
            raise
        plan = get_plan_for_user(request, pk)
        refusal = plan_change_refusal(plan)
        if not (refusal and plan.access.is_administrator):
            raise
        return plan, refusal


def get_pending_import_for_user(request: HttpRequest, pk: int, source: str) -> PendingImport:
    """The person's own uploaded file of this kind (Word or spreadsheet), with their access to
    its partnership: anyone else's, or one in a partnership they have left, is not found (404).
    Whether they may still import it is the caller's rule."""
    pending = (
        PendingImport.objects.filter(pk=pk, uploaded_by_id=request.user.pk, source=source)
        .select_related("partnership", "plan__partnership", "task_group")
        .first()
    )
    if pending is None:
        raise Http404("No such import.")
    pending.access = _check(request, pending.partnership_id)
    if pending.plan is not None:
        pending.plan.access = pending.access
    return pending


def get_priority_for_user(request: HttpRequest, pk: int, write: bool = False) -> Priority:
    priority = (
        Priority.objects.filter(pk=pk).select_related("plan__partnership", "task_group").first()
    )
    if priority is None:
        raise Http404("No such priority.")
    priority.access = _check(request, priority.plan.partnership_id)
    priority.change_refusal = priority_change_refusal(priority.access, priority)
    if write:
        _refuse_change(priority, priority)
    return priority


def lead_partners_prefetch() -> Prefetch:
    """Lead partners with their organisation or group, so a table costs no query per row.

    A partnership lead is named after the partnership, which each lead partner reaches through
    its action: prefetching sets that to the action already in hand, so callers fetch their
    actions with priority__plan__partnership rather than every lead partner joining (and
    building) its own copies of all four.

    Sorted by their own columns: Meta.ordering sorts by action, which sorts through priority,
    plan and partnership, five joins that a stale plan answered by hashing every row."""
    return Prefetch(
        "lead_partners",
        queryset=ActionLeadPartner.objects.select_related("organisation", "group").order_by(
            "action_id", "order"
        ),
    )


def get_action_for_user(request: HttpRequest, pk: int, write: bool = False) -> Action:
    action = (
        Action.objects.filter(pk=pk)
        .select_related("priority__plan__partnership", "priority__task_group", "aim")
        .prefetch_related(lead_partners_prefetch(), "indicators")
        .first()
    )
    if action is None:
        raise Http404("No such action.")
    priority = action.priority
    priority.access = _check(request, priority.plan.partnership_id)
    priority.change_refusal = priority_change_refusal(priority.access, priority)
    if write and action.status == Action.Status.REMOVED:
        raise ChangeRefused(
            "This action has been removed. Whoever may change this action plan can bring it back "
            "from the action plan's list of removed actions."
        )
    if write:
        _refuse_change(priority, action)
    return action
