"""A plan downloaded as a Word document (.docx): read back with python-docx and mammoth, every
part of the plan is there in the document's order, under Word's own heading styles, with
tables that have borders and repeating header rows; and only the plan's members get it."""

from __future__ import annotations

import datetime
import hashlib
import io
import posixpath
import zipfile

import docx
import mammoth
import PIL.Image
import pytest
from defusedxml import ElementTree
from django.core.management import call_command
from django.db import transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from docx.oxml.ns import qn

from plans.document import plan_document
from plans.models import (
    GlossaryTerm,
    Partnership,
    PartnershipLogo,
    Plan,
    PublishedCopy,
    Section,
)
from plans.outline import outline_switch
from plans.word.export import DOCX_CONTENT_TYPE, plan_word_file
from priorities.models import Action, Priority
from tests.plan_builders import add_actions, full_plan
from tests.test_scanning_matrix import build_matrix

pytestmark = pytest.mark.django_db

SLUGS = ["carlisle-eden", "east-cambridgeshire", "west-cumbria"]
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Mammoth maps Word's built-in headings and lists to HTML by itself; these are the other
# built-in styles the export uses. With them named, any message left is content it could not
# read.
MAMMOTH_STYLE_MAP = """
p[style-name='Title'] => h1.title:fresh
p[style-name='Subtitle'] => p.subtitle:fresh
p[style-name='TOC Heading'] => p.contents-heading:fresh
p[style-name='caption'] => p.caption:fresh
p[style-name='Quote'] => blockquote:fresh
p[style-name='List Continue'] => p.list-continue:fresh
p[style-name='List Continue 2'] => p.list-continue:fresh
"""


def words(text: str) -> str:
    return " ".join(text.split())


def read(content: bytes):
    return docx.Document(io.BytesIO(content))


def blocks(container) -> list:
    """Every paragraph in the order it reads, those in table cells included (a merged cell
    once), as (style name, text, paragraph)."""
    found = []
    for item in container.iter_inner_content():
        if isinstance(item, docx.text.paragraph.Paragraph):
            found.append((item.style.name, item.text, item))
        else:
            for row in item.rows:
                seen = set()
                for cell in row.cells:
                    if id(cell._tc) in seen:
                        continue
                    seen.add(id(cell._tc))
                    found += blocks(cell)
    return found


def flat_text(content: bytes) -> str:
    return words(" ".join(text for _style, text, _p in blocks(read(content))))


def in_order(text: str, items: list[str], start: int = 0) -> list[str]:
    """The items not found in text one after another from start: [] when all are in order."""
    missing = []
    position = start
    for item in items:
        found = text.find(words(item), position)
        if found < 0:
            missing.append(item)
        else:
            position = found + len(words(item))
    return missing


def headings(content: bytes, level: int) -> list[str]:
    return [
        words(paragraph.text)
        for paragraph in read(content).paragraphs
        if paragraph.style.name == f"Heading {level}"
    ]


def header_rows(table) -> list:
    return [
        row
        for row in table.rows
        if row._tr.trPr is not None and row._tr.trPr.find(f"{W}tblHeader") is not None
    ]


def mammoth_messages(content: bytes) -> list:
    return mammoth.convert_to_html(io.BytesIO(content), style_map=MAMMOTH_STYLE_MAP).messages


def package_problems(content: bytes) -> list[str]:
    """What a strict reader would trip on: a damaged zip member, a relationship to a part
    that is not there, a part with no content type."""
    problems = []
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        if (bad := package.testzip()) is not None:
            problems.append(f"damaged: {bad}")
        names = set(package.namelist())
        types = ElementTree.fromstring(package.read("[Content_Types].xml"))
        ns = "{http://schemas.openxmlformats.org/package/2006/content-types}"
        defaults = {item.get("Extension").lower() for item in types.iter(f"{ns}Default")}
        overrides = {item.get("PartName").lstrip("/") for item in types.iter(f"{ns}Override")}
        for name in names:
            if name.endswith("/"):
                continue
            if name not in overrides and name.rsplit(".", 1)[-1].lower() not in defaults:
                problems.append(f"no content type: {name}")
        for rels in (name for name in names if name.endswith(".rels")):
            source_dir = posixpath.dirname(posixpath.dirname(rels))
            for rel in ElementTree.fromstring(package.read(rels)):
                if rel.get("TargetMode") == "External":
                    continue
                target = rel.get("Target")
                path = (
                    target.lstrip("/")
                    if target.startswith("/")
                    else posixpath.normpath(posixpath.join(source_dir, target))
                )
                if path not in names:
                    problems.append(f"{rels} names a missing part: {target}")
    return problems


