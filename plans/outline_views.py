"""The outline page: a partnership administrator puts a draft plan's parts in the order the
plan prints them, switches the generated parts on or off, and says where the appendices start.

The plan is fetched through plans.permissions (outsiders 404; other members and plans out of
draft 403); every change goes through plans.outline, which checks the draft again under a lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from plans import outline
from plans.models import Plan
from plans.outline_forms import OutlineMoveForm, OutlineSwitchForm
from plans.permissions import ChangeRefused, get_plan_for_user

TEMPLATE = "plans/outline/page.html"


def _outline_url(plan: Plan) -> str:
    return reverse("plans:outline", args=[plan.pk])


def _page(request: HttpRequest, plan: Plan, *, error: str = "", status: int = 200):
    items = outline.plan_outline(plan)
    moved = request.GET.get("moved")
    direction = request.GET.get("direction")
    for position, item in enumerate(items):
        item.focus_move = None
        if moved == item.key and direction in ("up", "down"):
            at_end = (direction == "up" and position == 0) or (
                direction == "down" and position == len(items) - 1
            )
            item.focus_move = {"up": "down", "down": "up"}[direction] if at_end else direction
    context = {"plan": plan, "items": items, "extra_error": error}
    return render(request, TEMPLATE, context, status=status)


def _first_error(form) -> str:
    return next(iter(form.errors.values()))[0]


@require_safe
@login_required
def outline_page(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, write=True)
    return _page(request, plan)


@require_POST
@login_required
def outline_move(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, write=True)
    form = OutlineMoveForm(request.POST)
    if not form.is_valid():
        return _page(request, plan, error=_first_error(form), status=400)
    key, direction = form.cleaned_data["block"], form.cleaned_data["direction"]
    try:
        moved = outline.outline_move(plan=plan, key=key, user=request.user, direction=direction)
    except ChangeRefused as refusal:
        return _page(request, plan, error=refusal.reason, status=409)
    if not moved:
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"That part is already {edge}.")
    return redirect(f"{_outline_url(plan)}?moved={key}&direction={direction}")


@require_POST
@login_required
def outline_switch(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, write=True)
    form = OutlineSwitchForm(request.POST)
    if not form.is_valid():
        return _page(request, plan, error=_first_error(form), status=400)
    data = form.cleaned_data
    try:
        block = outline.outline_switch(
            plan=plan,
            key=data["block"],
            user=request.user,
            is_shown=data["is_shown"],
            shows_every_term=data["shows_every_term"],
        )
    except ChangeRefused as refusal:
        return _page(request, plan, error=refusal.reason, status=409)
    state = "prints" if block.is_shown else "no longer prints"
    if block.kind == block.Kind.APPENDICES:
        state = "letters the parts after it" if block.is_shown else "is off: nothing is lettered"
    messages.success(request, f"{block.get_kind_display()} {state}.")
    return redirect(f"{_outline_url(plan)}#outline-{block.key}")
