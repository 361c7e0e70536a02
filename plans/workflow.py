"""The plan's journey from draft to published, and who may move it.

Every move goes through plan_move(), whether a button on the plan page or an action in the
Django admin asked for it, so the rules below are the only rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction

from plans import public_cache
from plans.limits import COMMENT_MAX, too_long
from plans.models import Membership, Plan, PlanTransition
from plans.pdf_render import PDF_TOO_SLOW_ADVICE, PdfRenderTimeout

if TYPE_CHECKING:
    from plans.publishing import CopyRendering

Status = Plan.Status
Role = Membership.Role
CORRECT_LABEL = "Correct the published plan"


@dataclass(frozen=True)
class Move:
    from_status: str
    to_status: str
    roles: frozenset[str]
    label: str
    needs_comment: bool = False
    comment_label: str = "Why is it going back to draft?"
    comment_hint: str = ""
    comment_missing: str = "Say why the plan is going back to draft."
    explanation: str = ""

    @property
    def to_status_label(self) -> str:
        return Status(self.to_status).label

    @property
    def from_status_label(self) -> str:
        return Status(self.from_status).label


MOVES: tuple[Move, ...] = (
    Move(Status.DRAFT, Status.IN_REVIEW, frozenset({Role.ADMINISTRATOR}), "Send for review"),
    Move(
        Status.IN_REVIEW,
        Status.DRAFT,
        frozenset({Role.REVIEWER, Role.ADMINISTRATOR}),
        "Send back to draft",
        needs_comment=True,
    ),
    Move(
        Status.IN_REVIEW,
        Status.APPROVED,
        frozenset({Role.REVIEWER, Role.ADMINISTRATOR}),
        "Approve",
    ),
    Move(
        Status.APPROVED,
        Status.DRAFT,
        frozenset({Role.ADMINISTRATOR}),
        "Send back to draft to edit",
        needs_comment=True,
    ),
    Move(Status.APPROVED, Status.PUBLISHED, frozenset({Role.ADMINISTRATOR}), "Publish"),
    # A correction: the published plan goes back to draft and through the same review as any
    # draft; publishing it again stores the next version with this move's comment as its
    # change note. Meanwhile its public addresses serve the version last published.
    Move(
        Status.PUBLISHED,
        Status.DRAFT,
        frozenset({Role.ADMINISTRATOR}),
        CORRECT_LABEL,
        needs_comment=True,
        comment_label="Change note: what are you correcting, and why?",
        comment_hint="Shown to everyone with the corrected version once it is published.",
        comment_missing="Give a change note: it is published with the corrected version.",
        explanation="The plan goes back to draft to be edited, reviewed and approved as any "
        "draft is. Until it is published again, its public page keeps showing the version "
        "published last; publishing it then stores it as the next version, and every earlier "
        "version stays readable.",
    ),
)


class MoveRefused(Exception):
    """A move the rules do not allow, with a message for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def is_correction(move: Move) -> bool:
    return move.from_status == Status.PUBLISHED and move.to_status == Status.DRAFT


def no_move_message(plan: Plan, to_status: str) -> str:
    """Why no move takes this plan to that status, in words."""
    if plan.status == Status.SUPERSEDED and to_status == Status.DRAFT:
        return (
            f"“{plan.title}” ({plan.period_label}) has been superseded by a later plan, so it "
            "cannot be corrected: it is kept as it was published. Correct the plan that "
            "replaced it instead."
        )
    to_label = Status(to_status).label.lower() if to_status in Status else to_status
    return f"A plan that is {plan.get_status_display().lower()} cannot be moved to {to_label}."


def find_move(from_status: str, to_status: str) -> Move | None:
    return next(
        (m for m in MOVES if m.from_status == from_status and m.to_status == to_status), None
    )


def role_of(user: AbstractBaseUser | AnonymousUser, plan: Plan) -> str | None:
    if not user.is_authenticated:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    membership = Membership.objects.filter(user=user, partnership_id=plan.partnership_id).first()
    return membership.role if membership else None


def moves_for(user: AbstractBaseUser | AnonymousUser, plan: Plan) -> list[Move]:
    """The moves this person may make from the plan's current status: the buttons to show."""
    role = role_of(user, plan)
    return [m for m in MOVES if m.from_status == plan.status and role in m.roles]


def _open_comment_count(plan: Plan) -> int:
    from priorities.models import ReviewComment

    return ReviewComment.objects.filter(plan=plan).open().count()


def _record(plan: Plan, to_status: str, user, comment: str, reason: str = "") -> PlanTransition:
    transition = PlanTransition.objects.create(
        plan=plan,
        from_status=plan.status,
        to_status=to_status,
        user=user if user.is_authenticated else None,
        comment=comment,
        open_comments_reason=reason,
    )
    plan.status = to_status
    plan.save(update_fields=["status", "updated_at"])
    # Entries for the plan's public addresses were stored under its old status. Forgotten now,
    # and again once the move commits, in case a request re-stored the old page in between.
    public_cache.forget(plan)
    transaction.on_commit(lambda: public_cache.forget(plan))
    return transition


