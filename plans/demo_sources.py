"""Which data file each demo plan was loaded from, and whether a later load may replace it:
a plan is loaded again from a changed file only while nobody has edited it."""

from __future__ import annotations

import enum

from plans.models import BudgetLine, DemoPlanSource, Plan, RelatedStrategy, Section
from priorities.models import Action, ActionLeadPartner, Aim, Priority


class PlanLoad(enum.Enum):
    CREATED = "created"
    UPDATED = "updated from a newer file"
    CURRENT = "already as its file gives it"
    KEPT = "kept with its edits"


def record_sources() -> None:
    """Note each freshly loaded plan's content version, the mark of an untouched plan."""
    for source in DemoPlanSource.objects.filter(content_version=0).select_related(
        "plan__content_version"
    ):
        source.content_version = source.plan.content_version.version
        source.save(update_fields=["content_version"])


def outcome_for_existing(plan: Plan, *, digest: str, reset: bool) -> PlanLoad:
    if reset:
        return PlanLoad.UPDATED
    source = getattr(plan, "demo_source", None)
    if source is None:
        # Loaded before the loader kept its sources: reloaded only if nobody has touched it.
        return PlanLoad.UPDATED if never_changed(plan) else PlanLoad.KEPT
    if source.content_version != plan.content_version.version:
        return PlanLoad.KEPT
    return PlanLoad.CURRENT if source.file_digest == digest else PlanLoad.UPDATED


def never_changed(plan: Plan) -> bool:
    """True when the plan's history holds only the rows the loader created: no change or
    deletion of any kind, no row added by a person, and no workflow move or comment."""
    histories = [
        (Plan.history.model, "id"),
        (Section.history.model, "plan"),
        (RelatedStrategy.history.model, "plan"),
        (BudgetLine.history.model, "plan"),
        (Priority.history.model, "plan"),
        (Aim.history.model, "priority__plan"),
        (Action.history.model, "priority__plan"),
        (ActionLeadPartner.history.model, "action__priority__plan"),
    ]
    for model, path in histories:
        rows = model.objects.filter(**{path: plan.pk})
        if (
            rows.exclude(history_type="+").exists()
            or rows.filter(history_user__isnull=False).exists()
        ):
            return False
    return not (plan.transitions.exists() or plan.review_comments.exists())
