"""What importing a spreadsheet would change, worked out before anything is saved.

Each row is compared with the action its Ref names: only a cell whose meaning differs is a
change, so a file exported and imported unchanged changes nothing. Cells are read with the
app's own rules (written dates, lead partner names, indicator codes, status and RAG by their
labels); every problem names its row and column, and a file with any problem saves nothing.
"""

from __future__ import annotations

import hashlib

from django.core.exceptions import ValidationError

from cspplan.forms import refuse_control_characters
from indicators.models import Indicator
from plans.limits import ACTION_TEXT_MAX, too_long
from plans.written_dates import WrittenDate, parse_written_date
from priorities.forms import LeadPartnerChoice, review_date_notices
from priorities.models import Action, ActionLeadPartner, Aim, Priority
from priorities.spreadsheets import layout
from priorities.spreadsheets.changes import (
    CellError,
    ChangedAction,
    FieldChange,
    ImportPreview,
    NewAction,
    UnknownPartner,
)
from priorities.spreadsheets.matching import IndicatorMatcher, PartnerMatcher, name_key
from priorities.spreadsheets.reading import Sheet, SheetRow
from priorities.spreadsheets.rows import ActionRow, Scope, action_rows, aims_by_priority

Status = Action.Status
# Read by their labels, as the export writes them; an action is removed by deleting its row.
STATUS_LABELS = [label for value, label in Status.choices if value != Status.REMOVED]
STATUSES = {label.casefold(): Status(value) for value, label in Status.choices}
STATUSES.pop(Status.REMOVED.label.casefold())
RAG_LABELS = [label for _value, label in Action.Rag.choices]
RAGS = {label.casefold(): value for value, label in Action.Rag.choices}


def _as_read(text: str) -> str:
    """A stored text as a spreadsheet cell gives it back: cells come back with their line
    endings as line feeds and without space around them."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def fingerprint(scope: Scope) -> str:
    """Stands for the scope's actions as they are: any save to one of them changes it."""
    state = scope.actions().order_by("pk").values_list("pk", "version", "status", "priority_id")
    return hashlib.sha256(repr(list(state)).encode()).hexdigest()


def _lead_key(lead: ActionLeadPartner | LeadPartnerChoice) -> tuple:
    organisation = lead.organisation.pk if lead.organisation else None
    group = lead.group.pk if lead.group else None
    return (lead.kind, organisation, group, lead.printed_as)


