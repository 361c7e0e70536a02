"""Local targets tables: changes are derived from the stored values, never stored, so correcting
one year's figure can never leave a stale change behind.

Each measure says how its table prints: what its figures are (counts, rates, percentages or
percentage-change targets), how change prints (from the year before, from the baseline, or in
percentage points for a rate), to how many decimals, and the headings of its columns and total
row. The plan's document builds each table here (measure_entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from indicators.models import LocalTarget, LocalTargetMeasure
from plans.document_format import financial_year_label, number

Kind = LocalTargetMeasure.Kind
ChangeShown = LocalTargetMeasure.ChangeShown
MINUS = "\u2212"


def _step(places: int) -> Decimal:
    return Decimal(1).scaleb(-places)


def percentage_change(before: Decimal, after: Decimal, places: int = 1) -> Decimal | None:
    """The change from before to after as a percentage, to `places` decimals.

    None when there is nothing to compare against (a zero baseline has no percentage change).
    """
    if before == 0:
        return None
    change = (after - before) / before * 100
    return change.quantize(_step(places), rounding=ROUND_HALF_UP)


def points_change(before: Decimal, after: Decimal, places: int = 1) -> Decimal:
    """The change of a rate in percentage points: 38% to 35% is −3 points."""
    return (after - before).quantize(_step(places), rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class TargetCell:
    year: int
    value: Decimal
    is_baseline: bool
    change_from_previous: Decimal | None
    # The change as the measure prints it (from the year before, the baseline, or in points).
    change: Decimal | None = None


@dataclass(frozen=True)
class TargetRow:
    area_name: str
    cells: list[TargetCell]
    change_over_period: Decimal | None


def _compare(measure: LocalTargetMeasure | None, before: Decimal, after: Decimal) -> Decimal | None:
    places = measure.precision if measure is not None else 1
    if measure is not None and measure.change_shown == ChangeShown.POINTS:
        return points_change(before, after, places)
    return percentage_change(before, after, places)


def target_row(target: LocalTarget, measure: LocalTargetMeasure | None = None) -> TargetRow:
    """One row of a targets table; reads target.values.all() so callers can prefetch it.

    Years before the baseline are shown but not compared: the baseline is where counting
    starts. Without a baseline the first year is the starting point.
    """
    measure = measure or target.measure
    values = sorted(target.values.all(), key=lambda value: value.year)
    baseline = next((value for value in values if value.is_baseline), values[0] if values else None)
    from_baseline = measure.change_shown in (ChangeShown.FROM_BASELINE, ChangeShown.POINTS)
    cells: list[TargetCell] = []
    previous = None
    for value in values:
        compared = previous is not None and baseline is not None and value.year > baseline.year
        from_previous = percentage_change(previous.value, value.value) if compared else None
        if not compared or not measure.prints_change:
            change = None
        elif from_baseline:
            change = _compare(measure, baseline.value, value.value)
        else:
            change = _compare(measure, previous.value, value.value)
        cells.append(
            TargetCell(
                year=value.year,
                value=value.value,
                is_baseline=value.is_baseline,
                change_from_previous=from_previous,
                change=change,
            )
        )
        previous = value
    last = values[-1] if values else None
    change_over_period = (
        _compare(measure, baseline.value, last.value)
        if baseline is not None and last is not None and last.year > baseline.year
        else None
    )
    area_name = target.area.name if target.area_id else (measure.total_label or "Total")
    return TargetRow(area_name=area_name, cells=cells, change_over_period=change_over_period)


def target_rows(measure: LocalTargetMeasure) -> list[TargetRow]:
    """Every row of a measure's table; prefetch rows__area and rows__values to avoid a
    query per row."""
    return [target_row(target, measure) for target in measure.rows.all()]


def measure_years(measure: LocalTargetMeasure) -> list[int]:
    """The years that head the measure's table columns, in order: its columns, and any year a
    value has without one."""
    years = {column.year for column in measure.columns.all()}
    years |= {value.year for target in measure.rows.all() for value in target.values.all()}
    return sorted(years)


# Printing --------------------------------------------------------------------------------------


def _fixed(value: Decimal, places: int) -> str:
    return f"{value.quantize(_step(places), rounding=ROUND_HALF_UP):,.{places}f}"


def _signed(value: Decimal, places: int, suffix: str) -> str:
    rounded = value.quantize(_step(places), rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{places}f}{suffix}"
    if rounded > 0:
        return f"+{text}"
    if rounded < 0:
        return f"{MINUS}{text}"
    return text


def value_label(measure: LocalTargetMeasure, value: Decimal) -> str:
    """A figure as the measure prints it: 1,234; 12.5; 38%; −17%."""
    places = measure.precision
    if measure.kind == Kind.COUNT:
        return _fixed(value, 0) if places == 0 else number(value)
    if measure.kind == Kind.RATE:
        return _fixed(value, places)
    if measure.kind == Kind.PERCENTAGE:
        return f"{_fixed(value, places)}%"
    return _signed(value, places, "%")


def change_label(measure: LocalTargetMeasure, change: Decimal | None) -> str:
    """A change as the measure prints it: +5%, −7.9%, −3 points."""
    if change is None:
        return ""
    places = measure.precision
    if measure.change_shown == ChangeShown.POINTS:
        one = change.copy_abs() == 1
        return _signed(change, places, " point" if one else " points")
    return _signed(change, places, "%")


@dataclass
class TargetCellLabel:
    value: str
    change: str
    is_baseline: bool


@dataclass
class TargetRowLabels:
    area_name: str
    cells: list[TargetCellLabel | None]
    change_over_period: str


@dataclass
class MeasureEntry:
    """One measure's table as the plan prints it."""

    measure: LocalTargetMeasure
    anchor: str
    years: list[str]
    rows: list[TargetRowLabels]

    @property
    def prints_change(self) -> bool:
        return self.measure.prints_change

    @property
    def change_heading(self) -> str:
        return self.measure.change_heading


def target_table_rows(
    measure: LocalTargetMeasure, rows: list[TargetRow], years: list[int]
) -> list[TargetRowLabels]:
    """Rows lined up under the table's year columns; a year a row lacks is an empty cell."""
    lined_up = []
    for row in rows:
        by_year = {cell.year: cell for cell in row.cells}
        cells = [
            TargetCellLabel(
                value=value_label(measure, by_year[year].value),
                change=change_label(measure, by_year[year].change),
                is_baseline=by_year[year].is_baseline,
            )
            if year in by_year
            else None
            for year in years
        ]
        lined_up.append(
            TargetRowLabels(
                area_name=row.area_name,
                cells=cells,
                change_over_period=change_label(measure, row.change_over_period)
                if measure.prints_change
                else "",
            )
        )
    return lined_up


def column_headings(measure: LocalTargetMeasure, years: list[int]) -> list[str]:
    labels = {column.year: column.label for column in measure.columns.all()}
    return [labels.get(year) or financial_year_label(year) for year in years]


def measure_entry(measure: LocalTargetMeasure) -> MeasureEntry:
    """A measure's table; prefetch columns, rows__area and rows__values."""
    years = measure_years(measure)
    return MeasureEntry(
        measure=measure,
        anchor=f"measure-{measure.pk}",
        years=column_headings(measure, years),
        rows=target_table_rows(measure, target_rows(measure), years),
    )
