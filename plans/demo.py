"""The demo data: the three reference plans, entered faithfully in YAML under fixtures/.

Shared rows (organisations, indicator sets and indicators, partnerships, districts, groups,
glossary terms) are matched on their natural keys and created only when missing, so that
corrections made in the admin survive a restart. A plan that already exists is left alone, so
officers' edits survive too, unless the caller asks to reset the demo plans from the files. A
plan whose file has changed since it was loaded is loaded again from the newer file, but only
while nobody has changed the plan: its content version is still the one it had when loaded.

Every file is read and parsed before anything is written, and the whole load runs in one
transaction: a broken file raises DemoDataError naming the file and the problem, and leaves
the database as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from indicators.models import Indicator, IndicatorSet, normalise_code
from plans.demo_files import (
    DataProblem,
    choice,
    date_or_none,
    listed,
    money,
    read_data_file,
    read_data_files,
    reading,
    required,
    text,
)
from plans.demo_outline import create_outline
from plans.demo_sources import PlanLoad, outcome_for_existing, record_sources
from plans.demo_users import DemoUser, group_named, load_demo_users
from plans.models import (
    BudgetLine,
    DemoPlanSource,
    District,
    GlossaryTerm,
    Group,
    Organisation,
    Partnership,
    PartnershipOrganisation,
    Plan,
    RelatedStrategy,
    Section,
)
from plans.models.plan import validate_action_table_columns
from plans.written_dates import review_date_fields
from priorities.models import Action, ActionLeadPartner, Aim, Priority


@dataclass
class LoadResult:
    plans_created: list[str] = field(default_factory=list)
    plans_updated: list[str] = field(default_factory=list)
    plans_current: list[str] = field(default_factory=list)
    plans_kept: list[str] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)


def load_demo(*, fixtures_dir: Path, reset: bool = False, with_users: bool = False) -> LoadResult:
    organisations_file = read_data_file(fixtures_dir / "organisations.yaml")
    indicator_files = read_data_files(fixtures_dir / "indicators")
    plan_files = read_data_files(fixtures_dir / "plans")
    result = LoadResult()
    with transaction.atomic():
        with reading(organisations_file.path):
            load_organisations(organisations_file.data)
        for indicator_file in indicator_files:
            with reading(indicator_file.path):
                load_indicator_set(indicator_file.data)
        for plan_file in plan_files:
            with reading(plan_file.path):
                label, outcome = load_partnership_plan(
                    plan_file.data, digest=plan_file.digest, reset=reset
                )
            {
                PlanLoad.CREATED: result.plans_created,
                PlanLoad.UPDATED: result.plans_updated,
                PlanLoad.CURRENT: result.plans_current,
                PlanLoad.KEPT: result.plans_kept,
            }[outcome].append(label)
        if with_users:
            with reading(fixtures_dir):
                result.users = load_demo_users()
        record_sources()
    return result


# Shared rows: created when missing, never overwritten


def load_organisations(data: Mapping[str, Any]) -> None:
    for number, entry in enumerate(listed(data, "organisations", "the file"), start=1):
        where = f"organisation {number}"
        Organisation.objects.get_or_create(
            name=required(entry, "name", where),
            defaults={
                "short_name": text(entry, "short_name"),
                "kind": choice(required(entry, "kind", where), Organisation.Kind, where),
                "website": text(entry, "website"),
            },
        )


def load_indicator_set(data: Mapping[str, Any]) -> None:
    set_data = required(data, "indicator_set", "the file")
    indicator_set, _ = IndicatorSet.objects.get_or_create(
        slug=required(set_data, "slug", "indicator_set"),
        defaults={
            "name": required(set_data, "name", "indicator_set"),
            "description": text(set_data, "description"),
            "is_national": bool(set_data.get("is_national")),
            "valid_from_year": set_data.get("valid_from_year"),
            "valid_to_year": set_data.get("valid_to_year"),
        },
    )
    existing = set(indicator_set.indicators.values_list("code_key", flat=True))
    for number, entry in enumerate(listed(data, "indicators", "the file"), start=1):
        where = f"indicator {number}"
        code = str(required(entry, "code", where))
        if normalise_code(code) in existing:
            continue
        Indicator.objects.create(
            indicator_set=indicator_set,
            code=code,
            title=required(entry, "title", f"{where} ({code})"),
            title_source=text(entry, "title_source"),
            psa=text(entry, "psa"),
        )
        existing.add(normalise_code(code))


def load_partnership(data: Mapping[str, Any]) -> Partnership:
    where = "partnership"
    contact = data.get("contact") or {}
    partnership, _ = Partnership.objects.get_or_create(
        slug=required(data, "slug", where),
        defaults={
            "name": required(data, "name", where),
            "short_name": required(data, "short_name", where),
            "area": required(data, "area", where),
            "contact_name": text(contact, "name"),
            "contact_role": text(contact, "role"),
            "contact_address": text(contact, "address"),
            "contact_phone": text(contact, "phone"),
            "contact_email": text(contact, "email"),
            "website": text(contact, "website"),
        },
    )
    for order, name in enumerate(listed(data, "districts", where), start=1):
        District.objects.get_or_create(
            partnership=partnership, name=name, defaults={"order": order}
        )
    for number, entry in enumerate(listed(data, "organisations", where), start=1):
        entry_where = f"partnership organisation {number}"
        name = required(entry, "organisation", entry_where)
        PartnershipOrganisation.objects.get_or_create(
            partnership=partnership,
            organisation=_organisation_named(name, entry_where),
            defaults={
                "role": choice(
                    required(entry, "role", entry_where),
                    PartnershipOrganisation.Role,
                    entry_where,
                )
            },
        )
    load_groups(partnership, listed(data, "groups", where))
    for number, entry in enumerate(listed(data, "glossary", where), start=1):
        GlossaryTerm.objects.get_or_create(
            partnership=partnership,
            term=str(required(entry, "term", f"glossary term {number}")),
            defaults={"meaning": required(entry, "meaning", f"glossary term {number}").strip()},
        )
    return partnership


def load_groups(partnership: Partnership, entries: list[Any]) -> None:
    """Create missing groups, then point the new ones at the groups they report to."""
    created: dict[str, str] = {}
    for order, entry in enumerate(entries, start=1):
        where = f"group {order}"
        name = required(entry, "name", where)
        _, was_created = Group.objects.get_or_create(
            partnership=partnership,
            name=name,
            defaults={
                "short_name": text(entry, "short_name"),
                "kind": choice(required(entry, "kind", where), Group.Kind, where),
                "chair_name": text(entry, "chair_name"),
                "order": order,
            },
        )
        if was_created and entry.get("reports_to"):
            created[name] = entry["reports_to"]
    for name, reports_to in created.items():
        group = Group.objects.get(partnership=partnership, name=name)
        group.reports_to = group_named(partnership, reports_to, f"group {name!r}")
        group.save(update_fields=["reports_to"])


def _organisation_named(name: str, where: str) -> Organisation:
    try:
        return Organisation.objects.get(name=name)
    except Organisation.DoesNotExist:
        raise DataProblem(
            f"{where}: no organisation is named {name!r} (organisations.yaml lists them)"
        ) from None


# Plans


@dataclass
class _PlanContext:
    """What an action's printed lead partners and indicators are resolved against."""

    partnership: Partnership
    groups: dict[str, Group]
    organisations: dict[str, Organisation]
    indicators: dict[str, Indicator]


