"""A plan written out as a Word document (.docx), for partners without an account to read and
edit.

Built from the same PlanDocument as the web page and the PDF (plans.document), part by part
in the outline's order, so the three never disagree about what a plan says or in what order.
Headings use Word's built-in Heading 1-3 styles, so Word's navigation pane and its table of
contents work; tables have borders and repeat their header rows on each page.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from html import escape
from typing import Any

import docx
from django.utils import timezone
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_BREAK
from docx.image.exceptions import (
    InvalidImageStreamError,
    UnexpectedEndOfFileError,
    UnrecognizedImageError,
)
from docx.image.image import Image
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from plans.document import PlanDocument, plan_document, version_line
from plans.document_blocks import DocumentBlock
from plans.governance import ChartNode
from plans.models import OutlineBlock, PartnershipLogo, Plan
from plans.word.export_parts import MARGIN, PAGE_HEIGHT, PAGE_WIDTH, xml_text
from plans.word.export_rich_text import RichTextWriter
from plans.word.export_tables import (
    action_table,
    aims_table,
    budget_tables,
    landscape,
    portrait,
    scanning_matrix_tables,
    strategies_table,
    targets_tables,
)

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
Kind = OutlineBlock.Kind
DRAFT_RED = RGBColor(0xD4, 0x35, 0x1C)
BODY_FONT = "Arial"
LOGO_WIDTH = Cm(5)
# Word fills in page numbers when the contents is updated (right-click, Update Field).
CONTENTS_FIELD = ' TOC \\o "1-3" \\h \\z \\u '


def plan_word_file(plan: Plan, *, made_on: datetime.date | None = None) -> bytes:
    """The plan as a .docx, for a plan fetched with select_related("partnership"). A published
    plan's cover gives its latest version, as its PDF's does."""
    document = plan_document(plan)
    if not document.is_draft:
        copy = plan.published_copies.only("version", "published_at").order_by("-version").first()
        if copy is not None:
            document.cover.version = version_line(
                plan, version=copy.version, published_on=timezone.localdate(copy.published_at)
            )
    return plan_docx(document, made_on=made_on or timezone.localdate())


def plan_docx(document: PlanDocument, *, made_on: datetime.date) -> bytes:
    word = docx.Document()
    _page_setup(word, document)
    _properties(word, document)
    writer = RichTextWriter(word, anchors=_anchors(document))
    _cover(word, writer, document, made_on)
    _contents(word, document)
    for block in document.blocks:
        if block.kind == Kind.SCANNING_MATRIX:
            landscape(word)
        elif word.sections[-1].orientation == WD_ORIENT.LANDSCAPE:
            portrait(word)
        BLOCK_WRITERS[block.kind](word, writer, block, document)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


# The document as a whole ----------------------------------------------------------------------


def _anchors(document: PlanDocument) -> set[str]:
    """The places a link may jump to: the parts the outline shows, their subsections, and
    the indicators' entries where the indicators are listed."""
    anchors = set()
    for block in document.blocks:
        anchors.add(block.anchor)
        if block.kind == Kind.SECTION:
            anchors |= {sub.anchor for sub in block.entry.subsections}
        elif block.kind == Kind.INDICATORS:
            anchors |= {item.anchor for item in document.appendix_indicators}
    return anchors


def _page_setup(word: Any, document: PlanDocument) -> None:
    section = word.sections[0]
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)
    normal = word.styles["Normal"]
    normal.font.name = BODY_FONT
    normal.font.size = Pt(11)
    # Spelling checked as British English, not the template's American.
    for lang in word.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang"):
        lang.set(qn("w:val"), "en-GB")
    plan = document.plan
    # Every page says what it is, as the PDF's running header and footer do.
    header = section.header.paragraphs[0]
    if document.is_draft:
        mark = header.add_run("DRAFT  ")
        mark.bold = True
        mark.font.color.rgb = DRAFT_RED
    header.add_run(xml_text(f"{plan.title} {plan.period_label}"))
    if document.cover.version:
        section.footer.paragraphs[0].add_run(xml_text(document.cover.version))


def _properties(word: Any, document: PlanDocument) -> None:
    plan = document.plan
    properties = word.core_properties
    now = timezone.now()
    properties.title = xml_text(f"{plan.title} {plan.period_label}")[:255]
    properties.subject = xml_text(plan.subtitle)[:255]
    properties.author = xml_text(plan.partnership.name)[:255]
    properties.last_modified_by = properties.author
    properties.comments = ""
    properties.keywords = ""
    properties.category = "Draft" if document.is_draft else "Published"
    properties.language = "en-GB"
    properties.created = properties.modified = now.replace(tzinfo=None)
    properties.revision = 1


