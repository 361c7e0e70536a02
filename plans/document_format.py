"""How the plan's document writes links, years, money, counts and percentages."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe


def links(targets: Iterable[tuple[str, str]], separator: str = ", ") -> SafeString:
    """In-page links built in Python: the largest plans have thousands, and a template loop
    (or format_html per link) would be most of the page's rendering time. A target without
    an anchor is printed as text: the part it would link to is not in the document."""
    return mark_safe(  # noqa: S308 -- every part is escaped here
        separator.join(
            f'<a class="govuk-link" href="#{escape(anchor)}">{escape(text)}</a>'
            if anchor
            else escape(text)
            for anchor, text in targets
        )
    )


def financial_year_label(year: int) -> str:
    return f"{year}/{str(year + 1)[-2:]}"


def money(amount: Decimal) -> str:
    return f"£{amount:,.2f}"


def number(value: Decimal) -> str:
    """Counts print without ".00"; rates keep their decimals."""
    if value == value.to_integral_value():
        return f"{value:,.0f}"
    return f"{value.normalize():,f}"


def percentage(change: Decimal | None) -> str:
    if change is None:
        return ""
    if change > 0:
        return f"+{change}%"
    if change < 0:
        return f"\u2212{-change}%"
    return "0.0%"
