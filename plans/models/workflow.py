"""The plan's moves through the workflow, each recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from plans.limits import COMMENT_MAX, SHORT_TEXT_MAX, TextLimit
from plans.models.plan import Plan


class PlanTransition(models.Model):
    """One move of a plan through the workflow: who, when, from, to, and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="transitions")
    from_status = models.CharField(max_length=20, choices=Plan.Status.choices)
    to_status = models.CharField(max_length=20, choices=Plan.Status.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="plan_transitions",
    )
    comment = models.TextField(blank=True, validators=[TextLimit(COMMENT_MAX)])
    open_comments_reason = models.TextField(
        blank=True,
        validators=[TextLimit(COMMENT_MAX)],
        help_text="Why the plan was approved while review comments were still open.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_status=F("to_status")),
                name="plan_transition_changes_status",
                violation_error_message="A move must change the plan's status.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan}: {self.get_from_status_display()} → {self.get_to_status_display()}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()


class HiddenComment(models.Model):
    """The record that a partnership administrator hid an abusive comment: who, when and why.

    Pages show "Comment hidden by ..." in place of the text; the comment itself is kept
    unchanged, as the evidence. Exactly one of a review comment or a move's comments is hidden.
    """

    review_comment = models.OneToOneField(
        "priorities.ReviewComment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="hiding",
    )
    transition = models.OneToOneField(
        PlanTransition, on_delete=models.CASCADE, null=True, blank=True, related_name="hiding"
    )
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    hidden_at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(validators=[TextLimit(SHORT_TEXT_MAX)])

    class Meta:
        ordering = ["-hidden_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(review_comment__isnull=False, transition__isnull=True)
                | Q(review_comment__isnull=True, transition__isnull=False),
                name="hidden_comment_hides_exactly_one",
                violation_error_message="Hide either a review comment or a move's comments.",
            ),
        ]

    def __str__(self) -> str:
        kind = "Review comment" if self.review_comment_id else "Move's comment"
        return f"{kind} hidden by {self.hidden_by} on {self.hidden_at:%-d %b %Y}"

    def get_absolute_url(self) -> str:
        hidden = self.review_comment or self.transition
        return hidden.plan.get_absolute_url()
