"""Pages where a partnership administrator keeps a draft plan's lists: the related strategies,
the partnership's glossary (reached through one of its draft plans), and the budget lines.

The plan is fetched through plans.permissions (outsiders 404; other members and plans out of
draft 403), and every change goes through plans.plan_lists, which checks the draft again under
a lock. A form posted after the plan left draft comes back with status 409 and what was typed.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cspplan.refusals import form_refused
from plans import plan_lists
from plans.models import BudgetLine, GlossaryTerm, Plan, RelatedStrategy
from plans.permissions import (
    ChangeRefused,
    get_plan_for_form,
    get_plan_for_user,
)
from plans.plan_list_forms import (
    BudgetLineForm,
    GlossaryTermForm,
    GlossaryTermsForm,
    RelatedStrategiesForm,
    RelatedStrategyForm,
    already_explained,
)

FORM_TEMPLATE = "plans/lists/form.html"
FORM_METHODS = ["GET", "HEAD", "POST"]


def _form_page(
    request: HttpRequest,
    context: dict,
    left_draft: str | None,
    save: Callable[[dict], str],
    done: str | Callable[[dict], str],
) -> HttpResponse:
    """Show the form; when a valid one is posted, save it and go to where `save` says with
    the message `done` (or the one it makes from what was saved)."""
    form = context["form"]
    if left_draft:
        return form_refused(request, FORM_TEMPLATE, context, left_draft)
    if request.method == "POST" and form.is_valid():
        try:
            url = save(form.cleaned_data)
        except ChangeRefused as refusal:
            return form_refused(request, FORM_TEMPLATE, context, refusal.reason)
        except plan_lists.TermTaken as taken:
            field = "lines" if "lines" in form.fields else "term"
            for term in taken.terms:
                form.add_error(field, already_explained(term))
        else:
            messages.success(request, done(form.cleaned_data) if callable(done) else done)
            return redirect(url)
    return render(request, FORM_TEMPLATE, context)


def _mark_focus(request: HttpRequest, rows: list) -> None:
    """After a move the same button keeps the focus, as on the action plans."""
    for position, row in enumerate(rows):
        row.focus_move = None
        if request.GET.get("moved") == str(row.pk):
            direction = request.GET.get("direction")
            if direction == "up" and position == 0:
                direction = "down"
            elif direction == "down" and position == len(rows) - 1:
                direction = "up"
            row.focus_move = direction


def _row_and_plan(
    request: HttpRequest, model: type[models.Model], pk: int
) -> tuple[models.Model, Plan]:
    """A row of a plan's list and its plan, fetched for a change by an administrator."""
    row = model.objects.filter(pk=pk).first()
    if row is None:
        raise Http404("No such entry.")
    return row, get_plan_for_user(request, row.plan_id, write=True)


def _move(
    request: HttpRequest, list_url: str, what: str, move: Callable[[str], bool]
) -> HttpResponse:
    direction = request.POST.get("direction")
    if direction not in ("up", "down"):
        return HttpResponse(f"Choose to move the {what} up or down.", status=400)
    if not move(direction):
        edge = "first" if direction == "up" else "last"
        messages.info(request, f"The {what} is already {edge}.")
    pk = request.resolver_match.kwargs["pk"]
    # No #fragment: it would stop the browser honouring the moved button's autofocus.
    return redirect(f"{list_url}?moved={pk}&direction={direction}")


def _remove_page(
    request: HttpRequest, context: dict, remove: Callable[[], None], done: str
) -> HttpResponse:
    if request.method == "POST":
        remove()
        messages.success(request, done)
        return redirect(context["list_url"])
    return render(request, "plans/lists/remove.html", context)


# Related strategies ---------------------------------------------------------------------------


def _strategies_url(plan: Plan) -> str:
    return reverse("priorities:strategies", args=[plan.pk])


