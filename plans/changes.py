"""What changed since the last published version, so the Leadership Group reads only what is
new. A refreshed plan is compared with the published plan it renews: carried actions are
matched through carried_from, sections by title."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

from django.utils.html import escape, strip_tags
from django.utils.safestring import SafeString, mark_safe

from plans.models import Plan, Section
from plans.permissions import lead_partners_prefetch
from priorities.models import Action

_WORDS = re.compile(r"\S+")


def word_diff(before: str, after: str) -> SafeString:
    """The after text with removed words in <del> and added words in <ins>, all escaped."""
    old, new = _WORDS.findall(before), _WORDS.findall(after)
    parts: list[str] = []
    matcher = difflib.SequenceMatcher(a=old, b=new, autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            parts.append(escape(" ".join(new[new_start:new_end])))
            continue
        if tag in ("delete", "replace"):
            parts.append(f"<del>{escape(' '.join(old[old_start:old_end]))}</del>")
        if tag in ("insert", "replace"):
            parts.append(f"<ins>{escape(' '.join(new[new_start:new_end]))}</ins>")
    return mark_safe(" ".join(parts))  # noqa: S308 - every word above is escaped


@dataclass(frozen=True)
class ActionChange:
    priority_title: str
    action: Action
    text: SafeString
    changed_fields: list[str]


@dataclass(frozen=True)
class SectionChange:
    title: str
    body: SafeString


@dataclass
class PlanChanges:
    compared_with: Plan | None
    added: list[Action] = field(default_factory=list)
    removed: list[Action] = field(default_factory=list)
    changed: list[ActionChange] = field(default_factory=list)
    sections_added: list[Section] = field(default_factory=list)
    sections_removed: list[Section] = field(default_factory=list)
    sections_changed: list[SectionChange] = field(default_factory=list)

    @property
    def has_changes(self) -> bool:
        return any(
            (
                self.added,
                self.removed,
                self.changed,
                self.sections_added,
                self.sections_removed,
                self.sections_changed,
            )
        )


def last_published_version(plan: Plan) -> Plan | None:
    """The published plan this one renews; a published plan is its own latest version."""
    previous = plan.previous_plan
    if previous is not None and previous.status in (Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED):
        return previous
    return None


def _actions(plan: Plan) -> list[Action]:
    return list(
        Action.objects.current()
        .filter(priority__plan=plan)
        .select_related("priority__plan__partnership")
        .prefetch_related(lead_partners_prefetch(), "indicators")
        .order_by("priority__order", "order")
    )


def _lead_partner_names(action: Action) -> str:
    return " / ".join(lead.name for lead in action.lead_partners.all())


def _indicator_codes(action: Action) -> list[str]:
    return sorted(indicator.code for indicator in action.indicators.all())


def _changed_fields(before: Action, after: Action) -> list[str]:
    changed = []
    if before.text != after.text:
        changed.append("action")
    if _lead_partner_names(before) != _lead_partner_names(after):
        changed.append("lead partners")
    if _indicator_codes(before) != _indicator_codes(after):
        changed.append("linked indicators")
    if before.review_date_label != after.review_date_label:
        changed.append("review date")
    return changed


def _section_text(section: Section) -> str:
    return " ".join(strip_tags(section.body).split())


def plan_changes(plan: Plan) -> PlanChanges:
    published = last_published_version(plan)
    changes = PlanChanges(compared_with=published)
    if published is None:
        return changes

    old_actions = {action.pk: action for action in _actions(published)}
    carried_ids = set()
    for action in _actions(plan):
        original = old_actions.get(action.carried_from_id)
        if original is None:
            changes.added.append(action)
            continue
        carried_ids.add(original.pk)
        changed_fields = _changed_fields(original, action)
        if changed_fields:
            changes.changed.append(
                ActionChange(
                    priority_title=action.priority.title,
                    action=action,
                    text=word_diff(original.text, action.text),
                    changed_fields=changed_fields,
                )
            )
    changes.removed = [a for pk, a in old_actions.items() if pk not in carried_ids]

    old_sections = {section.title: section for section in published.sections.all()}
    for section in plan.sections.all():
        original = old_sections.pop(section.title, None)
        if original is None:
            changes.sections_added.append(section)
        elif _section_text(original) != _section_text(section):
            changes.sections_changed.append(
                SectionChange(
                    title=section.title,
                    body=word_diff(_section_text(original), _section_text(section)),
                )
            )
    changes.sections_removed = list(old_sections.values())
    return changes