# The three reference plans ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def reference(django_db_setup, django_db_blocker) -> dict[str, dict]:
    """Each demo plan's document and its Word file, from the demo data loaded inside a
    transaction that is rolled back."""
    result = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        for slug in SLUGS:
            plan = Plan.objects.select_related("partnership").get(partnership__slug=slug)
            document = plan_document(plan)
            content = plan_word_file(plan)
            priorities = [
                (
                    entry,
                    list(
                        Action.objects.current()
                        .filter(priority=entry.priority)
                        .prefetch_related(
                            "lead_partners__organisation", "lead_partners__group", "indicators"
                        )
                        .select_related("priority__plan__partnership")
                    ),
                )
                for entry in document.priorities
            ]
            result[slug] = {
                "content": content,
                "text": flat_text(content),
                "blocks": document.blocks,
                "priorities": priorities,
                "glossary": [term.term for term in document.glossary],
                "title": plan.title,
                "partnership": plan.partnership.name,
                "is_draft": document.is_draft,
            }
        transaction.set_rollback(True)
    return result


def expected_heading(block) -> str:
    if block.kind == "scanning_matrix":
        return block.entry.title if block.entry else "Scanning matrix"
    return f"{block.caption}: {block.heading}" if block.caption else block.heading


@pytest.mark.parametrize("slug", SLUGS)
def test_every_part_of_a_reference_plan_is_a_heading_1_in_the_outlines_order(reference, slug):
    plan = reference[slug]
    expected = [words(expected_heading(block)) for block in plan["blocks"]]

    assert headings(plan["content"], 1) == expected
    assert len(expected) >= 5


@pytest.mark.parametrize("slug", SLUGS)
def test_every_section_and_subsection_title_is_in_the_documents_order(reference, slug):
    plan = reference[slug]
    titles = []
    for block in plan["blocks"]:
        if block.kind == "section":
            titles.append(block.heading)
            titles += [sub.subsection.title for sub in block.entry.subsections]

    assert in_order(plan["text"], titles) == []
    level_1, level_2 = headings(plan["content"], 1), headings(plan["content"], 2)
    for block in plan["blocks"]:
        if block.kind == "section":
            assert words(block.heading) in level_1
            for sub in block.entry.subsections:
                assert words(sub.subsection.title) in level_2


def test_priorities_print_with_their_labels_as_the_document_does(reference):
    east = headings(reference["east-cambridgeshire"]["content"], 1)

    assert "Priority 1: To reduce anti-social behaviour, especially that caused by alcohol" in east
    assert "Cross-cutting theme: Young People" in east
    assert east.index("Cross-cutting theme: Young People") < east.index(
        "Priority 1: To reduce anti-social behaviour, especially that caused by alcohol"
    )


@pytest.mark.parametrize("slug", SLUGS)
def test_every_action_prints_in_its_priority_in_the_plans_order(reference, slug):
    plan = reference[slug]
    count = 0
    for entry, actions in plan["priorities"]:
        start = plan["text"].find(words(expected_heading_for(plan, entry)))
        assert start >= 0, entry.priority.title
        assert in_order(plan["text"], [action.text for action in actions], start) == []
        count += len(actions)
    assert count >= 10


def expected_heading_for(plan: dict, entry) -> str:
    block = next(block for block in plan["blocks"] if block.entry is entry)
    return expected_heading(block)


@pytest.mark.parametrize("slug", SLUGS)
def test_every_lead_partner_indicator_and_review_date_prints_beside_its_action(reference, slug):
    """Each action's lead partners, indicator codes and review date as the plan writes it, all
    in the action's own row: between its priority's previous action and its next one."""
    plan = reference[slug]
    text = plan["text"]
    for _entry, actions in plan["priorities"]:
        starts = [text.find(words(action.text)) for action in actions]
        for index, action in enumerate(actions):
            window_start = starts[index - 1] + len(words(actions[index - 1].text)) if index else 0
            window_end = starts[index + 1] if index + 1 < len(actions) else len(text)
            window = text[max(window_start - 300, 0) : window_end + 300]
            expected = [lead.name for lead in action.lead_partners.all()]
            expected += [indicator.code for indicator in action.indicators.all()]
            if action.review_date:
                expected.append(action.review_date_label)
            missing = [item for item in expected if words(item) not in window]
            assert missing == [], action.text


