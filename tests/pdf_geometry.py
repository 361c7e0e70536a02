"""A PDF's words read back with where they sit on the page, for tests of its layout.

pypdf reports each run of text with its transformation matrices; the run's origin on the page
is the text matrix applied through the current matrix. Widths come from pypdf's own font
metrics, so the right edge of a run is measured, not guessed from its character count.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.generic import RectangleObject

MM = 72 / 25.4  # points per millimetre


@dataclass(frozen=True)
class PlacedText:
    page: int  # from 1
    text: str
    x: float  # left edge, in points from the page's left
    y: float  # baseline, in points from the page's foot
    size: float  # printed size in points
    right: float  # right edge, in points from the page's left


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    texts: list[PlacedText]

    @property
    def text(self) -> str:
        return " ".join(placed.text for placed in self.texts)


def _multiply(first: list[float], second: list[float]) -> list[float]:
    a, b, c, d, e, f = first
    g, h, i, j, k, m = second
    return [
        a * g + b * i,
        a * h + b * j,
        c * g + d * i,
        c * h + d * j,
        e * g + f * i + k,
        e * h + f * j + m,
    ]


_BFCHAR = re.compile(rb"^<([0-9a-fA-F]{4})> *<([0-9a-fA-F]{4,8})>$", re.MULTILINE)
_BFRANGE = re.compile(
    rb"^<([0-9a-fA-F]{4})> *<([0-9a-fA-F]{4})> *<([0-9a-fA-F]{4,8})>$", re.MULTILINE
)
_composite_widths: dict[int, dict[str, float]] = {}


def _composite_font_widths(font: dict) -> dict[str, float]:
    """A composite (Type0, Identity-H) font's widths by the characters they print: its /W
    array gives each glyph's width, its ToUnicode map which character each glyph is."""
    key = id(font)
    if key in _composite_widths:
        return _composite_widths[key]
    descendant = font["/DescendantFonts"][0].get_object()
    by_glyph: dict[int, float] = {}
    entries = list(descendant.get("/W", []))
    index = 0
    while index < len(entries):
        first = int(entries[index])
        following = entries[index + 1].get_object()
        if isinstance(following, list):
            for offset, width in enumerate(following):
                by_glyph[first + offset] = float(width)
            index += 2
        else:
            for glyph in range(first, int(following) + 1):
                by_glyph[glyph] = float(entries[index + 2])
            index += 3
    default = float(descendant.get("/DW", 1000))
    widths: dict[str, float] = {}
    cmap = font["/ToUnicode"].get_object().get_data() if "/ToUnicode" in font else b""
    for glyph, text in _BFCHAR.findall(cmap):
        character = bytes.fromhex(text.decode()).decode("utf-16-be", "replace")
        widths[character] = by_glyph.get(int(glyph, 16), default)
    for start, end, text in _BFRANGE.findall(cmap):
        first_char = int(text, 16)
        for offset, glyph in enumerate(range(int(start, 16), int(end, 16) + 1)):
            widths[chr(first_char + offset)] = by_glyph.get(glyph, default)
    _composite_widths[key] = widths
    return widths


def _width(font: dict | None, text: str, size: float) -> float:
    """The run's advance width, from the font's widths where pypdf gives them."""
    if font is not None and font.get("/Subtype") == "/Type0" and "/DescendantFonts" in font:
        widths = _composite_font_widths(font)
        return sum(widths.get(character, 556.0) for character in text) / 1000 * size
    if font is not None and "/Widths" in font:
        first = int(font.get("/FirstChar", 0))
        widths = [float(width) for width in font["/Widths"]]
        total = 0.0
        for character in text:
            index = ord(character) - first
            total += widths[index] if 0 <= index < len(widths) else 500.0
        return total / 1000 * size
    # Composite fonts (the ones WeasyPrint embeds) carry no simple widths table: half an em
    # per character is Liberation Sans's average and is enough to catch a run off the page.
    return 0.5 * size * len(text)


def pages(pdf: bytes) -> list[Page]:
    """Every page with every non-blank run of text placed on it."""
    result = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        box: RectangleObject = page.mediabox
        placed: list[PlacedText] = []

        def visit(text, cm, tm, font, size, number=number, placed=placed):
            if not text.strip():
                return
            matrix = _multiply(list(tm), list(cm))
            scale = (matrix[0] ** 2 + matrix[1] ** 2) ** 0.5 or 1.0
            x, y = matrix[4], matrix[5]
            printed = size * scale
            placed.append(
                PlacedText(
                    page=number,
                    text=text.strip(),
                    x=x,
                    y=y,
                    size=printed,
                    right=x + _width(font, text.rstrip(), printed),
                )
            )

        page.extract_text(visitor_text=visit)
        result.append(Page(number, float(box.width), float(box.height), placed))
    return result
