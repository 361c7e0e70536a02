"""Reviewing a plan online: who may comment, reply and resolve, and the writes that do it.

Reviewers, editors and administrators comment while a plan is in draft or in review; editors
reply and resolve comments on their own task groups' priorities and actions; administrators
resolve any. Viewers read the threads.
"""

from __future__ import annotations

from dataclasses import dataclass

from crispy_forms_gds.helper import FormHelper
from django import forms
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils import timezone

from cspplan.forms import RefuseControlCharacters
from plans.document import PlanDocument
from plans.limits import COMMENT_MAX, SHORT_TEXT_MAX, too_long
from plans.models import HiddenComment, Job, Membership, Plan, PlanTransition, Section
from plans.permissions import Access
from plans.workflow import Move, moves_for
from priorities.models import Action, Priority, ReviewComment

COMMENTING_STATUSES = (Plan.Status.DRAFT, Plan.Status.IN_REVIEW)
_COMMENTING_ROLES = (
    Membership.Role.ADMINISTRATOR,
    Membership.Role.EDITOR,
    Membership.Role.REVIEWER,
)


class CommentForm(RefuseControlCharacters, forms.Form):
    body = forms.CharField(
        label="Comment",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=COMMENT_MAX,
        error_messages={
            "required": "Write your comment",
            "max_length": too_long("The comment", COMMENT_MAX),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_body(self) -> str:
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write your comment")
        return body


class ReplyForm(CommentForm):
    body = forms.CharField(
        label="Reply",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=COMMENT_MAX,
        error_messages={
            "required": "Write your reply",
            "max_length": too_long("The reply", COMMENT_MAX),
        },
    )


class MoveForm(RefuseControlCharacters, forms.Form):
    """The comments recorded with a move; whether one is required is the workflow's rule."""

    comment = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=COMMENT_MAX,
        error_messages={"max_length": too_long("The comment", COMMENT_MAX)},
    )
    open_comments_reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=COMMENT_MAX,
        error_messages={"max_length": too_long("The reason", COMMENT_MAX)},
    )


