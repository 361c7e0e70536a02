"""Imports: a Word document or spreadsheet brought into a plan, kept as one change.

Each row an import writes has its own history entry with its author, and that entry's reason
names the import, so the audit log can show the import as one change and list what it did.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from plans.limits import COMMENT_MAX, TextLimit
from plans.models.partnership import Group
from plans.models.plan import Plan


class PlanImport(models.Model):
    class Source(models.TextChoices):
        WORD = "word", "Word document"
        SPREADSHEET = "spreadsheet", "Spreadsheet"

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
