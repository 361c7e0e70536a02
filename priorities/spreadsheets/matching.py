"""Lead partners and indicators named in a spreadsheet, matched as the action form matches
them, against lists read once for the whole file rather than once a row."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError

from indicators.models import Indicator, normalise_code
from plans.models import Partnership
from priorities.forms import (
    LeadPartnerChoice,
    name_key,
    partner_names,
    split_lead_partners,
)
from priorities.indicator_codes import resolve_indicators
from priorities.models import ActionLeadPartner

Kind = ActionLeadPartner.Kind


class PartnerMatcher:
    """The partnership's organisations, groups and itself, by every name they go by."""

    def __init__(self, partnership: Partnership) -> None:
        self.known: dict[str, LeadPartnerChoice] = {}
        for name, choice in partner_names(partnership):
            self.known.setdefault(name_key(name), choice)

    def resolve(
        self,
        text: str,
        existing: list[ActionLeadPartner],
        mapped: dict[str, LeadPartnerChoice],
    ) -> tuple[list[LeadPartnerChoice], list[str]]:
        """The leads "Cumbria Police / CDRP" names, and the names not known (kept as
        written unless `mapped` maps them). An action's own leads keep their printed wording,
        as in the action form."""
        known = dict(self.known)
        for lead in existing:
            if lead.printed_as:
                known.setdefault(
                    name_key(lead.printed_as),
                    LeadPartnerChoice(lead.kind, lead.organisation, lead.group, lead.printed_as),
                )
        chosen: list[LeadPartnerChoice] = []
        unknown: list[str] = []
        seen: set[str] = set()
        errors: list[str] = []
        for typed in split_lead_partners(text):
            key = name_key(typed)
            if key in seen:
                errors.append(f"“{typed}” is listed more than once")
                continue
            seen.add(key)
            choice = known.get(key)
            if choice is None:
                unknown.append(typed)
                choice = mapped.get(key) or LeadPartnerChoice(Kind.AS_WRITTEN, printed_as=typed)
            chosen.append(choice)
        if errors:
            raise ValidationError(errors)
        return chosen, unknown


class IndicatorMatcher:
    """Every indicator by its code, so "NI17, 21" is read as resolve_indicators reads it."""

    def __init__(self) -> None:
        self.by_key: dict[str, list[Indicator]] = {}
        for indicator in Indicator.objects.select_related("indicator_set"):
            self.by_key.setdefault(normalise_code(indicator.code), []).append(indicator)

    def _matches(self, typed: str) -> list[Indicator]:
        key = normalise_code(typed)
        matches = self.by_key.get(key, [])
        if not matches and key.isdigit():
            ending = re.compile(rf"^[A-Z]*{key}$")
            matches = [
                indicator
                for code, indicators in self.by_key.items()
                if ending.match(code)
                for indicator in indicators
            ]
        return matches

    def resolve(self, text: str) -> list[Indicator]:
        return resolve_indicators(text, self._matches)
