"""Importing a spreadsheet of actions: who may, keeping the file until it is confirmed, and
saving everything the preview showed in one transaction, or nothing.

The save takes the locks every change of actions takes, in the same order (plan, then
priorities, then actions), re-checks that the plan is a draft and that the importer may still
import these actions, and works the preview out again: if any action in the file's scope was
saved since the preview was shown, nothing is saved and the new preview is shown instead.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction
from simple_history.utils import bulk_create_with_history

from plans.models import Group, Membership, PendingImport, Plan, PlanImport
from plans.models.imports import ImportSource
from plans.ordering import next_order
from plans.permissions import Access, ChangeRefused, access_for, plan_change_refusal
from plans.uploads import Upload
from plans.written_dates import review_date_fields
from priorities.forms import LeadPartnerChoice
from priorities.models import Action, ActionLeadPartner, Priority
from priorities.services._locks import _lock_draft_plan
from priorities.spreadsheets.changes import ImportPreview
from priorities.spreadsheets.preview import import_preview
from priorities.spreadsheets.reading import read_sheet
from priorities.spreadsheets.rows import Scope

WHOLE_PLAN_REFUSAL = (
    "Only a partnership administrator can import the whole plan's actions. Import your own "
    "task group's actions instead."
)
EDITOR_REFUSAL = (
    "You can only import the actions of your own task groups. Ask a partnership "
    "administrator if you need to import this one's."
)
READER_REFUSAL = (
    "Your role in this partnership lets you read its plans but not change them, so you "
    "cannot import into them. Ask a partnership administrator if you need to."
)


class ImportChangedMeanwhile(Exception):
    """Someone saved one of the file's actions after its preview was shown."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__("The actions changed since the preview")
        self.preview = preview


def import_refusal(access: Access, plan: Plan, task_group: Group | None) -> str | None:
    """Why this person may not import into these actions, or None if they may."""
    refusal = plan_change_refusal(plan)
    if refusal:
        return refusal
    if access.is_administrator:
        return None
    if not _is_editor(access):
        return READER_REFUSAL
    if task_group is None:
        return WHOLE_PLAN_REFUSAL
    if task_group.pk not in access.task_group_ids:
        return EDITOR_REFUSAL
    return None


def upload_refusal(access: Access, plan: Plan, task_groups: list[Group]) -> str | None:
    """Why this person may not import into the plan at all, or None if they may import the
    whole plan's actions or at least one task group's."""
    refusal = plan_change_refusal(plan)
    if refusal or access.is_administrator or task_groups:
        return refusal
    return EDITOR_REFUSAL if _is_editor(access) else READER_REFUSAL


def _is_editor(access: Access) -> bool:
    return access.membership is not None and access.membership.role == Membership.Role.EDITOR


def importable_task_groups(access: Access, plan: Plan) -> list[Group]:
    """The task groups owning priorities of the plan whose actions this person may import."""
    groups = Group.objects.filter(priorities__plan=plan).distinct().order_by("name")
    if not access.is_administrator:
        groups = groups.filter(pk__in=access.task_group_ids)
    return list(groups)


def pending_upload(pending: PendingImport) -> Upload:
    kind = "csv" if pending.file_name.lower().endswith(".csv") else "xlsx"
    return Upload(kind=kind, name=pending.file_name, content=bytes(pending.content))


@transaction.atomic
def spreadsheet_keep(
    *, plan: Plan, task_group: Group | None, upload: Upload, user: User
) -> PendingImport:
    """Keep a checked file until its preview is confirmed, in place of the uploader's earlier
    ones for this plan; files nobody confirmed within a day go."""
    PendingImport.objects.filter(plan=plan, uploaded_by=user).delete()
    PendingImport.objects.stale().delete()
    return PendingImport.objects.create(
        partnership_id=plan.partnership_id,
        plan=plan,
        task_group=task_group,
        source=ImportSource.SPREADSHEET,
        file_name=upload.name,
        content=upload.content,
        uploaded_by=user,
    )


