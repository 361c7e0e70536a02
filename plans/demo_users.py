"""The demo's people: a support officer and one member of Carlisle and Eden per role."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from plans.demo_files import DataProblem
from plans.models import Group, Membership, Partnership

DEMO_PASSWORD = "cspplan-demo"  # noqa: S105 -- printed for people trying the demo
DEMO_PARTNERSHIP_SLUG = "carlisle-eden"
DEMO_EDITOR_TASK_GROUP = "Anti-Social Behaviour and Criminal Damage Task Group"


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str


def group_named(partnership: Partnership, name: str, where: str) -> Group:
    try:
        return Group.objects.get(partnership=partnership, name=name)
    except Group.DoesNotExist:
        raise DataProblem(f"{where}: the partnership has no group named {name!r}") from None


DEMO_ROLES: list[tuple[str, str]] = [
    ("administrator", Membership.Role.ADMINISTRATOR),
    ("editor", Membership.Role.EDITOR),
    ("reviewer", Membership.Role.REVIEWER),
    ("viewer", Membership.Role.VIEWER),
]


def load_demo_users() -> list[DemoUser]:
    """A superuser for the support officer and one member of Carlisle and Eden per role.

    Users who already exist get the demo password and role back rather than a duplicate.
    """
    partnership = Partnership.objects.filter(slug=DEMO_PARTNERSHIP_SLUG).first()
    if partnership is None:
        raise DataProblem(f"the demo users need the partnership {DEMO_PARTNERSHIP_SLUG!r}")
    task_group = group_named(partnership, DEMO_EDITOR_TASK_GROUP, "the demo editor")
    # Hashing is slow on purpose; one hash serves every demo user.
    password_hash = make_password(DEMO_PASSWORD)
    support = _demo_user("support", password_hash, staff=True)
    users = [DemoUser(support.username, "Support officer (superuser)", DEMO_PASSWORD)]
    for username, role in DEMO_ROLES:
        user = _demo_user(username, password_hash, staff=False)
        user.memberships.exclude(partnership=partnership).delete()
        membership, _ = Membership.objects.get_or_create(
            user=user, partnership=partnership, defaults={"role": role}
        )
        # Saved only when it differs, so a second load leaves no history row of a non-change.
        if membership.role != role:
            membership.role = role
            membership.save(update_fields=["role"])
        membership.task_groups.set([task_group] if role == Membership.Role.EDITOR else [])
        label = f"{Membership.Role(role).label}, {partnership.area} {partnership.short_name}"
        if role == Membership.Role.EDITOR:
            label += f" ({task_group.name})"
        users.append(DemoUser(username, label, DEMO_PASSWORD))
    return users


def _demo_user(username: str, password_hash: str, *, staff: bool) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org"}
    )
    user.is_staff = staff
    user.is_superuser = staff
    user.is_active = True
    user.password = password_hash
    user.save()
    return user