def load_partnership_plan(
    data: Mapping[str, Any], *, digest: str, reset: bool
) -> tuple[str, PlanLoad]:
    """Load one file's partnership and plan; returns the plan's label and what was done."""
    partnership = load_partnership(required(data, "partnership", "the file"))
    plan_data = required(data, "plan", "the file")
    slug = required(plan_data, "slug", "plan")
    existing = (
        Plan.objects.filter(partnership=partnership, slug=slug)
        .select_related("content_version", "demo_source")
        .first()
    )
    outcome = PlanLoad.CREATED
    if existing is not None:
        outcome = outcome_for_existing(existing, digest=digest, reset=reset)
        if outcome in (PlanLoad.CURRENT, PlanLoad.KEPT):
            return f"{partnership.name}: {existing}", outcome
        # Priorities protect their actions from being deleted with them by accident; a reset
        # of demonstration data means it.
        Action.objects.filter(priority__plan=existing).delete()
        existing.delete()
    plan = create_plan(plan_data, _plan_context(partnership))
    # The content version is taken once everything is loaded (record_sources): later files and
    # the demo users write shared rows whose triggers count in this plan's version too.
    DemoPlanSource.objects.create(
        plan=plan, file_digest=digest, content_version=0, loaded_at=timezone.now()
    )
    return f"{partnership.name}: {plan}", outcome


