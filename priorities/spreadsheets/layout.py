"""The columns of an action plan spreadsheet, and the escaping that keeps its cells text.

A spreadsheet program runs a cell that starts with =, +, - or @ as a formula (and a leading
tab or carriage return can hide one), so a plan's text could run in someone's spreadsheet:
"=HYPERLINK(...)" in an action would become a live link. Such a cell is written with a single
quote before it ("'=HYPERLINK(...)"), the convention spreadsheet programs themselves use for
"this is text". A text that itself starts with a quote followed by one of those characters, or
by another quote, gets one more, so reading the file back takes exactly one quote off and
every text comes back as it was.
"""

from __future__ import annotations

from dataclasses import dataclass

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def escape_cell(text: str) -> str:
    """The text as a cell that no spreadsheet runs as a formula."""
    if text.startswith(FORMULA_STARTS) or (
        text.startswith(QUOTE) and text[1:2] and text[1] in (*FORMULA_STARTS, QUOTE)
    ):
        return QUOTE + text
    return text


def unescape_cell(text: str) -> str:
    """What escape_cell wrote, back as the text it was."""
    if text.startswith(QUOTE) and text[1:2] and text[1] in (*FORMULA_STARTS, QUOTE):
        return text[1:]
    return text


@dataclass(frozen=True)
class Column:
    heading: str
    width: int
    # Read back on import; the others are there to read and are ignored.
    imported: bool = False
    # An import refuses a file without it.
    required: bool = False


REF = Column("Ref", 8, imported=True, required=True)
NUMBER = Column("Number", 9)
PRIORITY = Column("Priority", 28, imported=True, required=True)
AIM = Column("Aim", 30, imported=True)
ACTION = Column("Action", 60, imported=True, required=True)
LEAD_PARTNERS = Column("Lead partners", 30, imported=True, required=True)
INDICATORS = Column("Indicators", 16, imported=True)
REVIEW_DATE = Column("Review date", 16, imported=True)
STATUS = Column("Status", 14, imported=True)
RAG = Column("RAG", 8, imported=True)
LATEST_PROGRESS = Column("Latest progress", 40)

COLUMNS = [
    REF,
    NUMBER,
    PRIORITY,
    AIM,
    ACTION,
    LEAD_PARTNERS,
    INDICATORS,
    REVIEW_DATE,
    STATUS,
    RAG,
    LATEST_PROGRESS,
]
REQUIRED = [column for column in COLUMNS if column.required]
ACTIONS_SHEET = "Actions"
ABOUT_SHEET = "About"

ABOUT = [
    "This workbook lists the actions of {scope}, as they stood on {when}.",
    "",
    "Edit the sheet “Actions” and import it back from the action plans page: the import "
    "shows exactly what will change before anything is saved.",
    "",
    "Ref: the action's reference. Do not change it: it is how each row finds its action "
    "again. A row with an empty Ref is a new action, added to the priority its Priority "
    "column names. An action whose row is deleted is removed from the plan (it can be "
    "brought back from its action plan's page).",
    "Read on import: Priority (new rows only), Aim, Action, Lead partners (separated by "
    "“ / ”), Indicators (codes separated by commas), Review date (as the plan writes it: "
    "“July 2009”, “Q3 2010/11”, “By March 2011”), Status and RAG.",
    "Not read on import: Number, Latest progress and the targets sheets, which are there to "
    "read. Progress is recorded on each action's page.",
    "",
    "A text that starts with =, +, - or @ is written with a single quote in front ('=...), so "
    "that no spreadsheet runs it as a formula. The import takes that quote off again.",
]
