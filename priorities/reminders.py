"""Review-date reminders: one daily digest per person of the actions they should review.

Task group chairs and editors keep their actions' review dates; nobody looks at every plan
every day, so a daily command writes to each of them about the actions overdue for review or
due within the window. Each reminder sent is recorded, so the command can run again the same
day (a cron retry, a second server) without writing to anyone twice.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string

from plans.emails import email_enqueue
from plans.models import Group, Membership, Plan
from priorities.models import Action, ActionQuerySet, ReviewReminder

logger = logging.getLogger(__name__)

REMINDER_WINDOW_DAYS = 14
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


@dataclass
class Digest:
    """What one person is told in one email."""

    email: str
    overdue: list[Action] = field(default_factory=list)
    due_soon: list[Action] = field(default_factory=list)

    @property
    def actions(self) -> list[Action]:
        return self.overdue + self.due_soon


@dataclass
class SendResult:
    sent: list[Digest] = field(default_factory=list)
    failed: list[tuple[Digest, Exception]] = field(default_factory=list)


def actions_due_for_review(today: datetime.date) -> ActionQuerySet:
    """Live actions of plans still in use whose review date has passed or is close.

    While next year's draft is open, an action and its carried copy can share a review date;
    the copy is the one officers now keep, so the original is left out to remind once.
    """
    carried_with_same_date = Action.objects.filter(
        carried_from=OuterRef("pk"), review_date=OuterRef("review_date")
    )
    return (
        Action.objects.current()
        .exclude(status=Action.Status.COMPLETE)
        .exclude(priority__plan__status=Plan.Status.SUPERSEDED)
        .exclude(Exists(carried_with_same_date))
        .filter(
            review_date__lte=today + datetime.timedelta(days=REMINDER_WINDOW_DAYS),
            priority__task_group__isnull=False,
        )
        .select_related("priority__plan__partnership", "priority__task_group")
        .order_by("review_date", "priority__plan__partnership__name", "priority__order", "order")
    )


def _editor_emails_by_group() -> dict[int, list[str]]:
    """Editors' addresses for each task group they keep, within their own partnership."""
    rows = (
        Membership.objects.filter(
            role=Membership.Role.EDITOR,
            user__is_active=True,
            task_groups__partnership=F("partnership"),
        )
        .exclude(user__email="")
        .values_list("task_groups", "user__email")
    )
    emails: dict[int, list[str]] = {}
    for group_id, email in rows:
        emails.setdefault(group_id, []).append(email)
    return emails


def build_digests(today: datetime.date) -> list[Digest]:
    """Each person's digest of actions not yet reminded today, one per address.

    Addresses are compared without case, so a chair who is also an editor, or whose address
    is typed differently in two places, gets one email.
    """
    already_sent = {
        (action_id, email.lower())
        for action_id, email in ReviewReminder.objects.filter(sent_on=today).values_list(
            "action_id", "recipient_email"
        )
    }
    editors = _editor_emails_by_group()
    # Only actions someone is reminded of: a task group with neither a chair's address nor an
    # editor would otherwise load all its due actions (most of them, in a large database).
    # One subquery of the groups (an OR of two would leave the planner guessing half the
    # priorities match, and scanning every action).
    reminded_groups = Group.objects.filter(~Q(chair_email="") | Q(pk__in=list(editors)))
    digests: dict[str, Digest] = {}
    due = actions_due_for_review(today).filter(priority__task_group__in=reminded_groups)
    for action in due:
        group = action.priority.task_group
        recipients: dict[str, str] = {}
        for email in [group.chair_email, *editors.get(group.pk, [])]:
            if email.strip():
                recipients.setdefault(email.strip().lower(), email.strip())
        for key, email in recipients.items():
            if (action.pk, key) in already_sent:
                continue
            digest = digests.setdefault(key, Digest(email=email))
            if action.review_date < today:
                digest.overdue.append(action)
            else:
                digest.due_soon.append(action)
    return sorted(digests.values(), key=lambda digest: digest.email.lower())


def _site_url() -> str:
    return getattr(settings, "SITE_URL", DEFAULT_SITE_URL).rstrip("/")


def action_link(action: Action) -> str:
    return _site_url() + action.get_absolute_url()


def _entries(actions: Iterable[Action]) -> list[dict]:
    return [
        {
            "plan": str(action.priority.plan),
            "partnership": action.priority.plan.partnership.short_name,
            "priority": action.priority.title,
            "text": action.text,
            "review_date": action.review_date,
            "review_date_label": action.review_date_label,
            "link": action_link(action),
        }
        for action in actions
    ]


def digest_subject(digest: Digest) -> str:
    parts = []
    if digest.overdue:
        parts.append(f"{len(digest.overdue)} overdue")
    if digest.due_soon:
        parts.append(f"{len(digest.due_soon)} due within {REMINDER_WINDOW_DAYS} days")
    count = len(digest.actions)
    return f"Action review dates: {' and '.join(parts)} ({count} action{'s' if count > 1 else ''})"


def digest_message(digest: Digest, today: datetime.date) -> EmailMultiAlternatives:
    context = {
        "today": today,
        "window_days": REMINDER_WINDOW_DAYS,
        "overdue": _entries(digest.overdue),
        "due_soon": _entries(digest.due_soon),
        "site_url": _site_url(),
    }
    message = EmailMultiAlternatives(
        subject=digest_subject(digest),
        body=render_to_string("email/review_reminder.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[digest.email],
    )
    message.attach_alternative(render_to_string("email/review_reminder.html", context), "text/html")
    return message


def review_reminder_send(*, digest: Digest, today: datetime.date) -> None:
    """Record the reminders and queue the email together: the worker sends it, retrying a
    failed send, so a reminder recorded is a reminder sent.

    Inserting first lets the once-a-day constraint stop a second run racing this one.
    """
    with transaction.atomic():
        ReviewReminder.objects.bulk_create(
            ReviewReminder(
                action=action,
                recipient_email=digest.email.lower(),
                sent_on=today,
                review_date=action.review_date,
            )
            for action in digest.actions
        )
        email_enqueue(message=digest_message(digest, today))


def review_reminders_send(*, today: datetime.date) -> SendResult:
    """Send every digest due today; one person's failed email does not stop the others."""
    result = SendResult()
    for digest in build_digests(today):
        try:
            review_reminder_send(digest=digest, today=today)
        except Exception as error:
            # Whatever went wrong (a refused address, the mail server down), the rest go on.
            logger.exception("Review reminder to %s was not sent", digest.email)
            result.failed.append((digest, error))
        else:
            result.sent.append(digest)
    return result
