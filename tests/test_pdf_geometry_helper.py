"""The geometry reader the layout tests rely on, checked against a PDF whose layout is known."""

import pytest

from plans.document import plan_document
from plans.pdf import plan_pdf
from tests.pdf_geometry import MM, pages


@pytest.mark.django_db
def test_pages_are_a4_and_the_action_text_is_placed_inside_the_margins(plan, action):
    document_pages = pages(plan_pdf(plan_document(plan)))
    assert {(round(page.width / MM), round(page.height / MM)) for page in document_pages} == {
        (210, 297)
    }
    first_word = action.text.split()[0]
    placed = [text for page in document_pages for text in page.texts if first_word in text.text]
    assert placed
    for text in placed:
        assert 10 * MM < text.x < text.right < 200 * MM
        assert 10 * MM < text.y < 287 * MM
        assert 6 < text.size < 30