def test_west_cumbria_writes_its_review_dates_as_its_source_does(reference):
    text = reference["west-cumbria"]["text"]
    assert text.count("December 2011") == 2
    assert text.count("January 2012") == 1


def test_west_cumbrias_action_tables_carry_its_own_column_headings(reference):
    """Its headings in its order; a column empty on every row of a table is left out, as the
    page and the PDF leave it out (only some of its priorities give review dates)."""
    own = ["Priority", "Aims", "Baseline Data", "Agency", "Actions", "Review Date"]
    word = read(reference["west-cumbria"]["content"])
    action_tables = [
        [words(cell.text) for cell in table.rows[0].cells]
        for table in word.tables
        if words(table.rows[0].cells[0].text) == "Priority"
    ]

    assert len(action_tables) == 5
    assert own in action_tables
    assert all(headings == [h for h in own if h in headings] for headings in action_tables)


def test_action_table_columns_take_the_pdfs_shares_of_the_page_width(reference):
    """Word reads each cell's width and LibreOffice the table's grid: both follow the shares
    the PDF gives its columns, so the Actions column is wide and the Priority column narrow."""
    word = read(reference["west-cumbria"]["content"])
    table = next(t for t in word.tables if words(t.rows[0].cells[0].text) == "Priority")
    headings = [words(cell.text) for cell in table.rows[0].cells]
    grid = [int(col.get(qn("w:w"))) for col in table._tbl.tblGrid.findall(qn("w:gridCol"))]
    cells = [cell.width for cell in table.rows[-1].cells]

    text_width_twips = round((210 - 2 * 18) / 25.4 * 1440)
    assert abs(sum(grid) - text_width_twips) <= len(grid)
    assert grid[headings.index("Actions")] > 2 * grid[headings.index("Priority")]
    assert [round(width / sum(cells), 2) for width in cells] == [
        round(width / sum(grid), 2) for width in grid
    ]


@pytest.mark.parametrize("slug", SLUGS)
def test_each_action_table_has_the_columns_its_priority_prints(reference, slug):
    plan = reference[slug]
    word = read(plan["content"])
    action_captions = {
        p._p
        for p in word.paragraphs
        if p.style.name == "Caption" and p.text.startswith("Actions: ")
    }
    expected = [
        [column.heading for column in entry.columns]
        for entry, actions in plan["priorities"]
        if entry.actions
    ]
    tables_after_action_captions = []
    body = list(word.iter_inner_content())
    for index, item in enumerate(body):
        if isinstance(item, docx.text.paragraph.Paragraph) and item._p in action_captions:
            tables_after_action_captions.append(body[index + 1])

    assert [
        [words(cell.text) for cell in table.rows[0].cells] for table in tables_after_action_captions
    ] == [[words(heading) for heading in headings] for headings in expected]


def test_west_cumbria_writes_an_aim_without_actions_in_its_place_with_its_agencies(reference):
    text = reference["west-cumbria"]["text"]
    hotspots = text.find("Target ASB Hotspots")
    criminal_damage = text.find("Reduce Criminal Damage")
    fires = text.find("Reduce the number of Deliberate Fires")
    assert 0 <= hotspots < criminal_damage < fires
    assert "Prevent & Deter / Cumbria Constabulary" in text[criminal_damage:fires]


def test_east_cambridgeshire_writes_every_glossary_term_in_order_in_its_appendix(reference):
    plan = reference["east-cambridgeshire"]
    start = plan["text"].find(
        "Appendix A – Glossary", plan["text"].find("Appendix A – Glossary") + 1
    )

    assert len(plan["glossary"]) == 34
    assert start > 0
    assert in_order(plan["text"], plan["glossary"], start=start) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_every_table_has_borders_and_a_bold_repeating_header_row(reference, slug):
    word = read(reference[slug]["content"])

    assert word.tables
    for table in word.tables:
        assert table.style.name == "Table Grid"
        rows = header_rows(table)
        assert rows and rows[0]._tr is table.rows[0]._tr
        runs = [run for cell in rows[0].cells for p in cell.paragraphs for run in p.runs]
        assert runs and all(run.bold for run in runs if run.text.strip())


