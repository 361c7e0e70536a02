"""A Word document brought into a draft plan: what the preview shows, and the one transaction
that saves it.

The document is read (plans.word.reading) and its lead partners and indicators matched
(plans.word.matching) the same way for the preview and for the confirm, so what is saved is
what the officer was shown, with the unmatched names mapped as they chose. Every limit is
checked before anything is written, and the confirm writes everything or nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from simple_history.models import HistoricalRecords
from simple_history.utils import bulk_create_with_history

from indicators.models import Indicator, normalise_code
from plans.limits import (
    ACTION_TEXT_MAX,
    BACKGROUND_MAX,
    COMMENT_MAX,
    LONG_TEXT_MAX,
    SECTION_BODY_MAX,
)
from plans.models import (
    Group,
    Organisation,
    Partnership,
    PendingImport,
    Plan,
    PlanImport,
    Section,
    Subsection,
)
from plans.permissions import ChangeRefused
from plans.refresh import _unique_slug, next_period_slug
from plans.word.matching import (
    IndicatorMatcher,
    LeadMatch,
    PartnerMatcher,
    indicator_label,
    mapped_lead,
    name_key,
)
from plans.word.reading import ReadDocument, paragraphs, read_word_document
from plans.written_dates import WrittenDate, parse_written_date, review_date_fields
from priorities.forms import LeadPartnerChoice
from priorities.models import Action, ActionLeadPartner, Aim, Priority
from priorities.services._locks import _lock_draft_plan

NameKind = Literal["lead_partner", "indicator"]

KEEP_AS_PRINTED = "Keep as printed"
LEAVE_UNLINKED = "Leave it unlinked (the code is not saved)"
PENDING_GONE_MESSAGE = (
    "This import has already been confirmed or replaced by a newer upload. Upload the "
    "document again to import it."
)
# The most problems one message lists; the rest are counted.
PROBLEMS_LISTED = 10
TITLE_MAX = 200
LABEL_MAX = 100
PRINTED_NAME_MAX = 200
FUNDING_MAX = 200


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
    is_cross_cutting: bool = False


@dataclass(frozen=True)
class WordImportPreview:
    file_name: str
    sections: tuple[PreviewSection, ...]
    priorities: tuple[PreviewPriority, ...]
    matched: tuple[MatchedName, ...]
    unmatched: tuple[UnmatchedName, ...]
    notices: tuple[str, ...]  # 'A table in "Introduction" is kept as a table.'

    @property
    def action_count(self) -> int:
        return sum(priority.actions for priority in self.priorities)


# Reading and matching, the same for the preview and the confirm


@dataclass
class _ActionNames:
    """One action's printed lead partners and indicators, matched where the app knows them."""

    leads: list[LeadMatch] = field(default_factory=list)
    indicators: list[tuple[str, Indicator | None]] = field(default_factory=list)
    review_date: WrittenDate | None = None


@dataclass
class _Prepared:
    document: ReadDocument
    names: dict[tuple[int, int], _ActionNames]  # (priority, action) -> names
    matched: list[MatchedName]
    unmatched: list[UnmatchedName]
    notices: list[str]


def _prepare(*, partnership: Partnership, content: bytes) -> _Prepared:
    document = read_word_document(content)
    partners = PartnerMatcher(partnership)
    indicators = IndicatorMatcher()
    notices = list(document.notices)
    names: dict[tuple[int, int], _ActionNames] = {}
    matched: dict[tuple[str, str], MatchedName] = {}
    unmatched: dict[tuple[str, str], tuple[str, list[str]]] = {}
    for p, priority in enumerate(document.priorities):
        for a, action in enumerate(priority.actions):
            place = priority.place_of(a)
            found = _ActionNames()
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
    return _Prepared(document, names, list(matched.values()), unmatched_names, notices)


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


def _problems(prepared: _Prepared) -> Iterator[str | None]:
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


def _check(prepared: _Prepared) -> None:
    problems = [problem for problem in _problems(prepared) if problem]
    if problems:
        listed = problems[:PROBLEMS_LISTED]
        if len(problems) > PROBLEMS_LISTED:
            listed.append(f"And {len(problems) - PROBLEMS_LISTED} more places like these.")
        raise ValidationError(listed, code="too_long")


# The preview


