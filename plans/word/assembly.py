"""A Word document's headings, text and tables put together as a plan's sections, subsections
and priorities (see plans.word.reading for the rules)."""

from __future__ import annotations

import dataclasses
import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from lxml import etree

from plans.rich_text import sanitise
from plans.word.document import (
    ReadAction,
    ReadAim,
    ReadDocument,
    ReadPriority,
    ReadSection,
    ReadSubsection,
    blocks_of,
    cell_text,
    lines_of,
    paragraph_texts,
    paragraph_texts_in,
    split_label,
    text_of,
)
from plans.word.tables import (
    GridCell,
    column_cell,
    element_of,
    grid_of,
    header_of,
    indicator_codes,
    labelled_rows,
    lead_partner_names,
)

_TITLE_AND_SENTENCE = re.compile(r"^\s*([^.:–—-]{2,60}?)\s+[-–—]\s+(.+\.)\s*$", re.DOTALL)
_AIM_PARAGRAPH = re.compile(r"^\s*(?:aims?|objectives?)\s*(?:[-–—:])\s*(.*)$", re.I | re.DOTALL)
_CROSS_CUTTING = re.compile(r"cross[\s-]*cutting", re.IGNORECASE)


@dataclass
class Chunk:
    """A heading and what follows it up to the next heading (or the opening text)."""

    heading: str
    level: int  # 0 for the text before the first heading
    is_title: bool
    elements: list[etree._Element]


