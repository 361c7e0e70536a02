"""The tables of a Word document: merged cells spread out, action tables recognised by their
header row, priorities laid out as labelled rows, and the codes and names in their cells."""

from __future__ import annotations

import re
from dataclasses import dataclass

from lxml import etree

from plans.word.document import cell_text
from priorities.forms import split_lead_partners

# What a header cell names, tried in this order: the first pattern that matches wins, so
# "Review Date" is a date (not data) and "Lead Agency" a lead partner.
_COLUMN_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern, re.IGNORECASE))
    for key, pattern in (
        ("review_date", r"\breview|timescale|deadline|target date|by when|\bdates?\b|\bwhen\b"),
        ("baseline", r"baseline"),
        ("indicators", r"indicator|^\s*nis?\b|\bni\s*(?:ref|no|code)|\bpis?\b"),
        ("funding", r"funding|budget"),
        ("element", r"element"),
        ("progress", r"progress|\brag\b|status|update"),
        ("lead_partners", r"\blead|agenc|partner|responsib|owner|\bwho\b"),
        ("priority", r"priorit|\btheme"),
        ("aim", r"\baims?\b|objective|outcome"),
        ("action", r"action|activit|\btasks?\b|what we will do|intervention"),
    )
)
# Labels down the first column of a priority laid out as a table of its own.
_ROW_LABELS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (key, re.compile(pattern, re.IGNORECASE))
    for key, pattern in (
        ("background", r"^background|^context"),
        ("aim", r"^(?:aims?|objectives?|outcomes?)\b"),
        ("actions", r"^(?:actions?|activit|what we will do)"),
        ("difficulties", r"difficult"),
        ("measuring", r"measur|performance|indicators"),
    )
)
# A header cell is a few words: a longer one is text, whatever words it uses.
HEADER_CELL_MAX = 40
_CODE = re.compile(r"^\s*([A-Za-z]{1,8})?[\s\-.]*(\d{1,4}[A-Za-z]?)\b")


@dataclass
class GridCell:
    element: etree._Element | None
    own: bool  # False where a merged cell above carries down into this row


def grid_of(table: etree._Element) -> list[list[GridCell]]:
    """The table's rows with merged cells spread over every row and column they cover."""
    rows = [row for row in table.iter("tr") if _owning_table(row) is table]
    grid: list[list[GridCell]] = [[] for _ in rows]
    carried: dict[tuple[int, int], etree._Element] = {}
    for r, row in enumerate(rows):
        column = 0
        for cell in (c for c in row if c.tag in ("td", "th")):
            while (r, column) in carried:
                grid[r].append(GridCell(carried.pop((r, column)), own=False))
                column += 1
            span = _span(cell, "colspan")
            for offset in range(span):
                grid[r].append(GridCell(cell, own=offset == 0))
                for below in range(1, _span(cell, "rowspan")):
                    carried[(r + below, column + offset)] = cell
            column += span
        while (r, column) in carried:
            grid[r].append(GridCell(carried.pop((r, column)), own=False))
            column += 1
    return grid


def _owning_table(row: etree._Element) -> etree._Element | None:
    parent = row.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def _span(cell: etree._Element, name: str) -> int:
    try:
        return max(1, min(int(cell.get(name) or 1), 1000))
    except ValueError:
        return 1


def action_columns(header: list[GridCell]) -> dict[str, int] | None:
    """Which column holds what, if the header row names an action table: an action column
    and at least one other the app knows."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        if not cell.own:
            continue
        words = cell_text(cell.element)
        if not words or len(words) > HEADER_CELL_MAX:
            continue
        for key, pattern in _COLUMN_PATTERNS:
            if pattern.search(words):
                columns.setdefault(key, index)
                break
    others = set(columns) - {"action", "progress"}
    if "action" not in columns or not others:
        return None
    return columns


def _row_label(cell: GridCell) -> str | None:
    words = cell_text(cell.element)
    if not words or len(words) > 60:
        return None
    for key, pattern in _ROW_LABELS:
        if pattern.search(words):
            return key
    return None


def labelled_rows(grid: list[list[GridCell]]) -> dict[str, etree._Element] | None:
    """A priority laid out as a table of labelled rows (BACKGROUND, OBJECTIVE, ACTIONS...)."""
    rows: dict[str, etree._Element] = {}
    for row in grid:
        if len(row) < 2:
            continue
        label = _row_label(row[0])
        if label is not None and label not in rows and row[1].element is not row[0].element:
            rows[label] = row[1].element
    if "actions" in rows and len(rows) >= 2:
        return rows
    return None


def header_of(grid: list[list[GridCell]]) -> tuple[int, dict[str, int]] | None:
    """The header row (the first, or the second under a title row across the table)."""
    for index, row in enumerate(grid[:2]):
        columns = action_columns(row)
        if columns is not None:
            return index, columns
    return None


def indicator_codes(text: str) -> list[str]:
    """ "NI17, NI 21/ 22" as ["NI17", "NI 21", "NI 22"]: a bare number takes the letters of the
    code before it, as plans write "NI 15, 20, 41"; words that are no code are kept as
    printed, for the officer to map."""
    codes: list[str] = []
    prefix = ""
    for piece in re.split(r"[,;/\n]|\band\b|&", text):
        piece = piece.strip(" .\t")
        if not piece:
            continue
        match = _CODE.match(piece)
        if match is None:
            codes.append(piece)
            continue
        letters, number = match[1] or "", match[2]
        if letters:
            prefix = letters
            codes.append(f"{letters}{' ' if ' ' in piece[: match.end()] else ''}{number}")
        elif prefix:
            codes.append(f"{prefix} {number}")
        else:
            codes.append(number)
    return list(dict.fromkeys(codes))


def lead_partner_names(lines: list[str]) -> list[str]:
    """Each printed line split as the app's lead partner field splits what is typed ("/")."""
    names: list[str] = []
    for line in lines:
        names.extend(split_lead_partners(line))
    return list(dict.fromkeys(names))


def column_cell(
    row: list[GridCell], columns: dict[str, int], key: str, own_only: bool = False
) -> GridCell | None:
    """The row's cell in the column named `key`; with own_only, None where a merged cell
    above carries down into the row."""
    index = columns.get(key)
    if index is None or index >= len(row):
        return None
    found = row[index]
    return found if (found.own or not own_only) else None


def element_of(cell: GridCell | None) -> etree._Element | None:
    return cell.element if cell is not None else None
