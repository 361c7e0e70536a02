"""Priorities of a plan, the aims under them, and the actions task groups keep up to date."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from plans.limits import (
    ACTION_TEXT_MAX,
    BACKGROUND_MAX,
    COMMENT_MAX,
    LONG_TEXT_MAX,
    TextLimit,
)
from plans.models import Group, Organisation, Plan
from plans.written_dates import Precision, WrittenDate, written_date_label

REVIEW_DUE_SOON_DAYS = 30


class Priority(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="priorities")
    order = models.PositiveSmallIntegerField()
    label = models.CharField(
        max_length=100,
        blank=True,
        help_text="How the plan numbers or names it, for example “Priority 1” or “Theme A”.",
    )
    title = models.CharField(max_length=200)
    background = models.TextField(blank=True, validators=[TextLimit(BACKGROUND_MAX)])
    aim = models.TextField("aim or objective", blank=True, validators=[TextLimit(LONG_TEXT_MAX)])
    # Protected: deleting a task group would silently orphan its priorities and editors.
    task_group = models.ForeignKey(
        Group,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="priorities",
        help_text="The task group that owns this priority's action plan.",
    )
    lead_officer = models.CharField(max_length=200, blank=True)
    is_cross_cutting = models.BooleanField(
        "cross-cutting theme",
        default=False,
        help_text="A theme every action plan considers, rather than a priority of its own.",
    )
    # The rows of the plan's scanning matrix this priority was chosen from.
    assessment_categories = models.ManyToManyField(
        "plans.ScanningCategory",
        blank=True,
        related_name="priorities",
        verbose_name="categories of the strategic assessment",
    )
    measuring_performance = models.TextField(
        "measuring our performance", blank=True, validators=[TextLimit(LONG_TEXT_MAX)]
    )
    measuring_difficulties = models.TextField(
        "difficulties in measuring", blank=True, validators=[TextLimit(LONG_TEXT_MAX)]
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        verbose_name_plural = "priorities"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"],
                name="priority_order_unique_in_plan",
                violation_error_message="Another priority of this plan already has that place.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#priority-{self.pk}"


class Aim(models.Model):
    priority = models.ForeignKey(Priority, on_delete=models.CASCADE, related_name="aims")
    order = models.PositiveSmallIntegerField()
    title = models.TextField(validators=[TextLimit(LONG_TEXT_MAX)])
    baseline_data = models.TextField(blank=True, validators=[TextLimit(LONG_TEXT_MAX)])
    # A plan's table can print agencies on an aim's row with no action beside them (West
    # Cumbria's "Reduce Criminal Damage": "Prevent & Deter", "Cumbria Constabulary"). They are
    # kept as printed, one a line, and the plan prints them under the aim.
    agencies = models.TextField(
        "agencies named without an action",
        blank=True,
        validators=[TextLimit(LONG_TEXT_MAX)],
        help_text="Agencies the plan prints beside this aim with no action, one a line.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["priority", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "order"],
                name="aim_order_unique_in_priority",
                violation_error_message="Another aim of this priority already has that place.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def agency_names(self) -> list[str]:
        return [line.strip() for line in self.agencies.splitlines() if line.strip()]

    @property
    def agencies_label(self) -> str:
        """The agencies as the plan document prints them: "Prevent & Deter / Cumbria ..."."""
        return " / ".join(self.agency_names)


class ActionQuerySet(models.QuerySet["Action"]):
    def current(self) -> ActionQuerySet:
        """Actions still part of the plan: removed ones stay recoverable but out of sight."""
        return self.exclude(status=Action.Status.REMOVED)

    def review_overdue(self, today: datetime.date) -> ActionQuerySet:
        return self.current().filter(review_date__lt=today)

    def review_due_within(self, today: datetime.date, days: int) -> ActionQuerySet:
        return self.current().filter(
            review_date__gte=today, review_date__lte=today + datetime.timedelta(days=days)
        )


class Action(models.Model):
    class Element(models.TextChoices):
        PREVENTION = "prevention", "Prevention"
        EDUCATION = "education", "Education"
        INTERVENTION = "intervention", "Intervention"
        ENFORCEMENT = "enforcement", "Enforcement"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        ONGOING = "ongoing", "Ongoing"
        REMOVED = "removed", "Removed"

    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    ReviewDatePrecision = Precision

    # Protected: deleting a priority would take its actions' lead partners and progress too.
    priority = models.ForeignKey(Priority, on_delete=models.PROTECT, related_name="actions")
    aim = models.ForeignKey(
        Aim, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    order = models.PositiveSmallIntegerField()
    text = models.TextField("action", validators=[TextLimit(ACTION_TEXT_MAX)])
    element = models.CharField(
        "delivery element", max_length=20, choices=Element.choices, blank=True
    )
    baseline_data = models.TextField(blank=True, validators=[TextLimit(LONG_TEXT_MAX)])
    # A review date as the plan writes it ("July 2009", "Q3 2010/11", "By December 2011"):
    # review_date is the last day of the written period, which sorting, "reviews due" and
    # reminders use; the precision and "By" print it back as written (review_date_label).
    review_date = models.DateField(
        null=True, blank=True, help_text="The last day of the period the plan writes."
    )
    review_date_precision = models.CharField(
        "review date written as",
        max_length=20,
        choices=ReviewDatePrecision.choices,
        default=ReviewDatePrecision.DAY,
    )
    review_date_by = models.BooleanField(
        "review date printed with “By”", default=False, help_text="As in “By July 2009”."
    )
    funding_stream = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    rag = models.CharField("RAG rating", max_length=10, choices=Rag.choices, blank=True)
    indicators = models.ManyToManyField(
        "indicators.Indicator", blank=True, related_name="actions", verbose_name="linked indicators"
    )
    carried_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="carried_into",
        help_text="The action in last year's plan that this one continues.",
    )
    version = models.PositiveIntegerField(
        default=1, help_text="Raised on every save so that one officer cannot overwrite another."
    )

    objects = ActionQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[indicators])

    class Meta:
        ordering = ["priority", "order"]
        # The filters of the action plans and the admin: reviews due or overdue, status, RAG.
        indexes = [
            models.Index(fields=["review_date"], name="action_review_date_idx"),
            models.Index(fields=["status"], name="action_status_idx"),
            models.Index(fields=["rag"], name="action_rag_idx"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["priority", "order"],
                name="action_order_unique_in_priority",
                violation_error_message="Another action of this priority already has that place.",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="action_text_not_empty",
                violation_error_message="Describe the action.",
            ),
            models.CheckConstraint(
                condition=Q(review_date_precision__in=Precision.values),
                name="action_review_date_precision_known",
                violation_error_message="Write the review date as a day, a month, a quarter "
                "or a financial year.",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:80]

    def get_absolute_url(self) -> str:
        return f"{self.priority.get_absolute_url()}-action-{self.pk}"

    @property
    def review_date_label(self) -> str:
        """The review date as the plan writes it, "" when there is none."""
        return written_date_label(
            self.review_date, self.review_date_precision, by=self.review_date_by
        )

    @property
    def written_review_date(self) -> WrittenDate | None:
        if self.review_date is None:
            return None
        return WrittenDate(self.review_date, self.review_date_precision, self.review_date_by)

    def clean(self) -> None:
        """Rules that span tables. A review date before the plan's period is allowed: real
        plans print them (the forms warn)."""
        errors: dict[str, str] = {}
        if self.aim_id:
            aim_priority_id = (
                Aim.objects.filter(pk=self.aim_id).values_list("priority_id", flat=True).first()
            )
            if aim_priority_id != self.priority_id:
                errors["aim"] = "Choose an aim of this action's own priority."
        if errors:
            raise ValidationError(errors)


class ActionLeadPartner(models.Model):
    """One lead partner of an action, in the order the plan prints them.

    A lead can be an organisation, the partnership itself ("CDRP") or one of its groups
    ("Prevent & Deter"). printed_as keeps a document's own wording ("Cumbria Police" where the
    organisation is Cumbria Constabulary) so a plan prints as it was written. A named person
    or a body that is not a listed organisation ("Jane Smith, Community Safety Officer") is
    kept as written: its printed_as is all there is.
    """

    class Kind(models.TextChoices):
        ORGANISATION = "organisation", "Organisation"
        PARTNERSHIP = "partnership", "The partnership itself"
        GROUP = "group", "A group of the partnership"
        AS_WRITTEN = "as_written", "Kept as written (not a listed organisation)"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="lead_partners")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    group = models.ForeignKey(
        Group, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    printed_as = models.CharField(
        max_length=200, blank=True, help_text="Leave empty to print the partner's own name."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "order"],
                name="lead_partner_order_unique_in_action",
                violation_error_message="Another lead partner of this action has that place.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="organisation", organisation__isnull=False, group__isnull=True)
                    | Q(kind="group", group__isnull=False, organisation__isnull=True)
                    | Q(kind="partnership", group__isnull=True, organisation__isnull=True)
                    | (
                        Q(kind="as_written", group__isnull=True, organisation__isnull=True)
                        & ~Q(printed_as="")
                    )
                ),
                name="lead_partner_names_exactly_one_partner",
                violation_error_message="Choose an organisation for an organisation lead, a "
                "group for a group lead, neither for the partnership itself, and write the "
                "name of a lead kept as written.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_as_written(self) -> bool:
        return self.kind == self.Kind.AS_WRITTEN

    @property
    def name(self) -> str:
        if self.printed_as:
            return self.printed_as
        if self.kind == self.Kind.ORGANISATION:
            return self.organisation.display_name
        if self.kind == self.Kind.GROUP:
            return self.group.display_name
        return self.action.priority.plan.partnership.short_name


class ProgressUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_updates")
    reported_on = models.DateField()
    rag = models.CharField("RAG rating", max_length=10, choices=Action.Rag.choices)
    note = models.TextField(validators=[TextLimit(LONG_TEXT_MAX)])
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["action", "-reported_on", "-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(note=""),
                name="progress_update_note_not_empty",
                violation_error_message="Say what progress has been made.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reported_on}: {self.get_rag_display()}"

    def get_absolute_url(self) -> str:
        return self.action.get_absolute_url()


class ReviewCommentQuerySet(models.QuerySet["ReviewComment"]):
    def open(self) -> ReviewCommentQuerySet:
        """Top-level comments nobody has resolved; replies are part of their thread."""
        return self.filter(parent__isnull=True, resolved_at__isnull=True)


class ReviewComment(models.Model):
    """A comment on a section, a priority or an action of a plan under review, or a reply."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="review_comments")
    section = models.ForeignKey(
        "plans.Section",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="review_comments",
    )
    priority = models.ForeignKey(
        Priority, on_delete=models.CASCADE, null=True, blank=True, related_name="review_comments"
    )
    action = models.ForeignKey(
        Action, on_delete=models.CASCADE, null=True, blank=True, related_name="review_comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="review_comments",
    )
    body = models.TextField(validators=[TextLimit(COMMENT_MAX)])
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = ReviewCommentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(section__isnull=False, priority__isnull=True, action__isnull=True)
                    | Q(section__isnull=True, priority__isnull=False, action__isnull=True)
                    | Q(section__isnull=True, priority__isnull=True, action__isnull=False)
                ),
                name="review_comment_on_exactly_one_thing",
                violation_error_message="Comment on one section, priority or action.",
            ),
            models.CheckConstraint(
                condition=Q(parent__isnull=True) | Q(resolved_at__isnull=True),
                name="review_comment_only_threads_are_resolved",
                violation_error_message="Resolve the comment that started the thread.",
            ),
            models.CheckConstraint(
                condition=~Q(body=""),
                name="review_comment_body_not_empty",
                violation_error_message="Write a comment.",
            ),
        ]

    def __str__(self) -> str:
        return self.body[:80]

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#comment-{self.pk}"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class ReviewReminder(models.Model):
    """A review-date reminder sent about one action to one address on one day, so that a
    second run of the daily command sends nothing new."""

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="reminders")
    recipient_email = models.EmailField()
    sent_on = models.DateField()
    review_date = models.DateField()

    class Meta:
        ordering = ["-sent_on", "recipient_email"]
        constraints = [
            models.UniqueConstraint(
                fields=["action", "recipient_email", "sent_on"],
                name="review_reminder_once_a_day",
                violation_error_message="This reminder was already sent today.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_email}: {self.action} ({self.sent_on})"
