"""Plans and their content: narrative sections and their subsections, related strategies,
glossary and budget.

A plan's period is in financial years: start_year 2010 and end_year 2011 is "2010/11", the
year that runs from 1 April 2010 to 31 March 2011.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.limits import LONG_TEXT_MAX, SECTION_BODY_MAX, SHORT_TEXT_MAX, TextLimit
from plans.models.partnership import Partnership

FINANCIAL_YEAR_START_MONTH = 4


def _taken_back_for_correction() -> Exists:
    """The plan has been published and an administrator took it back to correct it: the
    correction move (published to draft) is on its record."""
    from plans.models.workflow import PlanTransition

    return Exists(
        PlanTransition.objects.filter(
            plan=OuterRef("pk"), from_status=Plan.Status.PUBLISHED, to_status=Plan.Status.DRAFT
        )
    )


class PlanQuerySet(models.QuerySet["Plan"]):
    def published(self) -> PlanQuerySet:
        """Plans the public reads as current: published ones, and published ones being
        corrected, which are read as last published until the correction is."""
        return self.filter(
            Q(status=Plan.Status.PUBLISHED)
            | Q(_taken_back_for_correction(), status__in=Plan.CORRECTING_STATUSES)
        )

    def drafts(self) -> PlanQuerySet:
        return self.filter(status=Plan.Status.DRAFT)

    def being_corrected(self) -> PlanQuerySet:
        """Published plans taken back to correct: while the correction is drafted, reviewed
        and approved, their public addresses keep serving the newest published version."""
        return self.filter(_taken_back_for_correction(), status__in=Plan.CORRECTING_STATUSES)

    def with_correction(self) -> PlanQuerySet:
        """Each plan knows, without a further query, whether it was ever taken back for
        correction (plan.taken_back_for_correction); with its status that tells whether a
        correction is in progress."""
        return self.annotate(taken_back_for_correction=_taken_back_for_correction())

    def _public(self) -> Q:
        return Q(status__in=[Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED]) | Q(
            _taken_back_for_correction(), status__in=Plan.CORRECTING_STATUSES
        )

    def public(self) -> PlanQuerySet:
        """Plans anyone may read: published ones, superseded ones, which stay readable, and
        published ones being corrected, read as last published."""
        return self.filter(self._public())

    def readable_by(self, user) -> PlanQuerySet:
        """Public plans for everyone, and every plan of the partnerships a user belongs to."""
        if user.is_authenticated and user.is_superuser:
            return self
        public = self._public()
        if user.is_authenticated:
            return self.filter(
                public | Q(partnership__in=Partnership.objects.filter(memberships__user=user))
            )
        return self.filter(public)


ACTION_COLUMN_HEADING_MAX = 60


def validate_action_table_columns(value: object) -> None:
    """An ordered list of the action table's columns, each {"column": key, "heading": text}
    with a key of Plan.ActionColumn, at most once each, the action's own column among them."""
    if value is None:
        return
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise ValidationError(
            'List the columns in order, each as {"column": "action", "heading": "Action"}.'
        )
    keys = [item.get("column") for item in value]
    unknown = [str(key) for key in keys if key not in Plan.ActionColumn.values]
    if unknown:
        raise ValidationError(
            f"Unknown column(s): {', '.join(unknown)}. The columns are "
            f"{', '.join(Plan.ActionColumn.values)}."
        )
    if len(set(keys)) != len(keys):
        raise ValidationError("Each column may appear only once.")
    if Plan.ActionColumn.ACTION not in keys:
        raise ValidationError("The table must have the action column.")
    for item in value:
        heading = item.get("heading", "")
        if not isinstance(heading, str) or len(heading) > ACTION_COLUMN_HEADING_MAX:
            raise ValidationError(
                f"Each heading is text of at most {ACTION_COLUMN_HEADING_MAX} characters."
            )
        if set(item) - {"column", "heading"}:
            raise ValidationError('Each column has only a "column" and a "heading".')


