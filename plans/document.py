"""Everything a plan's document shows, gathered with a fixed set of queries.

The web page, the PDF and the large-print PDF all render from one PlanDocument, so the three
can never disagree, and the number of queries does not grow with the number of actions.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.db.models import Prefetch, Value, prefetch_related_objects
from django.db.models.functions import Coalesce, NullIf
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from indicators.models import Indicator, LocalTarget, LocalTargetMeasure
from indicators.targets import MeasureEntry, measure_entry
from plans.document_actions import (
    ActionColumnEntry,
    ActionEntry,
    IndicatorLink,
    action_table_columns,
    rows_with_unserved_aims,
)
from plans.document_assessment import ScanningMatrixEntry, scanning_matrix_entry
from plans.document_blocks import ContentsEntry, DocumentBlock, contents, document_blocks
from plans.document_format import financial_year_label, money
from plans.glossary import document_text, glossary_in_use
from plans.governance import GovernanceChart, governance_chart
from plans.models import GlossaryTerm, Group, OutlineBlock, Plan, Section, Subsection
from plans.outline import outline_items
from plans.rich_text import sanitise
from priorities.models import Action, ActionLeadPartner, Aim, Priority

PUBLIC_STATUSES = {Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED}


@dataclass
class SubsectionEntry:
    subsection: Subsection
    anchor: str
    body: str


@dataclass
class SectionEntry:
    section: Section
    anchor: str
    body: str
    subsections: list[SubsectionEntry] = field(default_factory=list)
    # Filled in only for members' web page while a plan is reviewed (plans.review).
    review_threads: list = field(default_factory=list)


# From this many columns, a priority's large-print action table is printed with the priority
# on landscape pages (plan-pdf.css).
WIDE_TABLE_COLUMNS = 5


@dataclass
class PriorityEntry:
    priority: Priority
    anchor: str
    aims: list[Aim]
    actions: list[ActionEntry]
    columns: list[ActionColumnEntry] = field(default_factory=list)
    # The table's rows: the actions, and where the table prints each action's aim, a row for
    # each aim no action serves, in its place (plans.document_actions.rows_with_unserved_aims).
    rows: list = field(default_factory=list)
    review_threads: list = field(default_factory=list)

    @property
    def column_count(self) -> int:
        return len(self.columns)

    @property
    def is_wide(self) -> bool:
        """Five or more columns: too narrow for large print across a portrait page."""
        return self.column_count >= WIDE_TABLE_COLUMNS

    @property
    def shows_review_dates(self) -> bool:
        return any(column.key == Plan.ActionColumn.REVIEW_DATE for column in self.columns)

    @property
    def shows_aims_in_table(self) -> bool:
        return any(column.key == Plan.ActionColumn.AIM for column in self.columns)

    @property
    def aims_listed_apart(self) -> list[Aim]:
        """The aims printed in their own table: none where the action table prints them, aims
        without actions included."""
        return [] if self.shows_aims_in_table else self.aims


@dataclass
class AppendixIndicator:
    indicator: Indicator
    anchor: str
    actions: list[ActionEntry] = field(default_factory=list)

    @property
    def action_links(self) -> SafeString:
        """Linked actions by number, grouped under a link to their priority.

        One link per priority rather than per action: in a 500-action plan the appendix
        otherwise holds thousands of links, and laying those out was a third of the PDF's time.
        """
        groups: dict[str, list[ActionEntry]] = {}
        for action in self.actions:
            groups.setdefault(action.priority_anchor, []).append(action)
        return mark_safe(  # noqa: S308 -- every part is escaped here
            "; ".join(
                f'<a class="govuk-link" href="#{escape(anchor)}">'
                f"{escape(actions[0].priority_title)}</a>: "
                + ", ".join(action.number for action in actions)
                for anchor, actions in groups.items()
            )
        )


@dataclass
class BudgetYear:
    label: str
    lines: list
    total: str


@dataclass
class Cover:
    """What the cover shows beyond the plan's own fields: the partnership's logo, and when a
    historical plan was first published. The colour is the cover stylesheet's (plans.cover)."""

    logo_url: str = ""
    logo_alt: str = ""
    first_published: str = ""
    # The logo's hash: its address, which a published page keeps, names this one image.
    logo_sha256: str = ""
    # "Version 2, published 3 March 2027" on the cover and in every page's footer of a
    # published copy (plans.publishing sets it while publishing); empty on a draft.
    version: str = ""

    # The PDF's renderer fetches the logo under this name (plans.pdf hands it the bytes).
    print_logo_src = "embedded:logo"


@dataclass
class PlanDocument:
    plan: Plan
    is_draft: bool
    sections_before: list[SectionEntry]
    priorities: list[PriorityEntry]
    measures: list[MeasureEntry]
    sections_after: list[SectionEntry]
    governance: GovernanceChart | None
    related_strategies: list
    budget_years: list[BudgetYear]
    budget_total: str | None
    sections_appendix: list[SectionEntry]
    appendix_indicators: list[AppendixIndicator]
    glossary: list[GlossaryTerm]
    contents: list[ContentsEntry]
    cover: Cover = field(default_factory=Cover)
    scanning_matrix: ScanningMatrixEntry | None = None
    # The parts in print order (plans.document_blocks): the page and PDF print these.
    blocks: list[DocumentBlock] = field(default_factory=list)

    @property
    def action_count(self) -> int:
        return sum(len(entry.actions) for entry in self.priorities)