@transaction.atomic
def spreadsheet_import(
    *,
    pending: PendingImport,
    user: User,
    fingerprint: str,
    mapped: dict[str, LeadPartnerChoice],
) -> PlanImport:
    """Save what the preview showed, recorded as one import; the kept file then goes."""
    plan = _lock_draft_plan(pending.plan_id)
    refusal = import_refusal(access_for(user, plan.partnership_id), plan, pending.task_group)
    if refusal:
        raise ChangeRefused(refusal)
    scope = Scope(plan=plan, task_group=pending.task_group)
    priority_ids = list(scope.priorities().order_by("pk").values_list("pk", flat=True))
    priorities = Priority.objects.select_for_update().in_bulk(priority_ids)
    preview = import_preview(scope=scope, sheet=read_sheet(pending_upload(pending)), mapped=mapped)
    if preview.fingerprint != fingerprint:
        raise ImportChangedMeanwhile(preview)
    if preview.errors:
        raise ChangeRefused("The file has problems to correct first: nothing has been saved.")
    plan_import = PlanImport.objects.create(
        plan=plan,
        task_group=pending.task_group,
        source=ImportSource.SPREADSHEET,
        file_name=pending.file_name,
        made_by=user,
        summary=preview.summary,
    )
    reason = plan_import.history_reason
    touched = [change.current.action.pk for change in preview.changed]
    touched += [row.action.pk for row in preview.removed]
    locked = Action.objects.select_for_update().order_by("pk").in_bulk(sorted(touched))
    for change in preview.changed:
        _update(locked[change.current.action.pk], change.values, user, reason)
    for row in preview.removed:
        _remove(locked[row.action.pk], user, reason)
    places = {}
    for new in preview.added:
        priority = priorities[new.priority.pk]
        if priority.pk not in places:
            places[priority.pk] = next_order(priority.actions.all())
        _create(priority, places[priority.pk], new.values, user, reason)
        places[priority.pk] += 1
    pending.delete()
    return plan_import


def _set_lead_partners(
    action: Action, leads: list[LeadPartnerChoice], user: User, reason: str
) -> None:
    for partner in action.lead_partners.order_by("order"):
        partner._history_user = user
        partner._change_reason = reason
        partner.delete()
    bulk_create_with_history(
        [
            ActionLeadPartner(
                action=action,
                order=order,
                kind=lead.kind,
                organisation=lead.organisation,
                group=lead.group,
                printed_as=lead.printed_as,
            )
            for order, lead in enumerate(leads, start=1)
        ],
        ActionLeadPartner,
        default_user=user,
        default_change_reason=reason,
    )


def _set_indicators(action: Action, indicators: list) -> None:
    # Without history of its own: the action's save after it records the indicators.
    action.skip_history_when_saving = True
    try:
        action.indicators.set(indicators)
    finally:
        del action.skip_history_when_saving


def _assign(action: Action, values: dict) -> list[str]:
    """Set the plain fields among `values`; the names of the columns written."""
    written = []
    for name in ("text", "aim", "status", "rag"):
        if name in values:
            setattr(action, name, values[name])
            written.append(name)
    if "review_date" in values:
        for name, value in review_date_fields(values["review_date"]).items():
            setattr(action, name, value)
            written.append(name)
    return written


def _update(action: Action, values: dict, user: User, reason: str) -> None:
    written = _assign(action, values)
    if "lead_partners" in values:
        _set_lead_partners(action, values["lead_partners"], user, reason)
    if "indicators" in values:
        _set_indicators(action, values["indicators"])
    action.version += 1
    action._history_user = user
    action._change_reason = reason
    action.save(update_fields=[*written, "version"])


def _remove(action: Action, user: User, reason: str) -> None:
    action.status = Action.Status.REMOVED
    action.version += 1
    action._history_user = user
    action._change_reason = reason
    action.save(update_fields=["status", "version"])


def _create(priority: Priority, order: int, values: dict, user: User, reason: str) -> None:
    action = Action(priority=priority, order=order)
    _assign(action, values)
    action.skip_history_when_saving = True
    action.save()
    del action.skip_history_when_saving
    _set_lead_partners(action, values["lead_partners"], user, reason)
    _set_indicators(action, values["indicators"])
    action._history_user = user
    action._change_reason = reason
    action.save()
    # Saved first without history so its one entry lists the indicators: it is the creation.
    Action.history.filter(id=action.pk).update(history_type="+")