def _strategy_context(plan: Plan, form, **extra) -> dict:
    return {
        "plan": plan,
        "form": form,
        "list_name": "Related strategies",
        "list_url": _strategies_url(plan),
        **extra,
    }


@require_safe
@login_required
def strategy_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, write=True)
    strategies = list(plan.related_strategies.order_by("order"))
    _mark_focus(request, strategies)
    return render(request, "plans/lists/strategies.html", {"plan": plan, "strategies": strategies})


@require_http_methods(FORM_METHODS)
@login_required
def strategy_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    context = _strategy_context(
        plan,
        RelatedStrategyForm(request.POST or None),
        heading="Add a plan or strategy",
        action=reverse("priorities:strategy_add", args=[plan.pk]),
        submit="Save the plan or strategy",
    )

    def save(data: dict) -> str:
        strategy = plan_lists.related_strategy_create(plan=plan, user=request.user, **data)
        return f"{_strategies_url(plan)}#strategy-{strategy.pk}"

    return _form_page(request, context, left_draft, save, "The plan or strategy has been added.")


@require_http_methods(FORM_METHODS)
@login_required
def strategy_add_many(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    context = _strategy_context(
        plan,
        RelatedStrategiesForm(request.POST or None),
        heading="Add several plans and strategies",
        action=reverse("priorities:strategy_add_many", args=[plan.pk]),
        submit="Add them all",
        lead="Paste or type one plan or strategy a line. Nothing is added until every line "
        "is right.",
    )

    def save(data: dict) -> str:
        plan_lists.related_strategies_create_many(
            plan=plan, user=request.user, entries=data["lines"]
        )
        return _strategies_url(plan)

    def done(data: dict) -> str:
        count = len(data["lines"])
        if count == 1:
            return "1 plan or strategy has been added."
        return f"{count} plans and strategies have been added."

    return _form_page(request, context, left_draft, save, done)


@require_http_methods(FORM_METHODS)
@login_required
def strategy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    strategy = RelatedStrategy.objects.filter(pk=pk).first()
    if strategy is None:
        raise Http404("No such plan or strategy.")
    plan, left_draft = get_plan_for_form(request, strategy.plan_id)
    context = _strategy_context(
        plan,
        RelatedStrategyForm(request.POST or None, instance=strategy),
        heading="Edit the plan or strategy",
        action=reverse("priorities:strategy_edit", args=[strategy.pk]),
        submit="Save the plan or strategy",
        entry=strategy,
    )

    def save(data: dict) -> str:
        plan_lists.related_strategy_update(strategy=strategy, user=request.user, **data)
        return f"{_strategies_url(plan)}#strategy-{strategy.pk}"

    return _form_page(request, context, left_draft, save, "The plan or strategy has been saved.")


@require_POST
@login_required
def strategy_move(request: HttpRequest, pk: int) -> HttpResponse:
    strategy, plan = _row_and_plan(request, RelatedStrategy, pk)
    return _move(
        request,
        _strategies_url(plan),
        "plan or strategy",
        lambda direction: plan_lists.related_strategy_move(
            strategy=strategy, user=request.user, direction=direction
        ),
    )


@require_http_methods(FORM_METHODS)
@login_required
def strategy_remove(request: HttpRequest, pk: int) -> HttpResponse:
    strategy, plan = _row_and_plan(request, RelatedStrategy, pk)
    context = _strategy_context(
        plan,
        None,
        heading="Are you sure you want to remove this plan or strategy?",
        entry_label=strategy.title,
        action=reverse("priorities:strategy_remove", args=[strategy.pk]),
        submit="Yes, remove it",
    )
    return _remove_page(
        request,
        context,
        lambda: plan_lists.related_strategy_remove(strategy=strategy, user=request.user),
        f"“{strategy.title}” has been removed from the plan's related strategies.",
    )


# Glossary -------------------------------------------------------------------------------------


def _glossary_url(plan: Plan) -> str:
    return reverse("priorities:glossary", args=[plan.pk])


def _glossary_context(plan: Plan, form, **extra) -> dict:
    return {
        "plan": plan,
        "form": form,
        "list_name": "Glossary",
        "list_url": _glossary_url(plan),
        **extra,
    }


def _terms(plan: Plan) -> models.QuerySet[GlossaryTerm]:
    return GlossaryTerm.objects.filter(partnership_id=plan.partnership_id)


def _term_of(plan: Plan, pk: int) -> GlossaryTerm:
    """A term of the plan's partnership; another partnership's term is not found."""
    term = _terms(plan).filter(pk=pk).first()
    if term is None:
        raise Http404("No such term.")
    return term


@require_safe
@login_required
def glossary_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, write=True)
    terms = sorted(_terms(plan), key=lambda term: term.term.casefold())
    return render(request, "plans/lists/glossary.html", {"plan": plan, "terms": terms})


