"""Word documents for the import tests, built with python-docx.

The three reference plans are built from their demo data files (fixtures/plans/*.yaml), laid
out as their source documents lay them out (/work/shared/reference/plans/*.txt):

- Carlisle and Eden: sections under Heading 1; the priorities under "Tackling the Priorities"
  as Heading 2, each with its background, an "Aim – ..." paragraph and an action table
  Activity | Lead Partner | Linked Indicators, lead partners printed "A / B".
- East Cambridgeshire: each priority under a "Priority n – title" Heading 1 as a table of
  labelled rows BACKGROUND, OBJECTIVE, ACTIONS (a bulleted list, under the sentence that
  introduces it where there is one), MEASURING OUR PERFORMANCE;
  the two cross-cutting themes under "Cross-Cutting Themes" as Heading 2.
- West Cumbria: one table per priority after the priorities section, Priority | Aims |
  Baseline Data | Agency | Actions | Review Date, the Priority cell merged down the whole
  table and an Aim cell merged down its actions' rows.

Section bodies (the demo's HTML) are written as Word paragraphs, lists, Heading 3 and tables.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import yaml
from docx.document import Document
from docx.table import _Cell
from lxml import html as lxml_html

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "plans"
REFERENCE_FILES = {
    "carlisle-eden": "carlisle-eden-2010-11.yaml",
    "east-cambridgeshire": "east-cambridgeshire-2008-11.yaml",
    "west-cumbria": "west-cumbria-2012-13.yaml",
}


def plan_data(slug: str) -> dict[str, Any]:
    return yaml.safe_load((FIXTURES / REFERENCE_FILES[slug]).read_text())["plan"]


def saved(document: Document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


# Rich text


def _runs(paragraph, element) -> None:
    """The element's text into the paragraph, bold and italic kept."""
    if element.text:
        paragraph.add_run(element.text)
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag == "br":
            paragraph.add_run().add_break()
        else:
            start = len(paragraph.runs)
            _runs(paragraph, child)
            for run in paragraph.runs[start:]:
                if child.tag in ("strong", "b"):
                    run.bold = True
                if child.tag in ("em", "i"):
                    run.italic = True
        if child.tail:
            paragraph.add_run(child.tail)


def add_html(target, html: str) -> None:
    """A demo body (or a cell's HTML) written into a document or table cell."""
    if not html or not html.strip():
        return
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    for element in root:
        _add_block(target, element)


def _add_block(target, element) -> None:
    tag = element.tag
    if tag in ("h3", "h4"):
        if isinstance(target, _Cell):
            _runs(target.add_paragraph(), element)
        else:
            _runs(target.add_heading(level=int(tag[1])), element)
    elif tag in ("ul", "ol"):
        style = "List Bullet" if tag == "ul" else "List Number"
        for item in element:
            if item.tag == "li":
                _runs(target.add_paragraph(style=style), item)
    elif tag == "table":
        rows = [row for row in element.iter("tr")]
        width = max(len([c for c in row if c.tag in ("td", "th")]) for row in rows)
        table = target.add_table(rows=len(rows), cols=width)
        table.style = "Table Grid"
        for r, row in enumerate(rows):
            for c, cell in enumerate(x for x in row if x.tag in ("td", "th")):
                _fill_cell(table.cell(r, c), cell)
    else:
        _runs(target.add_paragraph(), element)


def _fill_cell(cell: _Cell, element) -> None:
    """A cell's HTML: its paragraphs and lists, or its text as the first paragraph."""
    blocks = [child for child in element if child.tag in ("p", "ul", "ol")]
    if not blocks:
        _runs(cell.paragraphs[0], element)
        return
    cell.paragraphs[0]._element.getparent().remove(cell.paragraphs[0]._element)
    for block in blocks:
        _add_block(cell, block)


def add_paragraphs(target, text: str, *, first_prefix: str = "") -> None:
    """Plain text as the app keeps it (paragraphs between blank lines) as Word paragraphs."""
    for number, part in enumerate(p.strip() for p in (text or "").split("\n\n") if p.strip()):
        target.add_paragraph((first_prefix if number == 0 else "") + part)