class HideForm(RefuseControlCharacters, forms.Form):
    reason = forms.CharField(
        label="Why are you hiding it?",
        help_text="Recorded with who hid it and when. Members see only that it was hidden.",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=SHORT_TEXT_MAX,
        error_messages={
            "required": "Say why you are hiding the comment",
            "max_length": too_long("The reason", SHORT_TEXT_MAX),
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError("Say why you are hiding the comment")
        return reason


@dataclass(frozen=True)
class CommentTarget:
    """The section, priority or action a comment is about."""

    section: Section | None = None
    priority: Priority | None = None
    action: Action | None = None

    @property
    def label(self) -> str:
        if self.section:
            return f"Section: {self.section.title}"
        if self.priority:
            return f"Priority: {self.priority.title}"
        return f"Action: {self.action.text}"

    @property
    def anchor(self) -> str:
        if self.section:
            return f"section-{self.section.pk}"
        if self.priority:
            return f"priority-{self.priority.pk}"
        return f"action-{self.action.pk}"

    @property
    def owning_priority(self) -> Priority | None:
        return self.priority or (self.action.priority if self.action else None)


def find_target(plan: Plan, kind: str, pk: int) -> CommentTarget | None:
    """The thing to comment on, only if it belongs to this plan."""
    if kind == "section":
        section = plan.sections.filter(pk=pk).first()
        return CommentTarget(section=section) if section else None
    if kind == "priority":
        priority = plan.priorities.filter(pk=pk).first()
        return CommentTarget(priority=priority) if priority else None
    if kind == "action":
        action = (
            Action.objects.current().filter(pk=pk, priority__plan=plan).select_related("priority")
        ).first()
        return CommentTarget(action=action) if action else None
    return None


def comment_refusal(access: Access, plan: Plan) -> str | None:
    """Why this person may not comment on or reply in this plan, or None if they may."""
    if plan.status not in COMMENTING_STATUSES:
        return (
            f"“{plan.title}” is {plan.get_status_display().lower()}: comments are taken while "
            "a plan is in draft or in review."
        )
    if access.is_superuser:
        return None
    if access.membership is None or access.membership.role not in _COMMENTING_ROLES:
        return "Your role in this partnership lets you read comments but not write them."
    return None


def resolve_refusal(access: Access, comment: ReviewComment) -> str | None:
    if comment.parent_id is not None:
        return "Resolve the comment that started the thread."
    if comment.is_resolved:
        return "This comment has already been resolved."
    if comment.plan.status not in COMMENTING_STATUSES:
        return "Comments on a plan that is no longer in draft or in review cannot be changed."
    if access.is_administrator:
        return None
    priority = comment.priority or (comment.action.priority if comment.action_id else None)
    if priority is not None and access.may_change_priority(priority):
        return None
    return (
        "Only a partnership administrator, or an editor of the task group that owns this "
        "priority, can resolve this comment."
    )


def comment_add(*, plan: Plan, target: CommentTarget, author, body: str) -> ReviewComment:
    return ReviewComment.objects.create(
        plan=plan,
        section=target.section,
        priority=target.priority,
        action=target.action,
        author=author,
        body=body,
    )


def comment_reply(*, comment: ReviewComment, author, body: str) -> ReviewComment:
    """A reply joins the thread of the comment it answers, on the same thing."""
    thread = comment.parent or comment
    with transaction.atomic():
        reply = ReviewComment.objects.create(
            plan_id=thread.plan_id,
            section_id=thread.section_id,
            priority_id=thread.priority_id,
            action_id=thread.action_id,
            parent=thread,
            author=author,
            body=body,
        )
        # A reply to a resolved thread reopens it: the conversation is not over.
        if thread.is_resolved:
            ReviewComment.objects.filter(pk=thread.pk).update(resolved_at=None, resolved_by=None)
    return reply


def comment_resolve(*, comment: ReviewComment, user) -> None:
    updated = ReviewComment.objects.filter(pk=comment.pk, resolved_at__isnull=True).update(
        resolved_at=timezone.now(), resolved_by=user
    )
    if updated:
        comment.resolved_at = timezone.now()
        comment.resolved_by = user


def hide_refusal(access: Access) -> str | None:
    if access.is_administrator:
        return None
    return "Only a partnership administrator can hide a comment."


def comment_hide(*, comment: ReviewComment, user, reason: str) -> HiddenComment:
    """Hide a review comment or reply from every page, recording who, when and why. Hiding
    twice keeps the first record: the comment is hidden either way."""
    hiding, _created = HiddenComment.objects.get_or_create(
        review_comment=comment, defaults={"hidden_by": user, "reason": reason}
    )
    return hiding


def transition_comment_hide(*, transition: PlanTransition, user, reason: str) -> HiddenComment:
    """Hide the comment and the reason recorded with a move; the move itself still shows."""
    hiding, _created = HiddenComment.objects.get_or_create(
        transition=transition, defaults={"hidden_by": user, "reason": reason}
    )
    return hiding


def transitions(plan: Plan) -> QuerySet[PlanTransition]:
    return plan.transitions.select_related("user", "hiding__hidden_by")


def threads(plan: Plan) -> QuerySet[ReviewComment]:
    """The plan's comment threads with their replies and authors, in two queries."""
    return (
        ReviewComment.objects.filter(plan=plan, parent__isnull=True)
        .select_related(
            "author",
            "resolved_by",
            "section",
            "priority",
            "action__priority",
            "hiding__hidden_by",
        )
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=ReviewComment.objects.select_related(
                    "author", "hiding__hidden_by"
                ).order_by("created_at"),
            )
        )
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class ThreadsByTarget:
    """Threads keyed by what they are about, for drawing them beside it on the plan page."""

    by_section: dict[int, list[ReviewComment]]
    by_priority: dict[int, list[ReviewComment]]
    by_action: dict[int, list[ReviewComment]]


def threads_by_target(plan: Plan) -> ThreadsByTarget:
    by_section: dict[int, list[ReviewComment]] = {}
    by_priority: dict[int, list[ReviewComment]] = {}
    by_action: dict[int, list[ReviewComment]] = {}
    for thread in threads(plan):
        if thread.section_id:
            by_section.setdefault(thread.section_id, []).append(thread)
        elif thread.priority_id:
            by_priority.setdefault(thread.priority_id, []).append(thread)
        else:
            by_action.setdefault(thread.action_id, []).append(thread)
    return ThreadsByTarget(by_section, by_priority, by_action)


@dataclass(frozen=True)
class SummaryGroup:
    heading: str
    threads: list[ReviewComment]


def open_comments_summary(plan: Plan) -> list[SummaryGroup]:
    """Open comments grouped by priority (sections first), for the Leadership Group."""
    sections: list[ReviewComment] = []
    by_priority: dict[tuple[int, int], SummaryGroup] = {}
    for thread in threads(plan).filter(resolved_at__isnull=True):
        priority = thread.priority or (thread.action.priority if thread.action_id else None)
        if priority is None:
            sections.append(thread)
            continue
        key = (priority.order, priority.pk)
        by_priority.setdefault(key, SummaryGroup(priority.title, [])).threads.append(thread)
    groups = [SummaryGroup("Narrative sections", sections)] if sections else []
    return groups + [by_priority[key] for key in sorted(by_priority)]


@dataclass(frozen=True)
class ReviewPanel:
    """Everything the plan page needs to show the review beside the plan, worked out once."""

    can_comment: bool
    can_hide: bool
    threads: ThreadsByTarget
    open_count: int


def review_panel(plan: Plan, access: Access) -> ReviewPanel:
    """Threads with `can_resolve` set on each, so the page decides nothing itself."""
    by_target = threads_by_target(plan)
    open_count = 0
    for group in (by_target.by_section, by_target.by_priority, by_target.by_action):
        for plan_threads in group.values():
            for thread in plan_threads:
                thread.plan = plan
                thread.can_resolve = resolve_refusal(access, thread) is None
                open_count += not thread.is_resolved
    return ReviewPanel(
        can_comment=comment_refusal(access, plan) is None,
        can_hide=hide_refusal(access) is None,
        threads=by_target,
        open_count=open_count,
    )


@dataclass(frozen=True)
class WorkflowPanel:
    moves: list[Move]
    transitions: list[PlanTransition]
    open_count: int
    compares_with_published: bool
    can_start_next_year: bool
    can_hide: bool
    # The publication the worker is making, if any: its progress instead of the button.
    publishing: Job | None = None


def workflow_panel(plan: Plan, user, access: Access) -> WorkflowPanel:
    """The status box on the plan page: the buttons this person may press and the history."""
    from plans.changes import last_published_version

    publishing = None
    if plan.status == Plan.Status.APPROVED:
        publishing = Job.objects.publishing().filter(plan=plan).first()
    moves = moves_for(user, plan)
    if publishing is not None:
        moves = [move for move in moves if move.to_status != Plan.Status.PUBLISHED]
    return WorkflowPanel(
        publishing=publishing,
        moves=moves,
        transitions=list(transitions(plan)),
        open_count=ReviewComment.objects.filter(plan=plan).open().count(),
        compares_with_published=last_published_version(plan) is not None,
        can_start_next_year=access.is_administrator and plan.status == Plan.Status.PUBLISHED,
        can_hide=hide_refusal(access) is None,
    )


def attach_review(document: PlanDocument, panel: ReviewPanel) -> None:
    """Hang each thread list on the document entry it belongs to, so the shared document
    templates draw them in place without looking anything up.

    Actions are the many rows of the page, so their "Comment" links are built here from one
    reversed address rather than by a template tag per row.
    """
    threads = panel.threads
    plan = document.plan
    # ".../comments/new/action/0/" with the 0 swapped for each action's id.
    comment_prefix = reverse(
        "plans:comment_add", args=[plan.partnership.slug, plan.slug, "action", 0]
    ).removesuffix("0/")
    for entry in (*document.sections_before, *document.sections_after, *document.sections_appendix):
        entry.review_threads = threads.by_section.get(entry.section.pk, [])
    for entry in document.priorities:
        entry.review_threads = threads.by_priority.get(entry.priority.pk, [])
        for item in entry.actions:
            item.review_threads = threads.by_action.get(item.action.pk, [])
            if panel.can_comment:
                item.comment_url = f"{comment_prefix}{item.action.pk}/"