def _cover(
    word: Any, writer: RichTextWriter, document: PlanDocument, made_on: datetime.date
) -> None:
    plan = document.plan
    cover = document.cover
    if document.is_draft:
        paragraph = word.add_paragraph()
        mark = paragraph.add_run("Draft")
        mark.bold = True
        mark.font.size = Pt(16)
        mark.font.color.rgb = DRAFT_RED
        paragraph.add_run(f" not published (status: {plan.get_status_display().lower()})")
    _logo(word, document)
    partnership = word.add_paragraph()
    partnership.add_run(xml_text(plan.partnership.name)).font.size = Pt(16)
    word.add_paragraph(xml_text(plan.title), style="Title")
    if plan.subtitle:
        word.add_paragraph(xml_text(plan.subtitle), style="Subtitle")
    word.add_paragraph().add_run(plan.period_label).font.size = Pt(16)
    if cover.version:
        word.add_paragraph(xml_text(cover.version))
    if cover.first_published:
        word.add_paragraph(cover.first_published)
    if document.is_draft:
        word.add_paragraph(f"Downloaded {made_on.day} {made_on:%B %Y}")
    writer.write_text(word, plan.summary)
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _logo(word: Any, document: PlanDocument) -> None:
    """The partnership's logo, as on the PDF's cover (a PNG or JPEG)."""
    if not document.cover.logo_sha256:
        return
    content = (
        PartnershipLogo.objects.filter(
            partnership_id=document.plan.partnership_id, sha256=document.cover.logo_sha256
        )
        .values_list("content", flat=True)
        .first()
    )
    if content is None:
        return
    try:
        # Read first, so a damaged file leaves the cover without a logo, not an empty line.
        Image.from_blob(bytes(content))
    except (InvalidImageStreamError, UnexpectedEndOfFileError, UnrecognizedImageError):
        return
    picture = word.add_picture(io.BytesIO(bytes(content)), width=LOGO_WIDTH)
    # The picture's own description, read out by screen readers.
    picture._inline.docPr.set("descr", xml_text(document.cover.logo_alt))


def _contents(word: Any, document: PlanDocument) -> None:
    """A table of contents as Word makes one (a TOC field over the headings), showing the
    document's contents until Word is asked to update it with page numbers."""
    if not document.contents:
        return
    word.add_paragraph("Contents", style="TOC Heading")
    lines = []
    for entry in document.contents:
        lines.append((entry.title, 0))
        lines += [(child.title, 1) for child in entry.children]
    paragraphs = []
    for title, depth in lines:
        paragraph = word.add_paragraph()
        if depth:
            paragraph.paragraph_format.left_indent = Cm(0.75)
        paragraphs.append((paragraph, title))
    first = paragraphs[0][0]
    _field_char(first, "begin")
    instruction = OxmlElement("w:instrText")
    instruction.set(qn("xml:space"), "preserve")
    instruction.text = CONTENTS_FIELD
    first.add_run()._r.append(instruction)
    _field_char(first, "separate")
    for paragraph, title in paragraphs:
        paragraph.add_run(xml_text(title))
    _field_char(paragraphs[-1][0], "end")
    word.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _field_char(paragraph: Any, kind: str) -> None:
    char = OxmlElement("w:fldChar")
    char.set(qn("w:fldCharType"), kind)
    paragraph.add_run()._r.append(char)


# The parts, one writer each ---------------------------------------------------------------


def _heading(word: Any, text: str, level: int) -> Any:
    return word.add_heading(xml_text(text), level=level)


def _block_heading(word: Any, writer: RichTextWriter, text: str, anchor: str) -> None:
    writer.bookmark(_heading(word, text, 1), anchor)


def _section(
    word: Any, writer: RichTextWriter, block: DocumentBlock, document: PlanDocument
) -> None:
    entry = block.entry
    section = entry.section
    _block_heading(word, writer, block.heading, block.anchor)
    writer.write(word, entry.body, heading_level=1)
    if section.signatory_name:
        paragraph = word.add_paragraph()
        paragraph.add_run(xml_text(section.signatory_name)).bold = True
        if section.signatory_role:
            paragraph.add_run().add_break()
            paragraph.add_run(xml_text(section.signatory_role))
    for sub in entry.subsections:
        writer.bookmark(_heading(word, sub.subsection.title, 2), sub.anchor)
        writer.write(word, sub.body, heading_level=2)


