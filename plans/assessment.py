"""Changing a plan's scanning matrix: its title and key, its criteria (columns), its
categories and sub-categories (rows), and the grid of marks, comments and decisions.

Each change locks the plan row first and checks again that it is a draft, as plans.sections
does, so the matrix cannot change under a plan that was sent for review while a form was open.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction

from plans.models import Plan, ScanningCategory, ScanningCriterion, ScanningMark, ScanningMatrix
from plans.ordering import Direction, next_order, swap_with_neighbour
from plans.permissions import ChangeRefused, plan_change_refusal
from priorities.models import Priority

CRITERION_GONE = "This criterion has been removed meanwhile."
CATEGORY_GONE = "This category has been removed meanwhile."


@dataclass(frozen=True)
class GridRow:
    """One row of the grid as posted: a category's marks by criterion id, comment, decision."""

    category_id: int
    marks: dict[int, str]
    comment: str
    decision: str


def _lock_draft_plan(plan_id: int) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    refusal = plan_change_refusal(plan)
    if refusal:
        raise ChangeRefused(refusal)
    return plan


def _matrix_of(plan: Plan, user: User) -> ScanningMatrix:
    """The plan's matrix, made when its first row or column is added."""
    matrix = ScanningMatrix.objects.filter(plan=plan).first()
    if matrix is None:
        matrix = ScanningMatrix(plan=plan)
        matrix._history_user = user
        matrix.save()
    return matrix


def _lock_criterion(pk: int) -> ScanningCriterion:
    criterion = ScanningCriterion.objects.select_for_update().filter(pk=pk).first()
    if criterion is None:
        raise ChangeRefused(CRITERION_GONE)
    return criterion


def _lock_category(pk: int) -> ScanningCategory:
    category = ScanningCategory.objects.select_for_update().filter(pk=pk).first()
    if category is None:
        raise ChangeRefused(CATEGORY_GONE)
    return category


def _checked_parent(
    matrix: ScanningMatrix, parent: ScanningCategory | None, category_id: int | None = None
) -> ScanningCategory | None:
    """The parent, checked again under the lock: still a top category of this matrix."""
    if parent is None:
        return None
    parent = (
        ScanningCategory.objects.select_for_update()
        .filter(pk=parent.pk, matrix=matrix, parent__isnull=True)
        .exclude(pk=category_id)
        .first()
    )
    if parent is None:
        raise ChangeRefused("The category chosen to put this under has changed meanwhile.")
    return parent


@transaction.atomic
def matrix_save(
    *, plan: Plan, user: User, title: str, introduction: str, key: str
) -> ScanningMatrix:
    plan = _lock_draft_plan(plan.pk)
    matrix = ScanningMatrix.objects.select_for_update().filter(plan=plan).first()
    matrix = matrix or ScanningMatrix(plan=plan)
    matrix.title = title
    matrix.introduction = introduction
    matrix.key = key
    matrix._history_user = user
    matrix.save()
    return matrix


@transaction.atomic
def criterion_create(*, plan: Plan, user: User, name: str) -> ScanningCriterion:
    """Add a column after the matrix's last one."""
    plan = _lock_draft_plan(plan.pk)
    matrix = _matrix_of(plan, user)
    criterion = ScanningCriterion(matrix=matrix, order=next_order(matrix.criteria.all()), name=name)
    criterion._history_user = user
    criterion.save()
    return criterion


@transaction.atomic
def criterion_update(*, criterion: ScanningCriterion, user: User, name: str) -> ScanningCriterion:
    _lock_draft_plan(criterion.matrix.plan_id)
    criterion = _lock_criterion(criterion.pk)
    criterion.name = name
    criterion._history_user = user
    criterion.save(update_fields=["name"])
    return criterion


@transaction.atomic
def criterion_move(*, criterion: ScanningCriterion, user: User, direction: Direction) -> bool:
    _lock_draft_plan(criterion.matrix.plan_id)
    return swap_with_neighbour(
        siblings=ScanningCriterion.objects.filter(matrix_id=criterion.matrix_id),
        pk=criterion.pk,
        user=user,
        direction=direction,
        gone=CRITERION_GONE,
    )


@transaction.atomic
def criterion_remove(*, criterion: ScanningCriterion, user: User) -> None:
    """Delete the column with its marks; their history keeps them and who removed them."""
    _lock_draft_plan(criterion.matrix.plan_id)
    criterion = _lock_criterion(criterion.pk)
    for mark in criterion.marks.select_for_update():
        mark._history_user = user
        mark.delete()
    criterion._history_user = user
    criterion.delete()


