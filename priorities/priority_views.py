"""Pages where a draft plan's priorities, their aims and removed actions are kept.

Adding, moving and removing priorities is for partnership administrators (the plan is
fetched with get_plan_for_user(write=True)); a priority's aims, and bringing back its removed
actions, are for whoever may change the priority, as its actions are. Every change goes
through priorities.services, which checks the draft again under a lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from cspplan.refusals import form_refused
from plans.models import Plan
from plans.permissions import (
    ChangeRefused,
    PlanLeftDraft,
    get_action_for_user,
    get_plan_for_form,
    get_plan_for_user,
    get_priority_for_user,
)
from priorities import services
from priorities.models import Action, Aim, Priority
from priorities.priority_forms import AimForm, PriorityAdminForm, initial_for_aim
from priorities.views import _posted_anyway

PRIORITY_FORM = "priorities/priority_form.html"
AIM_FORM = "priorities/aim_form.html"


def _plan_url(plan_id: int) -> str:
    return reverse("priorities:plan", args=[plan_id])


def _action_plan_url(priority_id: int) -> str:
    return reverse("priorities:action_plan", args=[priority_id])


def _direction(request: HttpRequest) -> str | None:
    direction = request.POST.get("direction")
    return direction if direction in ("up", "down") else None


def _priority_and_plan(request: HttpRequest, pk: int) -> tuple[Priority, Plan]:
    """The priority and its plan, fetched for a change by an administrator."""
    priority = Priority.objects.filter(pk=pk).first()
    if priority is None:
        raise Http404("No such priority.")
    return priority, get_plan_for_user(request, priority.plan_id, write=True)


def _aim_and_priority(request: HttpRequest, pk: int) -> tuple[Aim, Priority, PlanLeftDraft | None]:
    """The aim and its priority, fetched for a change by someone who may change the priority."""
    aim = Aim.objects.filter(pk=pk).first()
    if aim is None:
        raise Http404("No such aim.")
    try:
        return aim, get_priority_for_user(request, aim.priority_id, write=True), None
    except PlanLeftDraft as refusal:
        priority, left_draft = _posted_anyway(request, refusal)
        return aim, priority, left_draft


# Priorities: administrators only


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def priority_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    form = PriorityAdminForm(request.POST or None, partnership=plan.partnership)
    context = {"plan": plan, "form": form, "priority": None}
    if left_draft:
        return form_refused(request, PRIORITY_FORM, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            priority = services.priority_create(
                plan=plan, user=request.user, ownership=form.ownership(), **form.words()
            )
        except ChangeRefused as refusal:
            return form_refused(request, PRIORITY_FORM, context, refusal.reason)
        messages.success(request, f"The priority “{priority.title}” has been added.")
        return redirect(f"{_plan_url(plan.pk)}#priority-{priority.pk}")
    return render(request, PRIORITY_FORM, context)


@require_POST
@login_required
def priority_move(request: HttpRequest, pk: int) -> HttpResponse:
    priority, plan = _priority_and_plan(request, pk)
    direction = _direction(request)
    if direction is None:
        return HttpResponse("Choose to move the priority up or down.", status=400)
    if not services.priority_move(priority=priority, user=request.user, direction=direction):
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"The priority is already {edge}.")
    # No #fragment: it would stop the browser honouring the moved button's autofocus.
    return redirect(f"{_plan_url(plan.pk)}?moved={priority.pk}&direction={direction}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def priority_remove(request: HttpRequest, pk: int) -> HttpResponse:
    priority, plan = _priority_and_plan(request, pk)
    context = {
        "plan": plan,
        "priority": priority,
        "refusal": services.priority_removal_refusal(priority),
        "aim_count": priority.aims.count(),
        "comment_count": priority.review_comments.count(),
    }
    if request.method == "POST":
        try:
            services.priority_remove(priority=priority, user=request.user)
        except ChangeRefused as refusal:
            context["refusal"] = refusal.reason
            return render(request, "priorities/priority_remove.html", context, status=409)
        messages.success(request, f"The priority “{priority.title}” has been removed.")
        return redirect(_plan_url(plan.pk))
    return render(request, "priorities/priority_remove.html", context)


# Aims: whoever may change the priority


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def aim_add(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        priority, left_draft = get_priority_for_user(request, pk, write=True), None
    except PlanLeftDraft as refusal:
        priority, left_draft = _posted_anyway(request, refusal)
    form = AimForm(request.POST or None)
    context = {"plan": priority.plan, "priority": priority, "form": form, "aim": None}
    if left_draft:
        return form_refused(request, AIM_FORM, context, left_draft.reason)
    if request.method == "POST" and form.is_valid():
        try:
            aim = services.aim_create(priority=priority, user=request.user, **form.cleaned_data)
        except ChangeRefused as refusal:
            return form_refused(request, AIM_FORM, context, refusal.reason)
        messages.success(request, "The aim has been added.")
        return redirect(f"{_action_plan_url(priority.pk)}#aim-{aim.pk}")
    return render(request, AIM_FORM, context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def aim_edit(request: HttpRequest, pk: int) -> HttpResponse:
    aim, priority, left_draft = _aim_and_priority(request, pk)
    form = AimForm(request.POST or None, initial=initial_for_aim(aim))
    context = {"plan": priority.plan, "priority": priority, "form": form, "aim": aim}
    if left_draft:
        return form_refused(request, AIM_FORM, context, left_draft.reason)
    if request.method == "POST" and form.is_valid():
        try:
            services.aim_update(aim=aim, user=request.user, **form.cleaned_data)
        except ChangeRefused as refusal:
            return form_refused(request, AIM_FORM, context, refusal.reason)
        messages.success(request, "The aim has been saved.")
        return redirect(f"{_action_plan_url(priority.pk)}#aim-{aim.pk}")
    return render(request, AIM_FORM, context)


@require_POST
@login_required
def aim_move(request: HttpRequest, pk: int) -> HttpResponse:
    aim, priority, left_draft = _aim_and_priority(request, pk)
    if left_draft:
        raise left_draft
    direction = _direction(request)
    if direction is None:
        return HttpResponse("Choose to move the aim up or down.", status=400)
    if not services.aim_move(aim=aim, user=request.user, direction=direction):
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"The aim is already {edge}.")
    return redirect(f"{_action_plan_url(priority.pk)}?moved_aim={aim.pk}&direction={direction}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def aim_remove(request: HttpRequest, pk: int) -> HttpResponse:
    aim, priority, left_draft = _aim_and_priority(request, pk)
    if left_draft:
        raise left_draft
    if request.method == "POST":
        services.aim_remove(aim=aim, user=request.user)
        messages.success(request, "The aim has been removed.")
        return redirect(_action_plan_url(priority.pk))
    linked = list(aim.actions.current().order_by("order"))
    return render(
        request,
        "priorities/aim_remove.html",
        {"plan": priority.plan, "priority": priority, "aim": aim, "linked": linked},
    )


# Removed actions: whoever may change the priority brings them back


@require_POST
@login_required
def action_restore(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk)
    priority = action.priority
    if priority.change_refusal:
        raise ChangeRefused(priority.change_refusal)
    if services.action_restore(action=action, user=request.user):
        action.refresh_from_db(fields=["status"])
        messages.success(
            request,
            f"The action has been brought back, at the end of the action plan, "
            f"with its status “{Action.Status(action.status).label}”.",
        )
    else:
        messages.info(request, "The action is already part of the plan.")
    return redirect(f"{_action_plan_url(priority.pk)}#action-{action.pk}")
