"""A demonstration plan's outline (the `outline:` list of a fixtures/plans file): the order
its parts print in, as the source prints them.

Each entry is a generated part by name ("related_strategies", "governance", "appendices"...),
a section or priority by title (`section: Foreword`, `priority: Young People`), or a generated
part with a setting (`glossary: every term`, `indicators: off`). Parts the list leaves out
print where they would have without it (plans.outline).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from plans.demo_files import DataProblem
from plans.models import OutlineBlock, Plan

Kind = OutlineBlock.Kind
SETTINGS = {"on": (True, False), "off": (False, False), "every term": (True, True)}


def _setting(value: Any, where: str) -> tuple[bool, bool]:
    # YAML reads a bare on/off as true/false.
    if isinstance(value, bool):
        value = "on" if value else "off"
    if value not in SETTINGS:
        raise DataProblem(f"{where}: give on, off or every term, not {value!r}")
    return SETTINGS[value]


def create_outline(plan: Plan, entries: list[Any]) -> None:
    sections = {section.title: section for section in plan.sections.all()}
    priorities = {priority.title: priority for priority in plan.priorities.all()}
    generated = {kind.value for kind in OutlineBlock.GENERATED_KINDS}
    for order, entry in enumerate(entries, start=1):
        where = f"outline entry {order}"
        block = OutlineBlock(plan=plan, order=order, is_shown=True)
        if isinstance(entry, str):
            entry = {entry: "on"}
        if not isinstance(entry, Mapping) or len(entry) != 1:
            raise DataProblem(f"{where} should name one part, not {entry!r}")
        [(name, value)] = entry.items()
        if name == "section":
            block.kind, block.section = Kind.SECTION, sections.get(value)
            if block.section is None:
                raise DataProblem(f"{where}: the plan has no section titled {value!r}")
        elif name == "priority":
            block.kind, block.priority = Kind.PRIORITY, priorities.get(value)
            if block.priority is None:
                raise DataProblem(f"{where}: the plan has no priority titled {value!r}")
        elif name in generated:
            block.kind = name
            block.is_shown, block.shows_every_term = _setting(value, where)
        else:
            raise DataProblem(f"{where}: {name!r} is not a part of a plan")
        block.save()
