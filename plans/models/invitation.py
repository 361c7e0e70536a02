"""An invitation to join a partnership, sent to an email address.

Administrators never look accounts up: they invite an address, and whoever holds the emailed
link decides whether to join, signed in to their own account or with a new one. Only a hash of
the link's secret is stored, so a copy of the database cannot be used to accept invitations.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.urls import reverse

from plans.models.partnership import Group, Membership, Partnership

INVITATION_DAYS = 14


def token_hash(token: str) -> str:
    """The stored form of a link's secret; the secret itself is only in the email."""
    return hashlib.sha256(token.encode()).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def for_token(self, token: str) -> InvitationQuerySet:
        return self.filter(token_hash=token_hash(token))

    def open(self) -> InvitationQuerySet:
        """Not yet accepted, declined or withdrawn (it may have expired)."""
        return self.filter(accepted_at=None, declined_at=None, revoked_at=None)

    def pending(self, now: datetime.datetime) -> InvitationQuerySet:
        """Open and not expired: the link would still work."""
        return self.open().filter(expires_at__gt=now)


class Invitation(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="invitations"
    )
    email = models.EmailField(help_text="Stored in lower case.")
    role = models.CharField(max_length=20, choices=Membership.Role.choices)
    task_groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="editor_invitations",
        help_text="For editors: the task groups whose priorities and actions they will keep.",
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_sent",
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(help_text="When the latest email was sent.")
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="invitations_accepted",
    )
    declined_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["partnership", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "email"],
                condition=Q(accepted_at=None, declined_at=None, revoked_at=None),
                name="one_open_invitation_per_partnership_and_email",
                violation_error_message="This address already has an invitation waiting.",
            ),
            models.CheckConstraint(
                condition=Q(email=Lower("email")),
                name="invitation_email_lower_case",
                violation_error_message="Store the invitation's email in lower case.",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at=None) | Q(declined_at=None, revoked_at=None),
                name="invitation_accepted_is_final",
                violation_error_message="An accepted invitation cannot also be declined or "
                "withdrawn.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} – {self.get_role_display()}, {self.partnership}"

    def get_absolute_url(self) -> str:
        return reverse("plans:partnership_manage", args=[self.partnership.slug]) + "#invitations"

    def refusal(self, now: datetime.datetime) -> str | None:
        """Why the link no longer works, in words for whoever followed it, or None."""
        name = self.partnership.name
        if self.accepted_at:
            return f"This invitation to {name} has already been accepted."
        if self.declined_at:
            return f"This invitation to {name} was declined."
        if self.expires_at <= now:
            return (
                f"This invitation to {name} has expired. Ask the partnership administrator who "
                "invited you to send it again."
            )
        if self.revoked_at:
            return f"This invitation to {name} has been withdrawn by the partnership."
        return None
