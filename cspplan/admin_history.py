"""The admin of everything with a history: each object's history, as django-simple-history
gives it, and a list of deleted objects to bring back. Shared by every app's admin."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from simple_history.admin import SimpleHistoryAdmin

from cspplan.forms import SafeInputAdmin

DELETED_LISTED = 200


@dataclass(frozen=True)
class Deletion:
    name: str
    deleted_at: object
    deleted_by: object
    url: str


class HistoryAdmin(SafeInputAdmin, SimpleHistoryAdmin):
    """Simple history's admin plus a list of deleted objects, which have no page to reach
    their history from, so a support officer can find one and bring it back."""

    change_list_template = "admin/change_list_with_deleted.html"

    class Media:
        js = ["js/admin-select2-labels.js"]

    def get_urls(self) -> list[URLPattern]:
        name = f"{self.opts.app_label}_{self.opts.model_name}_deleted"
        deleted = path("deleted/", self.admin_site.admin_view(self.deleted_view), name=name)
        return [deleted, *super().get_urls()]

    def deleted_view(self, request: HttpRequest) -> TemplateResponse:
        if not self.has_view_history_or_change_history_permission(request):
            raise PermissionDenied
        pk_name = self.opts.pk.attname
        records = (
            self.model.history.filter(history_type="-")
            .exclude(**{f"{pk_name}__in": self.model._default_manager.values("pk")})
            .select_related("history_user")
            .order_by("-history_date")[:DELETED_LISTED]
        )
        revert = f"admin:{self.opts.app_label}_{self.opts.model_name}_simple_history"
        deletions, seen = [], set()
        for record in records:
            object_id = getattr(record, pk_name)
            if object_id in seen:
                continue
            seen.add(object_id)
            deletions.append(
                Deletion(
                    name=str(record.instance),
                    deleted_at=record.history_date,
                    deleted_by=record.history_user,
                    url=reverse(revert, args=[object_id, record.history_id]),
                )
            )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Deleted {self.opts.verbose_name_plural}",
            "opts": self.opts,
            "deletions": deletions,
        }
        return TemplateResponse(request, "admin/deleted_objects.html", context)