def plan_document(plan: Plan) -> PlanDocument:
    """Build the document of a plan fetched with select_related("partnership")."""
    prefetch_related_objects(
        [plan],
        "sections__subsections",
        "outline_blocks",
        "related_strategies",
        "budget_lines",
        Prefetch(
            "priorities",
            # Each prefetch sorts by its own columns: Meta.ordering sorts through the plan and
            # partnership, joins that one plan's rows do not need.
            queryset=Priority.objects.select_related("task_group")
            .order_by("plan_id", "order")
            .prefetch_related(
                Prefetch("aims", queryset=Aim.objects.order_by("priority_id", "order")),
                Prefetch(
                    "actions",
                    queryset=Action.objects.current().order_by("priority_id", "order"),
                    # Lists rather than managers: .all() on a manager clones a queryset,
                    # which for 500 actions was a tenth of the page's time.
                    to_attr="current_actions",
                ),
            ),
        ),
        Prefetch(
            "target_measures",
            queryset=LocalTargetMeasure.objects.select_related("indicator").prefetch_related(
                "columns",
                Prefetch(
                    "rows",
                    queryset=LocalTarget.objects.select_related("area").prefetch_related("values"),
                ),
            ),
        ),
    )
    indicators_by_action = _indicators_by_action(plan)
    lead_partners_by_action = _lead_partners_by_action(plan)
    partnership = plan.partnership
    groups = list(Group.objects.filter(partnership=partnership))
    glossary_terms = list(GlossaryTerm.objects.filter(partnership=partnership))

    sections = {placement: [] for placement in Section.Placement.values}
    section_entries: dict[int, SectionEntry] = {}
    for section in plan.sections.all():
        entry = SectionEntry(
            section=section,
            anchor=f"section-{section.pk}",
            body=sanitise(section.body),
            subsections=[
                SubsectionEntry(
                    subsection=subsection,
                    anchor=f"subsection-{subsection.pk}",
                    body=sanitise(subsection.body),
                )
                for subsection in section.subsections.all()
            ],
        )
        sections[section.placement].append(entry)
        section_entries[section.pk] = entry
    outline = outline_items(
        plan.outline_blocks.all(), list(plan.sections.all()), list(plan.priorities.all())
    )

    appendix: dict[int, AppendixIndicator] = {}
    # A code links to its entry in the indicator list only where the plan prints that list.
    lists_indicators = any(
        item.kind == OutlineBlock.Kind.INDICATORS and item.is_shown for item in outline
    )

    def link(indicator: Indicator) -> IndicatorLink:
        if indicator.pk not in appendix:
            appendix[indicator.pk] = AppendixIndicator(
                indicator=indicator, anchor=f"indicator-{indicator.pk}"
            )
        anchor = f"indicator-{indicator.pk}" if lists_indicators else ""
        return IndicatorLink(code=indicator.code, anchor=anchor)

    priorities = []
    priority_entries: dict[int, PriorityEntry] = {}
    for priority, priority_number in numbered_priorities(outline):
        anchor = f"priority-{priority.pk}"
        aims = list(priority.aims.all())
        aims_by_pk = {aim.pk: aim for aim in aims}
        actions = []
        for number_in_priority, action in enumerate(priority.current_actions, start=1):
            # The aim from the priority's prefetched aims, not a query per action.
            if action.aim_id in aims_by_pk:
                action.aim = aims_by_pk[action.aim_id]
            indicators = indicators_by_action.get(action.pk, [])
            entry = ActionEntry(
                action=action,
                anchor=f"{anchor}-action-{action.pk}",
                number=f"{priority_number}.{number_in_priority}",
                priority_title=priority.title,
                priority_anchor=anchor,
                lead_partners=" / ".join(lead_partners_by_action.get(action.pk, [])),
                indicators=[link(indicator) for indicator in indicators],
            )
            for indicator in indicators:
                appendix[indicator.pk].actions.append(entry)
            actions.append(entry)
        previous_aim: object = object()
        for index, entry in enumerate(actions):
            entry.first_in_priority = index == 0
            entry.first_of_aim = entry.action.aim_id != previous_aim
            previous_aim = entry.action.aim_id
        columns = action_table_columns(plan, actions)
        shows_aims = any(column.key == Plan.ActionColumn.AIM for column in columns)
        rows = rows_with_unserved_aims(actions, aims) if shows_aims else list(actions)
        for row in rows:
            row.columns = columns
        priority_entries[priority.pk] = PriorityEntry(
            priority=priority,
            anchor=anchor,
            aims=aims,
            actions=actions,
            columns=columns,
            rows=rows,
        )
        priorities.append(priority_entries[priority.pk])

    measures = []
    for measure in plan.target_measures.all():
        if measure.indicator_id:
            link(measure.indicator)
        measures.append(measure_entry(measure))

    budget_years: dict[int, list] = {}
    for line in plan.budget_lines.all():
        budget_years.setdefault(line.year, []).append(line)
    budget = [
        BudgetYear(
            label=financial_year_label(year),
            lines=lines,
            total=money(sum((line.amount for line in lines), Decimal("0"))),
        )
        for year, lines in budget_years.items()
    ]
    budget_total = (
        money(sum((line.amount for line in plan.budget_lines.all()), Decimal("0")))
        if len(budget) > 1
        else None
    )

    related_strategies = list(plan.related_strategies.all())
    appendix_indicators = sorted(
        appendix.values(), key=lambda item: _indicator_order(item.indicator)
    )
    chart = governance_chart(groups) if groups else None
    document = PlanDocument(
        plan=plan,
        is_draft=plan.status not in PUBLIC_STATUSES,
        sections_before=sections[Section.Placement.BEFORE_PRIORITIES],
        priorities=priorities,
        measures=measures,
        sections_after=sections[Section.Placement.AFTER_PRIORITIES],
        governance=chart,
        related_strategies=related_strategies,
        budget_years=budget,
        budget_total=budget_total,
        sections_appendix=sections[Section.Placement.APPENDIX],
        appendix_indicators=appendix_indicators,
        glossary=[],
        contents=[],
        cover=plan_cover(plan),
        scanning_matrix=scanning_matrix_entry(plan, priorities),
    )
    every_term = any(
        item.kind == OutlineBlock.Kind.GLOSSARY and item.shows_every_term for item in outline
    )
    document.glossary = (
        glossary_terms if every_term else glossary_in_use(glossary_terms, document_text(document))
    )
    document.blocks = document_blocks(outline, document, section_entries, priority_entries)
    document.contents = contents(document)
    return document


