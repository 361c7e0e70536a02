"""Small real Word documents for the import pages' tests, built with python-docx as an officer's
plan is laid out: headings, a paragraph, and a priority with its table of actions."""

from __future__ import annotations

import io

from docx import Document

PRIORITY = "Anti-Social Behaviour and Criminal Damage"
ACTION = "Support school attendance initiatives."
UNKNOWN_PARTNER = "Carlisle Community Safety Team"


def plan_docx(*, lead_partner: str = UNKNOWN_PARTNER, action: str = ACTION) -> bytes:
    """An introduction, and one priority whose action table names `lead_partner`, which the
    test partnership does not have unless a test says otherwise."""
    document = Document()
    document.add_heading("Introduction", level=1)
    document.add_paragraph("The partnership works to make Carlisle and Eden safer.")
    document.add_heading("Tackling the Priorities", level=1)
    document.add_heading(PRIORITY, level=2)
    document.add_paragraph("Aim - To contribute to a high quality of life for all.")
    table = document.add_table(rows=2, cols=4)
    for cell, text in zip(
        table.rows[0].cells,
        ["Activity", "Lead Partner", "Linked Indicators", "Review date"],
        strict=True,
    ):
        cell.text = text
    for cell, text in zip(
        table.rows[1].cells, [action, lead_partner, "NI17", "March 2011"], strict=True
    ):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "plan.docx") -> io.BytesIO:
    """A file as the test client posts it."""
    file = io.BytesIO(content)
    file.name = name
    return file
