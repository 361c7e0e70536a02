"""Partnerships, the bodies and people in them, and their plans.

A plan's period is in financial years: start_year 2010 and end_year 2011 is "2010/11", the
year that runs from 1 April 2010 to 31 March 2011.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

FINANCIAL_YEAR_START_MONTH = 4


class Partnership(models.Model):
    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(
        max_length=60, help_text="How the partnership's own plans name it, e.g. “CDRP”."
    )
    slug = models.SlugField(max_length=80, unique=True)
    area = models.CharField(
        max_length=200, help_text="The area it serves, e.g. “Allerdale and Copeland”."
    )
    contact_name = models.CharField(max_length=200, blank=True)
    contact_role = models.CharField(max_length=200, blank=True)
    contact_address = models.TextField(blank=True)
    contact_phone = models.CharField(max_length=50, blank=True)
    contact_email = models.EmailField(blank=True)
    website = models.URLField(blank=True)
    organisations = models.ManyToManyField(
        "Organisation", through="PartnershipOrganisation", related_name="partnerships"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:plans_partnership_change", args=[self.pk])


class District(models.Model):
    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="districts")
    name = models.CharField(max_length=100)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["partnership", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="district_name_unique_in_partnership",
                violation_error_message="This partnership already has a district of that name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Organisation(models.Model):
    class Kind(models.TextChoices):
        POLICE = "police", "Police"
        POLICE_AUTHORITY = "police_authority", "Police authority or PCC"
        COUNCIL = "council", "Council"
        FIRE = "fire", "Fire and rescue"
        HEALTH = "health", "Health"
        PROBATION = "probation", "Probation"
        HOUSING = "housing", "Housing"
        YOUTH_OFFENDING = "youth_offending", "Youth offending"
        DRUG_ALCOHOL = "drug_alcohol", "Drug and alcohol"
        VOLUNTARY = "voluntary", "Voluntary and community"
        COLLECTIVE = "collective", "Several bodies together"
        OTHER = "other", "Other"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    website = models.URLField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:plans_organisation_change", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class PartnershipOrganisation(models.Model):
    """An organisation's place in one partnership."""

    class Role(models.TextChoices):
        RESPONSIBLE_AUTHORITY = "responsible", "Responsible authority"
        CO_OPERATING_BODY = "co_operating", "Co-operating body"
        INVITED_MEMBER = "invited", "Invited member"

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["partnership", "role", "organisation__name"]
        verbose_name = "partner organisation"
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "organisation"],
                name="organisation_once_per_partnership",
                violation_error_message="This organisation is already in the partnership.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()}, {self.partnership})"


