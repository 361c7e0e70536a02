"""The plan's moves through the workflow, each recorded."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from plans.limits import COMMENT_MAX, TextLimit
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
