"""WeasyPrint, run where it can neither take a worker hostage nor reach out of the app.

This module imports nothing from Django: it is what the render's child process loads (from a
"forkserver" with WeasyPrint already imported), so starting a render costs a fork, not an
interpreter. plans.pdf passes in everything the child needs.
"""

from __future__ import annotations

import logging
import multiprocessing
import re
import traceback
import unicodedata
from multiprocessing.connection import Connection
from pathlib import Path

import weasyprint
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Longer than any ordinary word (the reference plans' longest is a 33-character web address),
# so only pasted runs such as long links, hashes or "aaaa..." get break opportunities.
LONG_RUN = 40
# WeasyPrint shows <wbr> as this character: a break opportunity that prints and copies as
# nothing, so the PDF's text reads as typed.
BREAK_OPPORTUNITY = "\u200b"
STATIC_SCHEME = "static:"
# Files the caller hands over with the HTML (a partnership's logo, kept in the database).
EMBEDDED_SCHEME = "embedded:"
PDF_TOO_SLOW_ADVICE = (
    "This usually means very long text with no spaces, such as a pasted link, table or code. "
    "Shorten it or add spaces, then try again."
)

# Tags that may sit inside a word ("<strong>un</strong>broken"): a run continues through them.
_INLINE_TAGS = frozenset(
    {"a", "abbr", "b", "bdi", "cite", "code", "em", "i", "small", "span", "strong", "sub", "sup"}
)
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([a-zA-Z0-9]+)")
# What a line may break at in HTML text; anything else (including no-break spaces) joins a run.
_BREAKING_SPACE = " \t\n\r\f"
_RUN = re.compile(f"[^{_BREAKING_SPACE}]+")
# A character reference counts as the one character it stands for, and is never split.
_UNIT = re.compile(r"&#?[0-9a-zA-Z]+;|.", re.DOTALL)
_JOINERS = frozenset({"\u200d", "\u034f"})


class PdfRenderTimeout(Exception):
    """WeasyPrint ran past the time limit and was stopped."""

    def __init__(self, seconds: int) -> None:
        super().__init__(f"The PDF took too long to make (over {seconds} seconds) and was stopped.")
        self.seconds = seconds


class PdfRenderFailed(Exception):
    """WeasyPrint's process failed; the message carries what it reported."""


def _joins_previous(char: str, previous: str) -> bool:
    """Whether a break before `char` would split what a reader sees as one character: an
    accent, a variation selector, or the second half of an emoji sequence or flag."""
    if char in _JOINERS or previous in _JOINERS:
        return True
    category = unicodedata.category(char)
    if category.startswith("M") or "\ufe00" <= char <= "\ufe0f":
        return True
    return _is_regional_indicator(char) and _is_regional_indicator(previous)


def _is_regional_indicator(char: str) -> bool:
    return "\U0001f1e6" <= char <= "\U0001f1ff"


def _with_opportunities(run: str) -> str:
    """A break opportunity between every pair of characters a line may split between, so a
    line fills to its edge as `overflow-wrap: break-word` would have filled it."""
    out: list[str] = []
    previous = ""
    for unit in _UNIT.findall(run):
        if previous and not _joins_previous(unit[0], previous[-1]):
            out.append(BREAK_OPPORTUNITY)
        out.append(unit)
        previous = unit
    return "".join(out)


def break_long_runs(html: str) -> str:
    """Break opportunities inside runs of more than LONG_RUN characters with none, in the body's
    text only (never in tags, attributes, the title or the stylesheet).

    WeasyPrint looks for a line's break point by laying out the rest of an unbroken run, so its
    time grows with the square of the run's length (a 40,000-character run took 13 seconds). A
    run may cross inline tags, as in "<em>aaaa</em><strong>bbbb</strong>", and is measured
    across them; other tags end it.
    """
    body_start = html.find("<body")
    if body_start < 0:
        return html
    head, body = html[:body_start], html[body_start:]
    tokens = _TAG.split(body)
    # Pieces of the run being measured: (token index, start, end) in the text tokens.
    pieces: list[tuple[int, int, int]] = []
    length = 0
    marked: dict[int, list[tuple[int, int]]] = {}

    def close_run() -> None:
        nonlocal length
        if length > LONG_RUN and _units(tokens, pieces) > LONG_RUN:
            for index, start, end in pieces:
                marked.setdefault(index, []).append((start, end))
        pieces.clear()
        length = 0

    for index, token in enumerate(tokens):
        if index % 2:  # a tag
            name = _TAG_NAME.match(token)
            if not (name and name.group(1).lower() in _INLINE_TAGS):
                close_run()
            continue
        if token and not token.strip(_BREAKING_SPACE):
            close_run()
        for match in _RUN.finditer(token):
            if match.start() > 0:
                close_run()
            pieces.append((index, match.start(), match.end()))
            length += match.end() - match.start()
            if match.end() < len(token):
                close_run()
    close_run()
    for index, spans in marked.items():
        text = tokens[index]
        parts, last = [], 0
        for start, end in spans:
            parts += [text[last:start], _with_opportunities(text[start:end])]
            last = end
        tokens[index] = "".join(parts) + text[last:]
    return head + "".join(tokens)


def _units(tokens: list[str], pieces: list[tuple[int, int, int]]) -> int:
    return sum(len(_UNIT.findall(tokens[index][start:end])) for index, start, end in pieces)


class StaticFilesOnly(URLFetcher):
    """Fetches `static:<path>` from the app's static folders and refuses every other address:
    no `file:`, no `http:` or `https:` (so no request to the server's own network), and no
    `data:` either, since nothing the app prints needs one and a decoded image has no size
    limit. WeasyPrint then leaves the image or stylesheet out and carries on.
    """

    def __init__(self, static_roots: list[str], embedded: dict[str, bytes] | None = None) -> None:
        super().__init__(allowed_protocols=set())
        self.static_roots = [Path(root).resolve() for root in static_roots]
        self.embedded = embedded or {}

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith(EMBEDDED_SCHEME):
            name = url.removeprefix(EMBEDDED_SCHEME)
            if name not in self.embedded:
                raise ValueError(f"No embedded file {url[:100]}")
            return URLFetcherResponse(url, self.embedded[name])
        if not url.startswith(STATIC_SCHEME):
            raise ValueError(f"The PDF may only use the app's static files, not {url[:100]}")
        path = self.find(url.removeprefix(STATIC_SCHEME))
        if path is None:
            raise ValueError(f"No static file {url[:100]}")
        return URLFetcherResponse(url, path.read_bytes())

    def find(self, name: str) -> Path | None:
        """The file under one of the static folders, by a lookup that cannot leave them:
        ".." and absolute paths are refused, and so is a link pointing outside."""
        relative = Path(name)
        if not name or "\\" in name or "\0" in name or relative.is_absolute():
            return None
        if any(part in ("..", ".") for part in relative.parts):
            return None
        for root in self.static_roots:
            candidate = (root / relative).resolve()
            if candidate.is_relative_to(root) and candidate.is_file():
                return candidate
        return None


def write_pdf(
    html: str, static_roots: list[str], embedded: dict[str, bytes] | None = None
) -> bytes:
    """The PDF of a printable page, in this process. No base address: a relative link in the
    text stays as written rather than becoming a path on the server."""
    return weasyprint.HTML(
        string=break_long_runs(html),
        base_url=None,
        url_fetcher=StaticFilesOnly(static_roots, embedded),
    ).write_pdf(pdf_variant="pdf/ua-1")


def _child(
    connection: Connection,
    html: str,
    static_roots: list[str],
    embedded: dict[str, bytes] | None = None,
) -> None:
    try:
        result = ("pdf", write_pdf(html, static_roots, embedded))
    except Exception:  # noqa: BLE001 -- reported to the parent, which raises it
        result = ("error", traceback.format_exc())
    connection.send(result)
    connection.close()


def _context() -> multiprocessing.context.BaseContext:
    """A forkserver that has imported this module (and so WeasyPrint) once: each render forks
    from it, a clean single-threaded process, whatever threads the web server runs.

    The forkserver also imports the program's main module once (as multiprocessing does by
    default), so a render does not run a script's top-level code again in every child.
    """
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["__main__", __name__])
    return context


def write_pdf_within(
    html: str, static_roots: list[str], seconds: int, embedded: dict[str, bytes] | None = None
) -> bytes:
    """The PDF, made in a child process that is killed if it runs past `seconds`."""
    context = _context()
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(
        target=_child, args=(sender, html, static_roots, embedded), daemon=True
    )
    process.start()
    sender.close()
    try:
        if not receiver.poll(seconds):
            process.kill()
            raise PdfRenderTimeout(seconds)
        try:
            kind, value = receiver.recv()
        except EOFError:
            raise PdfRenderFailed(
                f"The PDF process ended without a result (exit code {process.exitcode})."
            ) from None
    finally:
        receiver.close()
        process.join()
    if kind == "error":
        raise PdfRenderFailed(value)
    return value