class Group(models.Model):
    """A board, delivery group, task group or panel; reports_to draws the governance chart."""

    class Kind(models.TextChoices):
        LEADERSHIP = "leadership", "Leadership group"
        DELIVERY = "delivery", "Delivery group"
        TASK = "task", "Task group"
        OTHER = "other", "Other group or panel"

    partnership = models.ForeignKey(Partnership, on_delete=models.CASCADE, related_name="groups")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=100, blank=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reporting_groups"
    )
    chair_name = models.CharField(max_length=200, blank=True)
    chair_email = models.EmailField(blank=True)
    chair_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    member_organisations = models.ManyToManyField(
        Organisation, blank=True, related_name="group_memberships"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["partnership", "order", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["partnership", "name"],
                name="group_name_unique_in_partnership",
                violation_error_message="This partnership already has a group of that name.",
            ),
            models.CheckConstraint(
                condition=~Q(reports_to=F("pk")),
                name="group_does_not_report_to_itself",
                violation_error_message="A group cannot report to itself.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("admin:plans_group_change", args=[self.pk])

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Membership(models.Model):
    """A person's role in one partnership; the role decides what they may see and change."""

    class Role(models.TextChoices):
        ADMINISTRATOR = "administrator", "Partnership administrator"
        EDITOR = "editor", "Editor"
        REVIEWER = "reviewer", "Reviewer"
        VIEWER = "viewer", "Viewer"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    task_groups = models.ManyToManyField(
        Group,
        blank=True,
        related_name="editor_memberships",
        help_text="For editors: the task groups whose priorities and actions they keep.",
    )

    class Meta:
        ordering = ["partnership", "user__username"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "partnership"],
                name="one_membership_per_user_and_partnership",
                violation_error_message="This person already has a role in the partnership.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.partnership}"


class PlanQuerySet(models.QuerySet["Plan"]):
    def published(self) -> PlanQuerySet:
        return self.filter(status=Plan.Status.PUBLISHED)

    def drafts(self) -> PlanQuerySet:
        return self.filter(status=Plan.Status.DRAFT)

    def public(self) -> PlanQuerySet:
        """Plans anyone may read: published ones, and superseded ones, which stay readable."""
        return self.filter(status__in=[Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED])

    def readable_by(self, user) -> PlanQuerySet:
        """Public plans for everyone, and every plan of the partnerships a user belongs to."""
        if user.is_authenticated and user.is_superuser:
            return self
        public = Q(status__in=[Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED])
        if user.is_authenticated:
            return self.filter(
                public | Q(partnership__in=Partnership.objects.filter(memberships__user=user))
            )
        return self.filter(public)


class Plan(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        IN_REVIEW = "in_review", "In review"
        APPROVED = "approved", "Approved"
        PUBLISHED = "published", "Published"
        SUPERSEDED = "superseded", "Superseded"

    partnership = models.ForeignKey(Partnership, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=300)
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
    summary = models.TextField(blank=True)
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
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT

    def move_to(
        self, to_status: str, *, user, comment: str = "", open_comments_reason: str = ""
    ) -> PlanTransition:
        """The one way a plan changes status, for buttons and admin actions alike; the rules
        live in plans.workflow, which imports this module."""
        from plans.workflow import plan_move

        return plan_move(
            plan=self,
            to_status=to_status,
            user=user,
            comment=comment,
            open_comments_reason=open_comments_reason,
        )


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
    body = models.TextField(blank=True)
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


class RelatedStrategy(models.Model):
    """One of the plan's "links with other plans and strategies"."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="related_strategies")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    owner = models.CharField(max_length=200, blank=True)
    url = models.URLField(blank=True)

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
    meaning = models.TextField()

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


class BudgetLine(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="budget_lines")
    order = models.PositiveSmallIntegerField()
    project = models.CharField(max_length=300, help_text="The project or action funded.")
    funding_stream = models.CharField(max_length=200, blank=True)
    amount = models.DecimalField(max_digits=12, decimal_places=2)
    year = models.PositiveSmallIntegerField(
        help_text="The financial year it starts: 2010 for 2010/11."
    )

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
        ]

    def __str__(self) -> str:
        return f"{self.project}: £{self.amount}"


class PublishedCopy(models.Model):
    """A plan exactly as it was when published: what its public addresses serve from then on.

    Kept in the database beside the plan so publishing is one transaction and a later edit of a
    draft can never change what the public was shown.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="published_copies")
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    html = models.TextField(help_text="The document as the plan's web page shows it.")
    html_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    large_print_pdf = models.BinaryField()
    large_print_pdf_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["plan", "-published_at"]
        get_latest_by = "published_at"
        verbose_name_plural = "published copies"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "published_at"],
                name="published_copy_once_per_moment",
                violation_error_message="This plan already has a copy published at that moment.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} as published {self.published_at:%-d %B %Y %H:%M}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()


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
    comment = models.TextField(blank=True)
    open_comments_reason = models.TextField(
        blank=True,
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


class PlanContentVersion(models.Model):
    """A number that changes whenever anything a plan's document shows changes.

    Only the database writes it: triggers on every table the document reads count each insert,
    update and delete (migration plans 0004), so edits made anywhere (the app, the admin,
    queryset.update(), a shell) show at once, and a draft's rendered document can be cached
    under the plan's version.
    """

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, primary_key=True, related_name="content_version"
    )
    version = models.PositiveBigIntegerField(default=1)

    class Meta:
        ordering = ["plan"]

    def __str__(self) -> str:
        return f"{self.plan} content version {self.version}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()
