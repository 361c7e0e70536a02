"""Dates as plans write them: a day, a month, a quarter or a financial year.

Plans print review dates as "30 September 2010", "July 2009", "By December 2011",
"Q3 2010/11" or "2010/11". A written date is kept as a real day (the last day of the written
period, which sorting, "reviews due" and reminders use) with its precision, so it prints back
as it was written and the printed words can never fall out of step with the stored day.

Quarters are quarters of the financial year (1 April to 31 March): Q1 is April to June and Q4
January to March.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models


class Precision(models.TextChoices):
    DAY = "day", "A day"
    MONTH = "month", "A month"
    QUARTER = "quarter", "A quarter of a financial year"
    FINANCIAL_YEAR = "financial_year", "A financial year"


FORMS_HELP = (
    "A day (31/07/2009), a month (July 2009), a quarter (Q3 2009/10) or a financial year "
    "(2009/10), as the plan prints it; “By July 2009” is kept with its “By”."
)
UNREADABLE = (
    "Enter the date as a day (31/07/2009), a month (July 2009), a quarter (Q3 2009/10) or a "
    "financial year (2009/10)"
)

# As cspplan.forms (not imported: the models use this module).
EARLIEST_YEAR = 1900
LATEST_YEAR = 2200

_MONTHS = {name.casefold(): number for number, name in enumerate(calendar.month_name) if name}
_MONTHS.update({name.casefold(): number for number, name in enumerate(calendar.month_abbr) if name})
_MONTHS["sept"] = 9


@dataclass(frozen=True)
class WrittenDate:
    """A date as written: the last day of the written period, its precision, and "By"."""

    date: datetime.date
    precision: str = Precision.DAY
    by: bool = False

    @property
    def label(self) -> str:
        return written_date_label(self.date, self.precision, by=self.by)

    def __str__(self) -> str:
        return self.label


def _financial_year_of(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _financial_year_words(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def written_date_label(
    day: datetime.date | None, precision: str = Precision.DAY, *, by: bool = False
) -> str:
    """The date printed the way it was written; empty for no date."""
    if day is None:
        return ""
    if precision == Precision.MONTH:
        words = f"{day:%B %Y}"
    elif precision == Precision.QUARTER:
        quarter = (day.month - 4) % 12 // 3 + 1
        words = f"Q{quarter} {_financial_year_words(_financial_year_of(day))}"
    elif precision == Precision.FINANCIAL_YEAR:
        words = _financial_year_words(_financial_year_of(day))
    else:
        words = f"{day.day} {day:%B %Y}"
    return f"By {words}" if by else words


def written_period_start(day: datetime.date, precision: str) -> datetime.date:
    """The first day of the written period that ends on `day`."""
    if precision == Precision.MONTH:
        return day.replace(day=1)
    if precision == Precision.QUARTER:
        month = day.month - 2
        return datetime.date(day.year if month > 0 else day.year - 1, (month - 1) % 12 + 1, 1)
    if precision == Precision.FINANCIAL_YEAR:
        return datetime.date(_financial_year_of(day), 4, 1)
    return day


def _year(words: str, typed: str) -> int:
    year = int(words)
    if len(words) != 4 or not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValidationError(
            f"“{typed}” has no year we can use: write the year in full, for example 2009",
            code="year",
        )
    return year


def _month_end(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def _month_named(word: str) -> int:
    number = _MONTHS.get(word.casefold().rstrip("."))
    if number is None:
        raise ValidationError(f"There is no month called “{word}”", code="month_name")
    return number


def _month_number(words: str, typed: str) -> int:
    month = int(words)
    if not 1 <= month <= 12:
        raise ValidationError(f"{typed} is not a month: months run from 1 to 12", code="month")
    return month


def _financial_year_start(first: str, second: str, typed: str) -> int:
    start = _year(first, typed)
    if len(second) == 2:
        follows = int(second) == (start + 1) % 100
    elif len(second) == 4:
        follows = int(second) == start + 1
    else:
        follows = False
    if not follows:
        raise ValidationError(
            f"{typed} is not a financial year: the second year must follow the first, as in "
            f"{_financial_year_words(start)}",
            code="financial_year",
        )
    return start


def _day(year: int, month: int, day: int, typed: str) -> datetime.date:
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        raise ValidationError(
            f"{typed} is not a real day: {calendar.month_name[month]} {year} has "
            f"{calendar.monthrange(year, month)[1]} days",
            code="day",
        )
    return datetime.date(year, month, day)


_FY = r"(\d{4})\s*[/-]\s*(\d{2}|\d{4})"
_PATTERNS = {
    "quarter": re.compile(rf"^(?:q|quarter)\s*(\d+)\s*,?\s*(?:of\s+)?(?:fy\s*)?{_FY}$"),
    "quarter_no_year": re.compile(r"^(?:q|quarter)\s*(\d+)\b.*$"),
    "financial_year": re.compile(rf"^(?:fy\s*)?{_FY}$"),
    "iso_day": re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    "numeric_day": re.compile(r"^(\d{1,2})\s*[/.\s-]\s*(\d{1,2})\s*[/.\s-]\s*(\d{4})$"),
    "numeric_month": re.compile(r"^(\d{1,2})\s*[/.-]\s*(\d{4})$"),
    "named_day": re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]+\.?),?\s+(\d{4})$"),
    "named_month": re.compile(r"^([a-z]+\.?),?\s+(\d{4})$"),
}


def parse_written_date(typed: str) -> WrittenDate | None:
    """Read a date as typed; None for nothing typed. Raises ValidationError saying what is
    wrong in the users' words."""
    text = " ".join(typed.split())
    if not text:
        return None
    by = False
    words = text.casefold()
    if words.startswith("by "):
        by, words = True, words[3:].strip()
    patterns = _PATTERNS

    if match := patterns["quarter"].match(words):
        quarter = int(match[1])
        if not 1 <= quarter <= 4:
            raise ValidationError(
                f"There is no quarter {quarter}: a financial year has quarters Q1 to Q4",
                code="quarter",
            )
        start = _financial_year_start(match[2], match[3], f"{match[2]}/{match[3]}")
        end_month = (quarter * 3 + 3 - 1) % 12 + 1
        year = start if end_month >= 4 else start + 1
        return WrittenDate(_month_end(year, end_month), Precision.QUARTER, by)
    if match := patterns["quarter_no_year"].match(words):
        raise ValidationError(
            f"Say which financial year the quarter is in, for example Q{match[1]} 2009/10",
            code="quarter_year",
        )
    if match := patterns["financial_year"].match(words):
        start = _financial_year_start(match[1], match[2], f"{match[1]}/{match[2]}")
        return WrittenDate(datetime.date(start + 1, 3, 31), Precision.FINANCIAL_YEAR, by)
    if match := patterns["iso_day"].match(words):
        year = _year(match[1], text)
        month = _month_number(match[2], f"{match[2]}/{match[1]}")
        return WrittenDate(_day(year, month, int(match[3]), text), Precision.DAY, by)
    if match := patterns["numeric_day"].match(words):
        year = _year(match[3], text)
        month = _month_number(match[2], f"{match[2]}/{match[3]}")
        return WrittenDate(_day(year, month, int(match[1]), text), Precision.DAY, by)
    if match := patterns["numeric_month"].match(words):
        year = _year(match[2], text)
        month = _month_number(match[1], f"{match[1]}/{match[2]}")
        return WrittenDate(_month_end(year, month), Precision.MONTH, by)
    if match := patterns["named_day"].match(words):
        year = _year(match[3], text)
        month = _month_named(_original_word(text, match[2]))
        return WrittenDate(_day(year, month, int(match[1]), text), Precision.DAY, by)
    if match := patterns["named_month"].match(words):
        year = _year(match[2], text)
        month = _month_named(_original_word(text, match[1]))
        return WrittenDate(_month_end(year, month), Precision.MONTH, by)
    raise ValidationError(UNREADABLE, code="invalid")


