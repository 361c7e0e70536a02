"""Imports: a Word document or spreadsheet brought into a plan, kept as one change.

Each row an import writes has its own history entry with its author, and that entry's reason
names the import, so the audit log can show the import as one change and list what it did.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from plans.limits import COMMENT_MAX, TextLimit
from plans.models.partnership import Group, Partnership
from plans.models.plan import Plan


class ImportSource(models.TextChoices):
    WORD = "word", "Word document"
    SPREADSHEET = "spreadsheet", "Spreadsheet"


class PendingImportQuerySet(models.QuerySet):
    def stale(self) -> PendingImportQuerySet:
        return self.filter(uploaded_at__lt=timezone.now() - datetime.timedelta(days=1))


class PendingImport(models.Model):
    """A file uploaded and checked, waiting while its preview is read and confirmed.

    Kept in the database, not in a session or on one server's disk, so the confirm may reach
    any app server. Only the person who uploaded it may see its preview or confirm it. It is
    deleted when confirmed; each new upload deletes its uploader's earlier ones for the plan,
    and every one more than a day old (see `PendingImportQuerySet.stale`).
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="pending_imports"
    )
    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pending_imports",
        help_text="The draft the file goes into; empty when confirming creates a new draft.",
    )
    new_plan_title = models.CharField(max_length=300, blank=True)
    new_plan_start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    new_plan_end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    task_group = models.ForeignKey(
        Group,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The task group whose actions are being imported; empty for the whole plan.",
    )
    source = models.CharField(max_length=20, choices=ImportSource.choices)
    file_name = models.CharField(max_length=255)
    content = models.BinaryField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = PendingImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(plan__isnull=False)
                | (
                    ~Q(new_plan_title="")
                    & Q(new_plan_start_year__isnull=False)
                    & Q(new_plan_end_year__isnull=False)
                ),
                name="pending_import_has_a_plan_or_a_new_ones_title_and_years",
                violation_error_message="Choose the draft to import into, or give the new plan's "
                "title and years.",
            ),
        ]

    def __str__(self) -> str:
        target = self.plan or f"a new plan, {self.new_plan_title}"
        return f"“{self.file_name}” waiting to be imported into {target}"


class PlanImport(models.Model):
    Source = ImportSource

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="imports")
    task_group = models.ForeignKey(
        Group,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The task group whose actions were imported; empty for the whole plan.",
    )
    source = models.CharField(max_length=20, choices=Source.choices)
    file_name = models.CharField(max_length=255)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    made_at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField(
        validators=[TextLimit(COMMENT_MAX)],
        help_text="What the import did, as the person was shown before confirming it.",
    )

    class Meta:
        ordering = ["-made_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.get_source_display()} “{self.file_name}” imported into {self.plan}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()

    @property
    def history_reason(self) -> str:
        """The reason every history entry this import writes carries."""
        return f"Imported from “{self.file_name}” (import {self.pk})"