class Assembler:
    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks = chunks
        self.notices: list[str] = []
        self.sections: list[ReadSection] = []
        self.priorities: list[ReadPriority] = []
        self.first_priority_seen = False
        self._grids: dict[int, list[list[GridCell]]] = {}

    def _grid(self, table: etree._Element) -> list[list[GridCell]]:
        """The table's grid, spread out once however often it is looked at."""
        if id(table) not in self._grids:
            self._grids[id(table)] = grid_of(table)
        return self._grids[id(table)]

    def document(self) -> ReadDocument:
        headings = [c for c in self.chunks if c.heading and not c.is_title]
        top = [c for c in headings if c.level == min(c.level for c in headings)] if headings else []
        if len(top) == 1 and top[0] is headings[0] and len(headings) > 1 and not top[0].elements:
            # One top heading over everything, with no text of its own, is the document's
            # title written as a heading: the headings under it are the sections.
            top[0].is_title = True
        levels = [c.level for c in self.chunks if c.heading and not c.is_title]
        self.section_level = min(levels) if levels else 1
        self.subsection_level = self.section_level + 1
        self._mark_priorities()
        for index, chunk in enumerate(self.chunks):
            self._place(index, chunk)
        # Cross-cutting themes follow the numbered priorities, so Priority n keeps place n.
        self.priorities.sort(key=lambda priority: priority.is_cross_cutting)
        title = next((c.heading for c in self.chunks if c.is_title), "")
        return ReadDocument(self.sections, self.priorities, self.notices, title)

    def _tables(self, chunk: Chunk) -> Iterator[list[list[GridCell]]]:
        for element in chunk.elements:
            if element.tag == "table":
                yield self._grid(element)

    def _mark_priorities(self) -> None:
        """Which headings are priorities: those over an action table with no Priority column
        or over a labelled priority table; their later siblings under the same heading (a
        plan's priorities without an action table of their own); and the themes under a
        "Cross-cutting themes" heading."""
        self.priority_heading: dict[int, bool] = {}
        parents: dict[int, int | None] = {}
        stack: list[int] = []
        for index, chunk in enumerate(self.chunks):
            if not chunk.heading or chunk.is_title:
                continue
            while stack and self.chunks[stack[-1]].level >= chunk.level:
                stack.pop()
            parents[index] = stack[-1] if stack else None
            stack.append(index)
            for grid in self._tables(chunk):
                header = header_of(grid)
                if (header and "priority" not in header[1]) or (
                    header is None and labelled_rows(grid)
                ):
                    self.priority_heading[index] = False
        for index, parent in parents.items():
            if (
                parent is not None
                and _CROSS_CUTTING.search(self.chunks[parent].heading)
                and self.chunks[index].level == self.chunks[parent].level + 1
            ):
                self.priority_heading.setdefault(index, True)
        first_under: dict[int, int] = {}
        for index in sorted(self.priority_heading):
            parent = parents.get(index)
            if parent is not None and not self.priority_heading[index]:
                first_under.setdefault(parent, index)
        for index, parent in parents.items():
            level = self.chunks[index].level
            if (
                parent in first_under
                and index > first_under[parent]
                and level == self.chunks[first_under[parent]].level
            ):
                self.priority_heading.setdefault(index, False)
        # A heading under a priority belongs to the priority's text.
        self.inside_priority: set[int] = set()
        for index, parent in parents.items():
            while parent is not None:
                if parent in self.priority_heading:
                    self.inside_priority.add(index)
                    break
                parent = parents.get(parent)

    # Each chunk in turn

    def _place(self, index: int, chunk: Chunk) -> None:
        if index in self.inside_priority:
            priority = self.priorities[-1]
            priority.background.append(chunk.heading)
            self._priority_text(priority, chunk.elements)
            return
        if index in self.priority_heading:
            self._priority(chunk, cross_cutting=self.priority_heading[index])
            return
        if chunk.is_title:
            if chunk.elements:
                self._section(Chunk(chunk.heading, self.section_level, False, chunk.elements))
            else:
                self.notices.append(
                    f"The document's title “{chunk.heading}” is not made a section."
                )
            return
        if not chunk.heading:
            if any(text_of(e) or e.tag == "table" for e in chunk.elements):
                self._section(Chunk("Opening text", self.section_level, False, chunk.elements))
                self.notices.append(
                    "The text before the first heading is kept as a section called “Opening "
                    "text”; rename it after the import."
                )
            return
        if chunk.level <= self.section_level:
            self._section(chunk)
        elif chunk.level == self.subsection_level and self.sections:
            self._subsection(chunk)
        else:
            # A deeper heading stays in the text of the section or subsection above it.
            self._append_to_last(chunk)

    def _placement(self, title: str) -> str:
        if re.match(r"^\s*appendi(?:x|ces)\b", title, re.IGNORECASE):
            return "appendix"
        return "after" if self.first_priority_seen else "before"

    def _section(self, chunk: Chunk) -> None:
        section = ReadSection(title=chunk.heading, placement=self._placement(chunk.heading))
        self.sections.append(section)
        section.body, section.tables_kept = self._body(chunk, where=chunk.heading)

    def _subsection(self, chunk: Chunk) -> None:
        subsection = ReadSubsection(title=chunk.heading)
        self.sections[-1].subsections.append(subsection)
        subsection.body, subsection.tables_kept = self._body(chunk, where=chunk.heading)

    def _append_to_last(self, chunk: Chunk) -> None:
        if not self.sections:
            self._section(chunk)
            return
        target = self.sections[-1]
        holder = target.subsections[-1] if target.subsections else target
        body, tables = self._body(chunk, where=holder.title)
        heading = etree.Element("h3")
        heading.text = chunk.heading
        holder.body = sanitise(holder.body + etree.tostring(heading, encoding="unicode") + body)
        holder.tables_kept += tables

    def _body(self, chunk: Chunk, *, where: str) -> tuple[str, int]:
        """The chunk's text as sanitised HTML, without the action tables it holds (they become
        priorities from their Priority column), and how many tables it keeps."""
        parts: list[str] = []
        kept = 0
        for element in chunk.elements:
            if element.tag == "table":
                grid = self._grid(element)
                header = header_of(grid)
                if header is not None:
                    self._column_priorities(grid, header, where)
                    continue
                kept += 1
                self.notices.append(f"A table in “{where}” is kept as a table.")
            parts.append(etree.tostring(element, encoding="unicode", method="html"))
        return sanitise("".join(parts)), kept

    # Priorities

    def _priority(self, chunk: Chunk, *, cross_cutting: bool) -> None:
        label, title = split_label(chunk.heading)
        aim = ""
        if not label and (match := _TITLE_AND_SENTENCE.match(title)):
            # "Young People - Promoting the positive involvement of young people.": a title
            # and the priority's aim.
            title, aim = match[1].strip(), match[2].strip()
        priority = ReadPriority(label=label, title=title, is_cross_cutting=cross_cutting)
        if aim:
            priority.aim.append(aim)
        self.priorities.append(priority)
        self.first_priority_seen = True
        self._priority_text(priority, chunk.elements)
        if not priority.actions and not cross_cutting:
            self.notices.append(
                f"“{chunk.heading}” has no action table but sits among the priorities, so it "
                "is made a priority with no actions."
            )

    def _priority_text(self, priority: ReadPriority, elements: list[etree._Element]) -> None:
        """Paragraphs go to the background until one starts "Aim –", which with the rest
        before the action table is the aim; tables give the actions."""
        in_aim = False
        for element in elements:
            if element.tag == "table":
                grid = self._grid(element)
                header = header_of(grid)
                if header is not None:
                    self._table_actions(priority, grid, header)
                    in_aim = False
                elif (rows := labelled_rows(grid)) is not None:
                    self._labelled_priority(priority, rows)
                else:
                    priority.background.extend(
                        " | ".join(cell_text(c.element) for c in row if c.own) for row in grid
                    )
                    self.notices.append(
                        f"A table under “{priority.title}” is kept as lines of its background."
                    )
                continue
            for block in paragraph_texts(element):
                match = _AIM_PARAGRAPH.match(block)
                if match:
                    in_aim = True
                    block = match[1].strip()
                if block:
                    (priority.aim if in_aim else priority.background).append(block)

    def _labelled_priority(self, priority: ReadPriority, rows: dict[str, etree._Element]) -> None:
        priority.background.extend(paragraph_texts_in(rows.get("background")))
        priority.aim.extend(paragraph_texts_in(rows.get("aim")))
        actions_cell = rows["actions"]
        items = [item for item in blocks_of(actions_cell) if item.tag == "li"]
        if items:
            # A sentence before the list introduces it: it closes the background.
            for block in blocks_of(actions_cell):
                if block.tag != "li":
                    priority.background.extend(paragraph_texts(block))
            texts = [text_of(item) for item in items]
        else:
            texts = [text_of(block) for block in blocks_of(actions_cell)]
        priority.actions.extend(ReadAction(text=text) for text in texts if text)
        if "measuring" in rows:
            performance, difficulties = _measuring(rows["measuring"])
            priority.measuring_performance = performance
            priority.measuring_difficulties = difficulties
        if "difficulties" in rows:
            priority.measuring_difficulties = "\n\n".join(paragraph_texts_in(rows["difficulties"]))

    def _column_priorities(
        self, grid: list[list[GridCell]], header: tuple[int, dict[str, int]], where: str
    ) -> None:
        """An action table with a Priority column: each new Priority cell starts a priority.
        One without (in the text before the first heading) is a priority named after `where`."""
        self.first_priority_seen = True
        priority = None
        if "priority" not in header[1]:
            priority = self._new_table_priority(where or "Actions")
        self._table_actions(priority, grid, header)

    def _table_actions(
        self,
        priority: ReadPriority | None,
        grid: list[list[GridCell]],
        header: tuple[int, dict[str, int]],
    ) -> None:
        header_row, columns = header
        header_words = [cell_text(c.element) for c in grid[header_row]]
        aim_index: int | None = None
        last_action: int | None = None
        for row in grid[header_row + 1 :]:
            if not row:
                continue
            if [cell_text(c.element) for c in row] == header_words:
                continue  # the header repeated on a new page

            cell = functools.partial(column_cell, row, columns)
            distinct = {id(c.element) for c in row}
            if len(distinct) == 1 and len(row) > 1:
                # One cell across the whole row: a new priority when it says so, else an aim.
                words = cell_text(row[0].element)
                label, title = split_label(words)
                if label or priority is None:
                    priority = self._new_table_priority(words)
                    aim_index = last_action = None
                elif words:
                    priority.aims.append(ReadAim(title=words))
                    aim_index, last_action = len(priority.aims) - 1, None
                continue
            priority_cell = cell("priority", own_only=True)
            words = " ".join(lines_of(element_of(priority_cell)))
            if words and (priority is None or split_label(words)[1] != priority.title):
                priority = self._new_table_priority(words)
                aim_index = last_action = None
            if priority is None:
                continue
            new_aim = False
            aim_cell = cell("aim", own_only=True)
            if aim_cell is not None and (words := cell_text(aim_cell.element)):
                current = priority.aims[aim_index].title if aim_index is not None else None
                if words != current:
                    baseline = cell_text(element_of(cell("baseline")))
                    priority.aims.append(ReadAim(title=words, baseline_data=baseline))
                    aim_index, last_action, new_aim = len(priority.aims) - 1, None, True
            text_cell = cell("action", own_only=True)
            text = cell_text(text_cell.element) if text_cell else ""
            leads_cell = cell("lead_partners")
            leads = lead_partner_names(lines_of(leads_cell.element)) if leads_cell else []
            own_leads = cell("lead_partners", own_only=True) is not None
            codes_cell = cell("indicators")
            codes = indicator_codes(cell_text(codes_cell.element)) if codes_cell else []
            if text:
                own_baseline = cell("baseline", own_only=True)
                # Baseline data on the row that starts an aim is the aim's; on a later row,
                # the action's own.
                baseline = "" if new_aim else cell_text(element_of(own_baseline))
                priority.actions.append(
                    ReadAction(
                        text=text,
                        lead_partners=tuple(leads),
                        indicators=tuple(codes),
                        review_date=cell_text(element_of(cell("review_date"))),
                        baseline_data=baseline,
                        funding_stream=cell_text(element_of(cell("funding"))),
                        aim=aim_index,
                    )
                )
                last_action = len(priority.actions) - 1
            elif leads and own_leads:
                if new_aim or last_action is None:
                    if aim_index is not None:
                        # Agencies beside an aim with no action: kept on the aim, as printed.
                        aim = priority.aims[aim_index]
                        priority.aims[aim_index] = ReadAim(
                            aim.title, aim.baseline_data, tuple([*aim.agencies, *leads])
                        )
                else:
                    # A row with only an agency continues the action above it.
                    action = priority.actions[last_action]
                    priority.actions[last_action] = dataclasses.replace(
                        action,
                        lead_partners=tuple(dict.fromkeys([*action.lead_partners, *leads])),
                    )

    def _new_table_priority(self, words: str) -> ReadPriority:
        label, title = split_label(words.replace("\n", " "))
        priority = ReadPriority(label=label, title=title)
        self.priorities.append(priority)
        self.first_priority_seen = True
        return priority


def _measuring(cell: etree._Element) -> tuple[str, str]:
    """ "Measuring our performance" as text, with its closing paragraph as the difficulties in
    measuring; a paragraph introducing a list sits just above it."""
    blocks = [
        (child.tag, text)
        for child in cell
        if isinstance(child.tag, str)
        for text in paragraph_texts(child)
    ]
    difficulties = ""
    if len(blocks) > 1 and blocks[-1][0] == "p":
        difficulties = blocks.pop()[1]
    text = ""
    for index, (tag, words) in enumerate(blocks):
        if index:
            introduces_list = tag in ("ul", "ol") and blocks[index - 1][0] == "p"
            text += "\n" if introduces_list else "\n\n"
        text += words
    return text, difficulties
