"""The PDF renderer reaches nothing outside the app, copes with long unbroken words, and is
stopped when it runs too long."""

from __future__ import annotations

import io
import logging
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from plans.document import plan_document
from plans.models import Plan, Section
from plans.pdf import html_to_pdf, plan_pdf, static_roots
from plans.pdf_render import (
    BREAK_OPPORTUNITY,
    LONG_RUN,
    PdfRenderTimeout,
    StaticFilesOnly,
    break_long_runs,
)
from plans.workflow import MoveRefused, plan_move
from priorities.models import Action
from tests.background import get_prepared, run_jobs
from tests.conftest import PASSWORD


class CountingServer:
    """A web server on 127.0.0.1 that answers every request with a tiny image and counts."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 -- the name http.server calls
                server.requests.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "text/css")
                self.end_headers()
                self.wfile.write(b"body { color: red }")

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"


@pytest.fixture
def web_server() -> Iterator[CountingServer]:
    server = CountingServer()
    thread = threading.Thread(target=server.httpd.serve_forever, daemon=True)
    thread.start()
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()


def link_targets(pdf: bytes) -> list[str]:
    targets = []
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action and "/URI" in action:
                targets.append(str(action["/URI"]))
    return targets


def pdf_words(pdf: bytes) -> str:
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return "".join(text.split())


def hostile_html(server_url: str) -> str:
    return (
        "<!DOCTYPE html><html><head><title>t</title>"
        f'<link rel="stylesheet" href="{server_url}/linked.css">'
        f"<style>@import url({server_url}/imported.css);"
        f" body {{ background: url({server_url}/background.png) }}</style></head><body>"
        f'<img src="file:///etc/passwd" alt="passwd"><img src="{server_url}/image.png" alt="i">'
        f'<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22/%3E">'
        '<p><a href="relative/page">A relative link</a> and <a href="#top">an anchor</a></p>'
        "</body></html>"
    )


# Fetching


def test_the_renderer_fetches_no_address_and_links_no_server_path(web_server):
    pdf = html_to_pdf(hostile_html(web_server.url))
    assert web_server.requests == []
    assert b"file:" not in pdf
    assert "relative/page" in link_targets(pdf)
    assert not any(target.startswith("file:") for target in link_targets(pdf))


@pytest.mark.django_db
def test_a_section_with_images_and_a_relative_link_prints_with_no_fetch_or_server_path(
    plan, priority, web_server
):
    Section.objects.create(
        plan=plan,
        order=1,
        title="Pasted",
        body=(
            '<p><img src="file:///etc/passwd"><img src="'
            f'{web_server.url}/section.png">Read <a href="minutes.html">the minutes</a>.</p>'
        ),
    )
    pdf = plan_pdf(plan_document(plan))
    assert web_server.requests == []
    assert b"file:" not in pdf
    assert "minutes.html" in link_targets(pdf)
    assert "Readtheminutes." in pdf_words(pdf)


def test_the_fetcher_serves_the_apps_static_files_only():
    fetcher = StaticFilesOnly(static_roots())
    css = fetcher.fetch("static:css/plan-pdf.css").read()
    assert b"overflow-wrap" in css
    for address in [
        "static:../cspplan/settings.py",
        "static:css/../../cspplan/settings.py",
        "static:/etc/passwd",
        "static:",
        "file:///etc/passwd",
        "http://127.0.0.1/",
        "https://example.org/x.css",
        "data:text/css,body{}",
        "ftp://example.org/x",
    ]:
        with pytest.raises(ValueError):
            fetcher.fetch(address)


def test_the_fetcher_does_not_follow_a_link_out_of_the_static_folder(tmp_path):
    root = tmp_path / "static"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("secret")
    (root / "escape.txt").symlink_to(secret)
    with pytest.raises(ValueError):
        StaticFilesOnly([str(root)]).fetch("static:escape.txt")


# Long unbroken words


def test_long_runs_get_break_opportunities_and_ordinary_words_none():
    ordinary = "Safer neighbourhoods mean partnership working"
    long_run = "a" * (LONG_RUN + 1)
    html = f"<html><head><title>{long_run}</title></head><body><p>{ordinary} {long_run}</p>"
    broken = break_long_runs(html)
    assert f"<title>{long_run}</title>" in broken
    assert ordinary in broken
    assert f"a{BREAK_OPPORTUNITY}a" in broken
    assert broken.replace(BREAK_OPPORTUNITY, "") == html


def test_a_run_of_exactly_the_limit_is_left_alone():
    html = f"<body><p>{'b' * LONG_RUN}</p>"
    assert break_long_runs(html) == html


def test_break_opportunities_never_split_tags_entities_or_accents():
    run = "&amp;é" + "x" * LONG_RUN + "e\u0301" + "🇬🇧"
    html = f'<body><p><a href="https://example.org/{"y" * 60}">{run}</a></p>'
    broken = break_long_runs(html)
    assert f'href="https://example.org/{"y" * 60}"' in broken
    assert "&amp;" in broken
    assert f"e\u0301{BREAK_OPPORTUNITY}" in broken
    assert "e\u200b\u0301" not in broken
    assert "🇬🇧" in broken


def test_a_run_across_inline_tags_is_measured_whole_and_block_tags_end_it():
    half = "c" * (LONG_RUN // 2 + 1)
    across = break_long_runs(f"<body><p><em>{half}</em><strong>{half}</strong></p>")
    assert BREAK_OPPORTUNITY in across
    for apart in (
        f"<body><p>{half}</p><p>{half}</p>",
        f"<body><p><em>{half}</em> <em>{half}</em></p>",
        f"<body><p>{half}<br>{half}</p>",
    ):
        assert break_long_runs(apart) == apart


@pytest.mark.django_db
def test_long_unbroken_words_print_as_typed(plan, priority, action):
    long_word = ("Diogelwch" * 300)[:2000]
    Action.objects.filter(pk=action.pk).update(text=f"Patrol {long_word} nightly")
    Section.objects.create(
        plan=plan, order=1, title="Pasted", body=f"<p>See <strong>{long_word}</strong>.</p>"
    )
    text = pdf_words(plan_pdf(plan_document(plan)))
    assert BREAK_OPPORTUNITY not in text
    assert f"Patrol{long_word}nightly" in text
    assert f"See{long_word}." in text


# Time limit


@pytest.mark.django_db
def test_a_draft_pdf_past_the_time_limit_is_a_503_page_that_says_what_to_do(
    client, plan, action, viewer, settings, caplog
):
    settings.PDF_RENDER_TIMEOUT = 0
    client.login(username=viewer.username, password=PASSWORD)
    with caplog.at_level(logging.ERROR, logger="plans.pdf"):
        response = get_prepared(client, f"{plan.get_absolute_url()}pdf/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "took too long" in response.content.decode()
    assert "very long" in response.content.decode()
    assert any("PDF render stopped" in record.getMessage() for record in caplog.records)


@pytest.mark.django_db
def test_the_render_is_stopped_rather_than_left_running(plan, settings):
    settings.PDF_RENDER_TIMEOUT = 0
    import multiprocessing

    with pytest.raises(PdfRenderTimeout):
        plan_pdf(plan_document(plan))
    assert multiprocessing.active_children() == []


@pytest.mark.django_db
def test_publishing_past_the_time_limit_is_refused_and_the_plan_stays_approved(
    plan, action, administrator, settings
):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    plan.refresh_from_db()
    settings.PDF_RENDER_TIMEOUT = 0
    with pytest.raises(MoveRefused, match="took too long"):
        plan_move(plan=plan, to_status=Plan.Status.PUBLISHED, user=administrator)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED
    assert not plan.published_copies.exists()
    assert not plan.transitions.exists()


@pytest.mark.django_db
def test_publishing_past_the_time_limit_on_the_plan_page_shows_the_message(
    client, plan, action, administrator, settings
):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    settings.PDF_RENDER_TIMEOUT = 0
    client.login(username=administrator.username, password=PASSWORD)
    progress = client.post(f"{plan.get_absolute_url()}move/published/").url
    run_jobs()
    response = client.get(progress)
    assert response.status_code == 503
    assert "The plan was not published" in response.content.decode()
    assert "took too long" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.APPROVED


@pytest.mark.django_db
def test_a_public_plan_whose_first_copy_takes_too_long_is_a_503_page_not_a_server_error(
    client, plan, action, settings
):
    """A plan made public outside the workflow has no stored copy until first read."""
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    settings.PDF_RENDER_TIMEOUT = 0
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 503
    assert "took too long" in response.content.decode()
    assert "made together with its PDF" in response.content.decode()
    assert not plan.published_copies.exists()