def word_import_preview(
    *, plan: Plan | None, partnership: Partnership, content: bytes, file_name: str
) -> WordImportPreview:
    """What importing the document would create; raises ValidationError with the user's
    message for a document that cannot be read, has nothing to import, or has text too long
    for where it would go (each place named)."""
    prepared = _prepare(partnership=partnership, content=content)
    _check(prepared)
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
    prepared: _Prepared, partnership: Partnership, choices: dict[str, str]
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
    prepared = _prepare(partnership=partnership, content=bytes(pending.content))
    _check(prepared)
    leads, indicators = _chosen(prepared, partnership, choices)
    if pending.plan_id is not None:
        plan = _lock_draft_plan(pending.plan_id)
        if plan.partnership_id != pending.partnership_id:
            raise ChangeRefused("This plan belongs to another partnership.")
    else:
        plan = None
    # Two confirms of one upload at once: the second finds it gone.
    if not PendingImport.objects.select_for_update().filter(pk=pending.pk).exists():
        raise ChangeRefused(PENDING_GONE_MESSAGE)
    if plan is None:
        plan = Plan(
            partnership=partnership,
            title=pending.new_plan_title,
            start_year=pending.new_plan_start_year,
            end_year=pending.new_plan_end_year,
            status=Plan.Status.DRAFT,
        )
        plan.slug = _unique_slug(plan, next_period_slug(plan.start_year, plan.end_year))
        # Its history entry is written below, once the import's reason exists.
        plan.skip_history_when_saving = True
        plan.save()
        del plan.skip_history_when_saving
        new_plan = True
    else:
        new_plan = False
    writer = _Writer(prepared, plan, partnership, leads, indicators)
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


class _Writer:
    """The rows of one import, created in bulk, each with its "created" history entry."""

    def __init__(
        self,
        prepared: _Prepared,
        plan: Plan,
        partnership: Partnership,
        leads: dict[str, LeadPartnerChoice],
        indicators: dict[str, Indicator],
    ) -> None:
        self.prepared = prepared
        self.plan = plan
        self.partnership = partnership
        self.mapped_leads = leads
        self.mapped_indicators = indicators

    def _leads(self, p: int, a: int) -> list[LeadPartnerChoice]:
        chosen = []
        for match in self.prepared.names[(p, a)].leads:
            if match.choice is not None:
                chosen.append(match.choice)
            elif (mapped := self.mapped_leads.get(name_key(match.printed))) is not None:
                chosen.append(mapped_lead(match.printed, mapped, self.partnership).choice)
            else:
                chosen.append(
                    LeadPartnerChoice(ActionLeadPartner.Kind.AS_WRITTEN, printed_as=match.printed)
                )
        return chosen

    def _indicators(self, p: int, a: int) -> tuple[list[Indicator], list[str]]:
        linked: list[Indicator] = []
        unlinked: list[str] = []
        for printed, indicator in self.prepared.names[(p, a)].indicators:
            indicator = indicator or self.mapped_indicators.get(normalise_code(printed))
            if indicator is None:
                unlinked.append(printed)
            elif indicator not in linked:
                linked.append(indicator)
        return linked, unlinked

    def summary(self, *, new_plan: bool) -> str:
        document = self.prepared.document
        subsections = sum(len(s.subsections) for s in document.sections)
        actions = leads = as_written = links = 0
        unlinked: list[str] = []
        for p, priority in enumerate(document.priorities):
            for a in range(len(priority.actions)):
                actions += 1
                chosen = self._leads(p, a)
                leads += len(chosen)
                as_written += sum(c.kind == ActionLeadPartner.Kind.AS_WRITTEN for c in chosen)
                linked, missing = self._indicators(p, a)
                links += len(linked)
                unlinked.extend(missing)
        parts = [
            ("Created this draft plan with " if new_plan else "Added ")
            + f"{_count(len(document.sections), 'section')} "
            f"({_count(subsections, 'subsection')}), "
            f"{_count(len(document.priorities), 'priority', 'priorities')} with "
            f"{_count(sum(len(p.aims) for p in document.priorities), 'aim')} and "
            f"{_count(actions, 'action')}, "
            f"{_count(leads, 'lead partner')} ({as_written} kept as printed) and "
            f"{_count(links, 'indicator link')}."
        ]
        if unlinked:
            codes = ", ".join(dict.fromkeys(unlinked))
            parts.append(f"Indicators not linked, as no indicator has their code: {codes}.")
        summary = " ".join(parts)
        return summary if len(summary) <= COMMENT_MAX else summary[: COMMENT_MAX - 1] + "…"

    def write(self, user: User, reason: str) -> None:
        document = self.prepared.document
        plan = self.plan
        section_start = _last_order(Section.objects.filter(plan=plan))
        sections = bulk_create_with_history(
            [
                Section(
                    plan=plan,
                    order=section_start + number,
                    kind=section_kind(section.title),
                    placement=section.placement,
                    title=section.title,
                    body=section.body,
                )
                for number, section in enumerate(document.sections, start=1)
            ],
            Section,
            default_user=user,
            default_change_reason=reason,
        )
        bulk_create_with_history(
            [
                Subsection(section=saved, order=number, title=sub.title, body=sub.body)
                for saved, section in zip(sections, document.sections, strict=True)
                for number, sub in enumerate(section.subsections, start=1)
            ],
            Subsection,
            default_user=user,
            default_change_reason=reason,
        )
        priority_start = _last_order(Priority.objects.filter(plan=plan))
        priorities = bulk_create_with_history(
            [
                Priority(
                    plan=plan,
                    order=priority_start + number,
                    label=priority.label,
                    title=priority.title,
                    background=paragraphs(priority.background),
                    aim=paragraphs(priority.aim),
                    is_cross_cutting=priority.is_cross_cutting,
                    measuring_performance=priority.measuring_performance,
                    measuring_difficulties=priority.measuring_difficulties,
                )
                for number, priority in enumerate(document.priorities, start=1)
            ],
            Priority,
            default_user=user,
            default_change_reason=reason,
        )
        aims = bulk_create_with_history(
            [
                Aim(
                    priority=saved,
                    order=number,
                    title=aim.title,
                    baseline_data=aim.baseline_data,
                    agencies="\n".join(aim.agencies),
                )
                for saved, priority in zip(priorities, document.priorities, strict=True)
                for number, aim in enumerate(priority.aims, start=1)
            ],
            Aim,
            default_user=user,
            default_change_reason=reason,
        )
        aim_of: dict[tuple[int, int], Aim] = {}
        saved_aims = iter(aims)
        for p, priority in enumerate(document.priorities):
            for index in range(len(priority.aims)):
                aim_of[(p, index)] = next(saved_aims)
        self._write_actions(priorities, aim_of, user, reason)

    def _write_actions(
        self, priorities: list[Priority], aim_of: dict[tuple[int, int], Aim], user, reason: str
    ) -> None:
        document = self.prepared.document
        actions: list[Action] = []
        keys: list[tuple[int, int]] = []
        for p, (saved, priority) in enumerate(zip(priorities, document.priorities, strict=True)):
            for a, action in enumerate(priority.actions):
                actions.append(
                    Action(
                        priority=saved,
                        aim=aim_of.get((p, action.aim)) if action.aim is not None else None,
                        order=a + 1,
                        text=action.text,
                        baseline_data=action.baseline_data,
                        funding_stream=action.funding_stream,
                        **review_date_fields(self.prepared.names[(p, a)].review_date),
                    )
                )
                keys.append((p, a))
        actions = Action.objects.bulk_create(actions)
        bulk_create_with_history(
            [
                ActionLeadPartner(
                    action=saved,
                    order=order,
                    kind=lead.kind,
                    organisation=lead.organisation,
                    group=lead.group,
                    printed_as=lead.printed_as,
                )
                for saved, key in zip(actions, keys, strict=True)
                for order, lead in enumerate(self._leads(*key), start=1)
            ],
            ActionLeadPartner,
            default_user=user,
            default_change_reason=reason,
        )
        through = Action.indicators.through
        links = through.objects.bulk_create(
            through(action_id=saved.pk, indicator_id=indicator.pk)
            for saved, key in zip(actions, keys, strict=True)
            for indicator in self._indicators(*key)[0]
        )
        # Each action's "created" history entry lists its indicators, as a save would.
        records = Action.history.bulk_history_create(
            actions, default_user=user, default_change_reason=reason
        )
        record_for = {record.id: record for record in records}
        indicator_history = HistoricalRecords.m2m_models[Action._meta.get_field("indicators")]
        indicator_history.objects.bulk_create(
            indicator_history(
                history=record_for[link.action_id],
                id=link.pk,
                action_id=link.action_id,
                indicator_id=link.indicator_id,
            )
            for link in links
        )


