"""The forms a partnership administrator fills in for a draft plan's lists: its related
strategies, the partnership's glossary, and the plan's budget lines.

The "many at once" forms take one entry a line, and every bad line is reported beside the
field with its line number; the services then save all the lines or none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Size
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from cspplan.forms import RefuseControlCharacters
from plans.limits import SHORT_TEXT_MAX, too_long
from plans.models import BudgetLine, GlossaryTerm, RelatedStrategy
from plans.models.plan import BUDGET_EARLIEST_YEAR, BUDGET_LATEST_YEAR

# A paste of many lines: room for a long glossary, bounded like every text.
MANY_LINES_MAX_CHARACTERS = 50_000
MANY_LINES_MAX_ENTRIES = 300
STRATEGY_TITLE_MAX = 300
STRATEGY_OWNER_MAX = 200
URL_MAX = 200
TERM_MAX = 100
MEANING_MAX = SHORT_TEXT_MAX


def _helper() -> FormHelper:
    helper = FormHelper()
    helper.form_tag = False
    helper.disable_csrf = True  # the page's form carries the token
    helper.label_size = Size.for_label(Size.SMALL)
    helper.legend_size = Size.for_legend(Size.SMALL)
    return helper


def _lines(text: str) -> list[tuple[int, str]]:
    """The non-blank lines of a paste, each with its line number (counting blank ones)."""
    return [
        (number, line.strip())
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]


def _many_lines_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 12, "spellcheck": "false"}),
        max_length=MANY_LINES_MAX_CHARACTERS,
        error_messages={
            "required": "Enter at least one line",
            "max_length": too_long("The lines", MANY_LINES_MAX_CHARACTERS),
        },
    )


def _check_entry_count(count: int) -> None:
    if count > MANY_LINES_MAX_ENTRIES:
        raise ValidationError(
            f"Add at most {MANY_LINES_MAX_ENTRIES} lines at once (this has {count})"
        )


# Related strategies ---------------------------------------------------------------------------

_http_url = URLValidator(schemes=["http", "https"])


def _is_url(text: str) -> bool:
    return text.lower().startswith(("http://", "https://", "www."))


@dataclass(frozen=True)
class StrategyEntry:
    title: str
    owner: str
    url: str


def parse_strategy_line(line: str) -> tuple[StrategyEntry | None, str | None]:
    """One line "Title", "Title | Owner", "Title | Owner | https://address" or
    "Title | https://address": the entry, or what is wrong with it."""
    parts = [part.strip() for part in line.split("|")]
    while len(parts) > 1 and not parts[-1]:
        parts.pop()  # "Title | Owner |": nothing after the last bar
    if len(parts) > 3:
        return None, "use at most three parts: Title | Owner | https://address"
    title, owner, url = parts[0], "", ""
    rest = parts[1:]
    if rest and _is_url(rest[-1]):
        url = rest.pop()
    elif len(rest) == 2:
        return None, f"the third part “{rest[1]}” is not a web address starting https://"
    if rest:
        owner = rest[0]
    if not title:
        return None, "give the strategy's title before the first |"
    if len(title) > STRATEGY_TITLE_MAX:
        return None, too_long("the title", STRATEGY_TITLE_MAX)
    if len(owner) > STRATEGY_OWNER_MAX:
        return None, too_long("the owner", STRATEGY_OWNER_MAX)
    if url.lower().startswith("www."):
        url = f"https://{url}"
    if url:
        try:
            _http_url(url)
        except ValidationError:
            return None, f"“{url}” is not a web address, for example https://www.example.gov.uk"
        if len(url) > URL_MAX:
            return None, too_long("the web address", URL_MAX)
    return StrategyEntry(title=title, owner=owner, url=url), None


class RelatedStrategyForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = RelatedStrategy
        fields = ["title", "owner", "url"]
        labels = {
            "title": "Plan or strategy",
            "owner": "Owner (optional)",
            "url": "Web address (optional)",
        }
        help_texts = {
            "owner": "Who publishes it, for example Cumbria County Council.",
            "url": "Where readers can find it, starting https://",
        }
        error_messages = {
            "title": {
                "required": "Enter the plan or strategy's title",
                "max_length": too_long("The title", STRATEGY_TITLE_MAX),
            },
            "owner": {"max_length": too_long("The owner", STRATEGY_OWNER_MAX)},
            "url": {
                "invalid": "Enter a web address, for example https://www.example.gov.uk",
                "max_length": too_long("The web address", URL_MAX),
            },
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["url"].assume_scheme = "https"
        self.helper = _helper()


class RelatedStrategiesForm(RefuseControlCharacters, forms.Form):
    lines = _many_lines_field(
        "Plans and strategies, one a line",
        "Write each as Title | Owner | https://address. The owner and the address may be "
        "left out: “Community Safety Strategy”, “Community Safety Strategy | Eden District "
        "Council” and “Community Safety Strategy | https://www.example.gov.uk” all work.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper()

    def clean_lines(self) -> list[StrategyEntry]:
        entries, problems = [], []
        for number, line in _lines(self.cleaned_data["lines"]):
            entry, problem = parse_strategy_line(line)
            if problem:
                problems.append(f"Line {number}: {problem}")
            else:
                entries.append(entry)
        if problems:
            raise ValidationError(problems)
        if not entries:
            raise ValidationError("Enter at least one line")
        _check_entry_count(len(entries))
        return entries


# Glossary -------------------------------------------------------------------------------------

# The first separator on the line: a colon, an en or em dash, a hyphen with spaces round it, or
# a tab (a row pasted from a table).
_TERM_SEPARATOR = re.compile(r"\s*(?::|–|—|\t|\s-\s)\s*")


@dataclass(frozen=True)
class TermEntry:
    term: str
    meaning: str


def parse_term_line(line: str) -> tuple[TermEntry | None, str | None]:
    """One line "TERM – meaning" or "TERM: meaning": the entry, or what is wrong with it."""
    match = _TERM_SEPARATOR.search(line)
    if match is None:
        return (
            None,
            "write the term, then – or : and its meaning, for example "
            "“ASB – anti-social behaviour”",
        )
    term, meaning = line[: match.start()].strip(), line[match.end() :].strip()
    if not term:
        return None, "give the term before the – or :"
    if not meaning:
        return None, f"give the meaning of “{term}” after the – or :"
    if len(term) > TERM_MAX:
        return None, too_long("the term", TERM_MAX)
    if len(meaning) > MEANING_MAX:
        return None, too_long("the meaning", MEANING_MAX)
    return TermEntry(term=term, meaning=meaning), None


def term_key(term: str) -> str:
    """Terms compared as readers would: "ASB" and "asb" are the same term."""
    return term.casefold()


def already_explained(term: str) -> str:
    return f"The glossary already explains “{term}”"


class GlossaryTermForm(RefuseControlCharacters, forms.ModelForm):
    class Meta:
        model = GlossaryTerm
        fields = ["term", "meaning"]
        labels = {"term": "Term or acronym", "meaning": "What it means"}
        help_texts = {
            "term": "As it is written in the plan, for example ASB.",
        }
        widgets = {"meaning": forms.Textarea(attrs={"rows": 3})}
        error_messages = {
            "term": {
                "required": "Enter the term or acronym",
                "max_length": too_long("The term", TERM_MAX),
            },
            "meaning": {
                "required": "Enter what the term means",
                "max_length": too_long("The meaning", MEANING_MAX),
            },
        }

    def __init__(self, *args, other_terms: list[str], **kwargs) -> None:
        """other_terms: the partnership's terms apart from the one being edited."""
        super().__init__(*args, **kwargs)
        self.other_terms = {term_key(term) for term in other_terms}
        self.helper = _helper()

    def clean_term(self) -> str:
        term = self.cleaned_data["term"].strip()
        if term_key(term) in self.other_terms:
            raise ValidationError(already_explained(term))
        return term


