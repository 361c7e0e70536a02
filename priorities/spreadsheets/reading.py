"""Reading an action plan spreadsheet back: its header row and each row's cells as text.

The file has passed plans.uploads.read_upload (size, type, password, damage, zip bombs), so
this only has to find the sheet and its columns. Formulas are not evaluated: a cell holding
one is read as the value the spreadsheet last saved for it. Every text loses exactly the
escaping the export added.
"""

from __future__ import annotations

import csv
import datetime
import io
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from plans.uploads import Upload
from priorities.spreadsheets.layout import ACTIONS_SHEET, COLUMNS, REQUIRED, unescape_cell


@dataclass
class SheetRow:
    """A row of the file: its number as the spreadsheet shows it, and its cells by heading."""

    number: int
    cells: dict[str, str]

    def get(self, heading: str) -> str:
        return self.cells.get(heading, "")


@dataclass
class Sheet:
    headings: set[str]
    rows: list[SheetRow]

    def has(self, heading: str) -> bool:
        return heading in self.headings


def _text(value: object, number_format: str = "") -> str:
    """A cell's value as the text a person sees in it."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        # A spreadsheet turns "August 2009" typed into a cell into a date; its format says
        # whether the day was part of what was typed.
        if "d" in number_format.lower():
            return f"{value.day} {value:%B %Y}"
        return f"{value:%B %Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return unescape_cell(text)


def _damaged(name: str) -> ValidationError:
    return ValidationError(
        f"“{name}” could not be read as a spreadsheet. Open it in its program, save it again, "
        "and try again.",
        code="corrupt",
    )


def _xlsx_rows(upload: Upload) -> list[list[str]]:
    # openpyxl meets a damaged part with whatever its parser raises (KeyError for a missing
    # part, XML syntax errors, IndexError...): any of them means the file cannot be read.
    try:
        workbook = load_workbook(upload.as_file(), read_only=True, data_only=True)
        try:
            names = {name.casefold(): name for name in workbook.sheetnames}
            sheet = workbook[names.get(ACTIONS_SHEET.casefold(), workbook.sheetnames[0])]
            return [
                [_text(cell.value, getattr(cell, "number_format", "") or "") for cell in row]
                for row in sheet.iter_rows()
            ]
        finally:
            workbook.close()
    except Exception as error:  # noqa: BLE001
        raise _damaged(upload.name) from error


def _csv_rows(upload: Upload) -> list[list[str]]:
    # The standard library's reader rather than tablib's, which refuses a file whose rows
    # are not all as long as its first: spreadsheets drop trailing empty cells.
    reader = csv.reader(io.StringIO(upload.content.decode("utf-8"), newline=""))
    try:
        return [[_text(value) for value in row] for row in reader]
    except csv.Error as error:
        raise _damaged(upload.name) from error


def read_sheet(upload: Upload) -> Sheet:
    """The actions sheet of an uploaded file, or a ValidationError saying what is missing."""
    read = _xlsx_rows(upload) if upload.kind == "xlsx" else _csv_rows(upload)
    # Numbered as the spreadsheet shows them (from 1) before blank rows are left out.
    rows = [(number, row) for number, row in enumerate(read, start=1) if any(map(str.strip, row))]
    if not rows:
        raise ValidationError(
            f"“{upload.name}” has no rows. Export the actions, edit that file, and import it.",
            code="empty",
        )
    # Columns there only to read (Number, Latest progress) are not read back.
    known = {column.heading.casefold(): column.heading for column in COLUMNS if column.imported}
    positions: dict[int, str] = {}
    for position, heading in enumerate(rows[0][1]):
        name = known.get(" ".join(heading.split()).casefold())
        if name is not None and name not in positions.values():
            positions[position] = name
    missing = [column.heading for column in REQUIRED if column.heading not in positions.values()]
    if missing:
        raise ValidationError(
            f"The first row of “{upload.name}” must name the columns, and these are missing: "
            f"{', '.join(missing)}. Put them back as the exported file has them, and try again.",
            code="missing_columns",
        )
    sheet_rows = [
        SheetRow(
            number=number,
            cells={positions[i]: value.strip() for i, value in enumerate(row) if i in positions},
        )
        for number, row in rows[1:]
    ]
    return Sheet(headings=set(positions.values()), rows=sheet_rows)
