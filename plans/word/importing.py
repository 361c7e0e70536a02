"""A Word document brought into a draft plan: what the preview shows, and the one transaction
that saves it.

The document is read (plans.word.reading) and its lead partners and indicators matched
(plans.word.matching) the same way for the preview and for the confirm (plans.word.preparing),
so what is saved is what the officer was shown, with the unmatched names mapped as they chose.
Every limit is checked before anything is written, and the confirm writes everything or nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from indicators.models import Indicator, normalise_code
from plans.models import (
    Group,
    Organisation,
    Partnership,
    PendingImport,
    Plan,
    PlanImport,
)
from plans.permissions import ChangeRefused, plan_change_refusal
from plans.refresh import next_period_slug, unique_slug
from plans.word.matching import indicator_label, name_key
from plans.word.preparing import (
    MatchedName,
    Prepared,
    UnmatchedName,
    check_limits,
    prepare,
)
from plans.word.saving import ImportWriter
from priorities.forms import LeadPartnerChoice
from priorities.models import ActionLeadPartner
from priorities.services._locks import _lock_draft_plan

KEEP_AS_PRINTED = "Keep as printed"
LEAVE_UNLINKED = "Leave it unlinked (the code is not saved)"
__all__ = [
    "KEEP_AS_PRINTED",
    "LEAVE_UNLINKED",
    "MatchedName",
    "PreviewPriority",
    "PreviewSection",
    "UnmatchedName",
    "WordImportPreview",
    "mapping_choices",
    "word_import_confirm",
    "word_import_preview",
]

PENDING_GONE_MESSAGE = (
    "This import has already been confirmed or replaced by a newer upload. Upload the "
    "document again to import it."
)


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
    is_cross_cutting: bool = False


@dataclass(frozen=True)
class WordImportPreview:
    file_name: str
    sections: tuple[PreviewSection, ...]
    priorities: tuple[PreviewPriority, ...]
    matched: tuple[MatchedName, ...]
    unmatched: tuple[UnmatchedName, ...]
    notices: tuple[str, ...]  # 'A table in "Introduction" is kept as a table.'
    document_title: str = ""  # in Word's Title style: a new plan's title, as a suggestion

    @property
    def action_count(self) -> int:
        return sum(priority.actions for priority in self.priorities)


# The preview


def word_import_preview(
    *, plan: Plan | None, partnership: Partnership, content: bytes, file_name: str
) -> WordImportPreview:
    """What importing the document would create; raises ValidationError with the user's
    message for a document that cannot be read, has nothing to import, or has text too long
    for where it would go (each place named); ChangeRefused when the plan is not a draft."""
    if plan is not None and (refusal := plan_change_refusal(plan)):
        raise ChangeRefused(refusal)
    prepared = prepare(partnership=partnership, content=content)
    check_limits(prepared)
    document = prepared.document
    notices = list(prepared.notices)
    if plan is not None and (plan.sections.exists() or plan.priorities.exists()):
        notices.append(
            f"The sections and priorities are added after those “{plan.title}” already has."
        )
    return WordImportPreview(
        file_name=file_name,
        sections=tuple(
            PreviewSection(
                section.title,
                tuple(subsection.title for subsection in section.subsections),
                section.tables_kept + sum(s.tables_kept for s in section.subsections),
            )
            for section in document.sections
        ),
        priorities=tuple(
            PreviewPriority(
                priority.label,
                priority.title,
                len(priority.aims),
                len(priority.actions),
                priority.is_cross_cutting,
            )
            for priority in document.priorities
        ),
        matched=tuple(prepared.matched),
        unmatched=tuple(prepared.unmatched),
        notices=tuple(notices),
        document_title=document.title,
    )


def mapping_choices(*, partnership: Partnership, kind: str) -> list[tuple[str, str]]:
    """What an unmatched name may be mapped to: ("", "Keep as printed") first, then the
    partnership itself, ("organisation:<id>", name) and ("group:<id>", name) for lead
    partners; ("", "Leave it unlinked ...") then ("indicator:<id>", "NI 17 …") for
    indicators."""
    if kind == "indicator":
        return [("", LEAVE_UNLINKED)] + [
            (f"indicator:{indicator.pk}", indicator_label(indicator))
            for indicator in Indicator.objects.select_related("indicator_set")
        ]
    organisations = Organisation.objects.filter(participations__partnership=partnership)
    return [
        ("", KEEP_AS_PRINTED),
        ("partnership", f"{partnership.short_name} (the partnership itself)"),
        *(
            (f"organisation:{organisation.pk}", organisation.display_name)
            for organisation in organisations.order_by("name").distinct()
        ),
        *(
            (f"group:{group.pk}", group.display_name)
            for group in Group.objects.filter(partnership=partnership).order_by("order", "name")
        ),
    ]


def _chosen(
    prepared: Prepared, partnership: Partnership, choices: dict[str, str]
) -> tuple[dict[str, LeadPartnerChoice], dict[str, Indicator]]:
    """The officer's mappings by the name's normal form; ValidationError for a choice that is
    not on offer (an organisation of another partnership, a made-up value)."""
    offered = {
        "lead_partner": dict(mapping_choices(partnership=partnership, kind="lead_partner")),
        "indicator": {},
    }
    leads: dict[str, LeadPartnerChoice] = {}
    indicators: dict[str, Indicator] = {}
    errors = []
    wanted_indicators: dict[int, str] = {}
    for name in prepared.unmatched:
        value = (choices.get(name.key) or "").strip()
        if not value:
            continue
        if name.kind == "indicator":
            kind, _, pk = value.partition(":")
            if kind != "indicator" or not pk.isdigit():
                errors.append(f"Choose an indicator from the list for “{name.printed_as}”.")
            else:
                wanted_indicators[int(pk)] = normalise_code(name.printed_as)
            continue
        if value not in offered["lead_partner"]:
            errors.append(f"Choose one of the partnership's partners for “{name.printed_as}”.")
            continue
        leads[name_key(name.printed_as)] = _lead_choice(value)
    found = Indicator.objects.in_bulk(list(wanted_indicators))
    for pk, key in wanted_indicators.items():
        if pk in found:
            indicators[key] = found[pk]
        else:
            errors.append("Choose an indicator from the list: one of those chosen is gone.")
    if errors:
        raise ValidationError(errors, code="invalid_choice")
    return leads, indicators


def _lead_choice(value: str) -> LeadPartnerChoice:
    kind, _, pk = value.partition(":")
    if kind == "organisation":
        return LeadPartnerChoice(
            ActionLeadPartner.Kind.ORGANISATION, organisation=Organisation.objects.get(pk=pk)
        )
    if kind == "group":
        return LeadPartnerChoice(ActionLeadPartner.Kind.GROUP, group=Group.objects.get(pk=pk))
    return LeadPartnerChoice(ActionLeadPartner.Kind.PARTNERSHIP)


# The confirm


@transaction.atomic
def word_import_confirm(
    *, pending: PendingImport, user: User, choices: dict[str, str]
) -> PlanImport:
    """Save the document into its draft (a new one when pending.plan is None), all or nothing.

    `choices` maps each UnmatchedName.key to "" (keep a lead partner as printed; leave an
    indicator unlinked) or a value from mapping_choices. Raises ValidationError (the user's
    message) for a document or choice that cannot be saved, and ChangeRefused when the plan
    has left draft or the import was confirmed already.
    """
    partnership = pending.partnership
    prepared = prepare(partnership=partnership, content=bytes(pending.content))
    check_limits(prepared)
    leads, indicators = _chosen(prepared, partnership, choices)
    plan: Plan | None = None
    if pending.plan_id is not None:
        plan = _lock_draft_plan(pending.plan_id)
        if plan.partnership_id != pending.partnership_id:
            raise ChangeRefused("This plan belongs to another partnership.")
    else:
        # Two new plans at once would take the same address: one waits for the other.
        Partnership.objects.select_for_update().filter(pk=pending.partnership_id).first()
    # Two confirms of one upload at once: the second finds it gone.
    locked = PendingImport.objects.select_for_update().filter(pk=pending.pk)
    if locked.values_list("pk", flat=True).first() is None:
        raise ChangeRefused(PENDING_GONE_MESSAGE)
    if plan is None:
        plan = Plan(
            partnership=partnership,
            title=pending.new_plan_title,
            start_year=pending.new_plan_start_year,
            end_year=pending.new_plan_end_year,
            status=Plan.Status.DRAFT,
        )
        plan.slug = unique_slug(plan, next_period_slug(plan.start_year, plan.end_year))
        # Years out of range give the model's own messages, not a database error.
        plan.full_clean()
        # Its history entry is written below, once the import's reason exists.
        plan.skip_history_when_saving = True
        plan.save()
        del plan.skip_history_when_saving
        new_plan = True
    else:
        new_plan = False
    writer = ImportWriter(prepared, plan, partnership, leads, indicators)
    plan_import = PlanImport.objects.create(
        plan=plan,
        source=PlanImport.Source.WORD,
        file_name=pending.file_name,
        made_by=user,
        summary=writer.summary(new_plan=new_plan),
    )
    reason = plan_import.history_reason
    if new_plan:
        Plan.history.bulk_history_create([plan], default_user=user, default_change_reason=reason)
    writer.write(user, reason)
    pending.delete()
    return plan_import