class GlossaryTermsForm(RefuseControlCharacters, forms.Form):
    lines = _many_lines_field(
        "Terms, one a line",
        "Write each as TERM – meaning or TERM: meaning, for example “ASB – Anti-social "
        "behaviour” or “PCSO: Police Community Support Officer”. Rows copied from a table "
        "of two columns work too.",
    )

    def __init__(self, *args, existing_terms: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.existing_terms = {term_key(term) for term in existing_terms}
        self.helper = _helper()

    def clean_lines(self) -> list[TermEntry]:
        entries, problems = [], []
        first_seen: dict[str, int] = {}
        for number, line in _lines(self.cleaned_data["lines"]):
            entry, problem = parse_term_line(line)
            if entry and term_key(entry.term) in self.existing_terms:
                problem = already_explained(entry.term).replace("The", "the", 1)
            elif entry and term_key(entry.term) in first_seen:
                problem = f"“{entry.term}” is already on line {first_seen[term_key(entry.term)]}"
            if problem:
                problems.append(f"Line {number}: {problem}")
                continue
            first_seen[term_key(entry.term)] = number
            entries.append(entry)
        if problems:
            raise ValidationError(problems)
        if not entries:
            raise ValidationError("Enter at least one line")
        _check_entry_count(len(entries))
        return entries


# Budget ---------------------------------------------------------------------------------------

_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")
# max_digits 12 with 2 decimal places.
AMOUNT_LIMIT = Decimal("10000000000")


def parse_amount(text: str) -> Decimal:
    """ "£12,500", "12500", "12500.00", "£ 1,250.5" as pounds; anything else is refused."""
    typed = text.strip().replace(" ", "").replace("\u2212", "-")
    negative = typed.startswith(("-", "£-"))
    typed = typed.lstrip("-£")
    if typed.lower().endswith("p") or not _AMOUNT.match(typed):
        raise ValidationError(
            "Enter the amount in pounds, for example £12,500 or 12500.00", code="invalid"
        )
    try:
        amount = Decimal(typed.replace(",", ""))
    except InvalidOperation:
        raise ValidationError("Enter the amount in pounds", code="invalid") from None
    if negative and amount:
        raise ValidationError("The amount cannot be negative", code="negative")
    if amount >= AMOUNT_LIMIT:
        raise ValidationError("The amount must be less than £10,000,000,000", code="too_big")
    return amount


def parse_financial_year(text: str) -> int:
    """The year a financial year starts: "2010", "2010/11", "2010-11" or "2010/2011"."""
    match = re.fullmatch(r"(\d{4})(?:\s*[/-]\s*(\d{2}|\d{4}))?", text.strip())
    message = "Enter the year the financial year starts, for example 2010 for 2010/11"
    if match is None:
        raise ValidationError(message, code="invalid")
    start = int(match[1])
    if match[2]:
        end = int(match[2])
        if end != (start + 1) % (100 if len(match[2]) == 2 else 10_000):
            raise ValidationError(
                f"A financial year runs over two years in a row: {start}/{str(start + 1)[-2:]}",
                code="invalid",
            )
    if not BUDGET_EARLIEST_YEAR <= start <= BUDGET_LATEST_YEAR:
        raise ValidationError(
            f"Enter a year from {BUDGET_EARLIEST_YEAR} to {BUDGET_LATEST_YEAR}", code="range"
        )
    return start


class AmountField(forms.CharField):
    """Typed as text, checked as text (length, control characters), then read as pounds."""

    def clean(self, value):
        value = super().clean(value)
        return parse_amount(value) if value else None


class FinancialYearField(forms.CharField):
    def clean(self, value):
        value = super().clean(value)
        return parse_financial_year(value) if value else None


class BudgetLineForm(RefuseControlCharacters, forms.ModelForm):
    amount = AmountField(
        label="Amount",
        help_text="In pounds, for example £12,500 or 12500.00",
        max_length=30,
        error_messages={
            "required": "Enter the amount",
            "max_length": "Enter the amount in pounds, for example £12,500",
        },
    )
    year = FinancialYearField(
        label="Financial year",
        help_text="The year it starts: 2010 for 2010/11. Typing 2010/11 works too.",
        max_length=20,
        error_messages={
            "required": "Enter the financial year, for example 2010 for 2010/11",
            "max_length": "Enter the year the financial year starts, for example 2010",
        },
    )

    class Meta:
        model = BudgetLine
        fields = ["project", "funding_stream", "amount", "year"]
        labels = {"project": "Project or action", "funding_stream": "Funding stream (optional)"}
        help_texts = {
            "project": "The project or action funded.",
            "funding_stream": "Where the money comes from, for example Home Office grant.",
        }
        error_messages = {
            "project": {
                "required": "Enter the project or action funded",
                "max_length": too_long("The project", 300),
            },
            "funding_stream": {"max_length": too_long("The funding stream", 200)},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["amount"].widget.attrs.update(
            {"inputmode": "decimal", "class": "govuk-input--width-10"}
        )
        self.fields["year"].widget.attrs.update(
            {"inputmode": "numeric", "class": "govuk-input--width-5"}
        )
        self.helper = _helper()
