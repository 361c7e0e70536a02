"""Published copies: what a plan's public addresses serve once it is published."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from plans.models.plan import Plan


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
