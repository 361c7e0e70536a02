"""The document's parts in the order its outline gives (plans.outline), each with its heading,
its anchor and the partial that prints it; and the contents, read from the same parts.

Parts with nothing to print (no budget lines, no groups for a governance chart) and parts
switched off are left out. After a shown "appendices start here" marker every printed part is
an appendix, lettered A, B, C... in print order: "Appendix A – Glossary".
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from plans.models import OutlineBlock
from plans.outline import PARTIALS, OutlineItem

if TYPE_CHECKING:
    from plans.document import PlanDocument

Kind = OutlineBlock.Kind

HEADINGS = {
    Kind.TARGETS: ("Local targets", "local-targets"),
    Kind.SCANNING_MATRIX: ("Scanning matrix", "scanning-matrix"),
    Kind.RELATED_STRATEGIES: ("Links with other plans and strategies", "related-strategies"),
    Kind.GOVERNANCE: ("Governance structure", "governance"),
    Kind.BUDGET: ("Budget", "budget"),
    Kind.INDICATORS: ("Indicators", "indicators"),
    Kind.GLOSSARY: ("Glossary", "glossary"),
}
# A section already titled "Appendix B – ..." keeps its own words.
_OWN_APPENDIX_TITLE = re.compile(r"^\s*appendix\b", re.IGNORECASE)


@dataclass
class ContentsEntry:
    title: str
    anchor: str
    # A section's subsections, listed under it.
    children: list[ContentsEntry] = field(default_factory=list)


@dataclass
class DocumentBlock:
    kind: str
    template: str
    heading: str
    anchor: str
    # The section's or priority's entry (plans.document); None for generated parts.
    entry: Any = None
    # For a priority: "Priority 1", or "Cross-cutting theme" when it is one and has no label.
    caption: str = ""
    # The priority's own label, which the contents prints before its title, as before.
    label: str = ""
    appendix_letter: str = ""

    @property
    def contents_title(self) -> str:
        return f"{self.label}: {self.heading}" if self.label else self.heading


def _letter(number: int) -> str:
    """A, B ... Z, then AA, AB ... as spreadsheets letter columns."""
    letters = ""
    while number:
        number, remainder = divmod(number - 1, 26)
        letters = string.ascii_uppercase[remainder] + letters
    return letters


def _generated_has_content(kind: str, document: PlanDocument) -> bool:
    return bool(
        {
            Kind.TARGETS: document.measures,
            Kind.SCANNING_MATRIX: getattr(document, "scanning_matrix", None),
            Kind.RELATED_STRATEGIES: document.related_strategies,
            Kind.GOVERNANCE: document.governance,
            Kind.BUDGET: document.budget_years,
            Kind.INDICATORS: document.appendix_indicators,
            Kind.GLOSSARY: document.glossary,
        }[kind]
    )


def document_blocks(
    items: list[OutlineItem],
    document: PlanDocument,
    section_entries: dict[int, Any],
    priority_entries: dict[int, Any],
) -> list[DocumentBlock]:
    blocks: list[DocumentBlock] = []
    in_appendices = False
    appendix_count = 0
    for item in items:
        if item.kind == Kind.APPENDICES:
            in_appendices = in_appendices or item.is_shown
            continue
        if not item.is_shown:
            continue
        if item.section is not None:
            entry = section_entries[item.section.pk]
            block = DocumentBlock(item.kind, PARTIALS[item.kind], item.section.title, entry.anchor)
            block.entry = entry
        elif item.priority is not None:
            entry = priority_entries[item.priority.pk]
            priority = item.priority
            block = DocumentBlock(item.kind, PARTIALS[item.kind], priority.title, entry.anchor)
            block.entry = entry
            block.label = priority.label
            block.caption = priority.label or (
                "Cross-cutting theme" if priority.is_cross_cutting else ""
            )
        else:
            if not _generated_has_content(item.kind, document):
                continue
            heading, anchor = HEADINGS[item.kind]
            block = DocumentBlock(item.kind, PARTIALS[item.kind], heading, anchor)
        if in_appendices:
            appendix_count += 1
            block.appendix_letter = _letter(appendix_count)
            if not (item.section is not None and _OWN_APPENDIX_TITLE.match(block.heading)):
                block.heading = f"Appendix {block.appendix_letter} – {block.heading}"
        blocks.append(block)
    return blocks


def contents(document: PlanDocument) -> list[ContentsEntry]:
    entries = []
    for block in document.blocks:
        children = []
        if block.kind == Kind.SECTION:
            children = [
                ContentsEntry(sub.subsection.title, sub.anchor) for sub in block.entry.subsections
            ]
        entries.append(ContentsEntry(block.contents_title, block.anchor, children))
    return entries
