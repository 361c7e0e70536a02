"""Pages where a partnership administrator keeps the subsections of a draft plan's sections.

They are listed under their sections on the sections page (plans.section_views); these add,
edit, move and remove them, with the same refusals, and every change goes through
plans.sections, which checks the draft again under a lock.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from cspplan.refusals import form_refused
from plans import sections
from plans.models import Plan, Section, Subsection
from plans.permissions import ChangeRefused, get_plan_for_form, get_plan_for_user
from plans.section_forms import SubsectionForm
from plans.section_views import _sections_url

FORM_TEMPLATE = "plans/sections/subsection_form.html"


def _section(pk: int) -> Section:
    section = Section.objects.filter(pk=pk).first()
    if section is None:
        raise Http404("No such section.")
    return section


def _subsection(pk: int) -> Subsection:
    subsection = Subsection.objects.filter(pk=pk).select_related("section").first()
    if subsection is None:
        raise Http404("No such subsection.")
    return subsection


def _subsection_and_plan(request: HttpRequest, pk: int) -> tuple[Subsection, Plan]:
    """The subsection and its plan, fetched for a change by an administrator."""
    subsection = _subsection(pk)
    return subsection, get_plan_for_user(request, subsection.section.plan_id, write=True)


def _saved(request: HttpRequest, plan: Plan, subsection: Subsection, done: str) -> HttpResponse:
    messages.success(request, f"The subsection has been {done}.")
    return redirect(f"{_sections_url(plan)}#subsection-{subsection.pk}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def subsection_add(request: HttpRequest, pk: int) -> HttpResponse:
    section = _section(pk)
    plan, left_draft = get_plan_for_form(request, section.plan_id)
    form = SubsectionForm(request.POST or None)
    context = {"plan": plan, "section": section, "form": form, "subsection": None}
    if left_draft:
        return form_refused(request, FORM_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            subsection = sections.subsection_create(
                section=section, user=request.user, **form.cleaned_data
            )
        except ChangeRefused as refusal:
            return form_refused(request, FORM_TEMPLATE, context, refusal.reason)
        return _saved(request, plan, subsection, "added")
    return render(request, FORM_TEMPLATE, context)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def subsection_edit(request: HttpRequest, pk: int) -> HttpResponse:
    subsection = _subsection(pk)
    plan, left_draft = get_plan_for_form(request, subsection.section.plan_id)
    form = SubsectionForm(request.POST or None, instance=subsection)
    context = {
        "plan": plan,
        "section": subsection.section,
        "form": form,
        "subsection": subsection,
    }
    if left_draft:
        return form_refused(request, FORM_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            sections.subsection_update(
                subsection=subsection, user=request.user, **form.cleaned_data
            )
        except ChangeRefused as refusal:
            return form_refused(request, FORM_TEMPLATE, context, refusal.reason)
        return _saved(request, plan, subsection, "saved")
    return render(request, FORM_TEMPLATE, context)


@require_POST
@login_required
def subsection_move(request: HttpRequest, pk: int) -> HttpResponse:
    subsection, plan = _subsection_and_plan(request, pk)
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse("Choose to move the subsection up or down.", status=400)
    if not sections.subsection_move(subsection=subsection, user=request.user, direction=direction):
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"The subsection is already {edge} in its section.")
    # No #fragment: it would stop the browser honouring the moved button's autofocus.
    return redirect(f"{_sections_url(plan)}?moved_subsection={subsection.pk}&direction={direction}")


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def subsection_remove(request: HttpRequest, pk: int) -> HttpResponse:
    subsection, plan = _subsection_and_plan(request, pk)
    if request.method == "POST":
        sections.subsection_remove(subsection=subsection, user=request.user)
        messages.success(request, f"The subsection “{subsection.title}” has been removed.")
        return redirect(f"{_sections_url(plan)}#section-{subsection.section_id}")
    context = {"plan": plan, "section": subsection.section, "subsection": subsection}
    return render(request, "plans/sections/subsection_remove.html", context)
