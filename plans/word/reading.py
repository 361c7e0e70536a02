"""A Word document read into the parts of a plan: sections, subsections and priorities with
their aims and actions, as printed, before anything is matched or saved.

mammoth turns the .docx into plain HTML (Word's Heading 1, 2 and 3 styles become h1, h2 and h3,
and the Title style a titled h1), which lxml walks in order:

- The top heading level makes sections, the next one subsections; deeper headings stay in
  their text.
- A table whose header row names actions (Action or Activity, with Lead partner or Agency,
  Indicators or NI, Review date, Aim, Baseline...) holds a priority's actions. The priority is
  the nearest heading above it, unless the table has a Priority column, whose cells name them.
  A table whose first column labels its rows BACKGROUND, OBJECTIVE, ACTIONS, MEASURING OUR
  PERFORMANCE (East Cambridgeshire's) is a priority too, one action per listed item.
- Cells merged down a column (an Aim or Priority cell spanning rows) carry down.
- Other tables stay as tables in their section's text, which the app's sanitiser cleans.

Nothing here touches the database: what is read is matched and saved by plans.word.importing.
"""

from __future__ import annotations

import dataclasses
import functools
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field

import mammoth
from django.core.exceptions import ValidationError
from lxml import etree
from lxml import html as lxml_html

from plans.rich_text import sanitise
from priorities.forms import split_lead_partners

# Word's heading and title styles as HTML headings; Word's own list styles as lists (mammoth
# reads lists Word numbers itself already).
STYLE_MAP = """
p[style-name='Title'] => h1.document-title:fresh
p[style-name='Heading 1'] => h1:fresh
p[style-name='Heading 2'] => h2:fresh
p[style-name='Heading 3'] => h3:fresh
p[style-name='Heading 4'] => h4:fresh
p[style-name='List Bullet'] => ul > li:fresh
p[style-name='List Bullet 2'] => ul|ol > li > ul > li:fresh
p[style-name='List Number'] => ol > li:fresh
p[style-name='List Paragraph'] => ul > li:fresh
"""