def set_cell_lines(cell: _Cell, lines: list[str], style: str | None = None) -> None:
    """One paragraph a line in a cell."""
    cell.paragraphs[0].text = lines[0] if lines else ""
    if style and lines:
        cell.paragraphs[0].style = style
    for line in lines[1:]:
        cell.add_paragraph(line, style=style)


def header_row(table, headings: list[str]) -> None:
    for cell, heading in zip(table.rows[0].cells, headings, strict=True):
        cell.text = heading
        cell.paragraphs[0].runs[0].bold = True


def printed(lead: Any) -> str:
    return lead if isinstance(lead, str) else lead["printed"]


# The plans


def _sections_and_priorities(data: dict) -> list[tuple[str, dict]]:
    """Sections and priorities in the order the plan prints them (its outline)."""
    sections = {section["title"]: section for section in data.get("sections", [])}
    priorities = {priority["title"]: priority for priority in data.get("priorities", [])}
    order = []
    for entry in data.get("outline", []):
        if isinstance(entry, dict) and "section" in entry:
            order.append(("section", sections[entry["section"]]))
        elif isinstance(entry, dict) and "priority" in entry:
            order.append(("priority", priorities[entry["priority"]]))
    return order


def carlisle_eden() -> bytes:
    data = plan_data("carlisle-eden")
    document = docx.Document()
    document.add_paragraph(f"{data['title']} 2010/11", style="Title")
    for kind, part in _sections_and_priorities(data):
        if kind == "section":
            document.add_heading(part["title"], level=1)
            add_html(document, part.get("body", ""))
            continue
        document.add_heading(part["title"], level=2)
        add_paragraphs(document, part.get("background", ""))
        add_paragraphs(document, part.get("aim", ""), first_prefix="Aim – ")
        actions = part.get("actions") or []
        if not actions:
            continue
        table = document.add_table(rows=1 + len(actions), cols=3)
        table.style = "Table Grid"
        header_row(table, ["Activity ", "Lead Partner", "Linked Indicators"])
        for row, action in zip(table.rows[1:], actions, strict=True):
            row.cells[0].text = action["text"].strip()
            row.cells[1].text = " / ".join(printed(lead) for lead in action["lead_partners"])
            row.cells[2].text = ", ".join(action.get("indicators") or [])
    return saved(document)


def _measuring_cell(cell: _Cell, performance: str, difficulties: str) -> None:
    """ "Measuring our performance" as printed: paragraphs and bulleted lists, then the
    difficulties in measuring as its closing paragraph."""
    first = True
    for line in (line.strip() for line in performance.splitlines()):
        if not line:
            continue
        style = "List Bullet" if line.startswith("- ") else None
        words = line[2:] if style else line
        if first:
            cell.paragraphs[0].text = words
            if style:
                cell.paragraphs[0].style = style
            first = False
        else:
            cell.add_paragraph(words, style=style)
    if difficulties:
        cell.add_paragraph(difficulties.strip())


def east_cambridgeshire() -> bytes:
    data = plan_data("east-cambridgeshire")
    document = docx.Document()
    for kind, part in _sections_and_priorities(data):
        if kind == "section":
            document.add_heading(part["title"], level=1)
            add_html(document, part.get("body", ""))
            continue
        if part.get("cross_cutting"):
            # "Young People - Promoting the positive involvement of young people ...".
            aim = part.get("aim", "").strip()
            document.add_heading(f"{part['title']} - {aim}" if aim else part["title"], level=2)
            add_paragraphs(document, part.get("background", ""))
            continue
        document.add_heading(f"{part['label']} – {part['title']}", level=1)
        table = document.add_table(rows=4, cols=2)
        table.style = "Table Grid"
        labels = ["BACKGROUND", "OBJECTIVE", "ACTIONS", "MEASURING OUR PERFORMANCE"]
        for row, label in zip(table.rows, labels, strict=True):
            row.cells[0].text = label
        background = [p.strip() for p in part["background"].split("\n\n") if p.strip()]
        # A closing sentence that introduces the actions ("...programme:") is printed at the
        # top of the ACTIONS cell, above its bullets, as Priority 4 prints it.
        introduction = background.pop() if background[-1].endswith(":") else ""
        set_cell_lines(table.cell(0, 1), background)
        table.cell(1, 1).text = part["aim"].strip()
        actions = [action["text"].strip() for action in part["actions"]]
        set_cell_lines(table.cell(2, 1), actions, style="List Bullet")
        if introduction:
            first = table.cell(2, 1).paragraphs[0]
            first.insert_paragraph_before(introduction, style="Normal")
        _measuring_cell(
            table.cell(3, 1),
            part.get("measuring_performance", ""),
            part.get("measuring_difficulties", ""),
        )
    return saved(document)