def numbered_priorities(outline: list) -> list[tuple[Priority, str]]:
    """The priorities in print order with the number their actions carry: 1, 2, 3... for
    priorities, and T1, T2... for cross-cutting themes, which are not priorities."""
    numbered = []
    counts = {False: 0, True: 0}
    for item in outline:
        priority = item.priority
        if priority is None:
            continue
        counts[priority.is_cross_cutting] += 1
        prefix = "T" if priority.is_cross_cutting else ""
        numbered.append((priority, f"{prefix}{counts[priority.is_cross_cutting]}"))
    return numbered


def version_line(plan: Plan, *, version: int, published_on: datetime.date) -> str:
    """What a published copy prints as its version: a historical plan's first version gives
    the date it was first published, any other version the day it was published here."""
    if version == 1 and plan.first_published_on:
        return f"Version 1, first published {plan.first_published_on:%B %Y}"
    return f"Version {version}, published {published_on.day} {published_on:%B %Y}"


def plan_cover(plan: Plan) -> Cover:
    partnership = plan.partnership
    sha256 = partnership.logo_sha256
    logo_url = reverse("plans:partnership_logo", args=[partnership.slug, sha256]) if sha256 else ""
    first_published = plan.first_published_on
    return Cover(
        logo_url=logo_url,
        logo_sha256=sha256,
        logo_alt=partnership.name,
        first_published=f"First published {first_published:%B %Y}" if first_published else "",
    )


def _indicators_by_action(plan: Plan) -> dict[int, list[Indicator]]:
    """Each action's indicators in code order, sharing one instance per indicator: a plan
    cites a few dozen indicators but links them thousands of times."""
    links = list(
        Action.indicators.through.objects.filter(action__priority__plan=plan).values_list(
            "action_id", "indicator_id"
        )
    )
    indicators = Indicator.objects.select_related("indicator_set").in_bulk(
        {indicator_id for _action_id, indicator_id in links}
    )
    by_action: dict[int, list[Indicator]] = {}
    for action_id, indicator_id in links:
        by_action.setdefault(action_id, []).append(indicators[indicator_id])
    for action_indicators in by_action.values():
        action_indicators.sort(key=_indicator_order)
    return by_action


def _lead_partners_by_action(plan: Plan) -> dict[int, list[str]]:
    """Each action's lead partners as printed, in order, named in SQL as
    ActionLeadPartner.name names them: a 500-action plan has 1,500 leads, and building them
    as model instances was a quarter of the page's time."""
    printed_names = (
        ActionLeadPartner.objects.filter(action__priority__plan=plan)
        .order_by("action_id", "order")
        .values_list(
            "action_id",
            Coalesce(
                NullIf("printed_as", Value("")),
                NullIf("organisation__short_name", Value("")),
                "organisation__name",
                NullIf("group__short_name", Value("")),
                "group__name",
                Value(plan.partnership.short_name),
            ),
        )
    )
    by_action: dict[int, list[str]] = {}
    for action_id, name in printed_names:
        by_action.setdefault(action_id, []).append(name)
    return by_action


def _indicator_order(indicator: Indicator) -> tuple:
    return (indicator.indicator_set.name, len(indicator.code), indicator.code)
