"""A partnership's plan cover: the logo's check, and the colour's stylesheet with readable text.

Pure functions the forms, services, views and the document share; nothing here touches the
database. A stylesheet's address is its colour, so a published page keeps its own.
"""

from __future__ import annotations

import io
import re
import warnings

from django.urls import reverse
from PIL import Image, UnidentifiedImageError

from plans.models.partnership import COLOUR_PATTERN, LOGO_MAX_BYTES

# Pillow's names for the formats a logo may have, and the type each is served as.
LOGO_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg"}
# A logo is printed a few centimetres wide: anything far larger is a mistake or a trap.
LOGO_MAX_PIXELS = 4000 * 4000
LOGO_TOO_BIG = "The logo must be 1 MB or smaller"
LOGO_NOT_AN_IMAGE = "The logo must be a PNG or JPEG image"
LOGO_TOO_MANY_PIXELS = "The logo must be at most 4,000 by 4,000 pixels"
# The document's text on the cover band: whichever of the two reads better on the colour.
WHITE, BLACK = "#ffffff", "#000000"


class LogoRefused(ValueError):
    """The file is not a logo the cover can show; the message says why."""


def logo_content_type(content: bytes) -> str:
    """The type of a PNG or JPEG logo that Pillow can open, or LogoRefused.

    SVG is refused with everything else Pillow cannot read: it can carry scripts and links.
    """
    if len(content) > LOGO_MAX_BYTES:
        raise LogoRefused(LOGO_TOO_BIG)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                image_format = image.format
                width, height = image.size
                image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise LogoRefused(LOGO_NOT_AN_IMAGE) from None
    except Image.DecompressionBombWarning:
        raise LogoRefused(LOGO_TOO_MANY_PIXELS) from None
    if image_format not in LOGO_FORMATS:
        raise LogoRefused(LOGO_NOT_AN_IMAGE)
    if width * height > LOGO_MAX_PIXELS:
        raise LogoRefused(LOGO_TOO_MANY_PIXELS)
    return LOGO_FORMATS[image_format]


def normalise_colour(value: str) -> str:
    """What was typed, trimmed and lower-cased, with a # added if it was left off."""
    value = value.strip().lower()
    if value and not value.startswith("#"):
        value = f"#{value}"
    return value


def is_colour(value: str) -> bool:
    return re.fullmatch(COLOUR_PATTERN, value) is not None


def _luminance(colour: str) -> float:
    """WCAG 2's relative luminance of a #rrggbb colour."""

    def channel(hex_digits: str) -> float:
        value = int(hex_digits, 16) / 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast_ratio(first: str, second: str) -> float:
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def text_colour_on(colour: str) -> str:
    """White or black, whichever contrasts more with the colour: always at least 4.5 to 1."""
    return WHITE if contrast_ratio(colour, WHITE) >= contrast_ratio(colour, BLACK) else BLACK


def cover_css(colour: str) -> str:
    """The stylesheet that paints the cover band in the partnership's colour, its text in white
    or black to suit, and a rule of the colour under each section heading. Empty without a
    valid colour, so nothing typed can reach the stylesheet."""
    if not is_colour(colour):
        return ""
    text = text_colour_on(colour)
    return (
        # No padding-top: the printed cover sets its own; the band's top edge is a border.
        f".plan-cover {{ background-color: {colour}; color: {text}; "
        f"border-top: 20px solid {colour}; padding-right: 25px; padding-bottom: 20px; "
        "padding-left: 25px; }\n"
        ".plan-cover .plan-cover__partnership, .plan-cover .plan-title, "
        ".plan-cover .plan-cover__subtitle, .plan-cover .plan-cover__period, "
        ".plan-cover .plan-cover__first-published, .plan-cover .plan-cover__summary "
        f"{{ color: {text}; }}\n"
        ".plan-cover .plan-draft-mark { background-color: #ffffff; }\n"
        ".plan-cover__logo { background-color: #ffffff; padding: 5px; }\n"
        f".plan-document h2 {{ border-bottom: 4px solid {colour}; padding-bottom: 5px; }}\n"
    )


def cover_stylesheet_url(colour: str) -> str:
    """The address of the stylesheet of a colour (it never changes, so it is kept for a year),
    or "" for no colour: a published page links the colour it was published with."""
    if not is_colour(colour):
        return ""
    return reverse("plans:cover_css", args=[colour[1:]])
