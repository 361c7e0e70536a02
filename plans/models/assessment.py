"""The strategic assessment's scanning matrix: the chart in which a partnership scores the
issues it considered, and from which it chose its priorities.

Criteria are the columns ("Volume", "Harm", "Public concern"), categories the rows, with one
level of sub-categories under a category ("Acquisitive crime" > "Burglary dwelling"). Each
cell holds the plan's own mark as typed (a tick, "3", "H"), and each row a comment and a
decision: included among the priorities, excluded, or not yet decided. Priorities name the
categories they came from (Priority.assessment_categories, in the priorities app).

Rules spanning rows (a mark's category and criterion in one matrix; a sub-category's parent a
category of the same matrix and itself not a sub-category) are kept by the database's
triggers (migration plans 0015), which raise integrity errors named after the rule.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from plans.limits import LONG_TEXT_MAX, SHORT_TEXT_MAX, TextLimit
from plans.models.plan import Plan

MARK_MAX = 10
CRITERION_NAME_MAX = 100
CATEGORY_NAME_MAX = 200
# The database rules the triggers of plans 0015 keep, named in the errors they raise.
MARK_IN_ONE_MATRIX = "scanning_mark_category_and_criterion_in_one_matrix"
PARENT_IN_MATRIX = "scanning_category_parent_is_a_top_category_of_its_matrix"


class ScanningMatrix(models.Model):
    """One plan's scanning matrix, printed as a table in its document."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="scanning_matrix")
    title = models.CharField(max_length=200, blank=True)
    introduction = models.TextField(blank=True, validators=[TextLimit(LONG_TEXT_MAX)])
    key = models.TextField(
        "key to the marks",
        blank=True,
        validators=[TextLimit(SHORT_TEXT_MAX)],
        help_text="What the marks mean, for example “H: high, M: medium, L: low”.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan"]
        verbose_name_plural = "scanning matrices"

    DEFAULT_TITLE = "Strategic assessment: scanning matrix"

    def __str__(self) -> str:
        return self.shown_title

    def get_absolute_url(self) -> str:
        return f"{self.plan.get_absolute_url()}#scanning-matrix"

    @property
    def shown_title(self) -> str:
        return self.title or self.DEFAULT_TITLE


class ScanningCriterion(models.Model):
    """A column of the matrix: what each issue was scored on."""

    matrix = models.ForeignKey(ScanningMatrix, on_delete=models.CASCADE, related_name="criteria")
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=CRITERION_NAME_MAX)

    history = HistoricalRecords()

    class Meta:
        ordering = ["matrix", "order"]
        verbose_name_plural = "scanning criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "order"],
                name="scanning_criterion_order_unique_in_matrix",
                violation_error_message="Another criterion of this matrix already has that place.",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="scanning_criterion_has_a_name",
                violation_error_message="Enter the criterion's name.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.matrix.get_absolute_url()


class ScanningCategoryQuerySet(models.QuerySet["ScanningCategory"]):
    def top(self) -> ScanningCategoryQuerySet:
        return self.filter(parent__isnull=True)


class ScanningCategory(models.Model):
    """A row of the matrix: an issue, or a group of issues with sub-categories under it."""

    class Decision(models.TextChoices):
        UNDECIDED = "undecided", "Not decided"
        INCLUDED = "included", "Included"
        EXCLUDED = "excluded", "Excluded"

    matrix = models.ForeignKey(ScanningMatrix, on_delete=models.CASCADE, related_name="categories")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="subcategories",
        help_text="The category this is a sub-category of; empty for a category of its own.",
    )
    # Unique across the matrix's rows, so a row keeps its place when moved between parents;
    # the document lists each parent's sub-categories in this order under it.
    order = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=CATEGORY_NAME_MAX)
    comment = models.TextField(blank=True, validators=[TextLimit(SHORT_TEXT_MAX)])
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.UNDECIDED)

    history = HistoricalRecords()
    objects = ScanningCategoryQuerySet.as_manager()

    class Meta:
        ordering = ["matrix", "order"]
        verbose_name_plural = "scanning categories"
        constraints = [
            models.UniqueConstraint(
                fields=["matrix", "order"],
                name="scanning_category_order_unique_in_matrix",
                violation_error_message="Another category of this matrix already has that place.",
            ),
            models.CheckConstraint(
                condition=~Q(name=""),
                name="scanning_category_has_a_name",
                violation_error_message="Enter the category's name.",
            ),
            models.CheckConstraint(
                condition=Q(decision__in=["undecided", "included", "excluded"]),
                name="scanning_category_decision_is_known",
                violation_error_message="Choose whether the category is included, excluded or "
                "not decided.",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return f"{self.matrix.plan.get_absolute_url()}#scanning-category-{self.pk}"

    def clean(self) -> None:
        """The rules the triggers keep, said beside the parent for the admin's form."""
        super().clean()
        if self.parent_id is None:
            return
        parent = self.parent
        if self.pk is not None and parent.pk == self.pk:
            raise ValidationError({"parent": "A category cannot be its own sub-category."})
        if parent.matrix_id != self.matrix_id:
            raise ValidationError({"parent": "Choose a category of the same matrix."})
        if parent.parent_id is not None:
            raise ValidationError(
                {"parent": "Choose a category, not a sub-category: sub-categories have none."}
            )
        if self.pk is not None and self.subcategories.exists():
            raise ValidationError(
                {"parent": "This category has sub-categories, so it cannot be one itself."}
            )


class ScanningMark(models.Model):
    """A cell of the matrix: the mark a category got on a criterion, as the plan prints it."""

    category = models.ForeignKey(ScanningCategory, on_delete=models.CASCADE, related_name="marks")
    criterion = models.ForeignKey(ScanningCriterion, on_delete=models.CASCADE, related_name="marks")
    text = models.CharField(max_length=MARK_MAX)

    history = HistoricalRecords()

    class Meta:
        ordering = ["category", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "criterion"],
                name="scanning_mark_one_per_cell",
                violation_error_message="This category already has a mark for that criterion.",
            ),
            models.CheckConstraint(
                condition=~Q(text=""),
                name="scanning_mark_not_empty",
                violation_error_message="An empty cell has no mark: leave it out.",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.category} / {self.criterion}: {self.text}"

    def get_absolute_url(self) -> str:
        return self.category.get_absolute_url()

    def clean(self) -> None:
        super().clean()
        if (
            self.category_id is not None
            and self.criterion_id is not None
            and self.category.matrix_id != self.criterion.matrix_id
        ):
            raise ValidationError({"criterion": "Choose a criterion of the category's matrix."})