def _plan_context(partnership: Partnership) -> _PlanContext:
    groups: dict[str, Group] = {}
    for group in partnership.groups.all():
        groups[group.name] = group
        if group.short_name:
            groups.setdefault(group.short_name, group)
    organisations: dict[str, Organisation] = {}
    for organisation in Organisation.objects.all():
        organisations[organisation.name] = organisation
        if organisation.short_name:
            organisations.setdefault(organisation.short_name, organisation)
    indicators = {
        indicator.code_key: indicator
        for indicator in Indicator.objects.filter(indicator_set__is_national=True)
    }
    return _PlanContext(partnership, groups, organisations, indicators)


def action_table_columns(data: Mapping[str, Any]) -> list | None:
    """The plan's action table as it prints it: "action_table: [{column: aim, heading: Aims},
    ...]", or None for the usual table."""
    columns = data.get("action_table")
    if columns is None:
        return None
    try:
        validate_action_table_columns(columns)
    except ValidationError as error:
        raise DataProblem(f"plan action_table: {' '.join(error.messages)}") from None
    return columns


def create_plan(data: Mapping[str, Any], context: _PlanContext) -> Plan:
    plan = Plan.objects.create(
        partnership=context.partnership,
        title=required(data, "title", "plan"),
        slug=required(data, "slug", "plan"),
        start_year=required(data, "start_year", "plan"),
        end_year=required(data, "end_year", "plan"),
        strategy_start_year=data.get("strategy_start_year"),
        strategy_end_year=data.get("strategy_end_year"),
        status=choice(required(data, "status", "plan"), Plan.Status, "plan"),
        summary=text(data, "summary"),
        action_table_columns=action_table_columns(data),
    )
    for order, entry in enumerate(listed(data, "sections", "plan"), start=1):
        where = f"section {order}"
        Section.objects.create(
            plan=plan,
            order=order,
            kind=choice(required(entry, "kind", where), Section.Kind, where),
            placement=choice(required(entry, "placement", where), Section.Placement, where),
            title=required(entry, "title", where),
            body=text(entry, "body"),
            signatory_name=text(entry, "signatory_name"),
            signatory_role=text(entry, "signatory_role"),
        )
    for order, entry in enumerate(listed(data, "related_strategies", "plan"), start=1):
        RelatedStrategy.objects.create(
            plan=plan,
            order=order,
            title=required(entry, "title", f"related strategy {order}"),
            owner=text(entry, "owner"),
        )
    for order, entry in enumerate(listed(data, "budget_lines", "plan"), start=1):
        where = f"budget line {order}"
        BudgetLine.objects.create(
            plan=plan,
            order=order,
            project=required(entry, "project", where),
            funding_stream=text(entry, "funding_stream"),
            amount=money(required(entry, "amount", where), where),
            year=required(entry, "year", where),
        )
    for order, entry in enumerate(listed(data, "priorities", "plan"), start=1):
        create_priority(plan, order, entry, context)
    create_outline(plan, listed(data, "outline", "plan"))
    return plan


def create_priority(
    plan: Plan, order: int, data: Mapping[str, Any], context: _PlanContext
) -> Priority:
    where = f"priority {order}"
    task_group = text(data, "task_group")
    priority = Priority.objects.create(
        plan=plan,
        order=order,
        label=text(data, "label"),
        title=required(data, "title", where),
        background=text(data, "background"),
        aim=text(data, "aim"),
        task_group=group_named(context.partnership, task_group, where) if task_group else None,
        lead_officer=text(data, "lead_officer"),
        is_cross_cutting=bool(data.get("cross_cutting")),
        measuring_performance=text(data, "measuring_performance"),
        measuring_difficulties=text(data, "measuring_difficulties"),
    )
    action_order = 0
    for entry in listed(data, "actions", where):
        action_order += 1
        create_action(priority, None, action_order, entry, context)
    for aim_order, aim_data in enumerate(listed(data, "aims", where), start=1):
        aim_where = f"{where} aim {aim_order}"
        aim = Aim.objects.create(
            priority=priority,
            order=aim_order,
            title=required(aim_data, "title", aim_where),
            baseline_data=text(aim_data, "baseline_data"),
            agencies="\n".join(
                str(name).strip() for name in listed(aim_data, "agencies", aim_where)
            ),
        )
        for entry in listed(aim_data, "actions", aim_where):
            action_order += 1
            create_action(priority, aim, action_order, entry, context)
    return priority