def _trace(category: ScanningCategory, priorities: list[Priority] | None) -> None:
    """Name the priorities chosen from the row: only the plan's own, checked under the lock."""
    if priorities is None:
        return
    plan_id = category.matrix.plan_id
    category.priorities.set(
        Priority.objects.filter(plan_id=plan_id, pk__in=[p.pk for p in priorities])
    )


@transaction.atomic
def category_create(
    *,
    plan: Plan,
    user: User,
    name: str,
    parent: ScanningCategory | None,
    priorities: list[Priority] | None = None,
) -> ScanningCategory:
    """Add a row: at the end, or as the last sub-category of `parent`."""
    plan = _lock_draft_plan(plan.pk)
    matrix = _matrix_of(plan, user)
    category = ScanningCategory(
        matrix=matrix,
        parent=_checked_parent(matrix, parent),
        order=next_order(matrix.categories.all()),
        name=name,
    )
    category._history_user = user
    category.save()
    _trace(category, priorities)
    return category


@transaction.atomic
def category_update(
    *,
    category: ScanningCategory,
    user: User,
    name: str,
    parent: ScanningCategory | None,
    priorities: list[Priority] | None = None,
) -> ScanningCategory:
    _lock_draft_plan(category.matrix.plan_id)
    category = _lock_category(category.pk)
    parent = _checked_parent(category.matrix, parent, category.pk)
    if parent is not None and category.subcategories.exists():
        raise ChangeRefused("This category has sub-categories, so it cannot be one itself.")
    category.name = name
    if category.parent_id != (parent.pk if parent else None):
        # A row moved under another parent goes to the end of the matrix: last among its
        # new siblings, whatever their places.
        category.order = next_order(category.matrix.categories.all())
    category.parent = parent
    category._history_user = user
    category.save(update_fields=["name", "parent", "order"])
    _trace(category, priorities)
    return category


@transaction.atomic
def category_move(*, category: ScanningCategory, user: User, direction: Direction) -> bool:
    """Swap the row with its neighbour among its siblings (the categories, or one category's
    sub-categories); orders are unique across the whole matrix."""
    _lock_draft_plan(category.matrix.plan_id)
    in_matrix = ScanningCategory.objects.filter(matrix_id=category.matrix_id)
    return swap_with_neighbour(
        siblings=in_matrix.filter(parent_id=category.parent_id),
        pk=category.pk,
        user=user,
        direction=direction,
        gone=CATEGORY_GONE,
        unique_within=in_matrix,
    )


@transaction.atomic
def category_remove(*, category: ScanningCategory, user: User) -> None:
    """Delete the row with its sub-categories and marks; history keeps them all."""
    _lock_draft_plan(category.matrix.plan_id)
    category = _lock_category(category.pk)
    rows = [*category.subcategories.select_for_update(), category]
    for row in rows:
        for mark in row.marks.select_for_update():
            mark._history_user = user
            mark.delete()
    for row in rows:
        row._history_user = user
        row.delete()


@transaction.atomic
def grid_save(*, plan: Plan, user: User, rows: list[GridRow]) -> int:
    """Save the posted rows' marks, comments and decisions in one go; the number of rows
    changed. Rows and columns removed meanwhile are skipped; a row added meanwhile is not in
    the post and is left as it is. An emptied cell deletes its mark."""
    plan = _lock_draft_plan(plan.pk)
    matrix = ScanningMatrix.objects.filter(plan=plan).first()
    if matrix is None:
        return 0
    categories = {
        category.pk: category
        for category in matrix.categories.select_for_update().filter(
            pk__in=[row.category_id for row in rows]
        )
    }
    criteria = set(matrix.criteria.values_list("pk", flat=True))
    marks = {
        (mark.category_id, mark.criterion_id): mark
        for mark in ScanningMark.objects.select_for_update().filter(
            category_id__in=list(categories)
        )
    }
    changed = 0
    for row in rows:
        category = categories.get(row.category_id)
        if category is None:
            continue
        row_changed = False
        if (category.comment, category.decision) != (row.comment, row.decision):
            category.comment = row.comment
            category.decision = row.decision
            category._history_user = user
            category.save(update_fields=["comment", "decision"])
            row_changed = True
        for criterion_id, text in row.marks.items():
            if criterion_id not in criteria:
                continue
            row_changed |= _set_mark(
                marks.get((category.pk, criterion_id)), category, criterion_id, text, user
            )
        changed += row_changed
    return changed


def _set_mark(
    mark: ScanningMark | None, category: ScanningCategory, criterion_id: int, text: str, user: User
) -> bool:
    if mark is None and not text:
        return False
    if mark is not None and mark.text == text:
        return False
    if mark is None:
        mark = ScanningMark(category=category, criterion_id=criterion_id)
    mark._history_user = user
    if not text:
        mark.delete()
        return True
    mark.text = text
    mark.save()
    return True