def _priority(
    word: Any, writer: RichTextWriter, block: DocumentBlock, document: PlanDocument
) -> None:
    entry = block.entry
    priority = entry.priority
    heading = f"{block.caption}: {block.heading}" if block.caption else block.heading
    _block_heading(word, writer, heading, block.anchor)
    if priority.is_cross_cutting and priority.label:
        word.add_paragraph().add_run("Cross-cutting theme").bold = True
    if priority.background:
        _heading(word, "Background", 2)
        writer.write_text(word, priority.background)
    if priority.aim:
        _heading(word, "Aim", 2)
        writer.write_text(word, priority.aim)
    for key, value in (
        ("Task group", priority.task_group.name if priority.task_group else ""),
        ("Lead officer", priority.lead_officer),
    ):
        if value:
            paragraph = word.add_paragraph()
            paragraph.add_run(f"{key}: ").bold = True
            paragraph.add_run(xml_text(value))
    if entry.aims_listed_apart:
        aims_table(word, entry)
    if entry.actions:
        action_table(word, writer, entry)
    if priority.measuring_performance or priority.measuring_difficulties:
        _heading(word, "Measuring our performance", 2)
        writer.write_text(word, priority.measuring_performance)
        if priority.measuring_difficulties:
            _heading(word, "Difficulties in measuring", 3)
            writer.write_text(word, priority.measuring_difficulties)


def _targets(
    word: Any, writer: RichTextWriter, block: DocumentBlock, document: PlanDocument
) -> None:
    _block_heading(word, writer, block.heading, block.anchor)
    word.add_paragraph(
        "Each year's figure is the target; the baseline is the year counting starts from."
    )
    targets_tables(word, writer, document)


def _scanning_matrix(
    word: Any, writer: RichTextWriter, block: DocumentBlock, document: PlanDocument
) -> None:
    matrix = document.scanning_matrix
    # The matrix's own title, as the page and the PDF head it.
    _block_heading(word, writer, matrix.title, block.anchor)
    writer.write_text(word, matrix.matrix.introduction)
    if matrix.matrix.key:
        paragraph = word.add_paragraph()
        paragraph.add_run("Key: ").bold = True
        paragraph.add_run(xml_text(matrix.matrix.key))
    scanning_matrix_tables(word, writer, document)


def _strategies(
    word: Any, writer: RichTextWriter, block: DocumentBlock, document: PlanDocument
) -> None:
    _block_heading(word, writer, block.heading, block.anchor)
    strategies_table(word, writer, document)


def _governance(
    word: Any, writer: RichTextWriter, block: DocumentBlock, document: PlanDocument
) -> None:
    """The structure as the list beside the page's chart: each group under the one it
    reports to."""
    _block_heading(word, writer, block.heading, block.anchor)
    word.add_paragraph("Who reports to whom:")
    writer.write(word, _governance_list(document.governance.roots))


def _governance_list(nodes: list[ChartNode]) -> str:
    items = []
    for node in nodes:
        chair = f", chaired by {node.group.chair_name}" if node.group.chair_name else ""
        children = _governance_list(node.children) if node.children else ""
        about = escape(f"{node.name} ({node.kind.lower()}{chair})")
        items.append(f"<li>{about}{children}</li>")
    return f"<ul>{''.join(items)}</ul>"


def _budget(
    word: Any, writer: RichTextWriter, block: DocumentBlock, document: PlanDocument
) -> None:
    _block_heading(word, writer, block.heading, block.anchor)
    budget_tables(word, document)


def _indicators(
    word: Any, writer: RichTextWriter, block: DocumentBlock, document: PlanDocument
) -> None:
    _block_heading(word, writer, block.heading, block.anchor)
    word.add_paragraph(
        "Every indicator this plan links to, with the actions linked to it by priority and number."
    )
    for item in document.appendix_indicators:
        indicator = item.indicator
        name = word.add_paragraph()
        name.paragraph_format.keep_with_next = True
        name.add_run(xml_text(f"{indicator.code}: {indicator.title}")).bold = True
        writer.bookmark(name, item.anchor)
        source = indicator.indicator_set.name + (f", {indicator.psa}" if indicator.psa else "")
        linked = (
            f"Linked actions: {item.action_links}."
            if item.actions
            else "Used in the local targets."
        )
        writer.write(word, f"<p>{escape(source)}. {linked}</p>")


def _glossary(
    word: Any, writer: RichTextWriter, block: DocumentBlock, document: PlanDocument
) -> None:
    _block_heading(word, writer, block.heading, block.anchor)
    for term in document.glossary:
        name = word.add_paragraph()
        name.paragraph_format.keep_with_next = True
        name.paragraph_format.space_after = Pt(0)
        name.add_run(xml_text(term.term)).bold = True
        meaning = word.add_paragraph(xml_text(term.meaning))
        meaning.paragraph_format.left_indent = Cm(0.75)


BLOCK_WRITERS: dict[str, Callable[[Any, RichTextWriter, DocumentBlock, PlanDocument], None]] = {
    Kind.SECTION: _section,
    Kind.PRIORITY: _priority,
    Kind.TARGETS: _targets,
    Kind.SCANNING_MATRIX: _scanning_matrix,
    Kind.RELATED_STRATEGIES: _strategies,
    Kind.GOVERNANCE: _governance,
    Kind.BUDGET: _budget,
    Kind.INDICATORS: _indicators,
    Kind.GLOSSARY: _glossary,
}
