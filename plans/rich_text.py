"""Rich text that officers type or paste (section bodies and other long narrative).

One allow-list, defined here, decides what HTML is kept. It is applied when a form is saved
(whatever the browser sent: the editor's HTML, a hand-made POST, or plain text from a browser
without JavaScript) and again whenever the text is shown, so older or imported text meets it too.
Sanitising is idempotent: text that has been through it once comes back unchanged.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from typing import Any

import nh3
from django.contrib.admin.widgets import AdminTextareaWidget
from django.forms import Media, Script, Widget
from django_prose_editor.fields import ProseEditorFormField
from django_prose_editor.widgets import (
    AdminProseEditorWidget,
    ProseEditorWidget,
    prose_editor_admin_media,
    prose_editor_base_media,
    prose_editor_js,
)

# The tags a body keeps. The section's own title is an h2, so a body's headings are h3 and h4:
# pasted h1 and h2 become h3, h5 and h6 become h4 (below).
RICH_TEXT_TAGS = frozenset(
    {
        "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "a", "blockquote",
        "h3", "h4",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
RICH_TEXT_ATTRIBUTES = {
    "a": {"href", "title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
}
# Relative links (to other pages of the site) are kept; of the absolute ones only these.
RICH_TEXT_URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

# Removed with everything inside them, not just the tags: a pasted web page or Word document
# brings its head (title, style sheets, Word's XML) along with the text.
_REMOVED_WITH_CONTENT = frozenset(
    {"script", "style", "title", "xml", "iframe", "object", "embed", "noscript", "template"}
)
# Kept through the first pass only to be renamed: headings outside the allowed levels.
_RENAMED_HEADINGS = {"h1": "h3", "h2": "h3", "h5": "h4", "h6": "h4"}
_EMPTY_PARAGRAPH = re.compile(r"<p>(?:\s|&nbsp;|<br>)*</p>")
_RENAMED_HEADING_TAG = re.compile(r"<(/?)(h1|h2|h5|h6)>")
_LINK_WITHOUT_HREF = re.compile(r"<a\b(?![^>]*\shref=)[^>]*>(.*?)</a>", re.DOTALL)
_ANY_TAG = re.compile(r"<[a-zA-Z!/?]")

# The editor offers only what the allow-list keeps (tests check it stays so).
EDITOR_EXTENSIONS: dict[str, Any] = {
    "Bold": True,
    "Italic": True,
    "Heading": {"levels": [3, 4]},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "HardBreak": True,
    "Blockquote": True,
    "Link": {"enableTarget": False, "protocols": sorted(RICH_TEXT_URL_SCHEMES)},
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
}


RICH_TEXT_HELP = (
    "Paste from Word or a web page, or type. Headings, bold, italic, lists, links and tables "
    "are kept; other formatting is removed when saved. Without the editor, leave a blank line "
    'between paragraphs and start list lines with "- " or "1."'
)


def sanitise(html: str) -> str:
    """Keep the structure (paragraphs, headings, emphasis, lists, links, tables), drop the rest:
    styles, classes, event handlers, scripts, frames, images, and links to other schemes."""
    if "mso-list" in html:
        html = _WordLists.rewrite(html)
    cleaned = nh3.clean(
        html,
        tags=set(RICH_TEXT_TAGS | _RENAMED_HEADINGS.keys()),
        clean_content_tags=set(_REMOVED_WITH_CONTENT),
        attributes={tag: set(names) for tag, names in RICH_TEXT_ATTRIBUTES.items()},
        url_schemes=set(RICH_TEXT_URL_SCHEMES),
        link_rel=LINK_REL,
    )
    # nh3's output is normalised HTML in which "<" only ever starts a tag, so tags can be
    # renamed with a pattern.
    cleaned = _RENAMED_HEADING_TAG.sub(
        lambda match: f"<{match[1]}{_RENAMED_HEADINGS[match[2]]}>", cleaned
    )
    if cleaned.count("<table") > 1:
        cleaned = _NestedTables.rewrite(cleaned)
    # A link whose address was removed (or a bookmark, as Word marks headings) is just text.
    cleaned = _LINK_WITHOUT_HREF.sub(r"\1", cleaned)
    # Word ends many paragraphs with an empty one (<o:p>&nbsp;</o:p>) for spacing.
    return _EMPTY_PARAGRAPH.sub("", cleaned).strip()


def is_plain_text(text: str) -> bool:
    return _ANY_TAG.search(text) is None


def plain_text_to_html(text: str) -> str:
    """Text typed where the editor did not load (no JavaScript): blank lines separate
    paragraphs, lines starting "- " or "* " make a bulleted list, and lines starting "1." or
    "1)" a numbered one. Everything typed is escaped first, so nothing in it is markup."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        blocks.extend(_plain_block(block))
    return "".join(blocks)


_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*\d{1,3}[.)]\s+(.*)$")


def _plain_block(block: str) -> list[str]:
    """A block between blank lines: runs of list lines become lists, other lines paragraphs."""
    html, lines, kind = [], [], ""

    def close() -> None:
        if not lines:
            return
        if kind == "p":
            html.append("<p>" + "<br>".join(lines) + "</p>")
        else:
            html.append(f"<{kind}>" + "".join(f"<li>{line}</li>" for line in lines) + f"</{kind}>")
        lines.clear()

    for raw in block.split("\n"):
        if not raw.strip():
            continue
        if match := _BULLET.match(raw):
            line_kind, line = "ul", match[1]
        elif match := _NUMBERED.match(raw):
            line_kind, line = "ol", match[1]
        else:
            line_kind, line = "p", raw.strip()
        if line_kind != kind:
            close()
            kind = line_kind
        lines.append(escape(line.strip(), quote=False))
    close()
    return html


