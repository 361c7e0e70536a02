"""Work the task worker does for people: publishing a plan, preparing a draft's PDFs, sending
an email. Each is a Job row, so what happened to it survives the worker that ran it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from plans.models.plan import Plan


class JobQuerySet(models.QuerySet["Job"]):
    def open(self) -> JobQuerySet:
        """Waiting to run, or running."""
        return self.filter(status__in=[Job.Status.WAITING, Job.Status.RUNNING])

    def publishing(self) -> JobQuerySet:
        """Publications waiting or running: at most one per plan."""
        return self.open().filter(kind=Job.Kind.PUBLISH)

    def failed(self) -> JobQuerySet:
        return self.filter(status=Job.Status.FAILED)


class Job(models.Model):
    """One piece of background work and what became of it.

    The task queue carries only the job's number. The job keeps its attempts, its last error
    and when it may next run, so a failure is retried with backoff, a job whose worker died is
    found and run again, and administrators see every job that gave up.
    """

    class Kind(models.TextChoices):
        PUBLISH = "publish", "Publish a plan"
        DRAFT_PDFS = "draft_pdfs", "Prepare a draft's PDFs"
        EMAIL = "email", "Send an email"

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    payload = models.JSONField(
        default=dict, blank=True, help_text="What the job needs: a comment, an email's text."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    run_after = models.DateTimeField(help_text="Not started before this time.")
    created_at = models.DateTimeField()
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True, help_text="What went wrong last, in words.")
    error_is_for_people = models.BooleanField(
        default=False,
        help_text="The error is a message for the person who asked (a plan that moved on, a "
        "PDF too slow to make), not a fault, which only administrators see.",
    )

    objects = JobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["plan", "kind", "status"], name="job_plan_kind_status"),
            models.Index(fields=["status", "run_after"], name="job_status_run_after"),
        ]
        constraints = [
            # Pressing "Publish" twice makes one publication.
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=Q(kind="publish", status__in=["waiting", "running"]),
                name="job_one_open_publication_per_plan",
                violation_error_message="This plan is already being published.",
            ),
            # Edits made while a draft's PDFs wait to be prepared are all in the one preparation.
            models.UniqueConstraint(
                fields=["plan", "kind"],
                condition=Q(kind="draft_pdfs", status="waiting"),
                name="job_one_waiting_draft_pdfs_per_plan",
                violation_error_message="This plan's PDFs are already waiting to be prepared.",
            ),
            models.CheckConstraint(
                condition=Q(kind="email") | Q(plan__isnull=False),
                name="job_plan_work_names_its_plan",
                violation_error_message="Publishing and PDFs need the plan they are for.",
            ),
            models.CheckConstraint(
                condition=Q(status="waiting") | Q(started_at__isnull=False),
                name="job_started_unless_waiting",
                violation_error_message="A job that ran has the time it started.",
            ),
        ]

    def __str__(self) -> str:
        subject = self.plan if self.plan_id else self.payload.get("subject", "")
        return f"{self.get_kind_display()}: {subject} ({self.get_status_display().lower()})"

    def get_absolute_url(self) -> str:
        return reverse("admin:plans_job_change", args=[self.pk])

    @property
    def message(self) -> str:
        """What the person waiting is told of a failure; a fault's details are for the admin."""
        if self.error_is_for_people:
            return self.error
        return (
            "Something went wrong while it was being made, and trying again did not help. "
            "The administrators can see what happened; try again later."
        )

    @property
    def is_finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
