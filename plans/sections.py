"""Changing a plan's narrative sections and their subsections: add, edit, move, remove.

Each change locks the plan row first and checks again that it is a draft, so a section cannot
change under a plan that was sent for review while the form was open.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.db import transaction

from plans.models import Plan, Section, Subsection
from plans.ordering import Direction, next_order, swap_with_neighbour
from plans.permissions import ChangeRefused, plan_change_refusal

SECTION_FIELDS = ("title", "kind", "placement", "body", "signatory_name", "signatory_role")
GONE_MESSAGE = "This section has been removed meanwhile."
SUBSECTION_GONE_MESSAGE = "This subsection has been removed meanwhile."


def _lock_draft_plan(plan_id: int) -> Plan:
    """Lock the plan, and refuse if it has left draft since the view checked."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    refusal = plan_change_refusal(plan)
    if refusal:
        raise ChangeRefused(refusal)
    return plan


def _lock_section(pk: int) -> Section:
    section = Section.objects.select_for_update().filter(pk=pk).first()
    if section is None:
        raise ChangeRefused(GONE_MESSAGE)
    return section


@transaction.atomic
def section_create(
    *,
    plan: Plan,
    user: User,
    title: str,
    kind: str,
    placement: str,
    body: str,
    signatory_name: str,
    signatory_role: str,
) -> Section:
    """Add a section after the plan's last one."""
    plan = _lock_draft_plan(plan.pk)
    section = Section(
        plan=plan,
        order=next_order(plan.sections.all()),
        title=title,
        kind=kind,
        placement=placement,
        body=body,
        signatory_name=signatory_name,
        signatory_role=signatory_role,
    )
    section._history_user = user
    section.save()
    return section


@transaction.atomic
def section_update(
    *,
    section: Section,
    user: User,
    title: str,
    kind: str,
    placement: str,
    body: str,
    signatory_name: str,
    signatory_role: str,
) -> Section:
    _lock_draft_plan(section.plan_id)
    section = _lock_section(section.pk)
    section.title = title
    section.kind = kind
    section.placement = placement
    section.body = body
    section.signatory_name = signatory_name
    section.signatory_role = signatory_role
    section._history_user = user
    section.save(update_fields=list(SECTION_FIELDS))
    return section


@transaction.atomic
def section_move(*, section: Section, user: User, direction: Direction) -> bool:
    """Swap the section with its neighbour; False when it is already first or last.

    Orders are unique within a plan, so the swap parks the section on a free place first.
    The two sections' history records the new places (the parking place is not kept).
    """
    _lock_draft_plan(section.plan_id)
    return swap_with_neighbour(
        siblings=Section.objects.filter(plan_id=section.plan_id),
        pk=section.pk,
        user=user,
        direction=direction,
        gone=GONE_MESSAGE,
    )


@transaction.atomic
def section_remove(*, section: Section, user: User) -> None:
    """Delete the section with its subsections; their history keeps the text and who
    removed them."""
    _lock_draft_plan(section.plan_id)
    section = _lock_section(section.pk)
    for subsection in section.subsections.select_for_update():
        subsection._history_user = user
        subsection.delete()
    section._history_user = user
    section.delete()


def _lock_subsection(pk: int) -> Subsection:
    subsection = Subsection.objects.select_for_update().filter(pk=pk).first()
    if subsection is None:
        raise ChangeRefused(SUBSECTION_GONE_MESSAGE)
    return subsection


@transaction.atomic
def subsection_create(*, section: Section, user: User, title: str, body: str) -> Subsection:
    """Add a subsection after the section's last one."""
    _lock_draft_plan(section.plan_id)
    section = _lock_section(section.pk)
    subsection = Subsection(
        section=section, order=next_order(section.subsections.all()), title=title, body=body
    )
    subsection._history_user = user
    subsection.save()
    return subsection


@transaction.atomic
def subsection_update(*, subsection: Subsection, user: User, title: str, body: str) -> Subsection:
    _lock_draft_plan(subsection.section.plan_id)
    _lock_section(subsection.section_id)
    subsection = _lock_subsection(subsection.pk)
    subsection.title = title
    subsection.body = body
    subsection._history_user = user
    subsection.save(update_fields=["title", "body"])
    return subsection


@transaction.atomic
def subsection_move(*, subsection: Subsection, user: User, direction: Direction) -> bool:
    """Swap the subsection with its neighbour in its section; False when it is already first
    or last. As with sections, the swap parks the subsection on a free place first."""
    _lock_draft_plan(subsection.section.plan_id)
    _lock_section(subsection.section_id)
    return swap_with_neighbour(
        siblings=Subsection.objects.filter(section_id=subsection.section_id),
        pk=subsection.pk,
        user=user,
        direction=direction,
        gone=SUBSECTION_GONE_MESSAGE,
    )


@transaction.atomic
def subsection_remove(*, subsection: Subsection, user: User) -> None:
    """Delete the subsection; its history keeps the text and who removed it."""
    _lock_draft_plan(subsection.section.plan_id)
    _lock_section(subsection.section_id)
    subsection = _lock_subsection(subsection.pk)
    subsection._history_user = user
    subsection.delete()