class Plan(models.Model):
    class ActionColumn(models.TextChoices):
        """The columns a plan's action tables may print, each with its usual heading."""

        PRIORITY = "priority", "Priority"
        AIM = "aim", "Aim"
        BASELINE = "baseline", "Baseline data"
        LEAD_PARTNERS = "lead_partners", "Lead partner(s)"
        ACTION = "action", "Action"
        INDICATORS = "indicators", "Linked indicators"
        REVIEW_DATE = "review_date", "Review date"
        ELEMENT = "element", "Delivery element"
        FUNDING = "funding", "Funding stream"
        PROGRESS = "progress", "Progress"

    # Today's table, which a plan prints unless it chooses its own.
    DEFAULT_ACTION_COLUMNS = (
        ActionColumn.ACTION,
        ActionColumn.LEAD_PARTNERS,
        ActionColumn.INDICATORS,
        ActionColumn.REVIEW_DATE,
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    # The statuses a correction of a published plan passes through before it is published
    # again as the next version.
    CORRECTING_STATUSES = (Status.DRAFT, Status.IN_REVIEW, Status.APPROVED)

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=300)
    subtitle = models.CharField(max_length=300, blank=True)
    slug = models.SlugField(max_length=100)
    start_year = models.PositiveSmallIntegerField(
        help_text="The financial year the plan starts: 2010 for 2010/11."
    )
    end_year = models.PositiveSmallIntegerField(
        help_text="The year the plan's last financial year ends: 2011 for 2010/11."
    )
    strategy_start_year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="For a yearly refresh of a longer strategy: the strategy's first year.",
    )
    strategy_end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    summary = models.TextField(blank=True, validators=[TextLimit(LONG_TEXT_MAX)])
    first_published_on = models.DateField(
        null=True,
        blank=True,
        help_text="The date a historical plan was first published, printed on its cover.",
    )
    # Null for the usual table (DEFAULT_ACTION_COLUMNS): null, so adding the column is an
    # ALTER TABLE on SQLite too, which keeps plans_plan's triggers.
    action_table_columns = models.JSONField(
        null=True,
        blank=True,
        validators=[validate_action_table_columns],
        help_text="The action tables' columns in printed order, with their headings as the "
        'plan prints them, for example [{"column": "priority", "heading": "Priority"}, '
        '{"column": "lead_partners", "heading": "Agency"}, {"column": "action", '
        '"heading": "Actions"}]. Empty for the usual table: Action, Lead partner(s), Linked '
        "indicators, Review date.",
    )
    previous_plan = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="next_plans",
        help_text="The plan this one was refreshed from.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "-start_year", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "slug"],
                name="plan_slug_unique_in_partnership",
                violation_error_message="This partnership already has a plan at that address.",
            ),
            models.CheckConstraint(
                condition=Q(end_year__gte=F("start_year")),
                name="plan_end_year_not_before_start_year",
                violation_error_message="The end year cannot be before the start year.",
            ),
            models.CheckConstraint(
                condition=Q(start_year__gte=1998) & Q(start_year__lte=2200),
                name="plan_start_year_plausible",
                violation_error_message="Give a start year from 1998 (the Crime and Disorder "
                "Act) onwards.",
            ),
            models.CheckConstraint(
                condition=Q(strategy_start_year__isnull=True)
                | Q(strategy_end_year__isnull=True)
                | Q(strategy_end_year__gte=F("strategy_start_year")),
                name="plan_strategy_end_not_before_start",
                violation_error_message="The strategy's end year cannot be before its start.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.period_label})"

    def get_absolute_url(self) -> str:
        return reverse(
            "plans:plan_detail",
            kwargs={"partnership_slug": self.partnership.slug, "plan_slug": self.slug},
        )

    @property
    def period_label(self) -> str:
        """2010/11 for one financial year, 2008-2011 for longer plans, as the documents do."""
        if self.end_year == self.start_year + 1:
            return f"{self.start_year}/{str(self.end_year)[-2:]}"
        return f"{self.start_year}–{self.end_year}"

    @property
    def starts_on(self) -> datetime.date:
        return datetime.date(self.start_year, FINANCIAL_YEAR_START_MONTH, 1)

    @property
    def ends_on(self) -> datetime.date:
        return datetime.date(self.end_year, FINANCIAL_YEAR_START_MONTH, 1) - datetime.timedelta(
            days=1
        )

    @property
    def action_columns(self) -> list[tuple[str, str]]:
        """The action table's columns in order, as (key, heading printed)."""
        if not self.action_table_columns:
            return [(key.value, key.label) for key in self.DEFAULT_ACTION_COLUMNS]
        labels = dict(self.ActionColumn.choices)
        return [
            (item["column"], item.get("heading") or labels[item["column"]])
            for item in self.action_table_columns
        ]

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Section(models.Model):
    """A narrative section; the body is HTML that is sanitised whenever it is shown."""

    class Kind(models.TextChoices):
        FOREWORD = "foreword", "Foreword"
        INTRODUCTION = "introduction", "Introduction and background"
        PURPOSE = "purpose", "Purpose of the plan"
        CURRENT_PICTURE = "current_picture", "The current picture"
        DEVELOPING = "developing", "Developing the plan"
        ENGAGEMENT = "engagement", "Community engagement"
        LINKS = "links", "Links with other plans"
        PRIORITIES = "priorities", "The priorities"
        CROSS_CUTTING = "cross_cutting", "Cross-cutting themes"
        MONITORING = "monitoring", "Monitoring performance and delivery"
        RESOURCING = "resourcing", "Resourcing the plan"
        IMPLEMENTATION = "implementation", "Implementation"
        CONTACT = "contact", "Contact details"
        APPENDIX = "appendix", "Appendix"
        OTHER = "other", "Other"

    class Placement(models.TextChoices):
        BEFORE_PRIORITIES = "before", "Before the priorities"
        AFTER_PRIORITIES = "after", "After the priorities"
        APPENDIX = "appendix", "In the appendices"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    placement = models.CharField(
        max_length=10, choices=Placement.choices, default=Placement.BEFORE_PRIORITIES
    )
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, validators=[TextLimit(SECTION_BODY_MAX)])
    signatory_name = models.CharField(max_length=200, blank=True)
    signatory_role = models.CharField(max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"],
                name="section_order_unique_in_plan",
                violation_error_message="Another section of this plan already has that place.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#section-{self.pk}"


class Subsection(models.Model):
    """A numbered part of a section ("3.1 Crime"), listed under it in the contents; the body is
    HTML sanitised whenever it is shown, as a section's is."""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="subsections")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True, validators=[TextLimit(SECTION_BODY_MAX)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["section", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["section", "order"],
                name="subsection_order_unique_in_section",
                violation_error_message="Another subsection of this section already has that "
                "place.",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return f"{self.section.plan.get_absolute_url()}#subsection-{self.pk}"


class RelatedStrategy(models.Model):
    """One of the plan's "links with other plans and strategies"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="related_strategies")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        verbose_name_plural = "related strategies"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"],
                name="related_strategy_order_unique_in_plan",
                violation_error_message="Another strategy of this plan already has that place.",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class GlossaryTerm(models.Model):
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="glossary_terms"
    )
    term = models.CharField(max_length=100)
    meaning = models.TextField(validators=[TextLimit(SHORT_TEXT_MAX)])

    history = HistoricalRecords()

    class Meta:
        ordering = ["partnership", "term"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "term"],
                name="glossary_term_unique_in_partnership",
                violation_error_message="The glossary already explains this term.",
            ),
        ]

    def __str__(self) -> str:
        return self.term


# The same span as a plan's start year: nothing was funded under a plan before 1998.
BUDGET_EARLIEST_YEAR = 1998
BUDGET_LATEST_YEAR = 2200


class BudgetLine(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines")
    order = models.PositiveSmallIntegerField()
    project = models.CharField(max_length=300, help_text="The project or action funded.")
    funding_stream = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    year = models.PositiveSmallIntegerField(
        help_text="The financial year it starts: 2010 for 2010/11.",
        validators=[
            MinValueValidator(BUDGET_EARLIEST_YEAR, "Give a year from 1998 onwards"),
            MaxValueValidator(BUDGET_LATEST_YEAR, "Give a year up to 2200"),
        ],
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "year", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"],
                name="budget_line_order_unique_in_plan",
                violation_error_message="Another budget line of this plan already has that place.",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=Decimal("0")),
                name="budget_line_amount_not_negative",
                violation_error_message="The amount cannot be negative.",
            ),
            models.CheckConstraint(
                condition=Q(year__gte=BUDGET_EARLIEST_YEAR) & Q(year__lte=BUDGET_LATEST_YEAR),
                name="budget_line_year_plausible",
                violation_error_message="Give a budget year from 1998 to 2200.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project}: £{self.amount}"
