"""The demo data: the three reference plans, entered faithfully in YAML under fixtures/.

Shared rows (organisations, indicator sets and indicators, partnerships, districts, groups,
glossary terms) are matched on their natural keys and created only when missing, so that
corrections made in the admin survive a restart. A plan that already exists is left alone, so
officers' edits survive too, unless the caller asks to reset the demo plans from the files.

Every file is read and parsed before anything is written, and the whole load runs in one
transaction: a broken file raises DemoDataError naming the file and the problem, and leaves
the database as it was.
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import DatabaseError, models, transaction

from indicators.models import Indicator, IndicatorSet, normalise_code
from plans.models import (
    District,
    GlossaryTerm,
    Group,
    Membership,
    Organisation,
    Partnership,
    PartnershipOrganisation,
    Plan,
    RelatedStrategy,
    Section,
)
from priorities.models import Action, ActionLeadPartner, Aim, Priority

DEMO_PASSWORD = "cspplan-demo"  # noqa: S105 -- printed for people trying the demo
DEMO_PARTNERSHIP_SLUG = "carlisle-eden"
DEMO_EDITOR_TASK_GROUP = "Anti-Social Behaviour and Criminal Damage Task Group"


class DemoDataError(Exception):
    """A data file that cannot be loaded; the message names the file and the problem."""

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(f"{path}: {problem}")


class _Problem(Exception):
    """A problem found while reading one file; the caller adds the file's path."""


@dataclass(frozen=True)
class DataFile:
    path: Path
    data: dict[str, Any]


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    password: str


@dataclass
class LoadResult:
    plans_created: list[str] = field(default_factory=list)
    plans_kept: list[str] = field(default_factory=list)
    users: list[DemoUser] = field(default_factory=list)


def load_demo(*, fixtures_dir: Path, reset: bool = False, with_users: bool = False) -> LoadResult:
    organisations_file = read_data_file(fixtures_dir / "organisations.yaml")
    indicator_files = read_data_files(fixtures_dir / "indicators")
    plan_files = read_data_files(fixtures_dir / "plans")
    result = LoadResult()
    with transaction.atomic():
        with _reading(organisations_file.path):
            load_organisations(organisations_file.data)
        for indicator_file in indicator_files:
            with _reading(indicator_file.path):
                load_indicator_set(indicator_file.data)
        for plan_file in plan_files:
            with _reading(plan_file.path):
                label, created = load_partnership_plan(plan_file.data, reset=reset)
            (result.plans_created if created else result.plans_kept).append(label)
        if with_users:
            with _reading(fixtures_dir):
                result.users = load_demo_users()
    return result


# Reading files


def read_data_file(path: Path) -> DataFile:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise DemoDataError(path, f"cannot be read ({error.strerror or error})") from error
    except yaml.YAMLError as error:
        raise DemoDataError(path, f"is not valid YAML: {error}") from error
    if not isinstance(data, dict):
        raise DemoDataError(path, "should hold a mapping of names to values at the top level")
    return DataFile(path=path, data=data)


def read_data_files(directory: Path) -> list[DataFile]:
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise DemoDataError(directory, "holds no .yaml data files")
    return [read_data_file(path) for path in paths]


@contextlib.contextmanager
def _reading(path: Path) -> Iterator[None]:
    """Turn any problem met while loading one file into a DemoDataError that names it."""
    try:
        yield
    except _Problem as problem:
        raise DemoDataError(path, str(problem)) from problem
    except ValidationError as error:
        raise DemoDataError(path, "; ".join(error.messages)) from error
    except DatabaseError as error:
        raise DemoDataError(path, f"the database refused it: {error}") from error
    except (TypeError, ValueError, AttributeError) as error:
        # A list where a text belongs, words where a year belongs, and the like.
        raise DemoDataError(path, f"a value has the wrong form ({error})") from error


def _required(mapping: Mapping[str, Any], key: str, where: str) -> Any:
    if not isinstance(mapping, Mapping):
        raise _Problem(f"{where} should be a mapping, not {mapping!r}")
    value = mapping.get(key)
    if value is None or value == "":
        raise _Problem(f"{where} has no {key!r}")
    return value


def _text(mapping: Mapping[str, Any], key: str, default: str = "") -> str:
    value = mapping.get(key)
    return default if value is None else str(value).strip()


def _list(mapping: Mapping[str, Any], key: str, where: str) -> list[Any]:
    value = mapping.get(key) or []
    if not isinstance(value, list):
        raise _Problem(f"{where}: {key!r} should be a list")
    return value


