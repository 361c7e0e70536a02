"""The actions of a plan, or of one task group's priorities, as a spreadsheet prints them.

Export writes these rows and import compares a file with them, so what a round trip reads back
is exactly what was written. The rows are built in a fixed number of queries, whatever the
number of actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet

from indicators.models import Indicator
from plans.document import numbered_priorities
from plans.models import Group, Plan
from plans.outline import plan_outline
from priorities.forms import LEAD_PARTNER_SEPARATOR
from priorities.indicator_codes import indicators_text
from priorities.models import Action, ActionLeadPartner, Aim, Priority, ProgressUpdate


@dataclass(frozen=True)
class Scope:
    """Whose actions: the whole plan's, or those of one task group's priorities."""

    plan: Plan
    task_group: Group | None = None

    @property
    def name(self) -> str:
        plan = f"{self.plan.title} {self.plan.period_label}"
        return f"{self.task_group.name}, {plan}" if self.task_group else plan

    def priorities(self) -> QuerySet[Priority]:
        priorities = Priority.objects.filter(plan=self.plan)
        if self.task_group is not None:
            priorities = priorities.filter(task_group=self.task_group)
        return priorities

    def actions(self) -> QuerySet[Action]:
        """Every action in scope, removed ones included."""
        return Action.objects.filter(priority__in=self.priorities())


@dataclass
class ActionRow:
    """One action as its row prints it."""

    action: Action
    number: str
    priority: Priority
    aim: str
    lead_partners: list[ActionLeadPartner]
    lead_partners_text: str
    indicators_text: str
    review_date: str
    status: str
    rag: str
    latest_progress: str

    @property
    def ref(self) -> str:
        return str(self.action.pk)


def priority_numbers(plan: Plan) -> dict[int, str]:
    """Each priority's number as the plan prints it (1, 2... and T1, T2... for themes), by
    the document's own numbering, so a row's Number is the one printed beside the action."""
    return {priority.pk: number for priority, number in numbered_priorities(plan_outline(plan))}


def progress_label(update: ProgressUpdate | None) -> str:
    if update is None:
        return ""
    return f"{update.reported_on.day} {update.reported_on:%B %Y}: {update.note}"


def action_rows(scope: Scope) -> list[ActionRow]:
    """The scope's current actions in the plan's order, numbered as the plan numbers them."""
    numbers = priority_numbers(scope.plan)
    order = {pk: position for position, pk in enumerate(numbers)}
    actions = (
        scope.actions()
        .current()
        .select_related("priority", "aim")
        # Lists rather than managers: .all() on a manager clones a queryset, which for 500
        # actions was a third of the export's time.
        .prefetch_related(
            Prefetch(
                "lead_partners",
                queryset=ActionLeadPartner.objects.select_related("organisation", "group").order_by(
                    "action_id", "order"
                ),
                to_attr="lead_list",
            ),
            Prefetch("indicators", queryset=Indicator.objects.all(), to_attr="indicator_list"),
            Prefetch(
                "progress_updates",
                queryset=ProgressUpdate.objects.order_by("-reported_on", "-created_at"),
                to_attr="progress_list",
            ),
        )
        .order_by("priority_id", "order")
    )
    by_priority: dict[int, list[Action]] = {}
    for action in actions:
        by_priority.setdefault(action.priority_id, []).append(action)
    rows = []
    for priority_id in sorted(by_priority, key=lambda pk: order.get(pk, len(order))):
        for position, action in enumerate(by_priority[priority_id], start=1):
            leads = action.lead_list
            # A lead's name may be the partnership's, which is known already.
            action.priority.plan = scope.plan
            for lead in leads:
                lead.action = action
            updates = action.progress_list
            rows.append(
                ActionRow(
                    action=action,
                    number=f"{numbers.get(priority_id, '?')}.{position}",
                    priority=action.priority,
                    aim=action.aim.title if action.aim else "",
                    lead_partners=leads,
                    lead_partners_text=LEAD_PARTNER_SEPARATOR.join(lead.name for lead in leads),
                    indicators_text=indicators_text(action.indicator_list),
                    review_date=action.review_date_label,
                    status=action.get_status_display(),
                    rag=action.get_rag_display() if action.rag else "",
                    latest_progress=progress_label(updates[0] if updates else None),
                )
            )
    return rows


def aims_by_priority(scope: Scope) -> dict[int, list[Aim]]:
    aims: dict[int, list[Aim]] = {}
    for aim in Aim.objects.filter(priority__in=scope.priorities()).order_by("priority", "order"):
        aims.setdefault(aim.priority_id, []).append(aim)
    return aims
