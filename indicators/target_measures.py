"""Changing a draft plan's local targets: its measures (tables), their areas and year columns,
and the figures of a table's grid, each change one transaction.

Each change locks the plan row first and checks again that it is a draft, as plans.sections
does, so a table cannot change under a plan sent for review while its page was open.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import User
from django.db import transaction

from indicators.models import (
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
    TargetColumn,
)
from plans.models import District, Plan
from plans.ordering import Direction, next_order, swap_with_neighbour
from plans.permissions import ChangeRefused, plan_change_refusal

GONE_MESSAGE = "This targets table has been removed meanwhile."
NEGATIVES_MESSAGE = (
    "Some figures of this table are negative, which only percentage-change targets may be. "
    "Correct them on the table's grid first."
)
# Rows and columns are parked here while their places are renumbered.
_PARKING = 20000


@dataclass(frozen=True)
class AreaLine:
    name: str
    kind: str | None


@dataclass(frozen=True)
class ColumnLine:
    year: int
    label: str


def _lock_draft_plan(plan_id: int) -> Plan:
    plan = Plan.objects.select_for_update().get(pk=plan_id)
    refusal = plan_change_refusal(plan)
    if refusal:
        raise ChangeRefused(refusal)
    return plan


def _lock_measure(pk: int) -> LocalTargetMeasure:
    measure = LocalTargetMeasure.objects.select_for_update().filter(pk=pk).first()
    if measure is None:
        raise ChangeRefused(GONE_MESSAGE)
    return measure


def _area(plan: Plan, line: AreaLine, user: User) -> TargetArea:
    """The partnership's area of that name; a district of that name becomes one; any other
    name a new area of the kind given."""
    area = TargetArea.objects.filter(partnership_id=plan.partnership_id, name=line.name).first()
    if area is None:
        district = District.objects.filter(
            partnership_id=plan.partnership_id, name=line.name
        ).first()
        default_kind = TargetArea.Kind.DISTRICT if district else TargetArea.Kind.OTHER
        area = TargetArea(
            partnership_id=plan.partnership_id,
            name=line.name,
            kind=line.kind or default_kind,
            district=district,
        )
    elif line.kind and line.kind != area.kind:
        area.kind = line.kind
    else:
        return area
    area._history_user = user
    area.save()
    return area


def _set_rows(measure: LocalTargetMeasure, plan: Plan, areas: list[AreaLine], user: User) -> None:
    wanted = [_area(plan, line, user).pk for line in areas]
    if measure.total_label:
        wanted.append(None)
    existing = {row.area_id: row for row in measure.rows.select_for_update()}
    for area_id, row in list(existing.items()):
        if area_id not in wanted:
            row._history_user = user
            row.delete()
            del existing[area_id]
    for parking, row in enumerate(measure.rows.all(), start=_PARKING):
        LocalTarget.objects.filter(pk=row.pk).update(order=parking)
    for order, area_id in enumerate(wanted, start=1):
        row = existing.get(area_id) or LocalTarget(measure=measure, area_id=area_id)
        row.order = order
        row._history_user = user
        row.save()


def _set_columns(
    measure: LocalTargetMeasure, columns: list[ColumnLine], baseline_year: int | None, user: User
) -> None:
    wanted = {column.year: column for column in columns}
    existing = {column.year: column for column in measure.columns.select_for_update()}
    for year, column in list(existing.items()):
        if year not in wanted:
            column._history_user = user
            column.delete()
    LocalTargetValue.objects.filter(target__measure=measure).exclude(year__in=wanted).delete()
    measure.columns.filter(is_baseline=True).exclude(year=baseline_year).update(is_baseline=False)
    for year, line in wanted.items():
        column = existing.get(year) or TargetColumn(measure=measure, year=year)
        if column.pk and (column.label, column.is_baseline) == (line.label, year == baseline_year):
            continue
        column.label = line.label
        column.is_baseline = year == baseline_year
        column._history_user = user
        column.save()
    values = LocalTargetValue.objects.filter(target__measure=measure)
    values.exclude(year=baseline_year).filter(is_baseline=True).update(is_baseline=False)
    if baseline_year is not None:
        values.filter(year=baseline_year).update(is_baseline=True)


MEASURE_FIELDS = (
    "name",
    "unit",
    "kind",
    "change_shown",
    "precision",
    "total_label",
    "change_label",
    "intro",
    "footnote",
)


def _save_measure(
    measure: LocalTargetMeasure,
    plan: Plan,
    user: User,
    fields: dict,
    areas: list[AreaLine],
    columns: list[ColumnLine],
    baseline_year: int | None,
) -> LocalTargetMeasure:
    for name in MEASURE_FIELDS:
        setattr(measure, name, fields[name])
    values = LocalTargetValue.objects.filter(target__measure=measure) if measure.pk else None
    if values is not None and not measure.allows_negative and values.filter(value__lt=0).exists():
        raise ChangeRefused(NEGATIVES_MESSAGE)
    measure._history_user = user
    measure.save()
    _set_rows(measure, plan, areas, user)
    _set_columns(measure, columns, baseline_year, user)
    LocalTargetValue.objects.filter(target__measure=measure).exclude(
        may_be_negative=measure.allows_negative
    ).update(may_be_negative=measure.allows_negative)
    return measure


@transaction.atomic
def measure_create(
    *,
    plan: Plan,
    user: User,
    areas: list[AreaLine],
    columns: list[ColumnLine],
    baseline_year: int | None,
    **fields,
) -> LocalTargetMeasure:
    """Add a table after the plan's last one, with its rows and year columns."""
    plan = _lock_draft_plan(plan.pk)
    measure = LocalTargetMeasure(plan=plan, order=next_order(plan.target_measures.all()))
    return _save_measure(measure, plan, user, fields, areas, columns, baseline_year)