@pytest.mark.parametrize("slug", SLUGS)
def test_headings_use_words_built_in_heading_styles(reference, slug):
    word = read(reference[slug]["content"])
    styles = {p.style.name for p in word.paragraphs if p.style.name.startswith("Heading")}

    assert styles <= {"Heading 1", "Heading 2", "Heading 3", "Heading 4"}
    assert all(word.styles[name].builtin for name in styles)


@pytest.mark.parametrize("slug", SLUGS)
def test_a_reference_plans_file_is_a_whole_package_mammoth_reads_without_complaint(reference, slug):
    content = reference[slug]["content"]

    assert package_problems(content) == []
    assert mammoth_messages(content) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_the_cover_and_properties_name_the_plan_and_its_partnership(reference, slug):
    plan = reference[slug]
    word = read(plan["content"])
    cover = [words(p.text) for p in word.paragraphs[:10]]

    assert word.core_properties.author == plan["partnership"]
    assert word.core_properties.title.startswith(plan["title"])
    assert plan["partnership"] in cover
    assert next(p for p in word.paragraphs if p.style.name == "Title").text == plan["title"]
    assert cover[0].startswith("Draft not published (status: ") == plan["is_draft"]


# A plan with every part --------------------------------------------------------------------------


@pytest.fixture
def dressed(plan, action, national_indicators):
    """The conftest plan with one of everything, a scanning matrix included."""
    full_plan(plan, national_indicators)
    build_matrix(plan)
    return Plan.objects.select_related("partnership").get(pk=plan.pk)


def test_targets_budget_strategies_governance_and_the_scanning_matrix_are_written(dressed):
    content = plan_word_file(dressed)
    word = read(content)
    text = flat_text(content)
    first_rows = [[words(cell.text) for cell in table.rows[0].cells] for table in word.tables]

    assert first_rows == [
        ["Category", "Volume", "Trend", "Harm", "Public concern", "Partnership capacity"]
        + ["Comment", "Decision"],
        ["Aim", "Baseline data"],
        ["Action", "Lead partner(s)", "Linked indicators", "Review date"],
        ["Area", "2009/10", "2010/11", "2011/12", "Change over the period"],
        ["Plan or strategy", "Owner"],
        ["Project", "Funding stream", "Amount"],
    ]
    assert "Carlisle 1,000 (baseline) 950" in text
    assert "Burglary dwelling M L H H M" in text
    assert "Total for 2010/11 £3,750.50" in text
    assert "Cumbria Alcohol Strategy Cumbria DAAT" in text
    assert (
        "Who reports to whom: Leadership Group (leadership group) Anti-Social Behaviour and "
        "Criminal Damage Task Group (task group, chaired by Pat Chair) Domestic Abuse Task Group "
        "(task group)"
    ) in text
    assert "Pat Chair Chair of the CDRP" in text
    assert package_problems(content) == []
    assert mammoth_messages(content) == []


def test_the_scanning_matrix_is_on_landscape_pages_and_the_rest_on_portrait(dressed):
    word = read(plan_word_file(dressed))
    orientations = [section.page_width > section.page_height for section in word.sections]

    # Cover to foreword; the matrix; the rest.
    assert orientations == [False, True, False]
    assert section_of(word, "Strategic assessment: scanning matrix") == 1
    assert section_of(word, "Anti-Social Behaviour and Criminal Damage") == 2


def section_of(word, heading: str) -> int:
    """Which of the document's sections the heading is in, counting from 0."""
    breaks = 0
    for paragraph in word.element.body.iter(f"{W}p"):
        style = paragraph.find(f"{W}pPr/{W}pStyle")
        is_heading = style is not None and style.get(f"{W}val") == "Heading1"
        text = "".join(part.text or "" for part in paragraph.iter(f"{W}t"))
        if is_heading and text == heading:
            return breaks
        if paragraph.find(f"{W}pPr/{W}sectPr") is not None:
            breaks += 1
    raise AssertionError(f"No heading {heading!r}")


def test_a_part_switched_off_in_the_outline_is_not_in_the_document(dressed, administrator):
    assert "Glossary" in headings(plan_word_file(dressed), 1)

    outline_switch(plan=dressed, key="glossary", user=administrator, is_shown=False)
    content = plan_word_file(Plan.objects.select_related("partnership").get(pk=dressed.pk))

    assert "Glossary" not in headings(content, 1)
    assert "Multi-agency risk assessment conference" not in flat_text(content)
    assert "Budget" in headings(content, 1)


