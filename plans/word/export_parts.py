"""The small pieces a plan's Word document is built from: text made safe for XML, and tables
with borders whose header rows repeat on each page a table runs on to."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Length, Mm
from docx.table import Table, _Row

# What XML 1.0 cannot hold: control characters other than tab and line ends, lone surrogates
# and the two non-characters. Typed or pasted text can carry them; python-docx would refuse
# the whole document.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
TABLE_STYLE = "Table Grid"

# A4 with the PDF's margins (static/css/plan-print.css), not python-docx's US Letter.
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(210), Mm(297), Mm(18)
TEXT_WIDTH = Length(PAGE_WIDTH - 2 * MARGIN)


def xml_text(text: str) -> str:
    """The text without the characters an XML document cannot contain, and with one kind of
    line end: a form's "\r\n" would otherwise be two line breaks in Word."""
    return _NOT_XML.sub("", text).replace("\r\n", "\n").replace("\r", "\n")


def new_table(container: Any, *, rows: int, columns: int) -> Table:
    """A table with borders (Word's "Table Grid") across the text's width."""
    table = container.add_table(rows=rows, cols=columns)
    table.style = TABLE_STYLE
    table.autofit = True
    return table


def share_columns(table: Table, shares: Sequence[int], width: Length) -> None:
    """Give the columns these shares (whole percentages) of the width, as the PDF's action
    tables do: Word reads each cell's width, LibreOffice the table's grid, so both are set."""
    table.autofit = False
    for column, share in zip(table.columns, shares, strict=True):
        column_width = Emu(int(width * share / 100))
        column.width = column_width
        for cell in column.cells:
            cell.width = column_width


def repeat_as_header(row: _Row) -> None:
    """Mark the row as a header row (w:tblHeader): Word and LibreOffice repeat it at the top
    of each page the table runs on to, and screen readers announce it."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def header_table(container: Any, headings: Sequence[str]) -> Table:
    """A table of one bold, repeating header row; rows are added with add_row."""
    table = new_table(container, rows=1, columns=len(headings))
    row = table.rows[0]
    repeat_as_header(row)
    for cell, heading in zip(row.cells, headings, strict=True):
        cell.paragraphs[0].add_run(xml_text(heading)).bold = True
    return table


def add_text_row(table: Table, texts: Sequence[str], *, bold: bool = False) -> _Row:
    """A row of plain-text cells; a new line in a text is a line break in its cell."""
    row = table.add_row()
    for cell, text in zip(row.cells, texts, strict=True):
        if text:
            run = cell.paragraphs[0].add_run(xml_text(text))
            if bold:
                run.bold = True
    return row
