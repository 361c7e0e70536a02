"""The plan's outline: the order its parts print in, as the plan was written.

Each block is one part of the document: a section (with its subsections), a priority or
cross-cutting theme, or one of the parts the application builds (targets tables, scanning
matrix, related strategies, governance chart, indicator list, glossary, budget). An
"appendices start here" block letters every part after it A, B, C... in print order.

A plan's sections and priorities that have no block yet (added in the admin, say) still
print: plans.outline places them where they would have printed before outlines existed.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from plans.models.plan import Plan, Section


class OutlineBlock(models.Model):
    class Kind(models.TextChoices):
        SECTION = "section", "Section"
        PRIORITY = "priority", "Priority"
        TARGETS = "targets", "Local targets tables"
        SCANNING_MATRIX = "scanning_matrix", "Scanning matrix"
        RELATED_STRATEGIES = "related_strategies", "Links with other plans and strategies"
        GOVERNANCE = "governance", "Governance chart"
        BUDGET = "budget", "Budget"
        APPENDICES = "appendices", "Appendices start here"
        INDICATORS = "indicators", "Indicator list"
        GLOSSARY = "glossary", "Glossary"

    # Kinds with no section or priority: one block each per plan.
    GENERATED_KINDS = (
        Kind.TARGETS,
        Kind.SCANNING_MATRIX,
        Kind.RELATED_STRATEGIES,
        Kind.GOVERNANCE,
        Kind.BUDGET,
        Kind.APPENDICES,
        Kind.INDICATORS,
        Kind.GLOSSARY,
    )

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="outline_blocks")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=20, choices=Kind.choices)
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="outline_blocks"
    )
    priority = models.ForeignKey(
        "priorities.Priority",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outline_blocks",
    )
    is_shown = models.BooleanField(
        "printed",
        default=True,
        help_text="Whether the part prints. The appendices marker, shown, letters the parts "
        "after it Appendix A, B, C...",
    )
    shows_every_term = models.BooleanField(
        "every glossary term",
        default=False,
        help_text="For the glossary: print every term of the partnership's glossary, not only "
        "those the plan's text uses.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "order"],
                name="outline_block_order_unique_in_plan",
                violation_error_message="Another part of this plan's outline already has that "
                "place.",
            ),
            models.UniqueConstraint(
                fields=["plan", "section"],
                condition=Q(section__isnull=False),
                name="outline_block_section_once",
                violation_error_message="This section is already in the plan's outline.",
            ),
            models.UniqueConstraint(
                fields=["plan", "priority"],
                condition=Q(priority__isnull=False),
                name="outline_block_priority_once",
                violation_error_message="This priority is already in the plan's outline.",
            ),
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=~Q(kind__in=["section", "priority"]),
                name="outline_block_generated_kind_once",
                violation_error_message="This part is already in the plan's outline.",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="section", section__isnull=False, priority__isnull=True)
                    | Q(kind="priority", priority__isnull=False, section__isnull=True)
                    | (
                        ~Q(kind__in=["section", "priority"])
                        & Q(section__isnull=True, priority__isnull=True)
                    )
                ),
                name="outline_block_names_its_part",
                violation_error_message="A section's block names the section, a priority's "
                "names the priority, and no other block names either.",
            ),
        ]

    def __str__(self) -> str:
        if self.section_id:
            return f"Section: {self.section}"
        if self.priority_id:
            return f"Priority: {self.priority}"
        return self.get_kind_display()

    def get_absolute_url(self) -> str:
        return reverse("plans:outline", args=[self.plan_id])

    @property
    def key(self) -> str:
        """The block's name in the outline, which a block not yet stored shares."""
        if self.kind == self.Kind.SECTION:
            return f"section-{self.section_id}"
        if self.kind == self.Kind.PRIORITY:
            return f"priority-{self.priority_id}"
        return str(self.kind)