def test_appendices_are_lettered_as_the_pdf_letters_them(dressed, administrator):
    outline_switch(plan=dressed, key="appendices", user=administrator, is_shown=True)
    plan = Plan.objects.select_related("partnership").get(pk=dressed.pk)
    lettered = [block.heading for block in plan_document(plan).blocks if block.appendix_letter]

    found = headings(plan_word_file(plan), 1)

    assert lettered and lettered[0].startswith("Appendix A – ")
    assert [heading for heading in found if heading.startswith("Appendix ")] == lettered


# Rich text and hostile text ----------------------------------------------------------------------

RICH_BODY = (
    "<p>Intro with <strong>bold words</strong>, <em>slanted words</em> and "
    '<a href="https://example.org/plan">a link</a>.<br>A second line.</p>'
    "<h3>A heading inside</h3>"
    "<ul><li>First bullet</li><li><strong>Second</strong> bullet"
    "<ul><li>Nested bullet</li></ul></li></ul>"
    "<ol><li>One</li><li>Two</li></ol>"
    "<p>Between the lists.</p>"
    "<ol><li>Again one</li></ol>"
    "<table><thead><tr><th>Partner</th><th>Role</th></tr></thead>"
    '<tbody><tr><td colspan="2">Spanning both</td></tr>'
    "<tr><td>Police</td><td><p>Lead</p><p>Second paragraph</p></td></tr></tbody></table>"
    "<blockquote><p>Quoted words</p></blockquote>"
)


@pytest.fixture
def rich_plan(plan):
    Section.objects.create(plan=plan, order=1, title="Introduction", body=RICH_BODY)
    return Plan.objects.select_related("partnership").get(pk=plan.pk)


def test_rich_text_keeps_its_lists_emphasis_links_and_tables(rich_plan):
    content = plan_word_file(rich_plan)
    word = read(content)
    paragraphs = {words(p.text): p for p in word.paragraphs}

    intro = next(p for text, p in paragraphs.items() if text.startswith("Intro with"))
    assert "\n" in intro.text  # the <br>
    assert [run.text for run in intro.runs if run.bold] == ["bold words"]
    assert [run.text for run in intro.runs if run.italic] == ["slanted words"]
    assert [(link.address, link.text) for link in intro.hyperlinks] == [
        ("https://example.org/plan", "a link")
    ]
    assert paragraphs["A heading inside"].style.name == "Heading 2"
    assert paragraphs["First bullet"].style.name == "List Bullet"
    assert paragraphs["Second bullet"].style.name == "List Bullet"
    assert paragraphs["Nested bullet"].style.name == "List Bullet 2"
    assert paragraphs["One"].style.name == "List Number"
    assert paragraphs["Quoted words"].style.name == "Quote"
    # Each numbered list counts from 1 again: a numbering instance of its own.
    numbering = {
        text: paragraphs[text]._p.pPr.numPr.numId.val for text in ("One", "Two", "Again one")
    }
    assert numbering["One"] == numbering["Two"] != numbering["Again one"]
    table = next(t for t in word.tables if words(t.rows[0].cells[0].text) == "Partner")
    assert header_rows(table)[0]._tr is table.rows[0]._tr
    assert [words(cell.text) for cell in table.rows[1].cells] == ["Spanning both"] * 2
    assert words(table.rows[2].cells[1].text) == "Lead Second paragraph"
    assert mammoth_messages(content) == []
    html = mammoth.convert_to_html(io.BytesIO(content), style_map=MAMMOTH_STYLE_MAP).value
    assert '<a href="https://example.org/plan">a link</a>' in html
    assert "<strong>bold words</strong>" in html


def test_text_typed_with_xml_hostile_characters_exports_without_breaking_the_file(plan, priority):
    Section.objects.create(
        plan=plan,
        order=1,
        title="Odd \x01characters\x0b here",
        body="<p>Literally &lt;w:p&gt; and &lt;/w:body&gt; and \U0001f389 &amp; done</p>",
    )
    Action.objects.create(
        priority=priority,
        order=1,
        text="Ring the bell\x07 <w:p><w:r> then \U0001f6a8 & ]]> finish\r\nSecond line",
    )
    plan = Plan.objects.select_related("partnership").get(pk=plan.pk)

    content = plan_word_file(plan)
    text = flat_text(content)

    assert package_problems(content) == []
    assert mammoth_messages(content) == []
    assert "Odd characters here" in headings(content, 1)
    assert "Literally <w:p> and </w:body> and \U0001f389 & done" in text
    assert "Ring the bell <w:p><w:r> then \U0001f6a8 & ]]> finish" in text
    cells = [cell.text for table in read(content).tables for cell in table.rows[1].cells]
    assert any(cell.endswith("finish\nSecond line") for cell in cells)