def plan_move(
    *,
    plan: Plan,
    to_status: str,
    user: AbstractBaseUser | AnonymousUser,
    comment: str = "",
    open_comments_reason: str = "",
    rendering: CopyRendering | None = None,
) -> PlanTransition:
    """Move the plan, record who did it, and on publication supersede the plan it renews.

    The plan row is locked first, so two people pressing "Approve" at once make one move and
    the second is told the plan has already moved. Publication stores the copy rendered
    beforehand (by the worker, outside the lock) when the plan has not changed since.
    """
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        comment, reason = move_check(
            locked,
            to_status=to_status,
            user=user,
            comment=comment,
            open_comments_reason=open_comments_reason,
        )
        move = find_move(locked.status, to_status)
        # Checked before anything is written, since the move itself changes the content.
        if rendering is not None and not rendering.still_current(locked):
            rendering = None
        if is_correction(move) and not locked.published_copies.exists():
            # Made public without plan_move (imported, or set in the admin) and never read:
            # keep it as published now, so the public still reads it during the correction.
            _store_published_copy(locked, user, refused="The plan is still published.")
        if to_status == Status.PUBLISHED:
            republished = locked.published_copies.exists()
            change_note = correction_note(locked) if republished else ""
            transition = _record(locked, to_status, user, comment, reason)
            # A correction is the same plan published again: what it renews was superseded
            # when it was first published.
            if not republished:
                _supersede_previous(locked, user)
            _store_published_copy(locked, user, change_note=change_note, rendering=rendering)
        else:
            transition = _record(locked, to_status, user, comment, reason)
    plan.status = locked.status
    return transition


def move_check(
    locked: Plan,
    *,
    to_status: str,
    user: AbstractBaseUser | AnonymousUser,
    comment: str = "",
    open_comments_reason: str = "",
) -> tuple[str, str]:
    """Refuse the move in words, or return the comment and the open-comments reason to
    record. The caller holds the plan's row locked."""
    move = find_move(locked.status, to_status)
    if move is None:
        raise MoveRefused(no_move_message(locked, to_status))
    if role_of(user, locked) not in move.roles:
        raise MoveRefused(f"Your role in the partnership does not allow “{move.label}”.")
    comment = comment.strip()
    if move.needs_comment and not comment:
        raise MoveRefused(move.comment_missing)
    reason = open_comments_reason.strip()
    for text in (comment, reason):
        if len(text) > COMMENT_MAX:
            raise MoveRefused(too_long("The comment", COMMENT_MAX))
    if to_status == Status.APPROVED:
        open_comments = _open_comment_count(locked)
        if open_comments and not reason:
            raise MoveRefused(
                f"There {'is' if open_comments == 1 else 'are'} {open_comments} open "
                f"comment{'' if open_comments == 1 else 's'}. Resolve them, or give a "
                "reason for approving with comments open."
            )
        if not open_comments:
            reason = ""
    return comment, reason


def correction_note(plan: Plan) -> str:
    """The change note given when the plan was last taken back for correction; none when an
    administrator has hidden it, since the public would otherwise read it on every version."""
    correction = (
        plan.transitions.filter(from_status=Status.PUBLISHED, to_status=Status.DRAFT)
        .select_related("hiding")
        .order_by("-created_at", "-pk")
        .first()
    )
    if correction is None or hasattr(correction, "hiding"):
        return ""
    return correction.comment


def _supersede_previous(plan: Plan, user) -> None:
    previous = plan.previous_plan
    if previous is None:
        return
    being_corrected = Plan.objects.being_corrected().filter(pk=previous.pk).exists()
    if previous.status != Status.PUBLISHED and not being_corrected:
        return
    locked_previous = Plan.objects.select_for_update().get(pk=previous.pk)
    comment = f"Superseded by {plan.title} ({plan.period_label})."
    if being_corrected:
        comment += " The correction in progress was not published."
    _record(locked_previous, Status.SUPERSEDED, user, comment)


def _store_published_copy(
    plan: Plan,
    user,
    *,
    change_note: str = "",
    refused: str = "The plan is still approved.",
    rendering: CopyRendering | None = None,
) -> None:
    """Freeze the page and PDFs as published, inside the move's transaction: if rendering
    fails, the plan stays as it was."""
    from plans.publishing import published_copy_create

    try:
        published_copy_create(
            plan=plan,
            user=user if user.is_authenticated else None,
            change_note=change_note,
            rendering=rendering,
        )
    except PdfRenderTimeout as stopped:
        raise MoveRefused(f"{stopped} {refused} {PDF_TOO_SLOW_ADVICE}") from stopped
