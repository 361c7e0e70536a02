"""What a Word document is read into: its sections, subsections and priorities with their
aims and actions, as printed, and the helpers that read text out of its HTML."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from lxml import etree

# Tabs, non-breaking spaces and the like read as spaces; runs of spaces are kept as typed.
_SPACES = re.compile(r"[\t\r\f\v\u00a0]")
# "Priority 3", "Priority 3:", "Theme A –", "Objective 2." at the start of a title.
_LABEL = re.compile(
    r"^\s*((?:priority|theme|objective|outcome|strand)\s+(?:\d{1,3}|[A-Z])\b)\s*[:.\-–—]?\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)


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
    title: str = ""  # the first paragraph in Word's Title style, if any


def text_of(element: etree._Element) -> str:
    """The element's text, lines kept, each line's ends trimmed."""
    lines = (_SPACES.sub(" ", line).strip() for line in element.text_content().split("\n"))
    return "\n".join(line for line in lines if line)


def blocks_of(element: etree._Element) -> Iterator[etree._Element]:
    """The paragraphs and list items in a cell or element, in order."""
    for child in element:
        if not isinstance(child.tag, str):
            continue
        if child.tag in ("ul", "ol"):
            yield from (item for item in child if item.tag == "li")
        elif child.tag in ("div", "blockquote"):
            yield from blocks_of(child)
        else:
            yield child


def lines_of(cell: etree._Element | None) -> list[str]:
    if cell is None:
        return []
    lines: list[str] = []
    blocks = list(blocks_of(cell))
    if not blocks:
        return [line for line in text_of(cell).split("\n") if line]
    for block in blocks:
        lines.extend(line for line in text_of(block).split("\n") if line)
    return lines


def cell_text(cell: etree._Element | None) -> str:
    return "\n".join(lines_of(cell))


def split_label(heading: str) -> tuple[str, str]:
    """("Priority 3", "Reduce burglary") from "Priority 3: Reduce burglary"; ("", heading)
    when it has no such label."""
    match = _LABEL.match(heading)
    if match and match[2].strip():
        return match[1].strip(), match[2].strip()
    return "", heading.strip()


def paragraph_texts(element: etree._Element) -> list[str]:
    """A paragraph's text, or a list's items as "- item" lines under one another."""
    if element.tag in ("ul", "ol"):
        items = [f"- {text_of(item)}" for item in element if item.tag == "li" and text_of(item)]
        return ["\n".join(items)] if items else []
    if element.tag == "table":
        return []
    text = text_of(element)
    return [text] if text else []


def paragraph_texts_in(cell: etree._Element | None) -> list[str]:
    if cell is None:
        return []
    children = [child for child in cell if isinstance(child.tag, str)]
    if not children:
        text = text_of(cell)
        return [text] if text else []
    texts: list[str] = []
    for child in children:
        texts.extend(paragraph_texts(child))
    return texts


def paragraphs(parts: list[str]) -> str:
    """Paragraphs as the app keeps plain text: a blank line between them."""
    return "\n\n".join(part for part in parts if part)
