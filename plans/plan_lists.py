"""Changing a draft plan's lists: its related strategies, the partnership's glossary as seen
through the plan, and the plan's budget lines.

Each change locks the plan row first and checks again that it is a draft, so nothing changes
under a plan that was sent for review while the form was open. Adding many at once saves every
entry or none. The glossary belongs to the partnership, so its changes also lock the
partnership row: two administrators adding the same term through two plans cannot both succeed.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import models, transaction

from plans.models import BudgetLine, GlossaryTerm, Partnership, Plan, RelatedStrategy
from plans.ordering import Direction, next_order, swap_with_neighbour
from plans.permissions import ChangeRefused, plan_change_refusal

STRATEGY_GONE = "This plan or strategy has been removed meanwhile."
TERM_GONE = "This term has been removed from the glossary meanwhile."
BUDGET_LINE_GONE = "This budget line has been removed meanwhile."


class TermTaken(Exception):
    """The glossary already explains these terms (checked again under the lock)."""

    def __init__(self, terms: list[str]) -> None:
        super().__init__(", ".join(terms))
        self.terms = terms


def _lock_draft_plan(plan_id: int) -> Plan:
    """Lock the plan, and refuse if it has left draft since the view checked."""
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    refusal = plan_change_refusal(plan)
    if refusal:
        raise ChangeRefused(refusal)
    return plan


def _lock(model: type[models.Model], pk: int, gone: str) -> models.Model:
    found = model.objects.select_for_update().filter(pk=pk).first()
    if found is None:
        raise ChangeRefused(gone)
    return found


def _save(obj: models.Model, user: User, **kwargs) -> None:
    obj._history_user = user
    obj.save(**kwargs)


def _remove(obj: models.Model, user: User) -> None:
    obj._history_user = user
    obj.delete()


# Related strategies ---------------------------------------------------------------------------


@transaction.atomic
def related_strategy_create(
    *, plan: Plan, user: User, title: str, owner: str, url: str
) -> RelatedStrategy:
    """Add a plan or strategy after the plan's last one."""
    plan = _lock_draft_plan(plan.pk)
    strategy = RelatedStrategy(
        plan=plan,
        order=next_order(plan.related_strategies.all()),
        title=title,
        owner=owner,
        url=url,
    )
    _save(strategy, user)
    return strategy


@transaction.atomic
def related_strategies_create_many(
    *, plan: Plan, user: User, entries: Iterable
) -> list[RelatedStrategy]:
    """Add each entry (with title, owner and url) in turn after the plan's last one."""
    plan = _lock_draft_plan(plan.pk)
    order = next_order(plan.related_strategies.all())
    added = []
    for offset, entry in enumerate(entries):
        strategy = RelatedStrategy(
            plan=plan, order=order + offset, title=entry.title, owner=entry.owner, url=entry.url
        )
        _save(strategy, user)
        added.append(strategy)
    return added


@transaction.atomic
def related_strategy_update(
    *, strategy: RelatedStrategy, user: User, title: str, owner: str, url: str
) -> RelatedStrategy:
    _lock_draft_plan(strategy.plan_id)
    strategy = _lock(RelatedStrategy, strategy.pk, STRATEGY_GONE)
    strategy.title, strategy.owner, strategy.url = title, owner, url
    _save(strategy, user, update_fields=["title", "owner", "url"])
    return strategy


@transaction.atomic
def related_strategy_move(*, strategy: RelatedStrategy, user: User, direction: Direction) -> bool:
    _lock_draft_plan(strategy.plan_id)
    return swap_with_neighbour(
        siblings=RelatedStrategy.objects.filter(plan_id=strategy.plan_id),
        pk=strategy.pk,
        user=user,
        direction=direction,
        gone=STRATEGY_GONE,
    )


@transaction.atomic
def related_strategy_remove(*, strategy: RelatedStrategy, user: User) -> None:
    """Delete the entry; its history keeps it and who removed it."""
    _lock_draft_plan(strategy.plan_id)
    _remove(_lock(RelatedStrategy, strategy.pk, STRATEGY_GONE), user)


# Glossary -------------------------------------------------------------------------------------


