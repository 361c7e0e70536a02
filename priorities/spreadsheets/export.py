"""Action plans written as XLSX (openpyxl) or CSV (tablib).

The XLSX has the sheet "Actions", a sheet "About" saying how to edit and import it, and one
sheet per local targets table (areas by years, as the plan prints it), which is there to read
and which an import ignores. The CSV holds the actions alone.
"""

from __future__ import annotations

import io
import re

import tablib
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from indicators.models import LocalTarget, LocalTargetMeasure
from indicators.targets import measure_entry
from priorities.spreadsheets.layout import (
    ABOUT,
    ABOUT_SHEET,
    ACTIONS_SHEET,
    COLUMNS,
    escape_cell,
)
from priorities.spreadsheets.rows import ActionRow, Scope, action_rows

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
# Characters a sheet's name may not hold, and its greatest length (Excel's rules).
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
_SHEET_NAME_MAX = 31


def row_values(row: ActionRow) -> list[str | int]:
    """A row's cells in COLUMNS order; every text escaped, the Ref a number."""
    texts = [
        row.number,
        row.priority.title,
        row.aim,
        row.action.text,
        row.lead_partners_text,
        row.indicators_text,
        row.review_date,
        row.status,
        row.rag,
        row.latest_progress,
    ]
    return [row.action.pk, *(escape_cell(text) for text in texts)]


def file_name(scope: Scope, extension: str) -> str:
    parts = [scope.plan.partnership.slug, scope.plan.slug]
    if scope.task_group is not None:
        parts.append(slugify(scope.task_group.name))
    return "-".join([*parts, "actions"]) + f".{extension}"


def csv_bytes(scope: Scope) -> bytes:
    dataset = tablib.Dataset(headers=[column.heading for column in COLUMNS])
    for row in action_rows(scope):
        dataset.append(row_values(row))
    # With a byte order mark, Excel opens the file as UTF-8 rather than guessing.
    return ("\ufeff" + dataset.export("csv")).encode("utf-8")


def xlsx_bytes(scope: Scope) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ACTIONS_SHEET
    _write_actions(sheet, action_rows(scope))
    _write_about(workbook.create_sheet(ABOUT_SHEET), scope)
    names = {ACTIONS_SHEET.casefold(), ABOUT_SHEET.casefold()}
    for measure in _measures(scope):
        _write_targets(workbook.create_sheet(_sheet_name(measure.name, names)), measure)
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def _write_actions(sheet: Worksheet, rows: list[ActionRow]) -> None:
    sheet.append([column.heading for column in COLUMNS])
    for cell in sheet[1]:
        cell.font = _BOLD
    for row in rows:
        sheet.append(row_values(row))
    for index, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            cell.alignment = _WRAP
            # Text format, so a date or number typed into the cell stays as typed.
            cell.number_format = "@"
    sheet.freeze_panes = "A2"


def _write_about(sheet: Worksheet, scope: Scope) -> None:
    when = f"{timezone.localtime():%-d %B %Y, %H:%M}"
    for line in ABOUT:
        sheet.append([escape_cell(line.format(scope=scope.name, when=when))])
    sheet.column_dimensions["A"].width = 100
    for (cell,) in sheet.iter_rows():
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def _measures(scope: Scope) -> list[LocalTargetMeasure]:
    return list(
        LocalTargetMeasure.objects.filter(plan=scope.plan)
        .select_related("indicator")
        .prefetch_related(
            "columns",
            Prefetch(
                "rows",
                queryset=LocalTarget.objects.select_related("area").prefetch_related("values"),
            ),
        )
    )


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _NOT_IN_SHEET_NAMES.sub(" ", name).strip(" '") or "Targets"
    candidate, counter = base[:_SHEET_NAME_MAX], 1
    while candidate.casefold() in taken:
        counter += 1
        suffix = f" ({counter})"
        candidate = base[: _SHEET_NAME_MAX - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def _write_targets(sheet: Worksheet, measure: LocalTargetMeasure) -> None:
    """The measure's table as the plan prints it: a figure per area and year, "(baseline)"
    after the baseline's, and the change under a figure that prints one."""
    entry = measure_entry(measure)
    title = measure.name + (f" ({measure.unit})" if measure.unit else "")
    if measure.indicator_id:
        title += f", {measure.indicator.code}"
    sheet.append([escape_cell(title)])
    sheet["A1"].font = _BOLD
    headings = ["Area", *entry.years]
    if entry.prints_change:
        headings.append(entry.change_heading)
    sheet.append([escape_cell(heading) for heading in headings])
    for cell in sheet[2]:
        cell.font = _BOLD
    for row in entry.rows:
        cells = [row.area_name]
        for cell in row.cells:
            if cell is None:
                cells.append("")
                continue
            text = cell.value + (" (baseline)" if cell.is_baseline else "")
            cells.append(f"{text}\n{cell.change}" if cell.change else text)
        if entry.prints_change:
            cells.append(row.change_over_period)
        sheet.append([escape_cell(text) for text in cells])
    sheet.column_dimensions["A"].width = 28
    for index in range(2, len(headings) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = 14
    for cells in sheet.iter_rows(min_row=3):
        for cell in cells:
            cell.alignment = _WRAP
    sheet.freeze_panes = "B3"
