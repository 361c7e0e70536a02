"""Who belongs to a partnership and in what role: the writes a partnership administrator makes.

People join only by accepting an invitation (plans.invitations); here an administrator changes
a member's role or takes them out.

A partnership must always keep an administrator, or nobody but a site superuser could add
people to it again; every change that could leave it without one is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import transaction

from plans.models import Group, Membership

LAST_ADMINISTRATOR = (
    "{name} is the partnership’s last administrator. Make someone else an administrator "
    "first, so the partnership can still manage its people."
)


class PeopleRefused(Exception):
    """A change to a partnership's people that would break one of its rules."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def membership_change(*, membership: Membership, role: str, task_groups: Iterable[Group]) -> None:
    with transaction.atomic():
        if role != Membership.Role.ADMINISTRATOR:
            _refuse_if_last_administrator(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        membership.task_groups.set(kept_task_groups(role, task_groups))


def membership_remove(*, membership: Membership) -> None:
    """Take a person out of the partnership; their account stays for their other roles."""
    with transaction.atomic():
        _refuse_if_last_administrator(membership)
        membership.delete()


def kept_task_groups(role: str, task_groups: Iterable[Group]) -> list[Group]:
    # Task groups only limit what an editor changes; kept for other roles they would mislead.
    return list(task_groups) if role == Membership.Role.EDITOR else []


def _refuse_if_last_administrator(membership: Membership) -> None:
    if membership.role != Membership.Role.ADMINISTRATOR:
        return
    # Locking the administrators' rows stops two administrators demoting each other at once.
    administrators = list(
        Membership.objects.select_for_update()
        .filter(partnership_id=membership.partnership_id, role=Membership.Role.ADMINISTRATOR)
        .values_list("pk", flat=True)
    )
    if administrators == [membership.pk]:
        name = membership.user.get_full_name() or membership.user.username
        raise PeopleRefused(LAST_ADMINISTRATOR.format(name=name))