# The cover --------------------------------------------------------------------------------------


def test_a_draft_says_so_on_its_cover_and_every_pages_header(rich_plan):
    word = read(plan_word_file(rich_plan, made_on=datetime.date(2026, 12, 1)))
    cover = [words(p.text) for p in word.paragraphs[:8]]

    assert cover[0] == "Draft not published (status: draft)"
    assert "Downloaded 1 December 2026" in cover
    assert word.sections[0].header.paragraphs[0].text.startswith("DRAFT")


def test_a_published_plan_gives_its_version_on_the_cover_and_not_draft(rich_plan):
    Plan.objects.filter(pk=rich_plan.pk).update(status=Plan.Status.PUBLISHED)
    PublishedCopy.objects.create(
        plan=rich_plan,
        version=1,
        published_at=timezone.make_aware(datetime.datetime(2027, 3, 3, 12)),
        html="<p>As published</p>",
        html_sha256="0" * 64,
        pdf=b"%PDF-1.7",
        pdf_sha256="1" * 64,
        large_print_pdf=b"%PDF-1.7",
        large_print_pdf_sha256="2" * 64,
    )
    plan = Plan.objects.select_related("partnership").get(pk=rich_plan.pk)

    word = read(plan_word_file(plan))
    cover = [words(p.text) for p in word.paragraphs[:8]]

    assert "Version 1, published 3 March 2027" in cover
    assert not any(line.startswith("Draft") for line in cover)
    assert word.sections[0].footer.paragraphs[0].text == "Version 1, published 3 March 2027"
    assert "DRAFT" not in word.sections[0].header.paragraphs[0].text


# Queries ----------------------------------------------------------------------------------------


def test_the_export_makes_a_fixed_number_of_queries_whatever_the_number_of_actions(
    plan, priority, police, council, national_indicators, django_assert_max_num_queries
):
    organisations = [police, council]
    indicators = list(national_indicators.indicators.all())
    add_actions(priority, 3, organisations=organisations, indicators=indicators)
    with CaptureQueriesContext(transaction.get_connection()) as small:
        plan_word_file(Plan.objects.select_related("partnership").get(pk=plan.pk))
    for order in range(2, 6):
        more = Priority.objects.create(plan=plan, order=order, title=f"Priority number {order}")
        add_actions(more, 40, organisations=organisations, indicators=indicators)
    GlossaryTerm.objects.create(partnership=plan.partnership, term="ASB", meaning="Anti-social")

    with django_assert_max_num_queries(len(small)):
        content = plan_word_file(Plan.objects.select_related("partnership").get(pk=plan.pk))

    assert flat_text(content).count("work stream number") == 163


# The download -----------------------------------------------------------------------------------


def url(plan: Plan) -> str:
    return reverse("plans:plan_word", args=[plan.pk])


def test_a_member_downloads_the_plan_as_a_word_file_named_after_it(client, viewer, rich_plan):
    client.force_login(viewer)

    response = client.get(url(rich_plan))

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert response["Content-Disposition"] == 'attachment; filename="carlisle-eden-2010-11.docx"'
    assert "Introduction" in headings(response.content, 1)
    assert package_problems(response.content) == []


def test_a_read_only_member_may_download_a_published_plan_too(client, viewer, rich_plan):
    Plan.objects.filter(pk=rich_plan.pk).update(status=Plan.Status.PUBLISHED)
    client.force_login(viewer)

    response = client.get(url(rich_plan))

    assert response.status_code == 200
    assert "Introduction" in headings(response.content, 1)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, rich_plan):
    response = client.get(url(rich_plan))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_outsider_is_told_nothing(client, outsider, rich_plan):
    client.force_login(outsider)

    assert client.get(url(rich_plan)).status_code == 404


def test_a_plan_that_does_not_exist_is_not_found(client, viewer, rich_plan):
    client.force_login(viewer)

    assert client.get(reverse("plans:plan_word", args=[rich_plan.pk + 1000])).status_code == 404


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_only_get_and_head_are_answered(client, administrator, rich_plan, method):
    client.force_login(administrator)

    assert getattr(client, method)(url(rich_plan)).status_code == 405
    assert client.head(url(rich_plan)).status_code == 200


