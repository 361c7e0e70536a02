"""The content version that a plan's rendered document is cached under."""

from __future__ import annotations

from django.db import models

from plans.models.plan import Plan


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


class DemoPlanSource(models.Model):
    """Which data file a demo plan was loaded from, so a later load can bring in a newer file
    without overwriting an officer's edits: the plan is reloaded only while its content version
    is still the one it had when it was loaded."""

    plan = models.OneToOneField(
        Plan, on_delete=models.CASCADE, primary_key=True, related_name="demo_source"
    )
    file_digest = models.CharField(max_length=64, help_text="SHA-256 of the data file.")
    content_version = models.PositiveBigIntegerField(
        help_text="The plan's content version just after it was loaded."
    )
    loaded_at = models.DateTimeField()

    class Meta:
        ordering = ["plan"]

    def __str__(self) -> str:
        return f"{self.plan} loaded from a file with digest {self.file_digest[:12]}"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()


class DraftFile(models.Model):
    """A draft's PDF, prepared by the task worker after a change, and the content version it
    shows: a member's download serves it while that version stands."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="draft_files")
    large_print = models.BooleanField(default=False)
    content_version = models.PositiveBigIntegerField()
    content = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    rendered_at = models.DateTimeField()

    class Meta:
        ordering = ["plan", "large_print"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "large_print"],
                name="draft_file_one_per_plan_and_print",
                violation_error_message="This plan already has a prepared PDF of this kind.",
            )
        ]

    def __str__(self) -> str:
        kind = "large-print PDF" if self.large_print else "PDF"
        return f"{self.plan} draft {kind} (content version {self.content_version})"

    def get_absolute_url(self) -> str:
        return self.plan.get_absolute_url()
