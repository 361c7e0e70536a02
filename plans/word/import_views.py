"""The pages of a plan's import from Word, for the partnership's administrators: the upload,
the preview with its mapping of names not recognised, and the confirm or cancel.

The file is checked (plans.uploads) and read once to show any problem on the upload form,
then kept as a PendingImport, which belongs to its uploader alone (anyone else 404). The
preview reads it again, so the page always shows what confirming would save now; the confirm
saves it in one transaction (plans.word.importing) and deletes it.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from plans.models import Partnership, PendingImport, Plan, PlanImport
from plans.models.imports import ImportSource
from plans.partnership_views import get_partnership_for_user
from plans.permissions import ChangeRefused, get_pending_import_for_user, plan_change_refusal
from plans.uploads import Upload, read_upload
from plans.word.import_forms import EXISTING_DRAFT, NEW_PLAN, MappingForm, WordImportForm
from plans.word.importing import WordImportPreview, word_import_confirm, word_import_preview

UPLOAD_TEMPLATE = "plans/word/upload.html"
PREVIEW_TEMPLATE = "plans/word/preview.html"
ADMINISTRATORS_ONLY = (
    "Only the partnership’s administrators can import a plan from Word. Ask one of them if "
    "a plan needs importing."
)


def _word_import_for_user(request: HttpRequest, pk: int) -> PendingImport:
    """The uploader's own Word import while they still administer its partnership: anyone
    else's is not found (404), and an uploader no longer an administrator is refused (403)."""
    pending = get_pending_import_for_user(request, pk, ImportSource.WORD)
    if not pending.access.is_administrator:
        raise ChangeRefused(ADMINISTRATORS_ONLY)
    return pending


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def word_import_upload(request: HttpRequest, partnership_slug: str) -> HttpResponse:
    partnership = get_partnership_for_user(request, partnership_slug)
    posted = request.method == "POST"
    form = WordImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        partnership=partnership,
        initial=_initial(partnership, request.GET.get("plan", "")),
    )
    if posted and form.is_valid():
        plan = None if form.into_new_plan else form.cleaned_data["plan"]
        pending = _checked_pending_import(request, form, partnership, plan)
        if pending is not None:
            return redirect("plans:word_import_preview", pending.pk)
    return render(request, UPLOAD_TEMPLATE, {"partnership": partnership, "form": form})


def _initial(partnership: Partnership, plan_pk: str) -> dict:
    """A new plan, unless the form was opened from a draft's own page (?plan=<pk>): then
    that draft."""
    if plan_pk.isdigit() and partnership.plans.drafts().filter(pk=int(plan_pk)).exists():
        return {"target": EXISTING_DRAFT, "plan": int(plan_pk)}
    return {"target": NEW_PLAN}


def _checked_pending_import(
    request: HttpRequest, form: WordImportForm, partnership: Partnership, plan: Plan | None
) -> PendingImport | None:
    """The upload kept for its preview once it is a Word document the preview can read; None
    with the problem beside the file field when not, and then nothing is kept."""
    try:
        upload = read_upload(form.cleaned_data["file"], kinds=("docx",))
        word_import_preview(
            plan=plan, partnership=partnership, content=upload.content, file_name=upload.name
        )
    except ValidationError as error:
        form.add_error("file", error)
        return None
    except ChangeRefused as refusal:
        # The draft chosen left draft between the form's check and the preview.
        form.add_error("plan", refusal.reason)
        return None
    data = form.cleaned_data
    return _keep_upload(
        user=request.user,
        partnership=partnership,
        plan=plan,
        upload=upload,
        new_plan=(data["title"].strip(), data["start_year"], data["end_year"])
        if plan is None
        else ("", None, None),
    )


