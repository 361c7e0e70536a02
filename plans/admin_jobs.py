"""Background jobs in the admin: what the worker did, and every job that gave up, for
administrators to see and, once the cause is mended, to try again."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from cspplan.forms import SafeInputAdmin
from plans.admin_workflow import RecordReadOnly
from plans.jobs import job_enqueue
from plans.models import DraftFile, Job

JOB_FIELDS = [
    "kind",
    "status",
    "plan",
    "requested_by",
    "attempts",
    "created_at",
    "run_after",
    "started_at",
    "finished_at",
    "error",
    "error_is_for_people",
    "payload",
]


@admin.register(Job)
class JobAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    list_display = ["__str__", "kind", "status", "attempts", "created_at", "finished_at", "error"]
    list_filter = ["status", "kind"]
    list_select_related = ["plan", "plan__partnership"]
    search_fields = ["plan__title", "plan__partnership__name", "error"]
    date_hierarchy = "created_at"
    fields = JOB_FIELDS
    readonly_fields = JOB_FIELDS
    actions = ["try_again"]

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        # Needed for the "try again" action; every field stays read-only.
        return request.user.is_superuser

    @admin.action(description="Try the failed jobs again")
    def try_again(self, request: HttpRequest, queryset: QuerySet[Job]) -> None:
        """A new job for each failed one, so the failure stays on record."""
        failed = list(queryset.failed().select_related("plan", "requested_by"))
        with transaction.atomic():
            for job in failed:
                job_enqueue(
                    kind=job.kind, plan=job.plan, user=job.requested_by, payload=job.payload
                )
        skipped = queryset.count() - len(failed)
        self.message_user(
            request,
            f"{len(failed)} failed job{'' if len(failed) == 1 else 's'} queued again at "
            f"{timezone.localtime():%H:%M}."
            + (f" {skipped} not failed, left as they are." if skipped else ""),
            messages.SUCCESS,
        )


@admin.register(DraftFile)
class DraftFileAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    """Shown for support: the draft PDFs the worker prepared, and the content version each
    shows. Only the worker writes them."""

    list_display = ["plan", "large_print", "content_version", "rendered_at"]
    list_select_related = ["plan", "plan__partnership"]
    fields = ["plan", "large_print", "content_version", "sha256", "rendered_at"]
    readonly_fields = fields