def _last_order(queryset) -> int:
    orders = list(queryset.values_list("order", flat=True))
    return max(orders, default=0)


def _count(number: int, singular: str, plural: str = "") -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


# Words in a section's heading that say which of the usual parts of a plan it is.
_SECTION_KINDS: tuple[tuple[str, str], ...] = (
    ("appendi", Section.Kind.APPENDIX),
    ("foreword", Section.Kind.FOREWORD),
    ("cross-cutting", Section.Kind.CROSS_CUTTING),
    ("cross cutting", Section.Kind.CROSS_CUTTING),
    ("introduction", Section.Kind.INTRODUCTION),
    ("purpose", Section.Kind.PURPOSE),
    ("current picture", Section.Kind.CURRENT_PICTURE),
    ("context", Section.Kind.CURRENT_PICTURE),
    ("developing", Section.Kind.DEVELOPING),
    ("engagement", Section.Kind.ENGAGEMENT),
    ("consultation", Section.Kind.ENGAGEMENT),
    ("links", Section.Kind.LINKS),
    ("priorities", Section.Kind.PRIORITIES),
    ("monitoring", Section.Kind.MONITORING),
    ("performance", Section.Kind.MONITORING),
    ("resourc", Section.Kind.RESOURCING),
    ("budget", Section.Kind.RESOURCING),
    ("implement", Section.Kind.IMPLEMENTATION),
    ("contact", Section.Kind.CONTACT),
)


def section_kind(title: str) -> str:
    words = title.casefold()
    for marker, kind in _SECTION_KINDS:
        if marker in words:
            return kind
    return Section.Kind.OTHER