def create_action(
    priority: Priority,
    aim: Aim | None,
    order: int,
    data: Mapping[str, Any],
    context: _PlanContext,
) -> Action:
    where = f"priority {priority.order} action {order}"
    action = Action(
        priority=priority,
        aim=aim,
        order=order,
        text=required(data, "text", where).strip(),
        element=choice(data["element"], Action.Element, where) if data.get("element") else "",
        baseline_data=text(data, "baseline_data"),
        **review_date_fields(date_or_none(data.get("review_date"), where)),
        funding_stream=text(data, "funding_stream"),
    )
    action.clean()
    action.save()
    for lead_order, entry in enumerate(listed(data, "lead_partners", where), start=1):
        lead = resolve_lead_partner(entry, context, f"{where} lead partner {lead_order}")
        lead.action = action
        lead.order = lead_order
        lead.save()
    action.indicators.set(
        [resolve_indicator(code, context, where) for code in listed(data, "indicators", where)]
    )
    return action


def resolve_lead_partner(
    entry: str | Mapping[str, Any], context: _PlanContext, where: str
) -> ActionLeadPartner:
    """A lead partner from the words the plan prints.

    Plain words name the partnership (its short name), one of its groups or an organisation
    (by name or short name). Other words say what they stand for: {printed: "Fires Service",
    organisation: "Cumbria Fire and Rescue Service"}, {printed: ..., group: ...} or
    {printed: ..., partnership: true}. A named person or a body that is not a listed
    organisation is {printed: "Jane Smith, Community Safety Officer", as_written: true}: kept
    as written. Plain words that match nothing stay an error, so a misspelt partner in a data
    file is caught rather than kept. printed_as keeps the words wherever they differ from the
    partner's own name, so the plan prints as it was written.
    """
    if isinstance(entry, str):
        printed = entry.strip()
        lead = _lead_for_words(printed, context, where)
    else:
        printed = str(required(entry, "printed", where)).strip()
        lead = _lead_for_mapping(entry, context, where)
    lead.printed_as = "" if printed == _own_name(lead, context) else printed
    return lead


def _lead_for_words(printed: str, context: _PlanContext, where: str) -> ActionLeadPartner:
    if printed == context.partnership.short_name:
        return ActionLeadPartner(kind=ActionLeadPartner.Kind.PARTNERSHIP)
    if printed in context.groups:
        return ActionLeadPartner(kind=ActionLeadPartner.Kind.GROUP, group=context.groups[printed])
    if printed in context.organisations:
        return ActionLeadPartner(
            kind=ActionLeadPartner.Kind.ORGANISATION, organisation=context.organisations[printed]
        )
    raise DataProblem(
        f"{where}: {printed!r} is not the partnership, one of its groups or an organisation; "
        f"write {{printed: ..., organisation: ...}} to say who it is"
    )


def _lead_for_mapping(
    entry: Mapping[str, Any], context: _PlanContext, where: str
) -> ActionLeadPartner:
    if entry.get("as_written"):
        return ActionLeadPartner(kind=ActionLeadPartner.Kind.AS_WRITTEN)
    if entry.get("partnership"):
        return ActionLeadPartner(kind=ActionLeadPartner.Kind.PARTNERSHIP)
    if entry.get("group"):
        return ActionLeadPartner(
            kind=ActionLeadPartner.Kind.GROUP,
            group=group_named(context.partnership, entry["group"], where),
        )
    return ActionLeadPartner(
        kind=ActionLeadPartner.Kind.ORGANISATION,
        organisation=_organisation_named(required(entry, "organisation", where), where),
    )


def _own_name(lead: ActionLeadPartner, context: _PlanContext) -> str:
    if lead.kind == ActionLeadPartner.Kind.AS_WRITTEN:
        return ""
    if lead.kind == ActionLeadPartner.Kind.ORGANISATION:
        return lead.organisation.display_name
    if lead.kind == ActionLeadPartner.Kind.GROUP:
        return lead.group.display_name
    return context.partnership.short_name


def resolve_indicator(code: Any, context: _PlanContext, where: str) -> Indicator:
    indicator = context.indicators.get(normalise_code(str(code)))
    if indicator is None:
        raise DataProblem(f"{where}: no national indicator has the code {code!r}")
    return indicator
