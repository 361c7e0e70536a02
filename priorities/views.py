"""Pages where officers keep their action plans: read, add, edit, move, remove, record progress.

Every view fetches its object through plans.permissions, which builds the role rules into the
lookup; htmx requests go through the same views and the same checks.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cspplan.refusals import form_refused
from indicators.models import Indicator
from plans.permissions import (
    ChangeRefused,
    PlanLeftDraft,
    get_action_for_user,
    get_plan_for_user,
    get_priority_for_user,
    lead_partners_prefetch,
    progress_refusal,
)
from priorities import services
from priorities.filters import ActionFilter
from priorities.forms import (
    ActionForm,
    PriorityForm,
    ProgressUpdateForm,
    initial_for_priority,
    lead_partners_text,
    suggest_partner_names,
)
from priorities.history import action_history
from priorities.indicator_codes import suggest_indicators
from priorities.models import Action, Priority
from priorities.priority_forms import PriorityAdminForm, initial_for_priority_admin


def _action_plan_url(priority: Priority) -> str:
    return reverse("priorities:action_plan", args=[priority.pk])


@require_safe
@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk)
    priorities = list(
        plan.priorities.select_related("task_group")
        .annotate(action_count=Count("actions", filter=~Q(actions__status=Action.Status.REMOVED)))
        .order_by("order")
    )
    _mark_focus(priorities, request.GET.get("moved"), request.GET.get("direction"))
    can_change = plan.is_editable and plan.access.is_administrator
    can_import = plan.is_editable and (
        plan.access.is_administrator
        or any(p.task_group_id in plan.access.task_group_ids for p in priorities)
    )
    return render(
        request,
        "priorities/plan.html",
        {
            "plan": plan,
            "priorities": priorities,
            "can_change_priorities": can_change,
            "can_import_spreadsheet": can_import,
        },
    )


def _mark_focus(shown: list, moved: str | None, direction: str | None) -> None:
    """After a move the same button keeps the focus, so a keyboard user can press it again;
    at the top or bottom that button is disabled, so the other one takes the focus."""
    for position, item in enumerate(shown):
        item.focus_move = None
        if moved == str(item.pk):
            if direction == "up" and position == 0:
                direction = "down"
            elif direction == "down" and position == len(shown) - 1:
                direction = "up"
            item.focus_move = direction


@require_safe
@login_required
def action_plan(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_priority_for_user(request, pk)
    actions = (
        priority.actions.current()
        .select_related("aim")
        # The table shows only each indicator's code, not its title or description.
        .prefetch_related(
            lead_partners_prefetch(), Prefetch("indicators", Indicator.objects.only("code"))
        )
        .order_by("order")
    )
    action_filter = ActionFilter(
        request.GET or None,
        queryset=actions,
        partnership=priority.plan.partnership,
        today=timezone.localdate(),
    )
    is_filtered = any(request.GET.get(name) for name in ActionFilter.Meta.fields)
    shown = list(action_filter.qs if is_filtered else actions)
    _mark_focus(shown, request.GET.get("moved"), request.GET.get("direction"))
    can_change = priority.change_refusal is None
    aims = list(priority.aims.order_by("order"))
    _mark_focus(aims, request.GET.get("moved_aim"), request.GET.get("direction"))
    removed = (
        list(priority.actions.filter(status=Action.Status.REMOVED).order_by("order"))
        if can_change
        else []
    )
    context = {
        "priority": priority,
        "plan": priority.plan,
        "actions": shown,
        "filter": action_filter,
        "is_filtered": is_filtered,
        "can_change": can_change,
        "aims": aims,
        "removed_actions": removed,
    }
    if request.htmx and request.htmx.target == "action-table":
        # The count outside the table is a live region; it is updated in place, not replaced,
        # so screen readers announce the new number.
        context["table_only"] = True
        return render(request, "priorities/action_plan.html#action_table", context)
    return render(request, "priorities/action_plan.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def priority_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        priority, left_draft = get_priority_for_user(request, pk, write=True), None
    except PlanLeftDraft as refusal:
        priority, left_draft = _posted_anyway(request, refusal)
    # Administrators also set the label, task group, lead officer and kind; editors of the
    # task group change the words and aims.
    is_administrator = priority.access.is_administrator
    if is_administrator:
        form = PriorityAdminForm(
            request.POST or None,
            initial=initial_for_priority_admin(priority),
            partnership=priority.plan.partnership,
            current_group_id=priority.task_group_id,
        )
    else:
        form = PriorityForm(request.POST or None, initial=initial_for_priority(priority))
    context = {"priority": priority, "plan": priority.plan, "form": form}
    if left_draft:
        return form_refused(request, "priorities/priority_form.html", context, left_draft.reason)
    if request.method == "POST" and form.is_valid():
        if is_administrator:
            changes = {"ownership": form.ownership(), **form.words()}
        else:
            changes = form.cleaned_data
        try:
            services.priority_update(priority=priority, user=request.user, **changes)
        except ChangeRefused as refusal:
            return form_refused(request, "priorities/priority_form.html", context, refusal.reason)
        messages.success(request, "The priority has been saved.")
        return redirect(_action_plan_url(priority))
    return render(request, "priorities/priority_form.html", context)


def _posted_anyway(
    request: HttpRequest, refusal: PlanLeftDraft
) -> tuple[Priority | Action, PlanLeftDraft]:
    """A form posted after its plan left draft is shown again with what was typed; a page
    asked for is refused as usual, since nothing has been typed yet."""
    if request.method != "POST":
        raise refusal
    return refusal.fetched, refusal


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_add(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        priority, left_draft = get_priority_for_user(request, pk, write=True), None
    except PlanLeftDraft as refusal:
        priority, left_draft = _posted_anyway(request, refusal)
    form = ActionForm(request.POST or None, priority=priority)
    context = {"priority": priority, "plan": priority.plan, "form": form, "action": None}
    if left_draft:
        return form_refused(request, "priorities/action_form.html", context, left_draft.reason)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(
                priority=priority, user=request.user, **form.action_fields()
            )
        except ChangeRefused as refusal:
            return form_refused(request, "priorities/action_form.html", context, refusal.reason)
        messages.success(request, "The action has been added.")
        _pass_on_notices(request, form)
        return redirect(f"{_action_plan_url(priority)}#action-{action.pk}")
    return render(request, "priorities/action_form.html", context)


@require_safe
@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk)
    priority = action.priority
    updates = action.progress_updates.select_related("author")
    leads = list(action.lead_partners.select_related("organisation", "group"))
    is_current = action.status != Action.Status.REMOVED
    can_change = priority.change_refusal is None and is_current
    can_record_progress = progress_refusal(priority.access, priority) is None and is_current
    return render(
        request,
        "priorities/action_detail.html",
        {
            "action": action,
            "priority": priority,
            "plan": priority.plan,
            "lead_partners": lead_partners_text(leads),
            "leads": leads,
            "updates": updates,
            "history": action_history(action),
            "can_change": can_change,
            "can_restore": priority.change_refusal is None and not is_current,
            "progress_form": ProgressUpdateForm() if can_record_progress else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_edit(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        action, left_draft = get_action_for_user(request, pk, write=True), None
    except PlanLeftDraft as refusal:
        action, left_draft = _posted_anyway(request, refusal)
    priority = action.priority
    form = ActionForm(request.POST or None, priority=priority, action=action)
    context = {"priority": priority, "plan": priority.plan, "form": form, "action": action}
    if left_draft:
        return form_refused(request, "priorities/action_form.html", context, left_draft.reason)
    if request.method == "POST" and form.is_valid():
        try:
            services.action_update(
                action=action,
                user=request.user,
                version=form.cleaned_data["version"],
                **form.action_fields(),
            )
        except services.ActionChangedMeanwhile as conflict:
            return _conflict(request, context, conflict)
        except ChangeRefused as refusal:
            return form_refused(request, "priorities/action_form.html", context, refusal.reason)
        messages.success(request, "The action has been saved.")
        _pass_on_notices(request, form)
        return redirect(f"{_action_plan_url(priority)}#action-{action.pk}")
    if request.htmx and request.method == "GET":
        return render(request, "priorities/action_form.html#inline_row", context)
    return render(request, "priorities/action_form.html", context)


def _pass_on_notices(request: HttpRequest, form: ActionForm) -> None:
    """What was kept as written though it looked unusual, said on the page saved to."""
    for notice in form.notices:
        messages.warning(request, notice)


def _conflict(
    request: HttpRequest, context: dict, conflict: services.ActionChangedMeanwhile
) -> HttpResponse:
    """Keep what this person typed, with the current version so the next save can succeed."""
    action = conflict.action
    data = request.POST.copy()
    data["version"] = str(action.version)
    form = ActionForm(data, priority=context["priority"], action=action)
    form.is_valid()
    context.update(
        form=form,
        conflict=True,
        their_changes=action_history(action, since_version=conflict.seen_version),
        their_lead_partners=lead_partners_text(list(action.lead_partners.all())),
    )
    return render(request, "priorities/action_form.html", context, status=409)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def action_remove(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk, write=True)
    priority = action.priority
    if request.method == "POST":
        services.action_remove(action=action, user=request.user)
        messages.success(
            request,
            "The action has been removed. It can be brought back from the list of removed "
            "actions below.",
        )
        return redirect(_action_plan_url(priority))
    return render(
        request,
        "priorities/action_remove.html",
        {"action": action, "priority": priority, "plan": priority.plan},
    )


@require_POST
@login_required
def action_move(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk, write=True)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("Choose to move the action up or down.", status=400)
    moved = services.action_move(action=action, direction=direction)
    if not moved:
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"The action is already {edge}.")
    # A full page load with autofocus keeps the keyboard user's place. No #fragment: a
    # fragment target would stop the browser honouring autofocus.
    return redirect(f"{_action_plan_url(action.priority)}?moved={action.pk}&direction={direction}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def progress_add(request: HttpRequest, pk: int) -> HttpResponse:
    action = get_action_for_user(request, pk)
    if action.status == Action.Status.REMOVED:
        raise ChangeRefused(
            "This action has been removed. A partnership administrator can bring it back."
        )
    refusal = progress_refusal(action.priority.access, action.priority)
    if refusal:
        raise ChangeRefused(refusal)
    form = ProgressUpdateForm(request.POST or None)
    context = {
        "action": action,
        "priority": action.priority,
        "plan": action.priority.plan,
        "form": form,
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.progress_record(action=action, user=request.user, **form.cleaned_data)
        except ChangeRefused as refusal:
            return form_refused(request, "priorities/progress_form.html", context, refusal.reason)
        messages.success(request, "The progress update has been recorded.")
        return redirect(reverse("priorities:action", args=[action.pk]) + "#progress")
    return render(request, "priorities/progress_form.html", context)


@require_safe
@login_required
def partner_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    priority = get_priority_for_user(request, pk)
    typed = request.GET.get("lead_partners", "")
    last = typed.rsplit("/", 1)[-1]
    names = suggest_partner_names(priority.plan.partnership, last)
    before = typed[: len(typed) - len(last)].rstrip(" /")
    options = [{"label": name, "value": f"{before} / {name}" if before else name} for name in names]
    return render(
        request,
        "priorities/_suggestions.html",
        {"options": options, "term": last.strip(), "what": "partner"},
    )


@require_safe
@login_required
def indicator_suggestions(request: HttpRequest, pk: int) -> HttpResponse:
    get_priority_for_user(request, pk)
    typed = request.GET.get("indicators", "")
    parts = typed.split(",")
    last = parts[-1]
    kept = ", ".join(p.strip() for p in parts[:-1] if p.strip())
    options = [
        {
            "label": f"{indicator.code} {indicator.title}",
            "value": f"{kept}, {indicator.code}" if kept else indicator.code,
        }
        for indicator in suggest_indicators(last)
    ]
    return render(
        request,
        "priorities/_suggestions.html",
        {"options": options, "term": last.strip(), "what": "indicator"},
    )
