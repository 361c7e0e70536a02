"""Pages where a partnership administrator keeps the narrative sections of a draft plan.

The plan is fetched through plans.permissions (outsiders 404; other members and plans out of
draft 403), and every change goes through plans.sections, which checks the draft again under
a lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cspplan.refusals import form_refused
from plans import sections
from plans.models import Plan, Section
from plans.permissions import ChangeRefused, get_plan_for_form, get_plan_for_user
from plans.section_forms import SectionForm

FORM_TEMPLATE = "plans/sections/form.html"


def _sections_url(plan: Plan) -> str:
    return reverse("priorities:sections", args=[plan.pk])


def _section_and_plan(request: HttpRequest, pk: int) -> tuple[Section, Plan]:
    """The section and its plan, fetched for a change by an administrator."""
    section = Section.objects.filter(pk=pk).first()
    if section is None:
        raise Http404("No such section.")
    return section, get_plan_for_user(request, section.plan_id, write=True)


@require_safe
@login_required
def section_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, write=True)
    shown = list(plan.sections.order_by("order").prefetch_related("subsections"))
    direction = request.GET.get("direction")
    _mark_moved(shown, request.GET.get("moved"), direction)
    for section in shown:
        section.shown_subsections = list(section.subsections.all())
        _mark_moved(section.shown_subsections, request.GET.get("moved_subsection"), direction)
    return render(request, "plans/sections/list.html", {"plan": plan, "sections": shown})


def _mark_moved(items: list, moved: str | None, direction: str | None) -> None:
    """After a move the same button keeps the focus, as on the action plans; at an end, the
    other button (the pressed one is then disabled)."""
    for position, item in enumerate(items):
        item.focus_move = None
        if moved == str(item.pk):
            if direction == "up" and position == 0:
                direction = "down"
            elif direction == "down" and position == len(items) - 1:
                direction = "up"
            item.focus_move = direction


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def section_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    form = SectionForm(request.POST or None)
    context = {"plan": plan, "form": form, "section": None}
    if left_draft:
        return form_refused(request, FORM_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            section = sections.section_create(plan=plan, user=request.user, **form.cleaned_data)
        except ChangeRefused as refusal:
            return form_refused(request, FORM_TEMPLATE, context, refusal.reason)
        messages.success(request, "The section has been added.")
        return redirect(f"{_sections_url(plan)}#section-{section.pk}")
    return render(request, FORM_TEMPLATE, context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def section_edit(request: HttpRequest, pk: int) -> HttpResponse:
    section = Section.objects.filter(pk=pk).first()
    if section is None:
        raise Http404("No such section.")
    plan, left_draft = get_plan_for_form(request, section.plan_id)
    form = SectionForm(request.POST or None, instance=section)
    context = {"plan": plan, "form": form, "section": section}
    if left_draft:
        return form_refused(request, FORM_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            sections.section_update(section=section, user=request.user, **form.cleaned_data)
        except ChangeRefused as refusal:
            return form_refused(request, FORM_TEMPLATE, context, refusal.reason)
        messages.success(request, "The section has been saved.")
        return redirect(f"{_sections_url(plan)}#section-{section.pk}")
    return render(request, FORM_TEMPLATE, context)


@require_POST
@login_required
def section_move(request: HttpRequest, pk: int) -> HttpResponse:
    section, plan = _section_and_plan(request, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("Choose to move the section up or down.", status=400)
    if not sections.section_move(section=section, user=request.user, direction=direction):
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"The section is already {edge}.")
    # No #fragment: it would stop the browser honouring the moved button's autofocus.
    return redirect(f"{_sections_url(plan)}?moved={section.pk}&direction={direction}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def section_remove(request: HttpRequest, pk: int) -> HttpResponse:
    section, plan = _section_and_plan(request, pk)
    if request.method == "POST":
        sections.section_remove(section=section, user=request.user)
        messages.success(request, f"The section “{section.title}” has been removed.")
        return redirect(_sections_url(plan))
    return render(request, "plans/sections/remove.html", {"plan": plan, "section": section})