WEST_CUMBRIA_HEADINGS = ["Priority", "Aims", "Baseline Data", "Agency", "Actions", "Review Date"]


def _west_cumbria_rows(priority: dict) -> list[dict]:
    """The table's rows for one priority: each aim's row, then a row an action.

    An aim whose first action has baseline data of its own prints alone on its row (its
    actions follow on rows with no aim); otherwise its first action shares its row and the
    Aim and Baseline cells are merged down over the rest of its actions.
    """
    rows: list[dict] = []
    for aim in priority["aims"]:
        actions = aim.get("actions") or []
        own_baselines = any(action.get("baseline_data") for action in actions)
        first = {
            "aim": aim["title"].strip(),
            "baseline": (aim.get("baseline_data") or "").strip(),
            "agencies": list(aim.get("agencies") or []),
            "merge": not own_baselines,
            "span": 1,
        }
        rows.append(first)
        for index, action in enumerate(actions):
            row = {
                "text": action["text"].strip(),
                "leads": [printed(lead) for lead in action["lead_partners"]],
                "review": action.get("review_date", ""),
                "baseline": (action.get("baseline_data") or "").strip(),
            }
            if index == 0 and not own_baselines and not first["agencies"]:
                first.update(row, baseline=first["baseline"])
            else:
                rows.append(row)
                if first["merge"]:
                    first["span"] += 1
    return rows


def west_cumbria() -> bytes:
    data = plan_data("west-cumbria")
    document = docx.Document()
    priorities_section = next(s for s in data["sections"] if s["kind"] == "priorities")
    for kind, part in _sections_and_priorities(data):
        if kind != "section":
            continue
        document.add_heading(part["title"], level=1)
        add_html(document, part.get("body", ""))
        if part is not priorities_section:
            continue
        for priority in data["priorities"]:
            rows = _west_cumbria_rows(priority)
            table = document.add_table(rows=1 + len(rows), cols=6)
            table.style = "Table Grid"
            header_row(table, WEST_CUMBRIA_HEADINGS)
            for r, row in enumerate(rows, start=1):
                cells = table.rows[r].cells
                if "aim" in row:
                    set_cell_lines(cells[1], row["aim"].splitlines())
                    set_cell_lines(cells[2], row["baseline"].splitlines())
                else:
                    set_cell_lines(cells[2], row["baseline"].splitlines())
                set_cell_lines(cells[3], row.get("leads") or row.get("agencies") or [])
                set_cell_lines(cells[4], row.get("text", "").splitlines())
                cells[5].text = row.get("review", "")
            for r, row in enumerate(rows, start=1):
                if row.get("span", 1) > 1:
                    for column in (1, 2):
                        top = table.cell(r, column)
                        top.merge(table.cell(r + row["span"] - 1, column))
            table.cell(1, 0).text = priority["title"]
            table.cell(1, 0).merge(table.cell(len(rows), 0))
            document.add_paragraph()
    return saved(document)


REFERENCE_BUILDERS = {
    "carlisle-eden": carlisle_eden,
    "east-cambridgeshire": east_cambridgeshire,
    "west-cumbria": west_cumbria,
}


# Small documents for one behaviour each


def document_with(
    *,
    headings: list[tuple[int, str]] = (),
    paragraphs: list[str] = (),
    action_rows: list[list[str]] | None = None,
    action_headings: list[str] = ("Action", "Lead partner", "Indicators", "Review date"),
) -> bytes:
    """Headings with one paragraph each, then an action table under the last heading."""
    document = docx.Document()
    for level, heading in headings:
        document.add_heading(heading, level=level)
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    if action_rows is not None:
        table = document.add_table(rows=1 + len(action_rows), cols=len(action_headings))
        header_row(table, list(action_headings))
        for row, values in zip(table.rows[1:], action_rows, strict=True):
            for cell, value in zip(row.cells, values, strict=True):
                set_cell_lines(cell, value.split("\n"))
    return saved(document)
