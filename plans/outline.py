"""The plan's outline: the order its parts print in, and the administrator's changes to it.

A plan's stored blocks (plans.models.OutlineBlock) give the order. A section, priority or
generated part with no block yet (added in the admin, by a service, by an import) is placed
where it would have printed before outlines existed: right after the part that comes before
it in that older order. So nothing added anywhere can go missing from the document, and the
document is built without writing anything. A change on the outline page first stores the
whole outline as shown, then makes the change.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from plans.models import OutlineBlock, Plan, Section
from plans.ordering import Direction, swap_with_neighbour
from plans.permissions import ChangeRefused, plan_change_refusal
from priorities.models import Priority

Kind = OutlineBlock.Kind
GONE_MESSAGE = "That part is no longer in the plan's outline: the page has been refreshed."
NOT_SWITCHABLE_MESSAGE = (
    "Sections and priorities always print: remove them on their own pages instead."
)
# Each kind's part of the page and PDF: adding a kind is a line here and one partial.
PARTIALS = {
    Kind.SECTION: "plans/_section.html",
    Kind.PRIORITY: "plans/_priority.html",
    Kind.TARGETS: "plans/_targets.html",
    Kind.SCANNING_MATRIX: "plans/_scanning_matrix.html",
    Kind.RELATED_STRATEGIES: "plans/_strategies.html",
    Kind.GOVERNANCE: "plans/_governance.html",
    Kind.BUDGET: "plans/_budget.html",
    Kind.APPENDICES: "",
    Kind.INDICATORS: "plans/_indicators.html",
    Kind.GLOSSARY: "plans/_glossary.html",
}
# Shown unless switched on: the appendices marker letters what follows it, which plans
# written before outlines existed did not do.
OFF_UNTIL_SWITCHED_ON = {Kind.APPENDICES}


@dataclass
class OutlineItem:
    """One part in the outline, stored or placed where it would have printed before."""

    key: str
    kind: str
    section: Section | None = None
    priority: Priority | None = None
    block: OutlineBlock | None = None
    is_shown: bool = True
    shows_every_term: bool = False

    @property
    def title(self) -> str:
        if self.section is not None:
            return self.section.title
        if self.priority is not None:
            label = self.priority.label or (
                "Cross-cutting theme" if self.priority.is_cross_cutting else ""
            )
            return f"{label}: {self.priority.title}" if label else self.priority.title
        return Kind(self.kind).label

    @property
    def is_switchable(self) -> bool:
        return self.kind not in (Kind.SECTION, Kind.PRIORITY)


def default_keys(sections: Sequence[Section], priorities: Sequence[Priority]) -> list[str]:
    """Every part in the order plans printed in before outlines: sections before the
    priorities, the priorities, the targets, sections after, the generated parts, then the
    appendices."""

    def placed(placement: str) -> list[str]:
        return [f"section-{s.pk}" for s in sections if s.placement == placement]

    return [
        *placed(Section.Placement.BEFORE_PRIORITIES),
        Kind.SCANNING_MATRIX.value,
        *(f"priority-{p.pk}" for p in priorities),
        Kind.TARGETS.value,
        *placed(Section.Placement.AFTER_PRIORITIES),
        Kind.GOVERNANCE.value,
        Kind.RELATED_STRATEGIES.value,
        Kind.BUDGET.value,
        Kind.APPENDICES.value,
        *placed(Section.Placement.APPENDIX),
        Kind.INDICATORS.value,
        Kind.GLOSSARY.value,
    ]


def arrange(stored: Sequence[str], defaults: Sequence[str]) -> list[str]:
    """The stored keys in their order, with each default key not stored placed right after
    the nearest key before it in the default order (or first). Stored keys no longer among
    the defaults are dropped."""
    known = set(defaults)
    result = [key for key in stored if key in known]
    present = set(result)
    for index, key in enumerate(defaults):
        if key in present:
            continue
        position = 0
        for earlier in reversed(defaults[:index]):
            if earlier in present:
                position = result.index(earlier) + 1
                break
        result.insert(position, key)
        present.add(key)
    return result


def outline_items(
    blocks: Iterable[OutlineBlock],
    sections: Sequence[Section],
    priorities: Sequence[Priority],
) -> list[OutlineItem]:
    """The plan's outline from its stored blocks (in order) and its sections and priorities."""
    stored = {block.key: block for block in blocks}
    by_key_section = {f"section-{s.pk}": s for s in sections}
    by_key_priority = {f"priority-{p.pk}": p for p in priorities}
    items = []
    for key in arrange(list(stored), default_keys(sections, priorities)):
        block = stored.get(key)
        section = by_key_section.get(key)
        priority = by_key_priority.get(key)
        kind = Kind.SECTION if section else Kind.PRIORITY if priority else Kind(key)
        items.append(
            OutlineItem(
                key=key,
                kind=kind,
                section=section,
                priority=priority,
                block=block,
                is_shown=block.is_shown if block else kind not in OFF_UNTIL_SWITCHED_ON,
                shows_every_term=block.shows_every_term if block else False,
            )
        )
    return items


