"""A Word document brought into a draft plan: what the preview shows, and the one transaction
that saves it.

The document is read (plans.word.reading) and its lead partners and indicators matched
(plans.word.matching) the same way for the preview and for the confirm, so what is saved is
what the officer was shown, with the unmatched names mapped as they chose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.contrib.auth.models import User
from django.db import transaction

from plans.models import Partnership, PendingImport, Plan, PlanImport

NameKind = Literal["lead_partner", "indicator"]


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


@dataclass(frozen=True)
class PreviewSection:
    title: str
    subsection_titles: tuple[str, ...]
    tables_kept: int  # tables left as tables in the section's text


@dataclass(frozen=True)
class PreviewPriority:
    label: str  # as printed, "Priority 1"; may be ""
    title: str
    aims: int
    actions: int


@dataclass(frozen=True)
class WordImportPreview:
    file_name: str
    sections: tuple[PreviewSection, ...]
    priorities: tuple[PreviewPriority, ...]
    matched: tuple[MatchedName, ...]
    unmatched: tuple[UnmatchedName, ...]
    notices: tuple[str, ...]  # 'A table in "Introduction" is kept as a table'


def word_import_preview(
    *, plan: Plan | None, partnership: Partnership, content: bytes, file_name: str
) -> WordImportPreview:
    """What importing the document would create; raises ValidationError with the user's
    message for a document that cannot be read or has nothing to import."""
    raise NotImplementedError


def mapping_choices(*, partnership: Partnership, kind: str) -> list[tuple[str, str]]:
    """What an unmatched name may be mapped to: ("", "Keep as printed") first, then
    ("organisation:<id>", name) and ("group:<id>", name) for lead partners, or
    ("indicator:<id>", "NI 17 …") for indicators."""
    raise NotImplementedError


@transaction.atomic
def word_import_confirm(
    *, pending: PendingImport, user: User, choices: dict[str, str]
) -> PlanImport:
    """Save the document into its draft (a new one when pending.plan is None), all or nothing;
    `choices` maps each UnmatchedName.key to "" (keep as printed) or a mapping_choices value."""
    raise NotImplementedError