class _Reader:
    """Reads one file against the scope's actions as they are now."""

    def __init__(self, scope: Scope, sheet: Sheet, mapped: dict[str, LeadPartnerChoice]) -> None:
        self.scope = scope
        self.sheet = sheet
        self.mapped = mapped
        self.partners = PartnerMatcher(scope.plan.partnership)
        self.indicators = IndicatorMatcher()
        self.aims = aims_by_priority(scope)
        self.priorities = {name_key(p.title): p for p in scope.priorities().order_by("-order")}
        self.preview = ImportPreview(scope=scope, fingerprint=fingerprint(scope))
        self.row: SheetRow | None = None

    def error(self, column: layout.Column, message: str) -> None:
        self.preview.errors.append(CellError(self.row.number, column.heading, message))

    def cell(self, column: layout.Column) -> str:
        return self.row.get(column.heading)

    def text(self) -> str | None:
        text = self.cell(layout.ACTION)
        if not text:
            self.error(layout.ACTION, "Enter the action: what the partners will do")
        elif len(text) > ACTION_TEXT_MAX:
            self.error(layout.ACTION, too_long("The action", ACTION_TEXT_MAX))
        else:
            try:
                refuse_control_characters(text)
            except ValidationError as error:
                self.error(layout.ACTION, error.messages[0])
            else:
                return text
        return None

    def aim(self, priority: Priority) -> Aim | None | bool:
        """The aim the cell names among the priority's aims; False when there is none."""
        title = self.cell(layout.AIM)
        if not title:
            return None
        for aim in self.aims.get(priority.pk, []):
            if name_key(aim.title) == name_key(title):
                return aim
        self.error(layout.AIM, f"“{title}” is not one of the aims of “{priority.title}”")
        return False

    def lead_partners(self, existing: list[ActionLeadPartner]) -> list[LeadPartnerChoice] | None:
        text = self.cell(layout.LEAD_PARTNERS)
        try:
            leads, unknown = self.partners.resolve(text, existing, self.mapped)
        except ValidationError as error:
            for message in error.messages:
                self.error(layout.LEAD_PARTNERS, message)
            return None
        if not leads:
            self.error(
                layout.LEAD_PARTNERS,
                "Enter at least one lead partner, for example the partnership itself",
            )
            return None
        for name in unknown:
            entry = self.preview.unknown_partners.setdefault(name_key(name), UnknownPartner(name))
            entry.rows.append(self.row.number)
        return leads

    def indicator_list(self) -> list[Indicator] | None:
        try:
            return self.indicators.resolve(self.cell(layout.INDICATORS))
        except ValidationError as error:
            for message in error.messages:
                self.error(layout.INDICATORS, message)
            return None

    def review_date(self) -> WrittenDate | None | bool:
        try:
            written = parse_written_date(self.cell(layout.REVIEW_DATE))
        except ValidationError as error:
            self.error(layout.REVIEW_DATE, error.messages[0])
            return False
        _warnings, question = review_date_notices(written, self.scope.plan)
        if question:
            self.error(
                layout.REVIEW_DATE,
                f"{written.label} is more than ten years from the plan's period "
                f"({self.scope.plan.period_label}). Check the date",
            )
            return False
        return written

    def choice(
        self, column: layout.Column, choices: dict[str, str], labels: list[str]
    ) -> str | None:
        """The value the cell's label names ("In progress"); "" for an empty cell."""
        typed = self.cell(column)
        if not typed:
            return ""
        value = choices.get(typed.casefold())
        if value is None:
            self.error(column, f"“{typed}” is not one of {', '.join(labels[:-1])} or {labels[-1]}")
        return value

    def status(self, required: bool) -> str | None:
        """The status named; a new action's empty cell means not started."""
        status = self.choice(layout.STATUS, STATUSES, STATUS_LABELS)
        if status != "":
            return status
        if required:
            self.error(layout.STATUS, "Give the action's status, for example In progress")
            return None
        return Status.NOT_STARTED

    # Rows ----------------------------------------------------------------------------------

    def new_action(self) -> None:
        errors_before = len(self.preview.errors)
        priority = self._new_actions_priority()
        text = self.text()
        leads = self.lead_partners([])
        indicators = self.indicator_list() if self.has(layout.INDICATORS) else []
        aim = self.aim(priority) if priority and self.has(layout.AIM) else None
        written = self.review_date() if self.has(layout.REVIEW_DATE) else None
        status = self.status(required=False) if self.has(layout.STATUS) else Status.NOT_STARTED
        rag = self.choice(layout.RAG, RAGS, RAG_LABELS) if self.has(layout.RAG) else ""
        if len(self.preview.errors) > errors_before:
            return
        self.preview.added.append(
            NewAction(
                row=self.row.number,
                priority=priority,
                text=text,
                lead_partners_text=self.cell(layout.LEAD_PARTNERS),
                values={
                    "text": text,
                    "lead_partners": leads,
                    "indicators": indicators,
                    "aim": aim,
                    "review_date": written,
                    "status": status,
                    "rag": rag,
                },
            )
        )

    def existing_action(self, current: ActionRow) -> None:
        errors_before = len(self.preview.errors)
        action = current.action
        changes: list[FieldChange] = []
        values: dict[str, object] = {}

        def change(column: layout.Column, name: str, old: str, new: str, value: object) -> None:
            changes.append(FieldChange(column.heading, old, new))
            values[name] = value

        typed_priority = self.cell(layout.PRIORITY)
        if typed_priority and name_key(typed_priority) != name_key(current.priority.title):
            self.error(
                layout.PRIORITY,
                "An import does not move an action to another priority. Put back "
                f"“{current.priority.title}”, or add the action to “{typed_priority}” as a new "
                "row with an empty Ref and delete this one",
            )
        text = self.text()
        if text is not None and text != _as_read(action.text):
            change(layout.ACTION, "text", action.text, text, text)
        if self.has(layout.AIM):
            aim = self.aim(current.priority)
            if aim is not False and (aim.pk if aim else None) != action.aim_id:
                change(layout.AIM, "aim", current.aim, aim.title if aim else "", aim)
        typed_leads = self.cell(layout.LEAD_PARTNERS)
        if typed_leads != current.lead_partners_text:
            leads = self.lead_partners(current.lead_partners)
            if leads is not None and [_lead_key(lead) for lead in leads] != [
                _lead_key(lead) for lead in current.lead_partners
            ]:
                change(
                    layout.LEAD_PARTNERS,
                    "lead_partners",
                    current.lead_partners_text,
                    typed_leads,
                    leads,
                )
        if self.has(layout.INDICATORS) and self.cell(layout.INDICATORS) != current.indicators_text:
            indicators = self.indicator_list()
            if indicators is not None and {i.pk for i in indicators} != {
                i.pk for i in action.indicator_list
            }:
                new = ", ".join(indicator.code for indicator in indicators)
                change(layout.INDICATORS, "indicators", current.indicators_text, new, indicators)
        if self.has(layout.REVIEW_DATE) and self.cell(layout.REVIEW_DATE) != current.review_date:
            written = self.review_date()
            if written is not False and written != action.written_review_date:
                new = written.label if written else ""
                change(layout.REVIEW_DATE, "review_date", current.review_date, new, written)
        if self.has(layout.STATUS):
            status = self.status(required=True)
            if status and status != action.status:
                change(layout.STATUS, "status", current.status, Status(status).label, status)
        if self.has(layout.RAG):
            rag = self.choice(layout.RAG, RAGS, RAG_LABELS)
            if rag is not None and rag != action.rag:
                new = Action.Rag(rag).label if rag else ""
                change(layout.RAG, "rag", current.rag, new, rag)
        if len(self.preview.errors) > errors_before:
            return
        if changes:
            self.preview.changed.append(
                ChangedAction(row=self.row.number, current=current, changes=changes, values=values)
            )
        else:
            self.preview.unchanged += 1

    def _new_actions_priority(self) -> Priority | None:
        typed = self.cell(layout.PRIORITY)
        if not typed:
            self.error(layout.PRIORITY, "Say which priority the new action belongs to")
            return None
        priority = self.priorities.get(name_key(typed))
        if priority is None:
            whose = "the task group's" if self.scope.task_group else "this plan's"
            self.error(layout.PRIORITY, f"“{typed}” is not one of {whose} priorities")
        return priority

    def has(self, column: layout.Column) -> bool:
        return self.sheet.has(column.heading)


