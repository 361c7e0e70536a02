"""Pages where a partnership administrator keeps a draft plan's scanning matrix: its title
and key, its criteria and categories, and the grid of marks, comments and decisions.

The plan is fetched through plans.permissions (outsiders 404; other members and plans out of
draft 403; a form posted after the plan left draft comes back with what was typed, 409), and
every change goes through plans.assessment, which checks the draft again under a lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cspplan.refusals import form_refused
from plans import assessment
from plans.assessment_forms import CategoryForm, CriterionForm, GridForm, MatrixDetailsForm
from plans.models import Plan, ScanningCategory, ScanningCriterion, ScanningMark, ScanningMatrix
from plans.permissions import ChangeRefused, get_plan_for_form, get_plan_for_user

GRID_TEMPLATE = "plans/scanning/matrix.html"
FORM_TEMPLATE = "plans/scanning/form.html"
REMOVE_TEMPLATE = "plans/scanning/remove.html"


def _matrix_url(plan: Plan) -> str:
    return reverse("plans:scanning", args=[plan.pk])


def _matrix(plan: Plan) -> ScanningMatrix | None:
    return ScanningMatrix.objects.filter(plan=plan).first()


def _grid_form(request: HttpRequest, matrix: ScanningMatrix | None) -> GridForm:
    categories = list(matrix.categories.order_by("order")) if matrix else []
    criteria = list(matrix.criteria.order_by("order")) if matrix else []
    marks = {
        (mark.category_id, mark.criterion_id): mark.text
        for mark in ScanningMark.objects.filter(category__matrix=matrix)
    }
    data = request.POST if request.method == "POST" else None
    return GridForm(data, categories=categories, criteria=criteria, marks=marks)


def _moved(request: HttpRequest, kind: str, rows: list) -> None:
    """After a move the same button keeps the focus, as on the sections page."""
    direction = request.GET.get("direction")
    for position, row in enumerate(rows):
        row.focus_move = None
        if request.GET.get(kind) == str(row.pk):
            if position == 0 and direction == "up":
                direction = "down"
            elif position == len(rows) - 1 and direction == "down":
                direction = "up"
            row.focus_move = direction


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scanning_matrix(request: HttpRequest, pk: int) -> HttpResponse:
    """The matrix's columns and rows, and the grid where every mark, comment and decision is
    typed and saved at once: nothing is saved until every cell is right."""
    plan, left_draft = get_plan_for_form(request, pk)
    matrix = _matrix(plan)
    form = _grid_form(request, matrix)
    criteria = list(matrix.criteria.order_by("order")) if matrix else []
    _moved(request, "moved_criterion", criteria)
    top = [c for c in form.categories if c.parent_id is None]
    for category in form.categories:
        siblings = (
            top
            if category.parent_id is None
            else [c for c in form.categories if c.parent_id == category.parent_id]
        )
        category.is_first = siblings[0] is category
        category.is_last = siblings[-1] is category
    _moved(request, "moved_category", form.categories)
    context = {"plan": plan, "matrix": matrix, "form": form, "criteria": criteria}
    if left_draft:
        return form_refused(request, GRID_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            assessment.grid_save(plan=plan, user=request.user, rows=form.posted_rows())
        except ChangeRefused as refusal:
            return form_refused(request, GRID_TEMPLATE, context, refusal.reason)
        messages.success(request, "The scanning matrix has been saved.")
        return redirect(f"{_matrix_url(plan)}#grid")
    return render(request, GRID_TEMPLATE, context)


def _form_page(request, context: dict, save, success: str) -> HttpResponse:
    """A small form of the matrix (details, a criterion, a category): saved and back to the
    matrix, or shown again with its errors and everything typed."""
    plan, form = context["plan"], context["form"]
    if context.pop("left_draft", None):
        return form_refused(request, FORM_TEMPLATE, context, context["refusal"])
    if request.method == "POST" and form.is_valid():
        try:
            save(form.cleaned_data)
        except ChangeRefused as refusal:
            return form_refused(request, FORM_TEMPLATE, context, refusal.reason)
        messages.success(request, success)
        return redirect(_matrix_url(plan))
    return render(request, FORM_TEMPLATE, context)


def _context(plan: Plan, left_draft: str | None, form, heading: str, action: str, button: str):
    return {
        "plan": plan,
        "form": form,
        "heading": heading,
        "action": action,
        "button": button,
        "left_draft": bool(left_draft),
        "refusal": left_draft,
    }


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def scanning_details(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    form = MatrixDetailsForm(request.POST or None, instance=_matrix(plan))
    context = _context(
        plan,
        left_draft,
        form,
        "Title, introduction and key",
        reverse("plans:scanning_details", args=[plan.pk]),
        "Save",
    )
    return _form_page(
        request,
        context,
        lambda data: assessment.matrix_save(plan=plan, user=request.user, **data),
        "The matrix's title, introduction and key have been saved.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def criterion_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    form = CriterionForm(request.POST or None)
    context = _context(
        plan,
        left_draft,
        form,
        "Add a criterion",
        reverse("plans:scanning_criterion_add", args=[plan.pk]),
        "Add the criterion",
    )
    return _form_page(
        request,
        context,
        lambda data: assessment.criterion_create(plan=plan, user=request.user, **data),
        "The criterion has been added.",
    )


def _criterion(pk: int) -> ScanningCriterion:
    criterion = ScanningCriterion.objects.select_related("matrix").filter(pk=pk).first()
    if criterion is None:
        raise Http404("No such criterion.")
    return criterion


def _category(pk: int) -> ScanningCategory:
    category = ScanningCategory.objects.select_related("matrix").filter(pk=pk).first()
    if category is None:
        raise Http404("No such category.")
    return category


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def criterion_edit(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _criterion(pk)
    plan, left_draft = get_plan_for_form(request, criterion.matrix.plan_id)
    form = CriterionForm(request.POST or None, initial={"name": criterion.name})
    context = _context(
        plan,
        left_draft,
        form,
        f"Rename the criterion “{criterion.name}”",
        reverse("plans:scanning_criterion_edit", args=[criterion.pk]),
        "Save the criterion",
    )
    return _form_page(
        request,
        context,
        lambda data: assessment.criterion_update(criterion=criterion, user=request.user, **data),
        "The criterion has been saved.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def category_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    form = CategoryForm(request.POST or None, plan=plan, matrix=_matrix(plan))
    context = _context(
        plan,
        left_draft,
        form,
        "Add a category",
        reverse("plans:scanning_category_add", args=[plan.pk]),
        "Add the category",
    )
    return _form_page(
        request,
        context,
        lambda data: assessment.category_create(plan=plan, user=request.user, **data),
        "The category has been added.",
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def category_edit(request: HttpRequest, pk: int) -> HttpResponse:
    category = _category(pk)
    plan, left_draft = get_plan_for_form(request, category.matrix.plan_id)
    form = CategoryForm(
        request.POST or None,
        plan=plan,
        matrix=category.matrix,
        category=category,
        initial={
            "name": category.name,
            "parent": category.parent_id,
            "priorities": list(category.priorities.values_list("pk", flat=True)),
        },
    )
    context = _context(
        plan,
        left_draft,
        form,
        f"Edit the category “{category.name}”",
        reverse("plans:scanning_category_edit", args=[category.pk]),
        "Save the category",
    )
    return _form_page(
        request,
        context,
        lambda data: assessment.category_update(category=category, user=request.user, **data),
        "The category has been saved.",
    )


def _direction(request: HttpRequest) -> str | None:
    direction = request.POST.get("direction")
    return direction if direction in ("up", "down") else None


@require_POST
@login_required
def criterion_move(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _criterion(pk)
    plan = get_plan_for_user(request, criterion.matrix.plan_id, write=True)
    direction = _direction(request)
    if direction is None:
        return HttpResponse("Choose to move the criterion left or right.", status=400)
    if not assessment.criterion_move(criterion=criterion, user=request.user, direction=direction):
        messages.info(request, "The criterion is already at that end.")
    return redirect(f"{_matrix_url(plan)}?moved_criterion={criterion.pk}&direction={direction}")


@require_POST
@login_required
def category_move(request: HttpRequest, pk: int) -> HttpResponse:
    category = _category(pk)
    plan = get_plan_for_user(request, category.matrix.plan_id, write=True)
    direction = _direction(request)
    if direction is None:
        return HttpResponse("Choose to move the category up or down.", status=400)
    if not assessment.category_move(category=category, user=request.user, direction=direction):
        messages.info(request, "The category is already at that end.")
    return redirect(f"{_matrix_url(plan)}?moved_category={category.pk}&direction={direction}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def criterion_remove(request: HttpRequest, pk: int) -> HttpResponse:
    criterion = _criterion(pk)
    plan = get_plan_for_user(request, criterion.matrix.plan_id, write=True)
    if request.method == "POST":
        assessment.criterion_remove(criterion=criterion, user=request.user)
        messages.success(request, f"The criterion “{criterion.name}” has been removed.")
        return redirect(_matrix_url(plan))
    return render(
        request,
        REMOVE_TEMPLATE,
        {
            "plan": plan,
            "what": "criterion",
            "name": criterion.name,
            "consequence": "Its column and every mark in it will no longer be part of the plan.",
            "action": reverse("plans:scanning_criterion_remove", args=[criterion.pk]),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def category_remove(request: HttpRequest, pk: int) -> HttpResponse:
    category = _category(pk)
    plan = get_plan_for_user(request, category.matrix.plan_id, write=True)
    if request.method == "POST":
        assessment.category_remove(category=category, user=request.user)
        messages.success(request, f"The category “{category.name}” has been removed.")
        return redirect(_matrix_url(plan))
    subs = category.subcategories.count()
    consequence = "Its row, marks, comment and decision will no longer be part of the plan."
    if subs:
        consequence += f" Its {subs} sub-categor{'y' if subs == 1 else 'ies'} go with it."
    return render(
        request,
        REMOVE_TEMPLATE,
        {
            "plan": plan,
            "what": "category",
            "name": category.name,
            "consequence": consequence,
            "action": reverse("plans:scanning_category_remove", args=[category.pk]),
        },
    )
