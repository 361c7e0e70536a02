"""Indicator codes as people type and print them: "NI17, 21" read into indicators, and
indicators written back as codes. Shared by the action form, the spreadsheet import and the
indicator suggestions."""

from __future__ import annotations

import re
from collections.abc import Callable

from django.core.exceptions import ValidationError

from indicators.models import Indicator, normalise_code

_CODE_PARTS = re.compile(r"^([A-Z]+)(\d+[A-Z]?)$")


def printed_code(typed: str) -> str:
    """ "ni999" is shown back as "NI 999", the way plans print codes."""
    key = normalise_code(typed)
    match = _CODE_PARTS.match(key)
    return f"{match[1]} {match[2]}" if match else typed.strip()


def _indicator_matches(typed: str) -> list[Indicator]:
    matches = list(Indicator.objects.lookup(typed).select_related("indicator_set"))
    key = normalise_code(typed)
    if not matches and key.isdigit():
        matches = list(
            Indicator.objects.filter(code_key__regex=rf"^[A-Z]*{key}$").select_related(
                "indicator_set"
            )
        )
    return matches


def resolve_indicators(
    text: str, matches_for: Callable[[str], list[Indicator]] = _indicator_matches
) -> list[Indicator]:
    """Turn "NI17, 21" into indicators; a bare number means the one code ending in it.
    `matches_for` finds the indicators one typed code may mean: by default a query each, or
    from a list read once (an imported spreadsheet's many rows)."""
    indicators: list[Indicator] = []
    errors: list[str] = []
    for typed in (part.strip() for part in re.split(r"[,;]", text)):
        if not typed:
            continue
        matches = matches_for(typed)
        if not matches:
            errors.append(f"We could not find an indicator with the code {printed_code(typed)}")
        elif len(matches) > 1:
            codes = ", ".join(f"{m.code} ({m.indicator_set.name})" for m in matches)
            errors.append(f"“{typed}” could be {codes}. Type the code in full")
        elif matches[0] not in indicators:
            indicators.append(matches[0])
    if errors:
        raise ValidationError(errors)
    return indicators


def indicators_text(indicators: list[Indicator]) -> str:
    return ", ".join(indicator.code for indicator in indicators)


def suggest_indicators(term: str, limit: int = 8) -> list[Indicator]:
    return list(Indicator.objects.search(term).select_related("indicator_set")[:limit])
