"""The admin's pages for imports from Word and spreadsheets. Imported by plans/admin.py.

Both are records for support officers to read: an import is made and confirmed on the plan's
own pages (plans.word, priorities.spreadsheets), never here. A pending upload shows its file's
name and size, not its bytes.
"""

from __future__ import annotations

from django.contrib import admin

from cspplan.forms import SafeInputAdmin
from plans.admin_workflow import RecordReadOnly
from plans.models import PendingImport, PlanImport


@admin.register(PlanImport)
class PlanImportAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    list_display = ["file_name", "plan", "source", "task_group", "made_by", "made_at"]
    list_filter = ["source", "plan__partnership"]
    list_select_related = ["plan", "plan__partnership", "task_group", "made_by"]
    search_fields = ["file_name", "plan__title", "summary"]
    date_hierarchy = "made_at"
    fields = ["plan", "task_group", "source", "file_name", "made_by", "made_at", "summary"]
    readonly_fields = fields


@admin.register(PendingImport)
class PendingImportAdmin(SafeInputAdmin, RecordReadOnly, admin.ModelAdmin):
    list_display = ["file_name", "partnership", "plan", "source", "uploaded_by", "uploaded_at"]
    list_filter = ["source", "partnership"]
    list_select_related = ["partnership", "plan", "uploaded_by"]
    fields = [
        "partnership",
        "plan",
        "new_plan_title",
        "task_group",
        "source",
        "file_name",
        "size",
        "uploaded_by",
        "uploaded_at",
    ]
    readonly_fields = fields

    @admin.display(description="size")
    def size(self, pending: PendingImport) -> str:
        return f"{len(pending.content) / 1024:,.0f} KiB"

    def has_delete_permission(self, request, obj=None) -> bool:
        # A support officer may clear an upload nobody will confirm.
        return request.user.has_perm("plans.delete_pendingimport")