def import_preview(
    *, scope: Scope, sheet: Sheet, mapped: dict[str, LeadPartnerChoice] | None = None
) -> ImportPreview:
    """What importing `sheet` into the scope's actions would change; `mapped` says what each
    unknown lead partner (by name_key) stands for, when not kept as written."""
    reader = _Reader(scope, sheet, mapped or {})
    rows = action_rows(scope)
    by_ref = {row.ref: row for row in rows}
    seen: dict[str, int] = {}
    others: dict[str, str] | None = None
    for sheet_row in sheet.rows:
        reader.row = sheet_row
        ref = sheet_row.get(layout.REF.heading)
        if not ref:
            reader.new_action()
            continue
        if ref in seen:
            reader.error(
                layout.REF,
                f"The action {ref} is also on row {seen[ref]}: give each action one row, and "
                "leave Ref empty for a new action",
            )
            continue
        current = by_ref.get(ref)
        if current is None:
            if others is None:
                others = _other_actions(scope)
            reader.error(layout.REF, _unknown_ref(ref, others, scope))
            continue
        seen[ref] = sheet_row.number
        reader.existing_action(current)
    reader.preview.removed = [row for row in rows if row.ref not in seen]
    return reader.preview


def _other_actions(scope: Scope) -> dict[str, str]:
    """The plan's actions outside the scope's current ones: why a Ref is not there."""
    return {
        str(pk): "removed" if status == Status.REMOVED else "elsewhere"
        for pk, status in Action.objects.filter(priority__plan=scope.plan).values_list(
            "pk", "status"
        )
    }


def _unknown_ref(ref: str, others: dict[str, str], scope: Scope) -> str:
    if others.get(ref) == "removed":
        return (
            f"The action {ref} has been removed from the plan. Bring it back on its action "
            "plan's page first, or leave Ref empty to add it as a new action"
        )
    if others.get(ref) == "elsewhere":
        return (
            f"The action {ref} is not one of {scope.task_group.name}'s actions: import it with "
            "its own task group's actions"
        )
    return (
        f"“{ref}” is not the reference of an action of this plan. Do not change the Ref "
        "column; leave it empty for a new action"
    )