def _choice(value: str, choices: type[models.TextChoices], where: str) -> str:
    if value not in choices.values:
        raise _Problem(f"{where}: {value!r} is not one of {', '.join(choices.values)}")
    return value


def _date(value: Any, where: str) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError as error:
        raise _Problem(f"{where}: {value!r} is not a date (YYYY-MM-DD)") from error


# Shared rows: created when missing, never overwritten


def load_organisations(data: Mapping[str, Any]) -> None:
    for number, entry in enumerate(_list(data, "organisations", "the file"), start=1):
        where = f"organisation {number}"
        Organisation.objects.get_or_create(
            name=_required(entry, "name", where),
            defaults={
                "short_name": _text(entry, "short_name"),
                "kind": _choice(_required(entry, "kind", where), Organisation.Kind, where),
                "website": _text(entry, "website"),
            },
        )


def load_indicator_set(data: Mapping[str, Any]) -> None:
    set_data = _required(data, "indicator_set", "the file")
    indicator_set, _ = IndicatorSet.objects.get_or_create(
        slug=_required(set_data, "slug", "indicator_set"),
        defaults={
            "name": _required(set_data, "name", "indicator_set"),
            "description": _text(set_data, "description"),
            "is_national": bool(set_data.get("is_national")),
            "valid_from_year": set_data.get("valid_from_year"),
            "valid_to_year": set_data.get("valid_to_year"),
        },
    )
    existing = set(indicator_set.indicators.values_list("code_key", flat=True))
    for number, entry in enumerate(_list(data, "indicators", "the file"), start=1):
        where = f"indicator {number}"
        code = str(_required(entry, "code", where))
        if normalise_code(code) in existing:
            continue
        Indicator.objects.create(
            indicator_set=indicator_set,
            code=code,
            title=_required(entry, "title", f"{where} ({code})"),
            title_source=_text(entry, "title_source"),
            psa=_text(entry, "psa"),
        )
        existing.add(normalise_code(code))


def load_partnership(data: Mapping[str, Any]) -> Partnership:
    where = "partnership"
    contact = data.get("contact") or {}
    partnership, _ = Partnership.objects.get_or_create(
        slug=_required(data, "slug", where),
        defaults={
            "name": _required(data, "name", where),
            "short_name": _required(data, "short_name", where),
            "area": _required(data, "area", where),
            "contact_name": _text(contact, "name"),
            "contact_role": _text(contact, "role"),
            "contact_address": _text(contact, "address"),
            "contact_phone": _text(contact, "phone"),
            "contact_email": _text(contact, "email"),
            "website": _text(contact, "website"),
        },
    )
    for order, name in enumerate(_list(data, "districts", where), start=1):
        District.objects.get_or_create(
            partnership=partnership, name=name, defaults={"order": order}
        )
    for number, entry in enumerate(_list(data, "organisations", where), start=1):
        entry_where = f"partnership organisation {number}"
        name = _required(entry, "organisation", entry_where)
        PartnershipOrganisation.objects.get_or_create(
            partnership=partnership,
            organisation=_organisation_named(name, entry_where),
            defaults={
                "role": _choice(
                    _required(entry, "role", entry_where),
                    PartnershipOrganisation.Role,
                    entry_where,
                )
            },
        )
    load_groups(partnership, _list(data, "groups", where))
    for number, entry in enumerate(_list(data, "glossary", where), start=1):
        GlossaryTerm.objects.get_or_create(
            partnership=partnership,
            term=str(_required(entry, "term", f"glossary term {number}")),
            defaults={"meaning": _required(entry, "meaning", f"glossary term {number}").strip()},
        )
    return partnership


def load_groups(partnership: Partnership, entries: list[Any]) -> None:
    """Create missing groups, then point the new ones at the groups they report to."""
    created: dict[str, str] = {}
    for order, entry in enumerate(entries, start=1):
        where = f"group {order}"
        name = _required(entry, "name", where)
        _, was_created = Group.objects.get_or_create(
            partnership=partnership,
            name=name,
            defaults={
                "short_name": _text(entry, "short_name"),
                "kind": _choice(_required(entry, "kind", where), Group.Kind, where),
                "chair_name": _text(entry, "chair_name"),
                "order": order,
            },
        )
        if was_created and entry.get("reports_to"):
            created[name] = entry["reports_to"]
    for name, reports_to in created.items():
        group = Group.objects.get(partnership=partnership, name=name)
        group.reports_to = _group_named(partnership, reports_to, f"group {name!r}")
        group.save(update_fields=["reports_to"])