def plan_outline(plan: Plan) -> list[OutlineItem]:
    return outline_items(
        OutlineBlock.objects.filter(plan=plan).order_by("order"),
        list(plan.sections.order_by("order")),
        list(Priority.objects.filter(plan=plan).order_by("order")),
    )


# Stored orders are rewritten above this while the outline is stored, so no two blocks
# ever share a place.
_PARKING = 20000


def store_outline(*, plan: Plan, user: User) -> list[OutlineBlock]:
    """Store every part of the outline as shown, in order 1, 2, 3...; the caller has locked
    the plan. Returns the blocks in order."""
    items = plan_outline(plan)
    blocks: list[OutlineBlock] = []
    if all(item.block is not None for item in items) and [
        item.block.order for item in items
    ] == list(range(1, len(items) + 1)):
        return [item.block for item in items]
    for order, item in enumerate(items, start=1):
        block = item.block or OutlineBlock(
            plan=plan,
            kind=item.kind,
            section=item.section,
            priority=item.priority,
            is_shown=item.is_shown,
            shows_every_term=item.shows_every_term,
        )
        block.order = order
        block._history_user = user
        blocks.append(block)
    # Stored blocks leave their places first, each to its own parking place, so that no two
    # share a place on the way.
    for block in blocks:
        if block.pk:
            OutlineBlock.objects.filter(pk=block.pk).update(order=_PARKING + block.order)
    for block in blocks:
        block.save()
    return blocks


def _lock_draft_plan(plan_id: int) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    refusal = plan_change_refusal(plan)
    if refusal:
        raise ChangeRefused(refusal)
    return plan


def _stored_block(blocks: list[OutlineBlock], key: str) -> OutlineBlock:
    block = next((block for block in blocks if block.key == key), None)
    if block is None:
        raise ChangeRefused(GONE_MESSAGE)
    return block


@transaction.atomic
def outline_move(*, plan: Plan, key: str, user: User, direction: Direction) -> bool:
    """Swap the part with its neighbour in the outline; False when it is already first or
    last, ChangeRefused when it is not in the outline (removed meanwhile, or never was)."""
    plan = _lock_draft_plan(plan.pk)
    block = _stored_block(store_outline(plan=plan, user=user), key)
    return swap_with_neighbour(
        siblings=OutlineBlock.objects.filter(plan=plan),
        pk=block.pk,
        user=user,
        direction=direction,
        gone=GONE_MESSAGE,
    )


@transaction.atomic
def outline_switch(
    *, plan: Plan, key: str, user: User, is_shown: bool, shows_every_term: bool = False
) -> OutlineBlock:
    """Switch a generated part (or the appendices marker) on or off; for the glossary, also
    whether it prints every term of the partnership's glossary or only those the text uses."""
    plan = _lock_draft_plan(plan.pk)
    block = _stored_block(store_outline(plan=plan, user=user), key)
    if block.kind in (Kind.SECTION, Kind.PRIORITY):
        raise ChangeRefused(NOT_SWITCHABLE_MESSAGE)
    block.is_shown = is_shown
    block.shows_every_term = shows_every_term if block.kind == Kind.GLOSSARY else False
    block._history_user = user
    block.save(update_fields=["is_shown", "shows_every_term"])
    return block
