"""Printed lead partners and indicator codes matched to the partnership's organisations and
groups and to the indicator sets.

Lead partners are matched against the names the app's own lead partner field accepts
(priorities.forms.partner_names: the partnership, its organisations and groups by name and
short name), ignoring case, spacing, apostrophes and punctuation ("Cumbria Fire & Rescue" is
"Cumbria Fire and Rescue"). Indicator codes are compared in the indicators' own normal form
(indicators.models.normalise_code), so "NI 17", "ni17" and "NI-17" are one code. Everything
is read in a few queries up front: a document names hundreds of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, replace

from indicators.models import Indicator, normalise_code
from plans.models import Partnership
from priorities.forms import LeadPartnerChoice, partner_names
from priorities.models import ActionLeadPartner

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "`": "'"})
_NOT_WORDS = re.compile(r"[^\w\s]+")
# Where a printed line that names no partner may name several: "Police, Council and NHS".
_LIST_SEPARATORS = re.compile(r"\s*[,;]\s*")
_AND_SEPARATORS = re.compile(r"\s+and\s+|\s*&\s*", re.IGNORECASE)


def name_key(name: str) -> str:
    """How names are compared: case, spacing, apostrophes and punctuation aside, "&" as "and"."""
    words = name.translate(_APOSTROPHES).casefold().replace("&", " and ").replace("'", "")
    return " ".join(_NOT_WORDS.sub(" ", words).split())


@dataclass(frozen=True)
class LeadMatch:
    printed: str
    choice: LeadPartnerChoice | None  # None: the partnership knows no one by this name
    matched_to: str = ""  # the partner as the app names it


class PartnerMatcher:
    """The partnership's names for its lead partners, read once."""

    def __init__(self, partnership: Partnership) -> None:
        self.partnership = partnership
        self.known: dict[str, tuple[LeadPartnerChoice, str]] = {}
        for name, choice in partner_names(partnership):
            self.known.setdefault(name_key(name), (choice, own_name(choice, partnership)))

    def match(self, printed: str) -> LeadMatch:
        found = self.known.get(name_key(printed))
        if found is None:
            return LeadMatch(printed, None)
        choice, own = found
        # The plan's own words are kept wherever they differ from the partner's name.
        return LeadMatch(printed, replace(choice, printed_as=_printed_as(printed, own)), own)

    def match_all(self, printed: str) -> list[LeadMatch]:
        """The name as printed; or, when it is no partner's name but splits at commas, "and"
        or "&" into names that all are, each of those."""
        whole = self.match(printed)
        if whole.choice is not None:
            return [whole]
        matches: list[LeadMatch] = []
        for part in (p.strip() for p in _LIST_SEPARATORS.split(printed) if p.strip()):
            # "Prevent and Deter" is one group's name; "Police and Council" two partners.
            found = self.match(part)
            if found.choice is None:
                pieces = [self.match(p.strip()) for p in _AND_SEPARATORS.split(part) if p.strip()]
                if len(pieces) < 2 or any(piece.choice is None for piece in pieces):
                    return [whole]
                matches.extend(pieces)
            else:
                matches.append(found)
        return matches if len(matches) > 1 else [whole]


def own_name(choice: LeadPartnerChoice, partnership: Partnership) -> str:
    """The name the app prints for a lead partner when nothing else is written."""
    if choice.kind == ActionLeadPartner.Kind.ORGANISATION and choice.organisation:
        return choice.organisation.display_name
    if choice.kind == ActionLeadPartner.Kind.GROUP and choice.group:
        return choice.group.display_name
    if choice.kind == ActionLeadPartner.Kind.PARTNERSHIP:
        return partnership.short_name
    return choice.printed_as


def _printed_as(printed: str, own: str) -> str:
    return "" if printed == own else printed


def mapped_lead(printed: str, choice: LeadPartnerChoice, partnership: Partnership) -> LeadMatch:
    """A lead the officer mapped: the chosen partner, printed as the plan prints it."""
    own = own_name(choice, partnership)
    return LeadMatch(printed, replace(choice, printed_as=_printed_as(printed, own)), own)


class IndicatorMatcher:
    """Every indicator, read once, by its code's normal form."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[Indicator]] = defaultdict(list)
        for indicator in Indicator.objects.select_related("indicator_set").order_by(
            "-indicator_set__is_national", "indicator_set__name"
        ):
            self.by_key[normalise_code(indicator.code)].append(indicator)

    def match(self, printed: str) -> Indicator | None:
        """The one indicator with this code; a bare number means the one code ending in it
        (as the action form reads "17"); None when there is none, or several to choose from."""
        key = normalise_code(printed)
        found = self.by_key.get(key, [])
        if not found and key.isdigit():
            ending = re.compile(rf"^[A-Z]*{key}$")
            found = [i for k, group in self.by_key.items() if ending.match(k) for i in group]
        return found[0] if len(found) == 1 else None


def indicator_label(indicator: Indicator) -> str:
    return f"{indicator.code} {indicator.title}"
