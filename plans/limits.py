"""The most characters each kind of text may hold, in one place.

Every text is bounded so that no one field can make a page, a PDF or a worker's time grow
without limit. The limits are sized on the reference plans (a 26-page plan is 45,000
characters in all; its longest paragraph 2,700, its longest word 33) with room to spare.
Models set them as a TextLimit validator, which the admin and every ModelForm run, showing
the message beside the field; the app's own forms use the same constants with the messages
from too_long(). (A validator rather than TextField's max_length: both change no column, but
SQLite rebuilds a table for a changed max_length, and the content-version triggers of
plans 0005 do not survive the rebuild.)
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.deconstruct import deconstructible

# A narrative section's HTML: the whole reference plan fits twice over.
SECTION_BODY_MAX = 100_000
# A priority's background: a few pages of prose.
BACKGROUND_MAX = 20_000
# Review comments, replies, and the comments recorded with a move through the workflow.
COMMENT_MAX = 4_000
# Paragraph-sized text: a plan's summary, an aim, baseline data, a progress note, an
# indicator's description.
LONG_TEXT_MAX = 4_000
# An action as the plan prints it in its table.
ACTION_TEXT_MAX = 2_000
# A line or two: an address, a glossary meaning, an aim's title, why a comment was hidden.
SHORT_TEXT_MAX = 2_000


def too_long(what: str, limit: int) -> str:
    """The message beside a field of the app's own forms typed past its limit."""
    return f"{what} must be {limit:,} characters or fewer"


@deconstructible
class TextLimit(MaxLengthValidator):
    """A text's limit, with the counts in words people read ("100,000", not "100000")."""

    def __call__(self, value: str) -> None:
        length = len(value)
        if length > self.limit_value:
            raise ValidationError(
                "Keep this to %(limit)s characters or fewer (it has %(length)s).",
                code="max_length",
                params={"limit": f"{self.limit_value:,}", "length": f"{length:,}"},
            )
