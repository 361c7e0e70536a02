"""Pages where a partnership administrator keeps a draft plan's local targets: the list of its
tables (add, edit, move, remove) and each table's grid of figures.

The plan is fetched through plans.permissions (outsiders 404; other members and plans out of
draft 403), and every change goes through indicators.target_measures, which checks the draft
again under a lock. A form posted after the plan left draft comes back with status 409 and
what was typed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cspplan.refusals import form_refused
from indicators import target_measures
from indicators.models import LocalTargetMeasure
from indicators.target_forms import MeasureForm, TargetGridForm
from plans.models import Plan
from plans.permissions import ChangeRefused, get_plan_for_form, get_plan_for_user

FORM_TEMPLATE = "plans/lists/form.html"
GRID_TEMPLATE = "plans/targets/grid.html"
FORM_METHODS = ["GET", "HEAD", "POST"]


def _list_url(plan: Plan) -> str:
    return reverse("priorities:targets", args=[plan.pk])


def _measure(pk: int) -> LocalTargetMeasure:
    measure = LocalTargetMeasure.objects.filter(pk=pk).first()
    if measure is None:
        raise Http404("No such targets table.")
    return measure


def _context(plan: Plan, form, **extra) -> dict:
    return {
        "plan": plan,
        "form": form,
        "list_name": "Targets",
        "list_url": _list_url(plan),
        **extra,
    }


@require_safe
@login_required
def target_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, write=True)
    measures = list(plan.target_measures.order_by("order").prefetch_related("columns", "rows"))
    for position, measure in enumerate(measures):
        measure.focus_move = None
        if request.GET.get("moved") == str(measure.pk):
            direction = request.GET.get("direction")
            if direction == "up" and position == 0:
                direction = "down"
            elif direction == "down" and position == len(measures) - 1:
                direction = "up"
            measure.focus_move = direction
    return render(request, "plans/targets/list.html", {"plan": plan, "measures": measures})


def _measure_form_page(
    request: HttpRequest, context: dict, left_draft: str | None, save
) -> HttpResponse:
    form = context["form"]
    if left_draft:
        return form_refused(request, FORM_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            measure = save(data)
        except ChangeRefused as refusal:
            return form_refused(request, FORM_TEMPLATE, context, refusal.reason)
        messages.success(request, f"The table “{measure.name}” has been saved.")
        return redirect(reverse("priorities:target_grid", args=[measure.pk]))
    return render(request, FORM_TEMPLATE, context)


@require_http_methods(FORM_METHODS)
@login_required
def measure_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    context = _context(
        plan,
        MeasureForm(request.POST or None),
        heading="Add a targets table",
        action=reverse("priorities:target_measure_add", args=[plan.pk]),
        submit="Save and enter its figures",
    )
    return _measure_form_page(
        request,
        context,
        left_draft,
        lambda data: target_measures.measure_create(plan=plan, user=request.user, **data),
    )


@require_http_methods(FORM_METHODS)
@login_required
def measure_edit(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(pk)
    plan, left_draft = get_plan_for_form(request, measure.plan_id)
    context = _context(
        plan,
        MeasureForm(request.POST or None, instance=measure),
        heading=f"Edit the table “{measure.name}”",
        action=reverse("priorities:target_measure_edit", args=[measure.pk]),
        submit="Save and go to its figures",
        lead="Areas and years no longer listed are removed with their figures.",
    )
    return _measure_form_page(
        request,
        context,
        left_draft,
        lambda data: target_measures.measure_update(measure=measure, user=request.user, **data),
    )


@require_POST
@login_required
def measure_move(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(pk)
    plan = get_plan_for_user(request, measure.plan_id, write=True)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("Choose to move the table up or down.", status=400)
    if not target_measures.measure_move(measure=measure, user=request.user, direction=direction):
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"The table is already {edge}.")
    return redirect(f"{_list_url(plan)}?moved={measure.pk}&direction={direction}")


@require_http_methods(FORM_METHODS)
@login_required
def measure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(pk)
    plan = get_plan_for_user(request, measure.plan_id, write=True)
    if request.method == "POST":
        target_measures.measure_remove(measure=measure, user=request.user)
        messages.success(request, f"The table “{measure.name}” has been removed.")
        return redirect(_list_url(plan))
    context = _context(
        plan,
        None,
        heading="Are you sure you want to remove this targets table?",
        entry_label=measure.name,
        note="Its areas, years and figures will no longer be part of the plan. Its history "
        "keeps them.",
        action=reverse("priorities:target_measure_remove", args=[measure.pk]),
        submit="Yes, remove the table",
    )
    return render(request, "plans/lists/remove.html", context)


@require_http_methods(FORM_METHODS)
@login_required
def target_grid(request: HttpRequest, pk: int) -> HttpResponse:
    measure = _measure(pk)
    plan, left_draft = get_plan_for_form(request, measure.plan_id)
    rows = list(measure.rows.select_related("area", "measure").prefetch_related("values"))
    columns = list(measure.columns.all())
    form = TargetGridForm(measure, rows, columns, request.POST or None)
    for row in rows:
        row.fields = [form[name] for name in row.cells]
    context = _context(plan, form, measure=measure, rows=rows, columns=columns)
    if left_draft:
        return form_refused(request, GRID_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            changed = target_measures.target_grid_save(
                measure=measure, user=request.user, figures=form.cleaned_data["figures"]
            )
        except ChangeRefused as refusal:
            return form_refused(request, GRID_TEMPLATE, context, refusal.reason)
        messages.success(
            request, f"The figures of “{measure.name}” have been saved ({changed} changed)."
        )
        return redirect(reverse("priorities:target_grid", args=[measure.pk]))
    return render(request, GRID_TEMPLATE, context)
