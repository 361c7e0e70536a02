"""A Word document read and its names matched, the same way for the preview and for the
confirm, and checked against every limit before anything is written."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from django.core.exceptions import ValidationError

from indicators.models import Indicator, normalise_code
from plans.limits import ACTION_TEXT_MAX, BACKGROUND_MAX, LONG_TEXT_MAX, SECTION_BODY_MAX
from plans.models import Partnership, Section
from plans.word.document import ReadDocument, paragraphs
from plans.word.matching import (
    IndicatorMatcher,
    LeadMatch,
    PartnerMatcher,
    indicator_label,
    name_key,
)
from plans.word.reading import read_word_document
from plans.written_dates import WrittenDate, parse_written_date
from priorities.models import Action, ActionLeadPartner, Priority

NameKind = Literal["lead_partner", "indicator"]

# The most problems one message lists; the rest are counted.
PROBLEMS_LISTED = 10
# The columns' own lengths, so a heading too long for one is named, not a database error.
TITLE_MAX = Section._meta.get_field("title").max_length
LABEL_MAX = Priority._meta.get_field("label").max_length
PRINTED_NAME_MAX = ActionLeadPartner._meta.get_field("printed_as").max_length
FUNDING_MAX = Action._meta.get_field("funding_stream").max_length


@dataclass(frozen=True)
class MatchedName:
    """A printed lead partner or indicator the app recognised."""

    kind: NameKind
    printed_as: str
    matched_to: str  # the organisation, group or indicator as the app names it


@dataclass(frozen=True)
class UnmatchedName:
    """A printed name the officer maps to one of the partnership's, or keeps as printed."""

    kind: NameKind
    printed_as: str
    places: tuple[str, ...]  # ("Priority 2, action 3", ...)
    key: str  # stable and safe as a form field's name: "lead-3", "indicator-1"


@dataclass
class ActionNames:
    """One action's printed lead partners and indicators, matched where the app knows them."""

    leads: list[LeadMatch] = field(default_factory=list)
    indicators: list[tuple[str, Indicator | None]] = field(default_factory=list)
    review_date: WrittenDate | None = None


@dataclass
class Prepared:
    document: ReadDocument
    names: dict[tuple[int, int], ActionNames]  # (priority, action) -> names
    matched: list[MatchedName]
    unmatched: list[UnmatchedName]
    notices: list[str]


def prepare(*, partnership: Partnership, content: bytes) -> Prepared:
    document = read_word_document(content)
    partners = PartnerMatcher(partnership)
    indicators = IndicatorMatcher()
    notices = list(document.notices)
    names: dict[tuple[int, int], ActionNames] = {}
    matched: dict[tuple[str, str], MatchedName] = {}
    unmatched: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for p, priority in enumerate(document.priorities):
        for a, action in enumerate(priority.actions):
            place = priority.place_of(a)
            found = ActionNames()
            seen: set[str] = set()
            for printed in action.lead_partners:
                for match in partners.match_all(printed):
                    key = name_key(match.printed)
                    if key in seen:
                        continue  # printed twice in one cell: one lead partner
                    seen.add(key)
                    found.leads.append(match)
                    _tally(
                        "lead_partner",
                        match.printed,
                        key,
                        match.matched_to,
                        place,
                        matched,
                        unmatched,
                    )
            for code in action.indicators:
                indicator = indicators.match(code)
                if indicator is not None and any(i == indicator for _, i in found.indicators):
                    continue
                found.indicators.append((code, indicator))
                label = indicator_label(indicator) if indicator else ""
                _tally("indicator", code, normalise_code(code), label, place, matched, unmatched)
            found.review_date = _review_date(action.review_date, place, notices)
            names[(p, a)] = found
    unmatched_names = []
    counters = {"lead_partner": 0, "indicator": 0}
    for (kind, _), (printed, places) in unmatched.items():
        counters[kind] += 1
        prefix = "lead" if kind == "lead_partner" else "indicator"
        unmatched_names.append(
            UnmatchedName(kind, printed, tuple(places), f"{prefix}-{counters[kind]}")  # type: ignore[arg-type]
        )
    return Prepared(document, names, list(matched.values()), unmatched_names, notices)


