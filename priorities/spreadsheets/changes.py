"""What an import of a spreadsheet would change, as its preview shows it and its record
keeps it: actions added, fields changed with their old and new values, actions removed, and
the problems that stop it, each named by row and column."""

from __future__ import annotations

from dataclasses import dataclass, field

from plans.limits import COMMENT_MAX
from priorities.models import Priority
from priorities.spreadsheets.matching import name_key
from priorities.spreadsheets.rows import ActionRow, Scope


@dataclass(frozen=True)
class CellError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, {self.column}: {self.message}"


@dataclass(frozen=True)
class FieldChange:
    column: str
    old: str
    new: str


@dataclass
class ChangedAction:
    row: int
    current: ActionRow
    changes: list[FieldChange]
    # The services' field names and their new values, for the changed fields only.
    values: dict[str, object]


@dataclass
class NewAction:
    row: int
    priority: Priority
    text: str
    lead_partners_text: str
    values: dict[str, object]


@dataclass
class UnknownPartner:
    name: str
    rows: list[int] = field(default_factory=list)

    @property
    def key(self) -> str:
        return name_key(self.name)


@dataclass
class ImportPreview:
    scope: Scope
    fingerprint: str
    added: list[NewAction] = field(default_factory=list)
    changed: list[ChangedAction] = field(default_factory=list)
    removed: list[ActionRow] = field(default_factory=list)
    unchanged: int = 0
    errors: list[CellError] = field(default_factory=list)
    unknown_partners: dict[str, UnknownPartner] = field(default_factory=dict)

    @property
    def has_changes(self) -> bool:
        return bool(self.added or self.changed or self.removed)

    @property
    def counts(self) -> str:
        def actions(count: int) -> str:
            return f"{count} action{'' if count == 1 else 's'}"

        return (
            f"{actions(len(self.added))} added, {actions(len(self.changed))} changed, "
            f"{actions(len(self.removed))} removed, {actions(self.unchanged)} unchanged"
        )

    @property
    def summary(self) -> str:
        """What the import did, in words, for its record (within the record's limit)."""
        lines = [f"{self.scope.name}: {self.counts}."]
        lines += [f"Added to “{new.priority.title}”: {new.text[:80]}" for new in self.added]
        lines += [
            f"Changed {change.current.number}: {', '.join(c.column for c in change.changes)}"
            for change in self.changed
        ]
        lines += [f"Removed {row.number}: {row.action.text[:80]}" for row in self.removed]
        text = "\n".join(lines)
        return text if len(text) <= COMMENT_MAX else text[: COMMENT_MAX - 1] + "…"
