"""Inviting people to a partnership by email, and answering an invitation.

An administrator types an address, never an account: the invitation is made and sent the same
way whether or not anyone on the site uses that address, so nothing tells them. Only the person
holding the emailed link decides to join, signed in to their own account or with a new one.

The email goes after the rows are committed, so nobody gets a link to an invitation that was
rolled back and no lock is held while the mail server answers. If it cannot be sent, the rows
are put back as they were, so the administrator can simply try again.
"""

from __future__ import annotations

import datetime
import logging
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from plans.models import Group, Invitation, Membership, Partnership
from plans.models.invitation import INVITATION_DAYS, token_hash
from plans.people import PeopleRefused, kept_task_groups

logger = logging.getLogger(__name__)

ALREADY_WAITING = (
    "An invitation to {email} is already waiting. Send it again from the people page if it "
    "has gone astray"
)
NOT_SENT = "We could not send the email to {email}, so {outcome}. Try again in a few minutes."


class UsernameTaken(PeopleRefused):
    """Someone took the username between the form's check and the new account's insert."""


def invitation_create(
    *,
    partnership: Partnership,
    email: str,
    role: str,
    task_groups: Iterable[Group] = (),
    invited_by: User,
    now: datetime.datetime | None = None,
) -> Invitation:
    now = now or timezone.now()
    email = email.strip().lower()
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        partnership=partnership,
        email=email,
        role=role,
        invited_by=invited_by,
        token_hash=token_hash(token),
        sent_at=now,
        expires_at=now + datetime.timedelta(days=INVITATION_DAYS),
    )
    replaced: list[int] = []
    try:
        with transaction.atomic():
            # An expired invitation to the same address gives way to the new one; the unique
            # constraint then stops two administrators inviting the address at the same time.
            expired = Invitation.objects.open().filter(
                partnership=partnership, email=email, expires_at__lte=now
            )
            replaced = list(expired.select_for_update().values_list("pk", flat=True))
            Invitation.objects.filter(pk__in=replaced).update(revoked_at=now)
            invitation.save()
            invitation.task_groups.set(kept_task_groups(role, task_groups))
            transaction.on_commit(lambda: invitation_message(invitation, token).send())
    except IntegrityError as error:
        raise PeopleRefused(ALREADY_WAITING.format(email=email)) from error
    except OSError as error:
        logger.exception("Invitation email to %s was not sent", email)
        with transaction.atomic():
            Invitation.objects.filter(pk=invitation.pk).delete()
            Invitation.objects.filter(pk__in=replaced).update(revoked_at=None)
        raise PeopleRefused(
            NOT_SENT.format(email=email, outcome="no invitation has been made")
        ) from error
    return invitation


def invitation_resend(*, invitation: Invitation, now: datetime.datetime | None = None) -> None:
    """Send a fresh link, good for another INVITATION_DAYS; the earlier link stops working."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    try:
        with transaction.atomic():
            locked = _locked(invitation)
            if locked.accepted_at or locked.declined_at or locked.revoked_at:
                raise PeopleRefused(
                    f"The invitation to {locked.email} has been answered or withdrawn, so it "
                    "cannot be sent again. Invite them afresh if needed."
                )
            earlier = (locked.token_hash, locked.sent_at, locked.expires_at)
            locked.token_hash = token_hash(token)
            locked.sent_at = now
            locked.expires_at = now + datetime.timedelta(days=INVITATION_DAYS)
            locked.save(update_fields=["token_hash", "sent_at", "expires_at"])
            transaction.on_commit(lambda: invitation_message(locked, token).send())
    except OSError as error:
        logger.exception("Invitation email to %s was not sent again", invitation.email)
        Invitation.objects.filter(pk=invitation.pk).update(
            token_hash=earlier[0], sent_at=earlier[1], expires_at=earlier[2]
        )
        raise PeopleRefused(
            NOT_SENT.format(
                email=invitation.email, outcome="the invitation and its earlier link are unchanged"
            )
        ) from error


def invitation_revoke(*, invitation: Invitation, now: datetime.datetime | None = None) -> None:
    with transaction.atomic():
        locked = _locked(invitation)
        if locked.accepted_at or locked.declined_at:
            raise PeopleRefused(
                f"The invitation to {locked.email} has already been answered, so it cannot be "
                "withdrawn."
            )
        if locked.revoked_at is None:
            locked.revoked_at = now or timezone.now()
            locked.save(update_fields=["revoked_at"])


def invitation_accept(
    *, invitation: Invitation, user: User, now: datetime.datetime | None = None
) -> Membership:
    """The signed-in holder of the link joins with the role the administrator chose."""
    now = now or timezone.now()
    with transaction.atomic():
        # The lock makes a second click, or a withdrawal at the same moment, wait and then see
        # the invitation's final state.
        locked = _locked(invitation)
        refusal = locked.refusal(now)
        if refusal:
            raise PeopleRefused(refusal)
        try:
            with transaction.atomic():
                membership = Membership.objects.create(
                    user=user, partnership=locked.partnership, role=locked.role
                )
        except IntegrityError as error:
            raise PeopleRefused(
                f"You already have a role in {locked.partnership.name}. Ask one of its "
                "administrators if it should change, or decline this invitation."
            ) from error
        membership.task_groups.set(kept_task_groups(locked.role, locked.task_groups.all()))
        locked.accepted_at = now
        locked.accepted_by = user
        locked.save(update_fields=["accepted_at", "accepted_by"])
    return membership


def invitation_accept_with_new_account(
    *,
    invitation: Invitation,
    username: str,
    first_name: str,
    last_name: str,
    password: str,
    now: datetime.datetime | None = None,
) -> User:
    """Make the account and join in one step: a refused invitation leaves no account behind."""
    with transaction.atomic():
        try:
            with transaction.atomic():
                user = User.objects.create_user(
                    username=username,
                    email=invitation.email,
                    password=password,
                    first_name=first_name,
                    last_name=last_name,
                )
        except IntegrityError as error:
            raise UsernameTaken("Someone has just taken that username. Choose another") from error
        invitation_accept(invitation=invitation, user=user, now=now)
    return user


def invitation_decline(*, invitation: Invitation, now: datetime.datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked(invitation)
        refusal = locked.refusal(now)
        if refusal:
            raise PeopleRefused(refusal)
        locked.declined_at = now
        locked.save(update_fields=["declined_at"])


def invitation_message(invitation: Invitation, token: str) -> EmailMultiAlternatives:
    """The same email whether or not an account uses the address: it names no account."""
    inviter = invitation.invited_by
    context = {
        "invitation": invitation,
        "partnership": invitation.partnership,
        "inviter": (inviter.get_full_name() or inviter.username) if inviter else "",
        "link": settings.SITE_URL + reverse("plans:invitation", args=[token]),
        "days": INVITATION_DAYS,
    }
    message = EmailMultiAlternatives(
        subject=f"You are invited to join {invitation.partnership.name}",
        body=render_to_string("email/invitation.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[invitation.email],
    )
    message.attach_alternative(render_to_string("email/invitation.html", context), "text/html")
    return message


def _locked(invitation: Invitation) -> Invitation:
    return (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=invitation.pk)
    )