def clean_rich_text(value: str) -> str:
    """What a rich-text form field stores: plain text converted, then everything sanitised."""
    if is_plain_text(value):
        value = plain_text_to_html(value)
    return sanitise(value)


class _EditorScripts:
    """Mixin for the editor's widgets: the editor is started by the project's own module
    (static/js/rich-text-editor.js), which keeps every style in static files, as the
    Content-Security-Policy requires, where the package's preset lets Tiptap inject one."""

    preset: str

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        self.preset = "cspplan"

    @property
    def media(self) -> Media:
        return self.base_media + Media(  # type: ignore[attr-defined]
            css={"all": ["css/rich-text-editor.css"]},
            js=[prose_editor_js, Script("js/rich-text-editor.js", type="module")],
        )


class RichTextWidget(_EditorScripts, ProseEditorWidget):
    base_media = prose_editor_base_media


class AdminRichTextWidget(_EditorScripts, AdminProseEditorWidget):
    base_media = prose_editor_admin_media


def _is_admin_widget(widget: type[Widget] | Widget | None) -> bool:
    widget_class = widget if isinstance(widget, type) else type(widget)
    return issubclass(widget_class, AdminTextareaWidget)


class RichTextFormField(ProseEditorFormField):
    """The editor in the browser (a plain textarea without JavaScript), sanitised on save.

    Use it for any long narrative model field, keeping the model's TextField:
    `Meta.field_classes = {"body": RichTextFormField}` in a ModelForm (the admin's too).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("extensions", EDITOR_EXTENSIONS)
        kwargs.setdefault("sanitize", clean_rich_text)
        kwargs.setdefault("preset", "cspplan")
        kwargs["help_text"] = kwargs.get("help_text") or RICH_TEXT_HELP
        admin = _is_admin_widget(kwargs.get("widget"))
        kwargs["widget"] = AdminRichTextWidget if admin else RichTextWidget
        super().__init__(**kwargs)


class _Rewriter(HTMLParser):
    """Re-emits the HTML it reads; subclasses change parts of it on the way."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out.append(self.get_starttag_text() or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))

    @classmethod
    def rewrite(cls, html: str) -> str:
        parser = cls()
        parser.feed(html)
        parser.close()
        return "".join(parser.out)


class _NestedTables(_Rewriter):
    """A table inside a table cell cannot be read aloud or printed sensibly: its tags go, its
    cells' text stays in the outer cell, a line per row."""

    STRUCTURE = frozenset({"table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption"})

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self.depth += 1
        if self.depth > 1 and tag in self.STRUCTURE:
            if tag == "table":
                self.out.append("<br>")
            return
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        inner = self.depth > 1 and tag in self.STRUCTURE
        if tag == "table":
            self.depth -= 1
        if inner:
            self.out.append({"tr": "<br>", "td": " ", "th": " "}.get(tag, ""))
            return
        super().handle_endtag(tag)


_MSO_LEVEL = re.compile(r"mso-list:\s*l\d+\s+level(\d+)")
_ORDERED_MARKER = re.compile(r"^\(?[0-9a-zA-Z]{1,5}[.)]")


class _WordLists(_Rewriter):
    """Word copies a list as paragraphs ("MsoListParagraph", styled mso-list:l0 level1) whose
    bullet or number is typed text in a span marked mso-list:Ignore. These become real lists,
    numbered when the marker is a number or letter with "." or ")", nested by level."""

    def __init__(self) -> None:
        super().__init__()
        self.open_lists: list[str] = []  # tag of each open list; each has an open <li>
        self.item: list[str] | None = None  # the list paragraph being read
        self.level = 1
        self.marker: list[str] = []
        self.ignore_depth = 0  # >0 inside the mso-list:Ignore span (nested spans counted)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        style = dict(attrs).get("style") or ""
        if self.ignore_depth:
            if tag == "span":
                self.ignore_depth += 1
            return
        if tag == "span" and re.search(r"mso-list:\s*ignore", style, re.IGNORECASE):
            self.ignore_depth = 1
            return
        if tag == "p" and (level := _MSO_LEVEL.search(style)):
            self.item, self.level, self.marker = [], int(level[1]), []
            return
        if self.item is not None:
            self.item.append(self.get_starttag_text() or "")
            return
        if tag not in {"span", "b", "i", "strong", "em", "a", "o:p", "font"}:
            self.close_lists(0)
        super().handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.ignore_depth:
            if tag == "span":
                self.ignore_depth -= 1
            return
        if self.item is not None:
            if tag == "p":
                self.finish_item()
            else:
                self.item.append(f"</{tag}>")
            return
        super().handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self.ignore_depth:
            self.marker.append(data)
        elif self.item is not None:
            self.item.append(escape(data, quote=False))
        elif not (self.open_lists and data.isspace()):  # the line breaks between paragraphs
            super().handle_data(data)

    def finish_item(self) -> None:
        marker = "".join(self.marker).strip()
        kind = "ol" if _ORDERED_MARKER.match(marker) else "ul"
        level = max(1, self.level)
        self.close_lists(level)
        if len(self.open_lists) == level and self.open_lists[-1] != kind:
            self.close_lists(level - 1)
        if len(self.open_lists) == level:
            self.out.append("</li><li>")
        while len(self.open_lists) < level:
            self.out.append(f"<{kind}><li>")
            self.open_lists.append(kind)
        self.out.extend(self.item or [])
        self.item = None

    def close_lists(self, level: int) -> None:
        while len(self.open_lists) > level:
            self.out.append(f"</li></{self.open_lists.pop()}>")

    def close(self) -> None:
        super().close()
        if self.item is not None:
            self.finish_item()
        self.close_lists(0)
