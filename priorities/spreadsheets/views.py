"""Pages for action plans as spreadsheets: download (XLSX or CSV, a plan's or a task
group's), upload, and the preview where an import is confirmed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from plans.models import Group, PendingImport
from plans.models.imports import ImportSource
from plans.permissions import ChangeRefused, get_pending_import_for_user, get_plan_for_user
from priorities.spreadsheets.changes import ImportPreview
from priorities.spreadsheets.export import (
    CSV_TYPE,
    XLSX_TYPE,
    csv_bytes,
    file_name,
    xlsx_bytes,
)
from priorities.spreadsheets.forms import (
    WHOLE_PLAN,
    SpreadsheetConfirmForm,
    SpreadsheetUploadForm,
)
from priorities.spreadsheets.importing import (
    ImportChangedMeanwhile,
    import_refusal,
    importable_task_groups,
    pending_upload,
    spreadsheet_import,
    spreadsheet_keep,
    upload_refusal,
)
from priorities.spreadsheets.preview import import_preview
from priorities.spreadsheets.reading import read_sheet
from priorities.spreadsheets.rows import Scope

KINDS = {"xlsx": (XLSX_TYPE, xlsx_bytes), "csv": (CSV_TYPE, csv_bytes)}


def _download(scope: Scope, kind: str) -> HttpResponse:
    if kind not in KINDS:
        raise Http404("No such format.")
    content_type, write = KINDS[kind]
    response = HttpResponse(write(scope), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{file_name(scope, kind)}"'
    return response


@require_safe
@login_required
def spreadsheet_export(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    plan = get_plan_for_user(request, pk)
    return _download(Scope(plan=plan), kind)


@require_safe
@login_required
def task_group_spreadsheet_export(
    request: HttpRequest, pk: int, group_pk: int, kind: str
) -> HttpResponse:
    plan = get_plan_for_user(request, pk)
    task_group = Group.objects.filter(pk=group_pk, partnership_id=plan.partnership_id).first()
    if task_group is None:
        raise Http404("No such task group.")
    return _download(Scope(plan=plan, task_group=task_group), kind)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def spreadsheet_upload(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk)
    task_groups = importable_task_groups(plan.access, plan)
    refusal = upload_refusal(plan.access, plan, task_groups)
    if refusal:
        raise ChangeRefused(refusal)
    # The task group whose action plan the link was on, else the widest choice there is.
    chosen = request.GET.get("task_group", "")
    if chosen in {str(group.pk) for group in task_groups}:
        initial = chosen
    else:
        initial = WHOLE_PLAN if plan.access.is_administrator else str(task_groups[0].pk)
    posted = request.method == "POST"
    form = SpreadsheetUploadForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        task_groups=task_groups,
        whole_plan=plan.access.is_administrator,
        initial={"actions": initial},
    )
    if posted and form.is_valid():
        pending = spreadsheet_keep(
            plan=plan,
            task_group=form.task_group,
            upload=form.cleaned_data["file"],
            user=request.user,
        )
        return redirect("priorities:spreadsheet_import_preview", pending.pk)
    return render(request, "priorities/spreadsheets/upload.html", {"plan": plan, "form": form})


def _spreadsheet_import_for_user(request: HttpRequest, pk: int) -> PendingImport:
    """The uploader's own kept spreadsheet while they may still import it into its plan:
    anyone else's is not found (404); a plan left draft or a lost role is refused (403)."""
    pending = get_pending_import_for_user(request, pk, ImportSource.SPREADSHEET)
    if pending.plan is None:
        raise Http404("No such import.")
    refusal = import_refusal(pending.access, pending.plan, pending.task_group)
    if refusal:
        raise ChangeRefused(refusal)
    return pending


def _confirm_form(
    request: HttpRequest, pending: PendingImport, preview: ImportPreview, *, bound: bool
) -> SpreadsheetConfirmForm:
    return SpreadsheetConfirmForm(
        request.POST if bound else None,
        partnership=pending.plan.partnership,
        unknown=preview.unknown_partners,
        initial={"fingerprint": preview.fingerprint},
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def spreadsheet_import_preview(request: HttpRequest, pk: int) -> HttpResponse:
    pending = _spreadsheet_import_for_user(request, pk)
    scope = Scope(plan=pending.plan, task_group=pending.task_group)
    try:
        sheet = read_sheet(pending_upload(pending))
    except ValidationError as error:
        # Checked on upload; only a change to the app's rules since could bring this.
        messages.error(request, error.messages[0])
        return redirect("priorities:spreadsheet_import", scope.plan.pk)
    preview = import_preview(scope=scope, sheet=sheet)
    is_post = request.method == "POST"
    form = _confirm_form(request, pending, preview, bound=is_post)
    context = {"plan": scope.plan, "pending": pending, "preview": preview, "form": form}
    status = 200
    if is_post and not preview.errors and form.is_valid():
        if not preview.has_changes:
            messages.info(request, "The file changes nothing, so there was nothing to import.")
            return redirect("priorities:plan", scope.plan.pk)
        try:
            plan_import = spreadsheet_import(
                pending=pending,
                user=request.user,
                fingerprint=form.cleaned_data["fingerprint"],
                mapped=form.mapped(),
            )
        except ImportChangedMeanwhile as changed:
            preview = changed.preview
            context.update(
                preview=preview,
                form=_confirm_form(request, pending, preview, bound=False),
                changed_meanwhile=True,
            )
            status = 409
        else:
            messages.success(request, f"The spreadsheet has been imported: {preview.counts}.")
            return redirect(reverse("priorities:plan", args=[plan_import.plan_id]))
    return render(request, "priorities/spreadsheets/preview.html", context, status=status)