@transaction.atomic
def _keep_upload(
    *,
    user: User,
    partnership: Partnership,
    plan: Plan | None,
    upload: Upload,
    new_plan: tuple[str, int | None, int | None],
) -> PendingImport:
    """A new upload replaces the uploader's earlier one for the same draft (or for a new
    plan of the partnership), and clears every import left waiting more than a day."""
    PendingImport.objects.stale().delete()
    PendingImport.objects.filter(
        uploaded_by=user,
        partnership=partnership,
        source=ImportSource.WORD,
        task_group__isnull=True,
        **({"plan": plan} if plan else {"plan__isnull": True}),
    ).delete()
    title, start_year, end_year = new_plan
    return PendingImport.objects.create(
        partnership=partnership,
        plan=plan,
        new_plan_title=title,
        new_plan_start_year=start_year,
        new_plan_end_year=end_year,
        source=ImportSource.WORD,
        file_name=upload.name,
        content=upload.content,
        uploaded_by=user,
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def word_import_preview_page(request: HttpRequest, pk: int) -> HttpResponse:
    """What confirming would create and match; POST confirms with the names mapped."""
    pending = _word_import_for_user(request, pk)
    # A plan that left draft has nothing to preview or confirm: the reason, whichever the method.
    left_draft = plan_change_refusal(pending.plan) if pending.plan else None
    if left_draft:
        raise ChangeRefused(left_draft)
    try:
        preview = word_import_preview(
            plan=pending.plan,
            partnership=pending.partnership,
            content=bytes(pending.content),
            file_name=pending.file_name,
        )
    except ValidationError as error:
        # The document was read at upload; it can only fail now if the draft changed since.
        return _unreadable(request, pending, error)
    # A confirm with no name mapped posts nothing, and is still a confirm: every name kept.
    form = MappingForm(
        request.POST if request.method == "POST" else None,
        partnership=pending.partnership,
        unmatched=preview.unmatched,
    )
    context = {"pending": pending, "preview": preview, "form": form, **_target(pending)}
    if request.method != "POST" or not form.is_valid():
        return render(request, PREVIEW_TEMPLATE, context)
    try:
        plan_import = word_import_confirm(
            pending=pending, user=request.user, choices=form.choices()
        )
    except ChangeRefused as refusal:
        return _refused(request, context, refusal.reason, status=409)
    except ValidationError as error:
        return _refused(request, context, *error.messages)
    # Confirming deletes the pending import; should it not have, it is spent all the same.
    PendingImport.objects.filter(pk=pending.pk).delete()
    messages.success(request, _imported_message(plan_import, preview))
    return redirect(plan_import.get_absolute_url())


def _target(pending: PendingImport) -> dict:
    """What the page names the import's destination as."""
    if pending.plan:
        return {"target": f"{pending.plan.title} {pending.plan.period_label}"}
    period = Plan(
        start_year=pending.new_plan_start_year, end_year=pending.new_plan_end_year
    ).period_label
    return {"target": f"A new draft plan: {pending.new_plan_title} {period}"}


def _refused(request: HttpRequest, context: dict, *reasons: str, status: int = 200) -> HttpResponse:
    """The preview again with the choices made and why nothing was saved."""
    for reason in reasons:
        context["form"].add_error(None, reason)
    context["form"].add_error(None, "Nothing has been imported.")
    return render(request, PREVIEW_TEMPLATE, context, status=status)


def _unreadable(
    request: HttpRequest, pending: PendingImport, error: ValidationError
) -> HttpResponse:
    return render(
        request,
        PREVIEW_TEMPLATE,
        {"pending": pending, "preview": None, "problems": error.messages, **_target(pending)},
        status=409,
    )


def _imported_message(plan_import: PlanImport, preview: WordImportPreview) -> str:
    sections, priorities = len(preview.sections), len(preview.priorities)
    actions = sum(priority.actions for priority in preview.priorities)
    made = (
        f"{sections} section{'s' if sections != 1 else ''}, "
        f"{priorities} priorit{'ies' if priorities != 1 else 'y'} and "
        f"{actions} action{'s' if actions != 1 else ''}"
    )
    plan = plan_import.plan
    into = f"{plan.title} {plan.period_label}"
    return f"“{plan_import.file_name}” has been imported into {into}: {made}."


@require_POST
@login_required
def word_import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    pending = _word_import_for_user(request, pk)
    partnership_slug = pending.partnership.slug
    plan = pending.plan
    file_name = pending.file_name
    pending.delete()
    messages.success(request, f"The import of “{file_name}” has been cancelled. Nothing was saved.")
    if plan is not None:
        return redirect("priorities:plan", plan.pk)
    return redirect("plans:partnership_manage", partnership_slug=partnership_slug)