def _organisation_named(name: str, where: str) -> Organisation:
    try:
        return Organisation.objects.get(name=name)
    except Organisation.DoesNotExist:
        raise _Problem(
            f"{where}: no organisation is named {name!r} (organisations.yaml lists them)"
        ) from None


def _group_named(partnership: Partnership, name: str, where: str) -> Group:
    try:
        return Group.objects.get(partnership=partnership, name=name)
    except Group.DoesNotExist:
        raise _Problem(f"{where}: the partnership has no group named {name!r}") from None


# Plans


@dataclass
class _PlanContext:
    """What an action's printed lead partners and indicators are resolved against."""

    partnership: Partnership
    groups: dict[str, Group]
    organisations: dict[str, Organisation]
    indicators: dict[str, Indicator]


def load_partnership_plan(data: Mapping[str, Any], *, reset: bool) -> tuple[str, bool]:
    """Load one file's partnership and plan; returns the plan's label and whether it was
    (re)created."""
    partnership = load_partnership(_required(data, "partnership", "the file"))
    plan_data = _required(data, "plan", "the file")
    slug = _required(plan_data, "slug", "plan")
    existing = Plan.objects.filter(partnership=partnership, slug=slug).first()
    if existing is not None:
        if not reset:
            return f"{partnership.name}: {existing}", False
        existing.delete()
    plan = create_plan(plan_data, _plan_context(partnership))
    return f"{partnership.name}: {plan}", True


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


def create_plan(data: Mapping[str, Any], context: _PlanContext) -> Plan:
    plan = Plan.objects.create(
        partnership=context.partnership,
        title=_required(data, "title", "plan"),
        slug=_required(data, "slug", "plan"),
        start_year=_required(data, "start_year", "plan"),
        end_year=_required(data, "end_year", "plan"),
        strategy_start_year=data.get("strategy_start_year"),
        strategy_end_year=data.get("strategy_end_year"),
        status=_choice(_required(data, "status", "plan"), Plan.Status, "plan"),
        summary=_text(data, "summary"),
    )
    for order, entry in enumerate(_list(data, "sections", "plan"), start=1):
        where = f"section {order}"
        Section.objects.create(
            plan=plan,
            order=order,
            kind=_choice(_required(entry, "kind", where), Section.Kind, where),
            placement=_choice(_required(entry, "placement", where), Section.Placement, where),
            title=_required(entry, "title", where),
            body=_text(entry, "body"),
            signatory_name=_text(entry, "signatory_name"),
            signatory_role=_text(entry, "signatory_role"),
        )
    for order, entry in enumerate(_list(data, "related_strategies", "plan"), start=1):
        RelatedStrategy.objects.create(
            plan=plan,
            order=order,
            title=_required(entry, "title", f"related strategy {order}"),
            owner=_text(entry, "owner"),
        )
    if _list(data, "budget_lines", "plan"):
        raise _Problem("budget_lines are not supported: no reference plan prints a budget")
    for order, entry in enumerate(_list(data, "priorities", "plan"), start=1):
        create_priority(plan, order, entry, context)
    return plan


def create_priority(
    plan: Plan, order: int, data: Mapping[str, Any], context: _PlanContext
) -> Priority:
    where = f"priority {order}"
    task_group = _text(data, "task_group")
    priority = Priority.objects.create(
        plan=plan,
        order=order,
        title=_required(data, "title", where),
        background=_text(data, "background"),
        aim=_text(data, "aim"),
        task_group=_group_named(context.partnership, task_group, where) if task_group else None,
        lead_officer=_text(data, "lead_officer"),
        is_cross_cutting=bool(data.get("cross_cutting")),
        measuring_performance=_text(data, "measuring_performance"),
        measuring_difficulties=_text(data, "measuring_difficulties"),
    )
    action_order = 0
    for entry in _list(data, "actions", where):
        action_order += 1
        create_action(priority, None, action_order, entry, context)
    for aim_order, aim_data in enumerate(_list(data, "aims", where), start=1):
        aim_where = f"{where} aim {aim_order}"
        aim = Aim.objects.create(
            priority=priority,
            order=aim_order,
            title=_required(aim_data, "title", aim_where),
            baseline_data=_text(aim_data, "baseline_data"),
        )
        for entry in _list(aim_data, "actions", aim_where):
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
        text=_required(data, "text", where).strip(),
        element=_choice(data["element"], Action.Element, where) if data.get("element") else "",
        baseline_data=_text(data, "baseline_data"),
        review_date=_date(data.get("review_date"), where),
        funding_stream=_text(data, "funding_stream"),
    )
    action.clean()
    action.save()
    for lead_order, entry in enumerate(_list(data, "lead_partners", where), start=1):
        lead = resolve_lead_partner(entry, context, f"{where} lead partner {lead_order}")
        lead.action = action
        lead.order = lead_order
        lead.save()
    action.indicators.set(
        [resolve_indicator(code, context, where) for code in _list(data, "indicators", where)]
    )
    return action


