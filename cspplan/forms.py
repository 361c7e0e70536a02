"""Form pieces every form of the site shares, so bad input is a message beside the field.

Control characters (NUL, escape, backspace, DEL, the C1 range...) cannot be typed on purpose;
they arrive from pasted binary or from a probe. PostgreSQL refuses NUL in text outright, and the
others would be printed into pages and PDFs, so every text field refuses them with a message,
keeping what was typed. Query strings are not a form anyone reads back, so there the characters
are simply dropped.
"""

from __future__ import annotations

import datetime
import re
from typing import Any

from crispy_forms_gds.fields import DateInputField
from django import forms
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import models
from django.utils.deconstruct import deconstructible

# C0 controls except tab, line feed and carriage return (which text areas legitimately hold),
# DEL, and the C1 controls.
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CONTROL_CHARACTERS_MESSAGE = (
    "Remove the invisible control characters from this text: they often come from copying "
    "out of another program"
)

# The GOV.UK pattern asks for a year of four digits; the bounds keep every stored date one the
# plans can mean, and every date part small enough for Python's date type.
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200


def strip_control_characters(text: str) -> str:
    return _CONTROL_CHARACTERS.sub("", text)


@deconstructible
class ProhibitControlCharactersValidator:
    message = CONTROL_CHARACTERS_MESSAGE
    code = "control_characters"

    def __call__(self, value: Any) -> None:
        if isinstance(value, str) and _CONTROL_CHARACTERS.search(value):
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ProhibitControlCharactersValidator)


refuse_control_characters = ProhibitControlCharactersValidator()


def guard_text_field(field: forms.Field | None) -> forms.Field | None:
    """Add the control-character check to a text field (once), leaving other fields alone.

    It replaces Django's own NUL check, which it covers, so a NUL gets one message, not two.
    """
    if isinstance(field, forms.CharField) and refuse_control_characters not in field.validators:
        field.validators[:] = [
            validator
            for validator in field.validators
            if not isinstance(validator, ProhibitNullCharactersValidator)
        ]
        field.validators.append(refuse_control_characters)
    return field


class RefuseControlCharacters:
    """Form mixin: every text field of the form refuses control characters beside the field.

    Put it first among the bases: `class CommentForm(RefuseControlCharacters, forms.Form)`.
    """

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            guard_text_field(field)


class SafeInputAdmin:
    """ModelAdmin and inline mixin: bad input in the admin is a message, not a server error.

    Text fields built from the model refuse control characters (fields a custom admin form
    declares itself are checked by the form's own RefuseControlCharacters base). A date
    drill-down such as ?reported_on__year=99999999999999999999 overflows Python's date type
    inside Django's changelist; it is treated like any other impossible filter.
    """

    def formfield_for_dbfield(
        self, db_field: models.Field, request: Any, **kwargs: Any
    ) -> forms.Field | None:
        return guard_text_field(super().formfield_for_dbfield(db_field, request, **kwargs))  # type: ignore[misc]

    def get_changelist_instance(self, request: Any) -> Any:
        try:
            return super().get_changelist_instance(request)  # type: ignore[misc]
        except OverflowError:
            raise IncorrectLookupParameters from None


class RealDateField(DateInputField):
    """The GOV.UK day, month and year inputs, where any impossible date is a field error.

    crispy-forms-gds passes each part straight to date(), so "31 2 2010" says "day is out of
    range for month" and a day of 99999999999999999999 raises OverflowError (a server error).
    Here every impossible date is the field's own "invalid" message.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.error_messages["invalid"] = "Enter a real date, for example 30 9 2010"

    def compress(self, data_list: list[str]) -> datetime.date | None:
        day, month, year = data_list
        if not (day and month and year):
            return None
        try:
            value = datetime.date(day=int(day), month=int(month), year=int(year))
        except (ValueError, OverflowError):
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return value
