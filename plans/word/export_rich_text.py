"""Rich text written into a Word document: a section's sanitised HTML (plans.rich_text) and the
small pieces of HTML the plan's document builds for table cells, as Word paragraphs, lists,
hyperlinks and tables.

The HTML has passed the allow-list, so the tags to expect are few: p, br, strong/b, em/i, ul,
ol, li, a, blockquote, h3, h4 and tables. Anything else (older text, a span in a table cell)
is written as its text, so no word is ever lost.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from html import escape
from typing import Any

from docx.enum.text import WD_BREAK
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import RGBColor
from docx.text.paragraph import Paragraph
from lxml import html as lxml_html

from plans.word.export_parts import new_table, repeat_as_header, xml_text

_SPACES = re.compile(r"[ \t\r\n\f]+")
_ABSOLUTE_LINK = re.compile(r"^(https?:|mailto:)", re.IGNORECASE)
LINK_COLOUR = RGBColor(0x1D, 0x70, 0xB8)
# Word has three list levels in its built-in styles ("List Bullet", "List Bullet 2", ...).
LIST_DEPTH_MAX = 3
# Word's deepest built-in heading.
HEADING_LEVEL_MAX = 9
_BLOCK_TAGS = frozenset(
    {"p", "div", "blockquote", "ul", "ol", "li", "table", "caption"}
    | {f"h{n}" for n in range(1, 7)}
)
# A cell spanning more columns or rows than this is taken to be a typing mistake.
SPAN_MAX = 50


@dataclass(frozen=True)
class Format:
    bold: bool = False
    italic: bool = False
    # A web or email address, or "#anchor" for a place in the document.
    href: str = ""


class RichTextWriter:
    """Writes HTML into a document's body or a table cell. One per Word document: it makes a
    numbering instance for each numbered list, so each starts again at 1, and it knows the
    anchors the document will have, so a link to one of them (an action's indicator, the
    priorities of an indicator) jumps to its bookmark as the PDF's links do."""

    def __init__(self, document: Any, anchors: set[str] | frozenset[str] = frozenset()) -> None:
        self.document = document
        self.anchors = anchors
        self._bookmark_ids = 0

    def bookmark(self, paragraph: Paragraph, anchor: str) -> None:
        """Mark the paragraph as the place a link to #anchor goes to."""
        if anchor not in self.anchors:
            return
        self._bookmark_ids += 1
        start = OxmlElement("w:bookmarkStart")
        start.set(qn("w:id"), str(self._bookmark_ids))
        start.set(qn("w:name"), bookmark_name(anchor))
        end = OxmlElement("w:bookmarkEnd")
        end.set(qn("w:id"), str(self._bookmark_ids))
        p_pr = paragraph._p.pPr
        if p_pr is not None:
            p_pr.addnext(start)
        else:
            paragraph._p.insert(0, start)
        paragraph._p.append(end)

    def write(
        self,
        container: Any,
        html: str,
        *,
        heading_level: int = 1,
        first_paragraph: Paragraph | None = None,
    ) -> None:
        """Write html into container (the document, or a cell). Headings in it sit a level
        under heading_level. first_paragraph, if given, is filled before any other is added
        (a new cell's own empty paragraph)."""
        if not html.strip():
            return
        root = lxml_html.fragment_fromstring(xml_text(html), create_parent="div")
        flow = _Flow(
            self,
            container,
            heading_level=heading_level,
            paragraph=first_paragraph,
        )
        flow.children(root, Format())

    def write_text(self, container: Any, text: str) -> None:
        """Plain text as the document prints it with linebreaks: a blank line between
        paragraphs, a line break for a single new line."""
        for chunk in re.split(r"\n\s*\n", text.strip()):
            if chunk.strip():
                container.add_paragraph().add_run(xml_text(chunk.strip()))

    def write_link(self, paragraph: Paragraph, text: str, url: str) -> None:
        """Text linked to an address, as a hyperlink where it is a web or email address."""
        html = f'<a href="{escape(url)}">{escape(text)}</a>'
        self.write(paragraph._parent, html, first_paragraph=paragraph)

    def restarted_numbering(self, style_name: str) -> int:
        """A new numbering instance of a numbered list style, starting at 1: without one,
        Word carries on counting from the plan's previous list."""
        numbering = self.document.part.numbering_part.element
        style = self.document.styles[style_name].element
        style_num_id = style.pPr.numPr.numId.val
        abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
        num = numbering.add_num(abstract_id)
        override = OxmlElement("w:lvlOverride")
        override.set(qn("w:ilvl"), "0")
        start = OxmlElement("w:startOverride")
        start.set(qn("w:val"), "1")
        override.append(start)
        num.append(override)
        return num.numId