def test_the_plan_page_offers_the_word_file_to_members_beside_the_pdf(client, viewer, rich_plan):
    client.force_login(viewer)

    page = client.get(rich_plan.get_absolute_url()).content.decode()

    assert f'href="{url(rich_plan)}"' in page
    assert "Download as Word (.docx)" in page
    assert page.index("Download this plan as a PDF") < page.index("Download as Word (.docx)")


def test_the_public_page_of_a_published_plan_does_not_offer_it(client, rich_plan):
    Plan.objects.filter(pk=rich_plan.pk).update(status=Plan.Status.PUBLISHED)

    page = client.get(rich_plan.get_absolute_url()).content.decode()

    assert "Download this plan as a PDF" in page
    assert "Download as Word" not in page


def _logo(partnership, content: bytes) -> None:
    sha256 = hashlib.sha256(content).hexdigest()
    PartnershipLogo.objects.create(
        partnership=partnership, sha256=sha256, content_type="image/png", content=content
    )
    Partnership.objects.filter(pk=partnership.pk).update(
        logo_sha256=sha256, logo_content_type="image/png"
    )


def test_the_partnerships_logo_is_on_the_cover_with_its_name_as_description(rich_plan):
    image = io.BytesIO()
    PIL.Image.new("RGB", (120, 40), "#1d70b8").save(image, format="PNG")
    _logo(rich_plan.partnership, image.getvalue())
    plan = Plan.objects.select_related("partnership").get(pk=rich_plan.pk)

    word = read(plan_word_file(plan))

    assert len(word.inline_shapes) == 1
    description = word.inline_shapes[0]._inline.docPr.get("descr")
    assert description == plan.partnership.name


def test_a_damaged_logo_is_left_off_the_cover_and_the_rest_is_written(rich_plan):
    _logo(rich_plan.partnership, b"\x89PNG\r\n\x1a\n not really")
    plan = Plan.objects.select_related("partnership").get(pk=rich_plan.pk)

    content = plan_word_file(plan)

    assert len(read(content).inline_shapes) == 0
    assert "Introduction" in headings(content, 1)


def test_an_actions_indicator_links_to_its_entry_in_the_indicators_list(dressed, action):
    word = read(plan_word_file(dressed))
    bookmarks = {mark.get(f"{W}name") for mark in word.element.body.iter(f"{W}bookmarkStart")}
    table = next(t for t in word.tables if words(t.rows[0].cells[0].text) == "Action")
    links = [
        (link.text, link.fragment)
        for cell in table.rows[1].cells
        for paragraph in cell.paragraphs
        for link in paragraph.hyperlinks
    ]
    indicators = {i.code: i.pk for i in action.indicators.all()}

    assert links == [(code, f"indicator_{pk}") for code, pk in sorted(indicators.items())]
    assert {fragment for _text, fragment in links} <= bookmarks
    assert f"priority_{action.priority_id}" in bookmarks


def test_without_the_indicators_list_an_actions_indicators_are_plain_text(
    dressed, action, administrator
):
    outline_switch(plan=dressed, key="indicators", user=administrator, is_shown=False)
    word = read(plan_word_file(Plan.objects.select_related("partnership").get(pk=dressed.pk)))
    table = next(t for t in word.tables if words(t.rows[0].cells[0].text) == "Action")
    cells = table.rows[1].cells

    assert [link for cell in cells for p in cell.paragraphs for link in p.hyperlinks] == []
    assert "NI 17" in " ".join(cell.text for cell in cells)


def test_the_document_is_a4_in_british_english(rich_plan):
    word = read(plan_word_file(rich_plan))
    section = word.sections[0]
    languages = word.styles.element.xpath("w:docDefaults/w:rPrDefault/w:rPr/w:lang/@w:val")

    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert languages == ["en-GB"]
    assert word.core_properties.language == "en-GB"


def test_a_plan_with_nothing_in_it_yet_is_a_cover_alone(plan):
    content = plan_word_file(Plan.objects.select_related("partnership").get(pk=plan.pk))
    word = read(content)

    assert [p.text for p in word.paragraphs if p.style.name == "Title"] == ["Partnership Plan"]
    assert headings(content, 1) == []
    assert package_problems(content) == []
    assert mammoth_messages(content) == []