def _tally(
    kind: str,
    printed: str,
    key: str,
    matched_to: str,
    place: str,
    matched: dict[tuple[str, str], MatchedName],
    unmatched: dict[tuple[str, str], tuple[str, list[str]]],
) -> None:
    if matched_to:
        matched.setdefault((kind, printed), MatchedName(kind, printed, matched_to))  # type: ignore[arg-type]
    else:
        unmatched.setdefault((kind, key), (printed, []))[1].append(place)


def _review_date(written: str, place: str, notices: list[str]) -> WrittenDate | None:
    if not written:
        return None
    try:
        return parse_written_date(written)
    except ValidationError as error:
        notices.append(
            f"{place}: the review date “{written}” is not a date we can read "
            f"({' '.join(error.messages)}), so the action is saved without one."
        )
        return None


def _too_long(place: str, what: str, text: str, limit: int) -> str | None:
    if len(text) <= limit:
        return None
    return (
        f"{place}: {what} is {len(text):,} characters long; the most it may be is {limit:,}. "
        "Shorten it in the document and upload it again."
    )


def _problems(prepared: Prepared) -> Iterator[str | None]:
    """Everything that would not fit where it is to be saved, each naming its place."""
    for section in prepared.document.sections:
        where = f"Section “{section.title[:60]}”"
        yield _too_long(where, "its heading", section.title, TITLE_MAX)
        yield _too_long(where, "its text", section.body, SECTION_BODY_MAX)
        for subsection in section.subsections:
            sub_where = f"Subsection “{subsection.title[:60]}”"
            yield _too_long(sub_where, "its heading", subsection.title, TITLE_MAX)
            yield _too_long(sub_where, "its text", subsection.body, SECTION_BODY_MAX)
    for p, priority in enumerate(prepared.document.priorities):
        where = priority.name[:60]
        yield _too_long(where, "the priority's title", priority.title, TITLE_MAX)
        yield _too_long(where, "the priority's label", priority.label, LABEL_MAX)
        yield _too_long(where, "the background", paragraphs(priority.background), BACKGROUND_MAX)
        yield _too_long(where, "the aim", paragraphs(priority.aim), LONG_TEXT_MAX)
        yield _too_long(
            where, "“measuring our performance”", priority.measuring_performance, LONG_TEXT_MAX
        )
        yield _too_long(
            where, "the difficulties in measuring", priority.measuring_difficulties, LONG_TEXT_MAX
        )
        for number, aim in enumerate(priority.aims, start=1):
            aim_where = f"{where}, aim {number}"
            yield _too_long(aim_where, "the aim", aim.title, LONG_TEXT_MAX)
            yield _too_long(aim_where, "the baseline data", aim.baseline_data, LONG_TEXT_MAX)
            yield _too_long(aim_where, "the agencies", "\n".join(aim.agencies), LONG_TEXT_MAX)
        for a, action in enumerate(priority.actions):
            place = priority.place_of(a)
            yield _too_long(place, "the action", action.text, ACTION_TEXT_MAX)
            yield _too_long(place, "the baseline data", action.baseline_data, LONG_TEXT_MAX)
            yield _too_long(place, "the funding stream", action.funding_stream, FUNDING_MAX)
            for lead in prepared.names[(p, a)].leads:
                yield _too_long(place, "a lead partner's name", lead.printed, PRINTED_NAME_MAX)


def check_limits(prepared: Prepared) -> None:
    problems = [problem for problem in _problems(prepared) if problem]
    if problems:
        listed = problems[:PROBLEMS_LISTED]
        if len(problems) > PROBLEMS_LISTED:
            listed.append(f"And {len(problems) - PROBLEMS_LISTED} more places like these.")
        raise ValidationError(listed, code="too_long")