def resolve_lead_partner(
    entry: str | Mapping[str, Any], context: _PlanContext, where: str
) -> ActionLeadPartner:
    """A lead partner from the words the plan prints.

    Plain words name the partnership (its short name), one of its groups or an organisation
    (by name or short name). Other words say what they stand for: {printed: "Fires Service",
    organisation: "Cumbria Fire and Rescue Service"}, {printed: ..., group: ...} or
    {printed: ..., partnership: true}. printed_as keeps the words wherever they differ from
    the partner's own name, so the plan prints as it was written.
    """
    if isinstance(entry, str):
        printed = entry.strip()
        lead = _lead_for_words(printed, context, where)
    else:
        printed = str(_required(entry, "printed", where)).strip()
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
    raise _Problem(
        f"{where}: {printed!r} is not the partnership, one of its groups or an organisation; "
        f"write {{printed: ..., organisation: ...}} to say who it is"
    )


def _lead_for_mapping(
    entry: Mapping[str, Any], context: _PlanContext, where: str
) -> ActionLeadPartner:
    if entry.get("partnership"):
        return ActionLeadPartner(kind=ActionLeadPartner.Kind.PARTNERSHIP)
    if entry.get("group"):
        return ActionLeadPartner(
            kind=ActionLeadPartner.Kind.GROUP,
            group=_group_named(context.partnership, entry["group"], where),
        )
    return ActionLeadPartner(
        kind=ActionLeadPartner.Kind.ORGANISATION,
        organisation=_organisation_named(_required(entry, "organisation", where), where),
    )


def _own_name(lead: ActionLeadPartner, context: _PlanContext) -> str:
    if lead.kind == ActionLeadPartner.Kind.ORGANISATION:
        return lead.organisation.display_name
    if lead.kind == ActionLeadPartner.Kind.GROUP:
        return lead.group.display_name
    return context.partnership.short_name


def resolve_indicator(code: Any, context: _PlanContext, where: str) -> Indicator:
    indicator = context.indicators.get(normalise_code(str(code)))
    if indicator is None:
        raise _Problem(f"{where}: no national indicator has the code {code!r}")
    return indicator


# Demo users


DEMO_ROLES: list[tuple[str, str]] = [
    ("administrator", Membership.Role.ADMINISTRATOR),
    ("editor", Membership.Role.EDITOR),
    ("reviewer", Membership.Role.REVIEWER),
    ("viewer", Membership.Role.VIEWER),
]


def load_demo_users() -> list[DemoUser]:
    """A superuser for the support officer and one member of Carlisle and Eden per role.

    Users who already exist get the demo password and role back rather than a duplicate.
    """
    partnership = Partnership.objects.filter(slug=DEMO_PARTNERSHIP_SLUG).first()
    if partnership is None:
        raise _Problem(f"the demo users need the partnership {DEMO_PARTNERSHIP_SLUG!r}")
    task_group = _group_named(partnership, DEMO_EDITOR_TASK_GROUP, "the demo editor")
    # Hashing is slow on purpose; one hash serves every demo user.
    password_hash = make_password(DEMO_PASSWORD)
    support = _demo_user("support", password_hash, staff=True)
    users = [DemoUser(support.username, "Support officer (superuser)", DEMO_PASSWORD)]
    for username, role in DEMO_ROLES:
        user = _demo_user(username, password_hash, staff=False)
        user.memberships.exclude(partnership=partnership).delete()
        membership, _ = Membership.objects.update_or_create(
            user=user, partnership=partnership, defaults={"role": role}
        )
        membership.task_groups.set([task_group] if role == Membership.Role.EDITOR else [])
        label = f"{Membership.Role(role).label}, {partnership.area} {partnership.short_name}"
        if role == Membership.Role.EDITOR:
            label += f" ({task_group.name})"
        users.append(DemoUser(username, label, DEMO_PASSWORD))
    return users


def _demo_user(username: str, password_hash: str, *, staff: bool) -> User:
    user, _ = User.objects.get_or_create(
        username=username, defaults={"email": f"{username}@example.org"}
    )
    user.is_staff = staff
    user.is_superuser = staff
    user.is_active = True
    user.password = password_hash
    user.save()
    return user