class _Flow:
    """The paragraphs of one block of text in one container: inline content goes into the
    current paragraph (made when text first arrives), block elements close it."""

    def __init__(
        self,
        writer: RichTextWriter,
        container: Any,
        *,
        heading_level: int,
        style: str | None = None,
        num_id: int | None = None,
        list_depth: int = 0,
        paragraph: Paragraph | None = None,
    ) -> None:
        self.writer = writer
        self.container = container
        self.heading_level = heading_level
        self.style = style
        self.num_id = num_id
        self.list_depth = list_depth
        self.paragraph = paragraph
        self.has_text = False
        self.made = 0
        self.link: tuple[str, Any] | None = None

    # Paragraphs ---------------------------------------------------------------------------

    def _paragraph(self) -> Paragraph:
        if self.paragraph is None:
            style = self.style
            if self.list_depth and self.made:
                # A list item's second paragraph: indented under it, not numbered again.
                style = "List Continue" + ("" if self.list_depth == 1 else f" {self.list_depth}")
            self.paragraph = self.container.add_paragraph(style=style)
            if self.num_id and not self.made:
                _number(self.paragraph, self.num_id)
            self.made += 1
            self.has_text = False
            self.link = None
        elif not self.made:
            self.made = 1
        return self.paragraph

    def close(self) -> None:
        self.paragraph = None
        self.link = None
        self.has_text = False

    # Content ------------------------------------------------------------------------------

    def text(self, text: str | None, fmt: Format) -> None:
        if not text:
            return
        text = _SPACES.sub(" ", xml_text(text))
        if not self.has_text:
            text = text.lstrip(" ")
            if not text:
                return
        paragraph = self._paragraph()
        self._run(paragraph, text, fmt)
        self.has_text = True

    def _run(self, paragraph: Paragraph, text: str, fmt: Format) -> Any:
        # The link first: a run of the same link just before this one is then still last.
        link = self._hyperlink(paragraph, fmt.href) if fmt.href else None
        run = paragraph.add_run(text)
        if fmt.bold:
            run.bold = True
        if fmt.italic:
            run.italic = True
        if link is not None:
            run.font.underline = True
            run.font.color.rgb = LINK_COLOUR
            link.append(run._r)
        return run

    def _hyperlink(self, paragraph: Paragraph, href: str) -> Any:
        """The w:hyperlink the run goes in: consecutive runs of one link share it. A link to
        "#anchor" goes to the anchor's bookmark in the document."""
        if self.link is not None and self.link[0] == href and self.link[1] is paragraph._p[-1]:
            return self.link[1]
        element = OxmlElement("w:hyperlink")
        if href.startswith("#"):
            element.set(qn("w:anchor"), bookmark_name(href[1:]))
        else:
            rel_id = paragraph.part.relate_to(href, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
            element.set(qn("r:id"), rel_id)
        element.set(qn("w:history"), "1")
        paragraph._p.append(element)
        self.link = (href, element)
        return element

    def children(self, element: Any, fmt: Format) -> None:
        self.text(element.text, fmt)
        for child in element:
            self.element(child, fmt)
            self.text(child.tail, fmt)

    def element(self, element: Any, fmt: Format) -> None:
        if not isinstance(element.tag, str):  # a comment or processing instruction
            return
        tag = element.tag.lower()
        if tag in _BLOCK_TAGS:
            self.close()
            self.block(tag, element, fmt)
            self.close()
        elif tag == "br":
            paragraph = self._paragraph()
            _drop_trailing_space(paragraph)
            paragraph.add_run().add_break(WD_BREAK.LINE)
            self.has_text = False
        elif tag in ("strong", "b"):
            self.children(element, replace(fmt, bold=True))
        elif tag in ("em", "i"):
            self.children(element, replace(fmt, italic=True))
        elif tag == "a":
            self.link_element(element, fmt)
        else:
            self.children(element, fmt)

    def link_element(self, element: Any, fmt: Format) -> None:
        href = xml_text((element.get("href") or "").strip())
        if _ABSOLUTE_LINK.match(href) or (href.startswith("#") and href[1:] in self.writer.anchors):
            self.children(element, replace(fmt, href=href))
            return
        # A link within the site or the page means nothing in a document that leaves it:
        # the words stay, with the address after them when it is one.
        self.children(element, fmt)
        if href and not href.startswith("#"):
            self.text(f" ({href})", fmt)

    def block(self, tag: str, element: Any, fmt: Format) -> None:
        if tag in ("ul", "ol"):
            self.list(tag, element, fmt)
        elif tag == "li":
            # An item outside any list: a list of one.
            self.list("ul", element, fmt, items=[element])
        elif tag == "table":
            self.table(element, fmt)
        elif tag.startswith("h"):
            level = min(
                self.heading_level + (2 if tag in ("h4", "h5", "h6") else 1), HEADING_LEVEL_MAX
            )
            self._sub_flow(style=f"Heading {level}").children(element, fmt)
        elif tag == "blockquote":
            self._sub_flow(style="Quote").children(element, fmt)
        elif tag == "caption":
            self._sub_flow(style="Caption").children(element, fmt)
        else:
            self.children(element, fmt)

    def _sub_flow(self, **kwargs: Any) -> _Flow:
        return _Flow(self.writer, self.container, heading_level=self.heading_level, **kwargs)

    def list(self, tag: str, element: Any, fmt: Format, items: list | None = None) -> None:
        depth = min(self.list_depth + 1, LIST_DEPTH_MAX)
        base = "List Number" if tag == "ol" else "List Bullet"
        style = base if depth == 1 else f"{base} {depth}"
        num_id = self.writer.restarted_numbering(style) if tag == "ol" else None
        if items is None:
            # Text typed straight into a list, outside its items, is kept as a paragraph.
            self.text(element.text, fmt)
            self.close()
        for item in items if items is not None else element:
            if not isinstance(item.tag, str):
                continue
            flow = self._sub_flow(style=style, num_id=num_id, list_depth=depth)
            if item.tag.lower() == "li":
                # The first paragraph of an item carries its number: a <p> inside it fills
                # that paragraph rather than leaving it empty.
                flow.item(item, fmt)
            else:
                flow.element(item, fmt)
            # Whatever follows an item (stray text) belongs to the list's own flow.
            self.text(item.tail, fmt)
        self.close()

    def item(self, element: Any, fmt: Format) -> None:
        self.text(element.text, fmt)
        for child in element:
            tag = child.tag.lower() if isinstance(child.tag, str) else ""
            if tag in ("p", "div") and not self.has_text and self.made <= 1:
                self.children(child, fmt)
                self.close()
            else:
                self.element(child, fmt)
            self.text(child.tail, fmt)

    def table(self, element: Any, fmt: Format) -> None:
        for child in element:
            if isinstance(child.tag, str) and child.tag.lower() == "caption":
                self._sub_flow(style="Caption").children(child, fmt)
        rows = _table_rows(element)
        placed, columns = _place_cells(rows)
        if not columns:
            return
        table = new_table(self.container, rows=len(rows), columns=columns)
        header_rows = 0
        for index, row in enumerate(rows):
            in_head = row.getparent() is not None and row.getparent().tag.lower() == "thead"
            cells = [cell for cell in row if isinstance(cell.tag, str)]
            all_th = bool(cells) and all(cell.tag.lower() == "th" for cell in cells)
            if header_rows == index and (in_head or all_th):
                header_rows += 1
        table_rows = table.rows
        for header_row in list(table_rows)[:header_rows]:
            repeat_as_header(header_row)
        for row_index, column, row_span, column_span, cell_element in placed:
            cell = table.cell(row_index, column)
            if row_span > 1 or column_span > 1:
                cell = cell.merge(table.cell(row_index + row_span - 1, column + column_span - 1))
            is_header = cell_element.tag.lower() == "th" or row_index < header_rows
            flow = _Flow(
                self.writer,
                cell,
                heading_level=self.heading_level,
                paragraph=cell.paragraphs[0],
            )
            flow.children(cell_element, replace(fmt, bold=fmt.bold or is_header))


def _drop_trailing_space(paragraph: Paragraph) -> None:
    """A space before a line break, which a browser does not show either."""
    last = paragraph._p[-1] if len(paragraph._p) else None
    if last is not None and last.tag == qn("w:hyperlink") and len(last):
        last = last[-1]
    if last is not None and last.tag == qn("w:r") and len(last) and last[-1].tag == qn("w:t"):
        last[-1].text = (last[-1].text or "").rstrip(" ")


def bookmark_name(anchor: str) -> str:
    """A page anchor as a Word bookmark's name: letters, digits and underscores, at most 40
    characters ("indicator-12" is "indicator_12")."""
    return re.sub(r"[^A-Za-z0-9_]", "_", anchor)[:40]


def _number(paragraph: Paragraph, num_id: int) -> None:
    p_pr = paragraph._p.get_or_add_pPr()
    num_pr = p_pr.get_or_add_numPr()
    num_pr.get_or_add_ilvl().val = 0
    num_pr.get_or_add_numId().val = num_id


def _table_rows(table: Any) -> list:
    """The table's rows in order, not those of tables inside its cells."""
    rows = []
    for child in table:
        if not isinstance(child.tag, str):
            continue
        tag = child.tag.lower()
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows += [row for row in child if isinstance(row.tag, str) and row.tag.lower() == "tr"]
    return rows


def _span(cell: Any, name: str, most: int) -> int:
    try:
        value = int(cell.get(name, "1"))
    except ValueError:
        value = 1
    return max(1, min(value, most, SPAN_MAX))


def _place_cells(rows: list) -> tuple[list[tuple[int, int, int, int, Any]], int]:
    """Each cell's row, column and spans on the table's grid, as a browser lays them out:
    a cell takes the first column not taken by a cell spanning down from a row above."""
    taken: set[tuple[int, int]] = set()
    placed = []
    columns = 0
    for row_index, row in enumerate(rows):
        column = 0
        for cell in row:
            if not isinstance(cell.tag, str) or cell.tag.lower() not in ("td", "th"):
                continue
            while (row_index, column) in taken:
                column += 1
            row_span = _span(cell, "rowspan", len(rows) - row_index)
            column_span = _span(cell, "colspan", SPAN_MAX)
            for r in range(row_index, row_index + row_span):
                for c in range(column, column + column_span):
                    taken.add((r, c))
            placed.append((row_index, column, row_span, column_span, cell))
            column += column_span
            columns = max(columns, column)
    columns = max([columns, *(c + 1 for _r, c in taken)])
    return placed, columns