@require_http_methods(FORM_METHODS)
@login_required
def term_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    other_terms = list(_terms(plan).values_list("term", flat=True))
    context = _glossary_context(
        plan,
        GlossaryTermForm(request.POST or None, other_terms=other_terms),
        heading="Add a term to the glossary",
        action=reverse("priorities:term_add", args=[plan.pk]),
        submit="Save the term",
    )

    def save(data: dict) -> str:
        term = plan_lists.glossary_term_create(plan=plan, user=request.user, **data)
        return f"{_glossary_url(plan)}#term-{term.pk}"

    return _form_page(request, context, left_draft, save, "The term has been added.")


@require_http_methods(FORM_METHODS)
@login_required
def term_add_many(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    existing = list(_terms(plan).values_list("term", flat=True))
    form = GlossaryTermsForm(request.POST or None, existing_terms=existing)
    context = _glossary_context(
        plan,
        form,
        heading="Add several terms to the glossary",
        action=reverse("priorities:term_add_many", args=[plan.pk]),
        submit="Add them all",
        lead="Paste or type one term a line. Nothing is added until every line is right.",
    )

    def save(data: dict) -> str:
        plan_lists.glossary_terms_create_many(plan=plan, user=request.user, entries=data["lines"])
        return _glossary_url(plan)

    def done(data: dict) -> str:
        count = len(data["lines"])
        return "1 term has been added." if count == 1 else f"{count} terms have been added."

    return _form_page(request, context, left_draft, save, done)


@require_http_methods(FORM_METHODS)
@login_required
def term_edit(request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, plan_pk)
    term = _term_of(plan, pk)
    other_terms = list(_terms(plan).exclude(pk=term.pk).values_list("term", flat=True))
    context = _glossary_context(
        plan,
        GlossaryTermForm(request.POST or None, instance=term, other_terms=other_terms),
        heading="Edit the term",
        action=reverse("priorities:term_edit", args=[plan.pk, term.pk]),
        submit="Save the term",
        entry=term,
    )

    def save(data: dict) -> str:
        plan_lists.glossary_term_update(plan=plan, glossary_term=term, user=request.user, **data)
        return f"{_glossary_url(plan)}#term-{term.pk}"

    return _form_page(request, context, left_draft, save, "The term has been saved.")


@require_http_methods(FORM_METHODS)
@login_required
def term_remove(request: HttpRequest, plan_pk: int, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, plan_pk, write=True)
    term = _term_of(plan, pk)
    context = _glossary_context(
        plan,
        None,
        heading="Are you sure you want to remove this term from the glossary?",
        entry_label=f"{term.term}: {term.meaning}",
        note="The glossary is the partnership's: the term goes from each of its plans that "
        "uses it, apart from copies already published. Its history keeps it.",
        action=reverse("priorities:term_remove", args=[plan.pk, term.pk]),
        submit="Yes, remove the term",
    )
    return _remove_page(
        request,
        context,
        lambda: plan_lists.glossary_term_remove(plan=plan, glossary_term=term, user=request.user),
        f"“{term.term}” has been removed from the glossary.",
    )


# Budget ---------------------------------------------------------------------------------------


def _budget_url(plan: Plan) -> str:
    return reverse("priorities:budget", args=[plan.pk])


def _budget_context(plan: Plan, form, **extra) -> dict:
    return {
        "plan": plan,
        "form": form,
        "list_name": "Budget",
        "list_url": _budget_url(plan),
        **extra,
    }


def _money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def _year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


@require_safe
@login_required
def budget_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user(request, pk, write=True)
    years: dict[int, list[BudgetLine]] = {}
    for line in plan.budget_lines.order_by("year", "order"):
        line.amount_label = _money(line.amount)
        years.setdefault(line.year, []).append(line)
    budget_years = []
    for year, lines in years.items():
        _mark_focus(request, lines)
        total = sum((line.amount for line in lines), Decimal("0"))
        budget_years.append({"label": _year_label(year), "lines": lines, "total": _money(total)})
    total = sum((line.amount for lines in years.values() for line in lines), Decimal("0"))
    context = {"plan": plan, "budget_years": budget_years, "total": _money(total)}
    return render(request, "plans/lists/budget.html", context)


def _budget_form(request: HttpRequest, plan: Plan, line: BudgetLine | None) -> BudgetLineForm:
    initial = None if line else {"year": str(plan.start_year)}
    return BudgetLineForm(request.POST or None, instance=line, initial=initial)


@require_http_methods(FORM_METHODS)
@login_required
def budget_line_add(request: HttpRequest, pk: int) -> HttpResponse:
    plan, left_draft = get_plan_for_form(request, pk)
    context = _budget_context(
        plan,
        _budget_form(request, plan, None),
        heading="Add a budget line",
        action=reverse("priorities:budget_line_add", args=[plan.pk]),
        submit="Save the budget line",
    )

    def save(data: dict) -> str:
        line = plan_lists.budget_line_create(plan=plan, user=request.user, **data)
        return f"{_budget_url(plan)}#budget-line-{line.pk}"

    return _form_page(request, context, left_draft, save, "The budget line has been added.")


@require_http_methods(FORM_METHODS)
@login_required
def budget_line_edit(request: HttpRequest, pk: int) -> HttpResponse:
    line = BudgetLine.objects.filter(pk=pk).first()
    if line is None:
        raise Http404("No such budget line.")
    plan, left_draft = get_plan_for_form(request, line.plan_id)
    context = _budget_context(
        plan,
        _budget_form(request, plan, line),
        heading="Edit the budget line",
        action=reverse("priorities:budget_line_edit", args=[line.pk]),
        submit="Save the budget line",
        entry=line,
    )

    def save(data: dict) -> str:
        plan_lists.budget_line_update(line=line, user=request.user, **data)
        return f"{_budget_url(plan)}#budget-line-{line.pk}"

    return _form_page(request, context, left_draft, save, "The budget line has been saved.")


@require_POST
@login_required
def budget_line_move(request: HttpRequest, pk: int) -> HttpResponse:
    line, plan = _row_and_plan(request, BudgetLine, pk)
    return _move(
        request,
        _budget_url(plan),
        "budget line",
        lambda direction: plan_lists.budget_line_move(
            line=line, user=request.user, direction=direction
        ),
    )


@require_http_methods(FORM_METHODS)
@login_required
def budget_line_remove(request: HttpRequest, pk: int) -> HttpResponse:
    line, plan = _row_and_plan(request, BudgetLine, pk)
    context = _budget_context(
        plan,
        None,
        heading="Are you sure you want to remove this budget line?",
        entry_label=f"{line.project}: {_money(line.amount)} in {_year_label(line.year)}",
        action=reverse("priorities:budget_line_remove", args=[line.pk]),
        submit="Yes, remove the budget line",
    )
    return _remove_page(
        request,
        context,
        lambda: plan_lists.budget_line_remove(line=line, user=request.user),
        f"The budget line “{line.project}” has been removed.",
    )
