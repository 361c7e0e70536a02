"""The plan as a PDF, read back from its bytes: complete, paginated as its contents say."""

import io
import re

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from pypdf import PdfReader

from plans.document import plan_document
from plans.models import Plan, Section
from plans.pdf import plan_pdf
from priorities.models import Action
from tests.background import get_prepared
from tests.conftest import PASSWORD

LEADER_LINE = re.compile(r"^(?P<title>.+?)\s*(?:\.\s*){3,}(?P<page>\d+)$")


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages]


def words(text: str) -> str:
    """Whitespace as one space, and no space after a hyphen: a line may break after one."""
    return " ".join(text.split()).replace("- ", "-")


@pytest.fixture(scope="module")
def carlisle(django_db_setup, django_db_blocker):
    """Carlisle and Eden's 2010/11 plan from the demo data, rendered once for the module.

    Loaded inside a transaction that is rolled back, so no other test sees it.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        plan = Plan.objects.select_related("partnership").get(partnership__slug="carlisle-eden")
        actions = list(
            Action.objects.current()
            .filter(priority__plan=plan)
            .prefetch_related("lead_partners__organisation", "lead_partners__group", "indicators")
            .select_related("priority__plan__partnership")
        )
        expected = {
            "actions": [action.text for action in actions],
            "lead_partners": {
                lead.name for action in actions for lead in action.lead_partners.all()
            },
            "indicator_codes": {i.code for action in actions for i in action.indicators.all()},
        }
        pdf = plan_pdf(plan_document(plan))
        transaction.set_rollback(True)
    return {"pdf": pdf, "pages": page_texts(pdf), **expected}


def test_reference_plan_pdf_has_every_action_text(carlisle):
    text = words(" ".join(carlisle["pages"]))
    assert len(carlisle["actions"]) > 30
    missing = [action for action in carlisle["actions"] if words(action) not in text]
    assert missing == []


def test_reference_plan_pdf_has_every_lead_partner(carlisle):
    text = words(" ".join(carlisle["pages"]))
    assert {name for name in carlisle["lead_partners"] if words(name) not in text} == set()


def test_reference_plan_pdf_has_every_indicator_code(carlisle):
    text = words(" ".join(carlisle["pages"]))
    assert len(carlisle["indicator_codes"]) > 10
    assert {code for code in carlisle["indicator_codes"] if code not in text} == set()


def test_contents_page_numbers_are_the_pages_the_headings_fall_on(carlisle):
    pages = carlisle["pages"]
    entries = [
        match.groups()
        for line in pages[1].splitlines()
        if (match := LEADER_LINE.match(line.strip()))
    ]
    assert len(entries) > 10
    for title, number in entries:
        heading_page = [line.strip() for line in pages[int(number) - 1].splitlines()]
        assert title in heading_page, f"{title} is not on page {number}"


def test_footer_shows_page_x_of_the_page_count(carlisle):
    pages = carlisle["pages"]
    count = len(pages)
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {count}" in text


def test_running_header_carries_the_plan_title(carlisle):
    for text in carlisle["pages"][1:]:
        # On the line of the running header, after the draft's "DRAFT" at its left.
        lines = [line.strip() for line in text.splitlines()]
        assert any(line.endswith("Partnership Plan 2010/11") for line in lines)


def test_pdf_is_tagged_a4_with_title_author_and_language(carlisle):
    reader = PdfReader(io.BytesIO(carlisle["pdf"]))
    assert reader.metadata.title.startswith("Partnership Plan 2010/11")
    assert reader.metadata.author == "Carlisle and Eden Crime and Disorder Reduction Partnership"
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB"
    assert root["/MarkInfo"]["/Marked"]
    assert "/StructTreeRoot" in root
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)


def test_draft_pdf_cover_carries_a_draft_mark(carlisle):
    assert "DRAFT" in carlisle["pages"][0]


def test_priorities_follow_on_rather_than_each_forcing_a_new_page(carlisle):
    """A forced page per priority left pages mostly empty: a priority now starts where the
    last one ended, and its heading stays with what follows (tests/test_pdf_layout.py)."""
    starts = [text.splitlines()[0].strip() for text in carlisle["pages"][1:]]
    headings = ["Anti-Social Behaviour and Criminal Damage", "Domestic Abuse", "Violent Crime"]
    text = words(" ".join(carlisle["pages"]))
    assert all(heading in text for heading in headings)
    assert not all(heading in starts for heading in headings)


# Views and bad input


@pytest.mark.django_db
def test_member_downloads_a_draft_pdf(client, plan, action, viewer):
    client.login(username=viewer.username, password=PASSWORD)
    response = get_prepared(client, f"{plan.get_absolute_url()}pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert words(action.text) in words(" ".join(page_texts(response.content)))


@pytest.mark.django_db
def test_anonymous_visitor_gets_404_for_a_draft_pdf(client, plan):
    assert client.get(f"{plan.get_absolute_url()}pdf/").status_code == 404


@pytest.mark.django_db
def test_outsider_gets_404_for_a_draft_pdf(client, plan, outsider):
    client.login(username=outsider.username, password=PASSWORD)
    assert client.get(f"{plan.get_absolute_url()}large-print.pdf").status_code == 404


@pytest.mark.django_db
def test_posting_to_the_pdf_is_refused(client, plan, viewer):
    client.login(username=viewer.username, password=PASSWORD)
    assert client.post(f"{plan.get_absolute_url()}pdf/").status_code == 405


def text_sizes(page) -> dict[str, float]:
    """Each run of text on a page with the size it is printed at, in points."""
    sizes: dict[str, float] = {}

    def visit(text, cm, tm, font, size):
        if text.strip():
            sizes[text.strip()] = size * abs(tm[3] or 1) * abs(cm[3] or 1)

    page.extract_text(visitor_text=visit)
    return sizes


@pytest.mark.django_db
def test_large_print_body_text_is_at_least_16pt(plan, action):
    pdf = plan_pdf(plan_document(plan), large_print=True)
    page = PdfReader(io.BytesIO(pdf)).pages[2]
    sizes = text_sizes(page)
    body = {
        text: size for text, size in sizes.items() if not text.startswith(("Page ", plan.title))
    }
    assert any(words(action.text).startswith(text) for text in body)
    assert round(min(body.values()), 1) >= 16


@pytest.mark.django_db
def test_render_plan_command_writes_pdf_and_html(plan, action, tmp_path):
    call_command(
        "render_plan",
        "carlisle-eden",
        "2010-11",
        "--format",
        "pdf",
        "--output",
        tmp_path / "plan.pdf",
        stdout=io.StringIO(),
    )
    call_command(
        "render_plan",
        "carlisle-eden",
        "2010-11",
        "--format",
        "html",
        "--output",
        tmp_path / "plan.html",
        stdout=io.StringIO(),
    )
    assert (tmp_path / "plan.pdf").read_bytes().startswith(b"%PDF-")
    assert action.text in (tmp_path / "plan.html").read_text()


@pytest.mark.django_db
def test_render_plan_command_names_a_plan_it_cannot_find(plan, tmp_path):
    with pytest.raises(CommandError, match="No plan 'nope'"):
        call_command("render_plan", "carlisle-eden", "nope", "--output", tmp_path / "x.pdf")


HOSTILE = '<script>alert("x")</script>'


@pytest.mark.django_db
def test_render_plan_command_says_when_the_pdf_took_too_long(plan, action, tmp_path, settings):
    settings.PDF_RENDER_TIMEOUT = 0
    with pytest.raises(CommandError, match="took too long.*Shorten it"):
        call_command(
            "render_plan", plan.partnership.slug, plan.slug, "--output", str(tmp_path / "p.pdf")
        )
    assert not (tmp_path / "p.pdf").exists()


@pytest.mark.django_db
def test_hostile_text_prints_as_text_in_the_pdf(plan, priority, action):
    Action.objects.filter(pk=action.pk).update(text=f"Patrol {HOSTILE}")
    Section.objects.create(plan=plan, order=1, title="Hostile", body=f"<p>Body</p>{HOSTILE}")
    text = words(" ".join(page_texts(plan_pdf(plan_document(plan)))))
    assert f"Patrol {HOSTILE}" in text
    assert "Body alert" not in text


@pytest.mark.django_db
def test_long_words_urls_and_non_latin_text_wrap_inside_the_page(plan, priority, action):
    long_word = "Diogelwch" * 40
    url = "https://example.org/" + "path/" * 60
    Action.objects.filter(pk=action.pk).update(text=f"{long_word} {url} Безопасность Ελληνικά")
    pdf = plan_pdf(plan_document(plan))
    lines = [line for page in page_texts(pdf) for line in page.splitlines()]
    text = "".join("".join(lines).split())
    assert long_word in text
    assert url in text
    assert "БезопасностьΕλληνικά" in text
    # Wrapped, not overflowing: neither fits on one line of the page, so each was broken.
    assert not any(long_word in line or url in line for line in lines)


@pytest.mark.django_db
def test_emoji_and_chinese_text_render_a_pdf_without_error(plan, priority, action):
    """The glyphs need a font that has them (fonts-noto-cjk, fonts-noto-color-emoji)."""
    Action.objects.filter(pk=action.pk).update(text="社区安全 🚓👮 together")
    reader = PdfReader(io.BytesIO(plan_pdf(plan_document(plan))))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "社区安全" in text
    assert "together" in text


@pytest.mark.django_db
def test_empty_section_and_priority_without_actions_render(plan, priority):
    Section.objects.create(plan=plan, order=1, title="Implementation", body="")
    text = words(" ".join(page_texts(plan_pdf(plan_document(plan)))))
    assert "Implementation" in text
    assert priority.title in text
    assert "No actions have been set" not in text
    assert f"Actions: {priority.title}" not in text


@pytest.mark.django_db
def test_plan_with_no_priorities_renders_a_pdf(plan):
    pages = page_texts(plan_pdf(plan_document(plan)))
    assert "This plan has no sections or priorities yet." in " ".join(pages)