def _lock_glossary(plan: Plan, terms: list[str], keep: int | None = None) -> Plan:
    """Lock the draft plan and its partnership; refuse terms the glossary already explains
    (compared regardless of case), apart from the term `keep` being edited."""
    plan = _lock_draft_plan(plan.pk)
    Partnership.objects.select_for_update().filter(pk=plan.partnership_id).first()
    wanted = {term.casefold() for term in terms}
    taken = [
        existing
        for existing in GlossaryTerm.objects.filter(partnership_id=plan.partnership_id)
        .exclude(pk=keep)
        .values_list("term", flat=True)
        if existing.casefold() in wanted
    ]
    if taken:
        raise TermTaken(taken)
    return plan


@transaction.atomic
def glossary_term_create(*, plan: Plan, user: User, term: str, meaning: str) -> GlossaryTerm:
    """Add a term to the glossary of the plan's partnership."""
    plan = _lock_glossary(plan, [term])
    glossary_term = GlossaryTerm(partnership_id=plan.partnership_id, term=term, meaning=meaning)
    _save(glossary_term, user)
    return glossary_term


@transaction.atomic
def glossary_terms_create_many(*, plan: Plan, user: User, entries: Iterable) -> list[GlossaryTerm]:
    """Add each entry (with term and meaning); all of them, or none when one is taken."""
    entries = list(entries)
    plan = _lock_glossary(plan, [entry.term for entry in entries])
    added = []
    for entry in entries:
        glossary_term = GlossaryTerm(
            partnership_id=plan.partnership_id, term=entry.term, meaning=entry.meaning
        )
        _save(glossary_term, user)
        added.append(glossary_term)
    return added


@transaction.atomic
def glossary_term_update(
    *, plan: Plan, glossary_term: GlossaryTerm, user: User, term: str, meaning: str
) -> GlossaryTerm:
    _lock_glossary(plan, [term], keep=glossary_term.pk)
    glossary_term = _lock(GlossaryTerm, glossary_term.pk, TERM_GONE)
    glossary_term.term, glossary_term.meaning = term, meaning
    _save(glossary_term, user, update_fields=["term", "meaning"])
    return glossary_term


@transaction.atomic
def glossary_term_remove(*, plan: Plan, glossary_term: GlossaryTerm, user: User) -> None:
    """Delete the term from the partnership's glossary; its history keeps it."""
    _lock_draft_plan(plan.pk)
    _remove(_lock(GlossaryTerm, glossary_term.pk, TERM_GONE), user)


# Budget ---------------------------------------------------------------------------------------


@transaction.atomic
def budget_line_create(
    *, plan: Plan, user: User, project: str, funding_stream: str, amount: Decimal, year: int
) -> BudgetLine:
    """Add a budget line after the plan's last one."""
    plan = _lock_draft_plan(plan.pk)
    line = BudgetLine(
        plan=plan,
        order=next_order(plan.budget_lines.all()),
        project=project,
        funding_stream=funding_stream,
        amount=amount,
        year=year,
    )
    _save(line, user)
    return line


@transaction.atomic
def budget_line_update(
    *,
    line: BudgetLine,
    user: User,
    project: str,
    funding_stream: str,
    amount: Decimal,
    year: int,
) -> BudgetLine:
    _lock_draft_plan(line.plan_id)
    line = _lock(BudgetLine, line.pk, BUDGET_LINE_GONE)
    line.project, line.funding_stream, line.amount, line.year = (
        project,
        funding_stream,
        amount,
        year,
    )
    _save(line, user, update_fields=["project", "funding_stream", "amount", "year"])
    return line


@transaction.atomic
def budget_line_move(*, line: BudgetLine, user: User, direction: Direction) -> bool:
    """Swap the line with its neighbour within its financial year, as the plan prints it."""
    _lock_draft_plan(line.plan_id)
    # Read under the plan's lock, which every budget change takes first.
    year = BudgetLine.objects.filter(pk=line.pk).values_list("year", flat=True).first()
    if year is None:
        raise ChangeRefused(BUDGET_LINE_GONE)
    return swap_with_neighbour(
        siblings=BudgetLine.objects.filter(plan_id=line.plan_id, year=year),
        pk=line.pk,
        user=user,
        direction=direction,
        gone=BUDGET_LINE_GONE,
        unique_within=BudgetLine.objects.filter(plan_id=line.plan_id),
    )


@transaction.atomic
def budget_line_remove(*, line: BudgetLine, user: User) -> None:
    _lock_draft_plan(line.plan_id)
    _remove(_lock(BudgetLine, line.pk, BUDGET_LINE_GONE), user)