UNREADABLE_MESSAGE = (
    "We could not read this Word document. Open it in Word or LibreOffice, save it again as a "
    "Word document (.docx), and upload that copy."
)
NOTHING_TO_IMPORT_MESSAGE = (
    "This document has no headings and no tables, so there is nothing to make sections or "
    "priorities from. In Word, give each section's title the “Heading 1” style (and each "
    "subsection's “Heading 2”), keep the action plans as tables, and upload it again."
)

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
# Tabs, non-breaking spaces and the like read as spaces; runs of spaces are kept as typed.
_SPACES = re.compile(r"[\t\r\f\v\u00a0]")
# "Priority 3", "Priority 3:", "Theme A –", "Objective 2." at the start of a title.
_LABEL = re.compile(
    r"^\s*((?:priority|theme|objective|outcome|strand)\s+(?:\d{1,3}|[A-Z])\b)\s*[:.\-–—]?\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_TITLE_AND_SENTENCE = re.compile(r"^\s*([^.:–—-]{2,60}?)\s+[-–—]\s+(.+\.)\s*$", re.DOTALL)
_AIM_PARAGRAPH = re.compile(r"^\s*(?:aims?|objectives?)\s*(?:[-–—:])\s*(.*)$", re.I | re.DOTALL)
_CROSS_CUTTING = re.compile(r"cross[\s-]*cutting", re.IGNORECASE)

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


@dataclass(frozen=True)
class ReadAim:
    title: str
    baseline_data: str = ""
    agencies: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadAction:
    text: str
    lead_partners: tuple[str, ...] = ()  # as printed, one a name
    indicators: tuple[str, ...] = ()  # codes as printed
    review_date: str = ""
    baseline_data: str = ""
    funding_stream: str = ""
    aim: int | None = None  # index into the priority's aims


@dataclass
class ReadPriority:
    label: str
    title: str
    background: list[str] = field(default_factory=list)  # paragraphs
    aim: list[str] = field(default_factory=list)
    measuring_performance: str = ""
    measuring_difficulties: str = ""
    is_cross_cutting: bool = False
    aims: list[ReadAim] = field(default_factory=list)
    actions: list[ReadAction] = field(default_factory=list)

    @property
    def name(self) -> str:
        """How messages name it: its label if it has one ("Priority 2"), else its title."""
        return self.label or self.title

    def place_of(self, index: int) -> str:
        return f"{self.name}, action {index + 1}"


@dataclass
class ReadSubsection:
    title: str
    body: str = ""
    tables_kept: int = 0


@dataclass
class ReadSection:
    title: str
    body: str = ""
    subsections: list[ReadSubsection] = field(default_factory=list)
    tables_kept: int = 0
    placement: str = "before"  # "before" or "after" the priorities, or "appendix"


@dataclass
class ReadDocument:
    sections: list[ReadSection]
    priorities: list[ReadPriority]
    notices: list[str]


# Reading


def read_word_document(content: bytes) -> ReadDocument:
    """The plan's parts as the document prints them; ValidationError with the user's message
    when it cannot be read or holds nothing to import."""
    root = _document_html(content)
    chunks = _chunks(root)
    if not any(chunk.heading for chunk in chunks) and not any(
        element.tag == "table" for chunk in chunks for element in chunk.elements
    ):
        raise ValidationError(NOTHING_TO_IMPORT_MESSAGE, code="empty")
    return _Assembler(chunks).document()


def _document_html(content: bytes) -> etree._Element:
    images = 0

    def leave_out(image) -> dict:
        # The image's bytes are never read; the sanitiser would drop an <img> anyway.
        nonlocal images
        images += 1
        return {}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(content),
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(leave_out),
        )
    except (zipfile.BadZipFile, KeyError, ValueError, etree.LxmlError) as error:
        raise ValidationError(UNREADABLE_MESSAGE, code="unreadable") from error
    html = result.value
    if not html.strip():
        raise ValidationError(NOTHING_TO_IMPORT_MESSAGE, code="empty")
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    # Line breaks inside a paragraph or cell are kept as new lines in the text read from it.
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for image in root.iter("img"):
        image.drop_tree()
    root.set("data-images", str(images))
    return root


@dataclass
class _Chunk:
    """A heading and what follows it up to the next heading (or the opening text)."""

    heading: str
    level: int  # 0 for the text before the first heading
    is_title: bool
    elements: list[etree._Element]


def _chunks(root: etree._Element) -> list[_Chunk]:
    chunks = [_Chunk("", 0, False, [])]
    for element in root:
        if not isinstance(element.tag, str):
            continue
        level = _HEADINGS.get(element.tag)
        if level is not None and level <= 3 and _text(element):
            is_title = "document-title" in (element.get("class") or "")
            chunks.append(_Chunk(_text(element), level, is_title, []))
        else:
            chunks[-1].elements.append(element)
    return chunks