@transaction.atomic
def measure_update(
    *,
    measure: LocalTargetMeasure,
    user: User,
    areas: list[AreaLine],
    columns: list[ColumnLine],
    baseline_year: int | None,
    **fields,
) -> LocalTargetMeasure:
    """Change a table; rows and columns no longer listed go with their figures."""
    plan = _lock_draft_plan(measure.plan_id)
    measure = _lock_measure(measure.pk)
    return _save_measure(measure, plan, user, fields, areas, columns, baseline_year)


@transaction.atomic
def measure_move(*, measure: LocalTargetMeasure, user: User, direction: Direction) -> bool:
    _lock_draft_plan(measure.plan_id)
    return swap_with_neighbour(
        siblings=LocalTargetMeasure.objects.filter(plan_id=measure.plan_id),
        pk=measure.pk,
        user=user,
        direction=direction,
        gone=GONE_MESSAGE,
    )


@transaction.atomic
def measure_remove(*, measure: LocalTargetMeasure, user: User) -> None:
    """Delete the table with its rows, columns and figures; their history keeps them."""
    _lock_draft_plan(measure.plan_id)
    measure = _lock_measure(measure.pk)
    for value in LocalTargetValue.objects.select_for_update().filter(target__measure=measure):
        value._history_user = user
        value.delete()
    for child in [*measure.rows.select_for_update(), *measure.columns.select_for_update()]:
        child._history_user = user
        child.delete()
    measure._history_user = user
    measure.delete()


@transaction.atomic
def target_grid_save(
    *, measure: LocalTargetMeasure, user: User, figures: dict[tuple[int, int], Decimal | None]
) -> int:
    """Save a whole grid: figures by (row id, year), None for an emptied cell. Returns how
    many figures changed. Either every figure is saved or none is."""
    _lock_draft_plan(measure.plan_id)
    measure = _lock_measure(measure.pk)
    rows = {row.pk for row in measure.rows.all()}
    columns = {column.year: column.is_baseline for column in measure.columns.all()}
    if any(row not in rows or year not in columns for row, year in figures):
        raise ChangeRefused("This table's areas or years have changed meanwhile.")
    existing = {
        (value.target_id, value.year): value
        for value in LocalTargetValue.objects.select_for_update().filter(target__measure=measure)
    }
    changed = 0
    for (row, year), figure in figures.items():
        value = existing.get((row, year))
        if figure is None:
            if value is not None:
                value._history_user = user
                value.delete()
                changed += 1
            continue
        if value is not None and value.value == figure:
            continue
        value = value or LocalTargetValue(target_id=row, year=year)
        value.value = figure
        value.is_baseline = columns[year]
        value.may_be_negative = measure.allows_negative
        value._history_user = user
        value.save()
        changed += 1
    return changed
