"""A Word document read into the parts of a plan: sections, subsections and priorities with
their aims and actions, as printed, before anything is matched or saved.

mammoth turns the .docx into plain HTML (Word's Heading 1, 2 and 3 styles become h1, h2 and h3,
and the Title style a titled h1), which lxml walks in order:

- The top heading level makes sections, the next one subsections; deeper headings stay in
  their text.
- A table whose header row names actions (Action or Activity, with Lead partner or Agency,
  Indicators or NI, Review date, Aim, Baseline...) holds a priority's actions. The priority is
  the nearest heading above it, unless the table has a Priority column, whose cells name them.
  A table whose first column labels its rows BACKGROUND, OBJECTIVE, ACTIONS, MEASURING OUR
  PERFORMANCE (East Cambridgeshire's) is a priority too, one action per listed item.
- Cells merged down a column (an Aim or Priority cell spanning rows) carry down.
- Other tables stay as tables in their section's text, which the app's sanitiser cleans.

Nothing here touches the database: what is read is matched and saved by plans.word.importing.
"""

from __future__ import annotations

import io
import zipfile
from xml.parsers.expat import ExpatError

import mammoth
from django.core.exceptions import ValidationError
from lxml import etree
from lxml import html as lxml_html

from plans.word.assembly import Assembler, Chunk
from plans.word.document import ReadDocument, text_of

# Word's heading and title styles as HTML headings; Word's own list styles as lists (mammoth
# reads lists Word numbers itself already).
STYLE_MAP = """
p[style-name='Title'] => h1.document-title:fresh
p[style-name='Heading 1'] => h1:fresh
p[style-name='Heading 2'] => h2:fresh
p[style-name='Heading 3'] => h3:fresh
p[style-name='Heading 4'] => h4:fresh
p[style-name='List Bullet'] => ul > li:fresh
p[style-name='List Bullet 2'] => ul|ol > li > ul > li:fresh
p[style-name='List Number'] => ol > li:fresh
p[style-name='List Paragraph'] => ul > li:fresh
"""

UNREADABLE_MESSAGE = (
    "We could not read this Word document. Open it in Word or LibreOffice, save it again as a "
    "Word document (.docx), and upload that copy."
)
NOTHING_TO_IMPORT_MESSAGE = (
    "This document has no headings and no tables, so there is nothing to make sections or "
    "priorities from. In Word, give each section's title the “Heading 1” style (and each "
    "subsection's “Heading 2”), keep the action plans as tables, and upload it again."
)

_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}


def read_word_document(content: bytes) -> ReadDocument:
    """The plan's parts as the document prints them; ValidationError with the user's message
    when it cannot be read or holds nothing to import."""
    root, images = _document_html(content)
    chunks = _chunks(root)
    if not any(chunk.heading for chunk in chunks) and not any(
        element.tag == "table" for chunk in chunks for element in chunk.elements
    ):
        raise ValidationError(NOTHING_TO_IMPORT_MESSAGE, code="empty")
    document = Assembler(chunks).document()
    if images:
        document.notices.append(
            f"{images} picture{'s are' if images > 1 else ' is'} left out: a plan keeps its "
            "words and tables, not pictures or charts."
        )
    return document


def _document_html(content: bytes) -> tuple[etree._Element, int]:
    """The document as an HTML tree, and how many pictures were left out of it."""
    images = 0

    def leave_out(image) -> dict:
        # The image's bytes are never read; the sanitiser would drop an <img> anyway.
        nonlocal images
        images += 1
        return {}

    try:
        result = mammoth.convert_to_html(
            io.BytesIO(content),
            style_map=STYLE_MAP,
            convert_image=mammoth.images.img_element(leave_out),
        )
    # A damaged archive, a part missing from it, or a part that is not well-formed XML.
    except (zipfile.BadZipFile, KeyError, ValueError, ExpatError, etree.LxmlError) as error:
        raise ValidationError(UNREADABLE_MESSAGE, code="unreadable") from error
    html = result.value
    if not html.strip():
        raise ValidationError(NOTHING_TO_IMPORT_MESSAGE, code="empty")
    root = lxml_html.fragment_fromstring(html, create_parent="div")
    # Line breaks inside a paragraph or cell are kept as new lines in the text read from it.
    for br in root.iter("br"):
        br.tail = "\n" + (br.tail or "")
    for image in list(root.iter("img")):
        image.drop_tree()
    return root, images


def _chunks(root: etree._Element) -> list[Chunk]:
    chunks = [Chunk("", 0, False, [])]
    for element in root:
        if not isinstance(element.tag, str):
            continue
        level = _HEADINGS.get(element.tag)
        if level is not None and level <= 3 and text_of(element):
            is_title = "document-title" in (element.get("class") or "")
            chunks.append(Chunk(text_of(element), level, is_title, []))
        else:
            chunks[-1].elements.append(element)
    return chunks