def _text(element: etree._Element) -> str:
    """The element's text, lines kept, each line's ends trimmed."""
    lines = (_SPACES.sub(" ", line).strip() for line in element.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def _blocks(element: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and list items in a cell or element, in order."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("ul", "ol"):
            yield from (item for item in child if item.tag == "li")
        elif child.tag in ("div", "blockquote"):
            yield from _blocks(child)
        else:
            yield child


def _lines(cell: etree._Element | None) -> list[str]:
    if cell is None:
        return []
    lines: list[str] = []
    blocks = list(_blocks(cell))
    if not blocks:
        return [line for line in _text(cell).split("\n") if line]
    for block in blocks:
        lines.extend(line for line in _text(block).split("\n") if line)
    return lines


def _cell_text(cell: etree._Element | None) -> str:
    return "\n".join(_lines(cell))


def split_label(heading: str) -> tuple[str, str]:
    """("Priority 3", "Reduce burglary") from "Priority 3: Reduce burglary"; ("", heading)
    when it has no such label."""
    match = _LABEL.match(heading)
    if match and match[2].strip():
        return match[1].strip(), match[2].strip()
    return "", heading.strip()


# Tables


@dataclass
class _Cell:
    element: etree._Element | None
    own: bool  # False where a merged cell above carries down into this row


def _grid(table: etree._Element) -> list[list[_Cell]]:
    """The table's rows with merged cells spread over every row and column they cover."""
    rows = [row for row in table.iter("tr") if _owning_table(row) is table]
    grid: list[list[_Cell]] = [[] for _ in rows]
    carried: dict[tuple[int, int], etree._Element] = {}
    for r, row in enumerate(rows):
        column = 0
        for cell in (c for c in row if c.tag in ("td", "th")):
            while (r, column) in carried:
                grid[r].append(_Cell(carried.pop((r, column)), own=False))
                column += 1
            span = _span(cell, "colspan")
            for offset in range(span):
                grid[r].append(_Cell(cell, own=offset == 0))
                for below in range(1, _span(cell, "rowspan")):
                    carried[(r + below, column + offset)] = cell
            column += span
        while (r, column) in carried:
            grid[r].append(_Cell(carried.pop((r, column)), own=False))
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


def action_columns(header: list[_Cell]) -> dict[str, int] | None:
    """Which column holds what, if the header row names an action table: an action column
    and at least one other the app knows."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header):
        if not cell.own:
            continue
        words = _cell_text(cell.element)
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


def _row_label(cell: _Cell) -> str | None:
    words = _cell_text(cell.element)
    if not words or len(words) > 60:
        return None
    for key, pattern in _ROW_LABELS:
        if pattern.search(words):
            return key
    return None


def _labelled_rows(grid: list[list[_Cell]]) -> dict[str, etree._Element] | None:
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


def _header_index(grid: list[list[_Cell]]) -> tuple[int, dict[str, int]] | None:
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


# Putting the parts together


class _Assembler:
    def __init__(self, chunks: list[_Chunk]) -> None:
        self.chunks = chunks
        self.notices: list[str] = []
        self.sections: list[ReadSection] = []
        self.priorities: list[ReadPriority] = []
        self.first_priority_seen = False

    def document(self) -> ReadDocument:
        levels = [c.level for c in self.chunks if c.heading and not c.is_title]
        self.section_level = min(levels) if levels else 1
        self.subsection_level = self.section_level + 1
        self._mark_priorities()
        for index, chunk in enumerate(self.chunks):
            self._place(index, chunk)
        # Cross-cutting themes follow the numbered priorities, so Priority n keeps place n.
        self.priorities.sort(key=lambda priority: priority.is_cross_cutting)
        self.sections = [s for s in self.sections if s.title]
        return ReadDocument(self.sections, self.priorities, self.notices)

    def _tables(self, chunk: _Chunk) -> Iterator[tuple[etree._Element, list[list[_Cell]]]]:
        for element in chunk.elements:
            if element.tag == "table":
                yield element, _grid(element)

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
            for _, grid in self._tables(chunk):
                header = _header_index(grid)
                if (header and "priority" not in header[1]) or (
                    header is None and _labelled_rows(grid)
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

    def _place(self, index: int, chunk: _Chunk) -> None:
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
                self._section(_Chunk(chunk.heading, self.section_level, False, chunk.elements))
            else:
                self.notices.append(
                    f"The document's title “{chunk.heading}” is not made a section."
                )
            return
        if not chunk.heading:
            if any(_text(e) or e.tag == "table" for e in chunk.elements):
                self._section(_Chunk("Opening text", self.section_level, False, chunk.elements))
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

    def _section(self, chunk: _Chunk) -> None:
        section = ReadSection(title=chunk.heading, placement=self._placement(chunk.heading))
        self.sections.append(section)
        section.body, section.tables_kept = self._body(chunk, where=chunk.heading)

    def _subsection(self, chunk: _Chunk) -> None:
        subsection = ReadSubsection(title=chunk.heading)
        self.sections[-1].subsections.append(subsection)
        subsection.body, subsection.tables_kept = self._body(chunk, where=chunk.heading)

    def _append_to_last(self, chunk: _Chunk) -> None:
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

    def _body(self, chunk: _Chunk, *, where: str) -> tuple[str, int]:
        """The chunk's text as sanitised HTML, without the action tables it holds (they become
        priorities from their Priority column), and how many tables it keeps."""
        parts: list[str] = []
        kept = 0
        for element in chunk.elements:
            if element.tag == "table":
                grid = _grid(element)
                header = _header_index(grid)
                if header is not None:
                    self._column_priorities(grid, header, where)
                    continue
                kept += 1
                self.notices.append(f"A table in “{where}” is kept as a table.")
            parts.append(etree.tostring(element, encoding="unicode", method="html"))
        return sanitise("".join(parts)), kept

    # Priorities

    def _priority(self, chunk: _Chunk, *, cross_cutting: bool) -> None:
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

    def _priority_text(self, priority: ReadPriority, elements: list[etree._Element]) -> None:
        """Paragraphs go to the background until one starts "Aim –", which with the rest
        before the action table is the aim; tables give the actions."""
        in_aim = False
        for element in elements:
            if element.tag == "table":
                grid = _grid(element)
                header = _header_index(grid)
                if header is not None:
                    self._table_actions(priority, grid, header)
                    in_aim = False
                elif (rows := _labelled_rows(grid)) is not None:
                    self._labelled_priority(priority, rows)
                else:
                    priority.background.extend(
                        " | ".join(_cell_text(c.element) for c in row if c.own) for row in grid
                    )
                    self.notices.append(
                        f"A table under “{priority.title}” is kept as lines of its background."
                    )
                continue
            for block in _paragraph_texts(element):
                match = _AIM_PARAGRAPH.match(block)
                if match:
                    in_aim = True
                    block = match[1].strip()
                if block:
                    (priority.aim if in_aim else priority.background).append(block)

    def _labelled_priority(self, priority: ReadPriority, rows: dict[str, etree._Element]) -> None:
        priority.background.extend(_paragraph_texts_in(rows.get("background")))
        priority.aim.extend(_paragraph_texts_in(rows.get("aim")))
        actions_cell = rows["actions"]
        items = [item for item in _blocks(actions_cell) if item.tag == "li"]
        if items:
            # A sentence before the list introduces it: it closes the background.
            for block in _blocks(actions_cell):
                if block.tag != "li":
                    priority.background.extend(_paragraph_texts(block))
            texts = [_text(item) for item in items]
        else:
            texts = [_text(block) for block in _blocks(actions_cell)]
        priority.actions.extend(ReadAction(text=text) for text in texts if text)
        if "measuring" in rows:
            performance, difficulties = _measuring(rows["measuring"])
            priority.measuring_performance = performance
            priority.measuring_difficulties = difficulties
        if "difficulties" in rows:
            priority.measuring_difficulties = "\n\n".join(_paragraph_texts_in(rows["difficulties"]))

    def _column_priorities(
        self, grid: list[list[_Cell]], header: tuple[int, dict[str, int]], where: str
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
        grid: list[list[_Cell]],
        header: tuple[int, dict[str, int]],
    ) -> None:
        header_row, columns = header
        header_words = [_cell_text(c.element) for c in grid[header_row]]
        aim_index: int | None = None
        last_action: int | None = None
        for row in grid[header_row + 1 :]:
            if not row:
                continue
            if [_cell_text(c.element) for c in row] == header_words:
                continue  # the header repeated on a new page

            cell = functools.partial(_column_cell, row, columns)
            distinct = {id(c.element) for c in row}
            if len(distinct) == 1 and len(row) > 1:
                # One cell across the whole row: a new priority when it says so, else an aim.
                words = _cell_text(row[0].element)
                label, title = split_label(words)
                if label or priority is None:
                    priority = self._new_table_priority(words)
                    aim_index = last_action = None
                elif words:
                    priority.aims.append(ReadAim(title=words))
                    aim_index, last_action = len(priority.aims) - 1, None
                continue
            priority_cell = cell("priority", own_only=True)
            words = " ".join(_lines(_element(priority_cell)))
            if words and (priority is None or split_label(words)[1] != priority.title):
                priority = self._new_table_priority(words)
                aim_index = last_action = None
            if priority is None:
                continue
            new_aim = False
            aim_cell = cell("aim", own_only=True)
            if aim_cell is not None and (words := _cell_text(aim_cell.element)):
                current = priority.aims[aim_index].title if aim_index is not None else None
                if words != current:
                    baseline = _cell_text(_element(cell("baseline")))
                    priority.aims.append(ReadAim(title=words, baseline_data=baseline))
                    aim_index, last_action, new_aim = len(priority.aims) - 1, None, True
            text_cell = cell("action", own_only=True)
            text = _cell_text(text_cell.element) if text_cell else ""
            leads_cell = cell("lead_partners")
            leads = lead_partner_names(_lines(leads_cell.element)) if leads_cell else []
            own_leads = cell("lead_partners", own_only=True) is not None
            codes_cell = cell("indicators")
            codes = indicator_codes(_cell_text(codes_cell.element)) if codes_cell else []
            if text:
                own_baseline = cell("baseline", own_only=True)
                # Baseline data on the row that starts an aim is the aim's; on a later row,
                # the action's own.
                baseline = "" if new_aim else _cell_text(_element(own_baseline))
                priority.actions.append(
                    ReadAction(
                        text=text,
                        lead_partners=tuple(leads),
                        indicators=tuple(codes),
                        review_date=_cell_text(_element(cell("review_date"))),
                        baseline_data=baseline,
                        funding_stream=_cell_text(_element(cell("funding"))),
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


def _column_cell(
    row: list[_Cell], columns: dict[str, int], key: str, own_only: bool = False
) -> _Cell | None:
    """The row's cell in the column named `key`; with own_only, None where a merged cell
    above carries down into the row."""
    index = columns.get(key)
    if index is None or index >= len(row):
        return None
    found = row[index]
    return found if (found.own or not own_only) else None


def _element(cell: _Cell | None) -> etree._Element | None:
    return cell.element if cell is not None else None


def _paragraph_texts(element: etree._Element) -> list[str]:
    """A paragraph's text, or a list's items as "- item" lines under one another."""
    if element.tag in ("ul", "ol"):
        items = [f"- {_text(item)}" for item in element if item.tag == "li" and _text(item)]
        return ["\n".join(items)] if items else []
    if element.tag == "table":
        return []
    text = _text(element)
    return [text] if text else []


def _paragraph_texts_in(cell: etree._Element | None) -> list[str]:
    if cell is None:
        return []
    children = [child for child in cell if isinstance(child.tag, str)]
    if not children:
        text = _text(cell)
        return [text] if text else []
    texts: list[str] = []
    for child in children:
        texts.extend(_paragraph_texts(child))
    return texts


def _measuring(cell: etree._Element) -> tuple[str, str]:
    """ "Measuring our performance" as text, with its closing paragraph as the difficulties in
    measuring; a paragraph introducing a list sits just above it."""
    blocks = [
        (child.tag, text)
        for child in cell
        if isinstance(child.tag, str)
        for text in _paragraph_texts(child)
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


def paragraphs(parts: list[str]) -> str:
    """Paragraphs as the app keeps plain text: a blank line between them."""
    return "\n\n".join(part for part in parts if part)