def _original_word(text: str, folded: str) -> str:
    """The word as the person typed it (their capitals), for the message."""
    for word in re.split(r"[\s,]+", text):
        if word.casefold() == folded:
            return word
    return folded


class WrittenDateField(forms.CharField):
    """A text box for a date as the plan writes it; cleans to a WrittenDate (or None).

    What was typed stays in the box when the form is shown again with a message beside it.
    """

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("help_text", FORMS_HELP)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, WrittenDate):
            return value.label
        if isinstance(value, datetime.date):
            return written_date_label(value)
        return value

    def to_python(self, value) -> WrittenDate | None:  # type: ignore[override]
        if isinstance(value, WrittenDate):
            return value
        text = super().to_python(value)
        return parse_written_date(text)

    def validate(self, value) -> None:
        if value is None and self.required:
            raise ValidationError(self.error_messages["required"], code="required")

    def run_validators(self, value) -> None:
        # The length and control-character checks apply to the words typed.
        if isinstance(value, WrittenDate):
            return
        super().run_validators(value)

    def clean(self, value):
        # Check the words typed (length, control characters) before reading them.
        text = super().to_python(value)
        super().run_validators(text)
        written = self.to_python(text)
        self.validate(written)
        return written


def years_between(first: datetime.date, second: datetime.date) -> float:
    return abs((second - first).days) / 365.25


def as_written(value: WrittenDate | datetime.date | None) -> WrittenDate | None:
    """A WrittenDate from a written date or a plain day (a day is written as a day)."""
    if value is None or isinstance(value, WrittenDate):
        return value
    return WrittenDate(value)


def review_date_fields(value: WrittenDate | datetime.date | None) -> dict:
    """An action's three review-date columns for a written date (or none)."""
    written = as_written(value)
    if written is None:
        return {
            "review_date": None,
            "review_date_precision": Precision.DAY,
            "review_date_by": False,
        }
    return {
        "review_date": written.date,
        "review_date_precision": written.precision,
        "review_date_by": written.by,
    }
