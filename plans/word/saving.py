"""The rows of one Word import written in bulk, each with its "created" history entry."""

from __future__ import annotations

from django.contrib.auth.models import User
from simple_history.utils import bulk_create_with_history

from indicators.models import Indicator, normalise_code
from plans.limits import COMMENT_MAX
from plans.models import Partnership, Plan, Section, Subsection
from plans.word.document import paragraphs
from plans.word.matching import mapped_lead, name_key
from plans.word.preparing import Prepared
from plans.written_dates import review_date_fields
from priorities.forms import LeadPartnerChoice
from priorities.history import record_actions_created
from priorities.models import Action, ActionLeadPartner, Aim, Priority


class ImportWriter:
    """The rows of one import, created in bulk, each with its "created" history entry."""

    def __init__(
        self,
        prepared: Prepared,
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
        record_actions_created(actions, links, user=user, reason=reason)


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
