"""Local targets tables: percentage changes are derived from the stored values, never stored,
so correcting one year's figure can never leave a stale percentage behind."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from indicators.models import LocalTarget, LocalTargetMeasure

_ONE_DECIMAL_PLACE = Decimal("0.1")


def percentage_change(before: Decimal, after: Decimal) -> Decimal | None:
    """The change from before to after as a percentage to one decimal place.

    None when there is nothing to compare against (a zero baseline has no percentage change).
    """
    if before == 0:
        return None
    change = (after - before) / before * 100
    return change.quantize(_ONE_DECIMAL_PLACE, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TargetCell:
    year: int
    value: Decimal
    is_baseline: bool
    change_from_previous: Decimal | None


@dataclass(frozen=True)
class TargetRow:
    area_name: str
    cells: list[TargetCell]
    change_over_period: Decimal | None


def target_row(target: LocalTarget) -> TargetRow:
    """One row of a targets table; reads target.values.all() so callers can prefetch it.

    Years before the baseline are shown but not compared: the baseline is where counting
    starts. Without a baseline the first year is the starting point.
    """
    values = sorted(target.values.all(), key=lambda value: value.year)
    baseline = next((value for value in values if value.is_baseline), values[0] if values else None)
    cells: list[TargetCell] = []
    previous = None
    for value in values:
        compared = previous is not None and baseline is not None and value.year > baseline.year
        cells.append(
            TargetCell(
                year=value.year,
                value=value.value,
                is_baseline=value.is_baseline,
                change_from_previous=percentage_change(previous.value, value.value)
                if compared
                else None,
            )
        )
        previous = value
    last = values[-1] if values else None
    change_over_period = (
        percentage_change(baseline.value, last.value)
        if baseline is not None and last is not None and last.year > baseline.year
        else None
    )
    return TargetRow(area_name=target.area_name, cells=cells, change_over_period=change_over_period)


def target_rows(measure: LocalTargetMeasure) -> list[TargetRow]:
    """Every row of a measure's table; prefetch rows__district and rows__values to avoid a
    query per row."""
    return [target_row(target) for target in measure.rows.all()]


def measure_years(measure: LocalTargetMeasure) -> list[int]:
    """The years that head the measure's table columns, in order."""
    return sorted({value.year for target in measure.rows.all() for value in target.values.all()})
