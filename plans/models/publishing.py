"""Published copies: what a plan's public addresses serve once it is published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from plans.limits import COMMENT_MAX, TextLimit
from plans.models.partnership import COLOUR_MESSAGE, COLOUR_PATTERN
from plans.models.plan import Plan


class PublishedCopy(models.Model):
    """A plan exactly as it was when published: what its public addresses serve from then on.

    Kept in the database beside the plan so publishing is one transaction and a later edit of a
    draft can never change what the public was shown. A published plan that is corrected is
    published again as the next version; every version stays readable at its own address.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="published_copies")
    version = models.PositiveIntegerField(
        default=1, help_text="1 for the plan as first published, 2 for its first correction."
    )
    change_note = models.TextField(
        blank=True,
        validators=[TextLimit(COMMENT_MAX)],
        help_text="What the correction changed; empty for the first version.",
    )
    published_at = models.DateTimeField()
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    html = models.TextField(help_text="The document as the plan's web page shows it.")
    cover_colour = models.CharField(
        max_length=7,
        blank=True,
        help_text="The partnership's cover colour when this version was published: its page "
        "links the stylesheet of this colour, whatever the colour is now.",
    )
    html_sha256 = models.CharField(max_length=64)
    pdf = models.BinaryField()
    pdf_sha256 = models.CharField(max_length=64)
    large_print_pdf = models.BinaryField()
    large_print_pdf_sha256 = models.CharField(max_length=64)

    class Meta:
        ordering = ["plan", "-version"]
        get_latest_by = "version"
        verbose_name_plural = "published copies"
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "version"],
                name="published_copy_version_unique_in_plan",
                violation_error_message="This plan already has a published version with that "
                "number.",
            ),
            models.CheckConstraint(
                condition=Q(version__gte=1),
                name="published_copy_version_from_one",
                violation_error_message="Versions are numbered from 1.",
            ),
            models.CheckConstraint(
                condition=Q(cover_colour="") | Q(cover_colour__regex=COLOUR_PATTERN),
                name="published_copy_cover_colour_is_hex",
                violation_error_message=COLOUR_MESSAGE,
            ),
            models.UniqueConstraint(
                fields=["plan", "published_at"],
                name="published_copy_once_per_moment",
                violation_error_message="This plan already has a copy published at that moment.",
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.plan}, version {self.version}, as published {self.published_at:%-d %B %Y %H:%M}"
        )

    def get_absolute_url(self) -> str:
        return reverse(
            "plans:plan_version",
            args=[self.plan.partnership.slug, self.plan.slug, self.version],
        )
