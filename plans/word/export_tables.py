"""The plan's tables in Word, each as the web page and the PDF print it: a priority's aims and
its actions (the plan's own columns and headings), the local targets, the scanning matrix,
the related strategies and the budget."""

from __future__ import annotations

from html import escape
from typing import Any

from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.shared import Pt

from plans.document import PlanDocument, PriorityEntry
from plans.document_format import money
from plans.word.export_parts import (
    TEXT_WIDTH,
    add_text_row,
    header_table,
    share_columns,
    xml_text,
)
from plans.word.export_rich_text import RichTextWriter

SUB_CATEGORY_INDENT = Pt(12)


def caption(container: Any, text: str) -> None:
    """A table's caption, above it as the page prints it (Word's "Caption" style)."""
    container.add_paragraph(xml_text(text), style="Caption")


def aims_table(container: Any, entry: PriorityEntry) -> None:
    """The priority's aims and baselines, where its action table does not print them."""
    caption(container, "Aims and baseline data")
    table = header_table(container, ["Aim", "Baseline data"])
    for aim in entry.aims_listed_apart:
        aim_text = aim.title
        if aim.agencies:
            aim_text += f"\nAgencies: {aim.agencies_label}"
        add_text_row(table, [aim_text, aim.baseline_data])


def action_table(container: Any, writer: RichTextWriter, entry: PriorityEntry) -> None:
    """The priority's actions under the plan's own column headings, each cell written from
    the same HTML the page prints (plans.document_actions), aims without actions included."""
    caption(container, f"Actions: {entry.priority.title}")
    table = header_table(container, [column.heading for column in entry.columns])
    keys = [column.key for column in entry.columns]
    for row in entry.rows:
        cells = table.add_row().cells
        for cell, key in zip(cells, keys, strict=True):
            html = row.cell_html(key)
            if html:
                writer.write(cell, html, first_paragraph=cell.paragraphs[0])
    share_columns(table, [column.width for column in entry.columns], TEXT_WIDTH)


def targets_tables(container: Any, writer: RichTextWriter, document: PlanDocument) -> None:
    for entry in document.measures:
        measure = entry.measure
        if measure.intro:
            container.add_paragraph(xml_text(measure.intro))
        title = escape(measure.name)
        if measure.unit:
            title += escape(f" ({measure.unit})")
        if measure.indicator_id:
            indicator = measure.indicator
            title += f', <a href="#indicator-{indicator.pk}">{escape(indicator.code)}</a>'
        writer.write(container, title, first_paragraph=container.add_paragraph(style="Caption"))
        headings = ["Area", *entry.years]
        if entry.prints_change:
            headings.append(entry.change_heading)
        table = header_table(container, headings)
        for row in entry.rows:
            texts = [row.area_name]
            for cell in row.cells:
                if cell is None:
                    texts.append("")
                    continue
                text = cell.value + (" (baseline)" if cell.is_baseline else "")
                texts.append(f"{text}\n{cell.change}" if cell.change else text)
            if entry.prints_change:
                texts.append(row.change_over_period)
            table_row = add_text_row(table, texts)
            # The area names the row, as the page's row header does.
            for run in table_row.cells[0].paragraphs[0].runs:
                run.bold = True
        if measure.footnote:
            container.add_paragraph(xml_text(measure.footnote))


def landscape(word_document: Any) -> None:
    """Start a new page, and a section turned landscape for what follows."""
    _new_section(word_document, WD_ORIENT.LANDSCAPE)


def portrait(word_document: Any) -> None:
    _new_section(word_document, WD_ORIENT.PORTRAIT)


def _new_section(word_document: Any, orientation: WD_ORIENT) -> None:
    before = word_document.sections[-1]
    section = word_document.add_section(WD_SECTION.NEW_PAGE)
    wide, narrow = (
        max(before.page_width, before.page_height),
        min(before.page_width, before.page_height),
    )
    section.orientation = orientation
    if orientation == WD_ORIENT.LANDSCAPE:
        section.page_width, section.page_height = wide, narrow
    else:
        section.page_width, section.page_height = narrow, wide


def scanning_matrix_tables(container: Any, writer: RichTextWriter, document: PlanDocument) -> None:
    """The matrix in the parts the PDF prints it in, each as wide as a landscape page."""
    matrix = document.scanning_matrix
    for part in matrix.parts:
        caption(container, part.caption)
        headings = ["Category", *(criterion.name for criterion in part.criteria)]
        if part.with_decisions:
            headings += ["Comment", "Decision"]
        table = header_table(container, headings)
        for part_row in part.rows:
            row = part_row.row
            texts = [row.category.name, *part_row.marks]
            if part.with_decisions:
                texts += [row.category.comment, row.category.get_decision_display()]
            table_row = add_text_row(table, texts)
            category = table_row.cells[0].paragraphs[0]
            for run in category.runs:
                run.bold = True
            if row.is_sub_category:
                category.paragraph_format.left_indent = SUB_CATEGORY_INDENT
            if part.with_decisions and row.priorities:
                chosen = table.add_row().cells
                merged = chosen[0].merge(chosen[-1])
                links = "; ".join(
                    f'<a href="#{escape(link.anchor)}">{escape(link.title)}</a>'
                    for link in row.priorities
                )
                writer.write(
                    merged,
                    f"Priorities chosen from “{escape(row.category.name)}”: {links}",
                    first_paragraph=merged.paragraphs[0],
                )


def strategies_table(container: Any, writer: RichTextWriter, document: PlanDocument) -> None:
    caption(container, "Plans and strategies this plan is aligned with")
    table = header_table(container, ["Plan or strategy", "Owner"])
    for strategy in document.related_strategies:
        row = add_text_row(table, ["", strategy.owner])
        first = row.cells[0].paragraphs[0]
        if strategy.url:
            writer.write_link(first, strategy.title, strategy.url)
        else:
            first.add_run(xml_text(strategy.title))


def budget_tables(container: Any, document: PlanDocument) -> None:
    for year in document.budget_years:
        caption(container, f"Budget for {year.label}")
        table = header_table(container, ["Project", "Funding stream", "Amount"])
        for line in year.lines:
            add_text_row(table, [line.project, line.funding_stream, money(line.amount)])
        total = add_text_row(table, ["", "", year.total], bold=True)
        merged = total.cells[0].merge(total.cells[1])
        merged.paragraphs[0].add_run(xml_text(f"Total for {year.label}")).bold = True
    if document.budget_total:
        paragraph = container.add_paragraph()
        paragraph.add_run(xml_text(f"Total over the plan: {document.budget_total}")).bold = True
