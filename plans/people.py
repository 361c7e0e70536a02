"""Who belongs to a partnership and in what role: the writes a partnership administrator makes.

A partnership must always keep an administrator, or nobody but a site superuser could add
people to it again; every change that could leave it without one is refused.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from plans.models import Group, Membership, Partnership

LAST_ADMINISTRATOR = (
    "{name} is the partnership’s last administrator. Make someone else an administrator "
    "first, so the partnership can still manage its people."
)


class PeopleRefused(Exception):
    """A change to a partnership's people that would break one of its rules."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def membership_add(
    *, partnership: Partnership, user: User, role: str, task_groups: Iterable[Group] = ()
) -> Membership:
    try:
        with transaction.atomic():
            membership = Membership.objects.create(user=user, partnership=partnership, role=role)
            membership.task_groups.set(_kept_task_groups(role, task_groups))
    except IntegrityError as error:
        # The form checked; this is someone else adding the same person a moment earlier.
        name = user.get_full_name() or user.username
        raise PeopleRefused(f"{name} already has a role in this partnership.") from error
    return membership


def person_invite(
    *,
    partnership: Partnership,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    role: str,
    task_groups: Iterable[Group] = (),
    domain: str,
    use_https: bool,
) -> Membership:
    """Create an account with no password and ask its owner, by email, to set their own.

    The administrator never knows the password; the link is Django's password reset link, so
    it expires and works once, like any other reset.
    """
    # The email goes inside the transaction: if it cannot be sent, no account is left behind
    # that nobody can sign in to.
    with transaction.atomic():
        try:
            with transaction.atomic():
                # Without a password, create_user makes it unusable: only the emailed link
                # sets one.
                user = User.objects.create_user(
                    username=username, email=email, first_name=first_name, last_name=last_name
                )
        except IntegrityError as error:
            # The form found the username free; someone took it a moment earlier.
            raise PeopleRefused(
                f"An account with the username {username} has just been made. Choose another "
                "username, or add that account as an existing one."
            ) from error
        membership = membership_add(
            partnership=partnership, user=user, role=role, task_groups=task_groups
        )
        context = {
            "user": user,
            "partnership": partnership,
            "domain": domain,
            "protocol": "https" if use_https else "http",
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        }
        subject = render_to_string("plans/partnership/invite_subject.txt", context)
        try:
            send_mail(
                subject=" ".join(subject.split()),
                message=render_to_string("plans/partnership/invite_email.txt", context),
                from_email=None,
                recipient_list=[email],
            )
        except OSError as error:
            raise PeopleRefused(
                f"We could not send the email to {email}, so the account has not been "
                "created. Try again in a few minutes."
            ) from error
    return membership


def membership_change(*, membership: Membership, role: str, task_groups: Iterable[Group]) -> None:
    with transaction.atomic():
        if role != Membership.Role.ADMINISTRATOR:
            _refuse_if_last_administrator(membership)
        membership.role = role
        membership.save(update_fields=["role"])
        membership.task_groups.set(_kept_task_groups(role, task_groups))


def membership_remove(*, membership: Membership) -> None:
    """Take a person out of the partnership; their account stays for their other roles."""
    with transaction.atomic():
        _refuse_if_last_administrator(membership)
        membership.delete()


def _kept_task_groups(role: str, task_groups: Iterable[Group]) -> list[Group]:
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
