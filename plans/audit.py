"""A partnership's audit log: every change recorded in the history tables, newest first.

Each kind of thing has its own history table (django-simple-history). One UNION query over
them picks a page of (date, history id, kind), newest first; then each kind on the page is read
with its previous records, many-to-many rows and the names its changes mention in a handful
of queries. A page costs the same number of queries whether it lists 5 changes or 50.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.paginator import Page, Paginator
from django.db.models import CharField, ForeignKey, Model, OuterRef, Q, QuerySet, Subquery, Value
from simple_history.models import HistoricalRecords

from indicators.models import (
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
    TargetColumn,
)
from plans.models import (
    BudgetLine,
    District,
    GlossaryTerm,
    Group,
    Membership,
    Organisation,
    Partnership,
    PartnershipOrganisation,
    Plan,
    PlanImport,
    RelatedStrategy,
    Section,
    Subsection,
)
from priorities.history import Change
from priorities.models import Action, ActionLeadPartner, Aim, Priority, ProgressUpdate

PER_PAGE = 50
IMPORTS_SHOWN = 20
VALUE_SHOWN = 200
WHAT = {"+": "Added", "~": "Changed", "-": "Deleted"}
# Bookkeeping, not content, and the partnership whose log this is: not worth a line.
NOT_SHOWN = {"id", "version", "created_at", "updated_at", "code_key", "partnership"}


@dataclass(frozen=True)
class Kind:
    key: str
    label: str
    model: type[Model]
    scope: Callable[[int], Q]
    name: Callable[[Model], str]
    related: tuple[str, ...] = ()


def _ids(model: type[Model], **lookups: object) -> list[QuerySet]:
    """The ids of a model's rows, live or deleted since, that match the lookups."""
    return [
        model._default_manager.filter(**lookups).values("pk"),
        model.history.filter(**lookups).values("id"),
    ]


def _in(name: str, querysets: list[QuerySet]) -> Q:
    condition = Q()
    for queryset in querysets:
        condition |= Q(**{f"{name}__in": queryset})
    return condition


def _plans(pk: int) -> list[QuerySet]:
    return _ids(Plan, partnership_id=pk)


def _sections(pk: int) -> list[QuerySet]:
    return [Section.history.filter(_in("plan_id", _plans(pk))).values("id")]


def _priorities(pk: int) -> list[QuerySet]:
    return [Priority.history.filter(_in("plan_id", _plans(pk))).values("id")]


def _actions(pk: int) -> list[QuerySet]:
    return [Action.history.filter(_in("priority_id", _priorities(pk))).values("id")]


def _measures(pk: int) -> list[QuerySet]:
    return [
        LocalTargetMeasure.objects.filter(_in("plan_id", _plans(pk))).values("pk"),
        LocalTargetMeasure.history.filter(_in("plan_id", _plans(pk))).values("id"),
    ]


def _targets(pk: int) -> list[QuerySet]:
    return [
        LocalTarget.objects.filter(_in("measure_id", _measures(pk))).values("pk"),
        LocalTarget.history.filter(_in("measure_id", _measures(pk))).values("id"),
    ]


def _organisations(pk: int) -> list[QuerySet]:
    return [
        PartnershipOrganisation.objects.filter(partnership_id=pk).values("organisation_id"),
        PartnershipOrganisation.history.filter(partnership_id=pk).values("organisation_id"),
    ]


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "(an account since deleted)"


def _called(obj, attribute: str = "name", missing: str = "(since deleted)") -> str:
    return getattr(obj, attribute) if obj is not None else missing


def _lead_name(record: ActionLeadPartner) -> str:
    partner = record.printed_as or (
        _called(record.organisation)
        if record.kind == ActionLeadPartner.Kind.ORGANISATION
        else _called(record.group)
        if record.kind == ActionLeadPartner.Kind.GROUP
        else "The partnership itself"
    )
    return f"{partner}, on “{_called(record.action, 'text')[:60]}”"


def _target_name(target: LocalTarget | None) -> str:
    if target is None:
        return "(a row since deleted)"
    area = _called(target.area) if target.area_id else "Total"
    return f"{_called(target.measure)}: {area}"


def _scoped(field_name: str) -> Callable[[int], Q]:
    return lambda pk: Q(**{field_name: pk})


KINDS = [
    Kind("partnership", "Partnership", Partnership, _scoped("id"), lambda r: r.name),
    Kind("district", "District", District, _scoped("partnership_id"), lambda r: r.name),
    Kind("target_area", "Target area", TargetArea, _scoped("partnership_id"), lambda r: r.name),
    Kind(
        "organisation",
        "Organisation",
        Organisation,
        lambda pk: _in("id", _organisations(pk)),
        lambda r: r.name,
    ),
    Kind(
        "partner",
        "Partner organisation",
        PartnershipOrganisation,
        _scoped("partnership_id"),
        lambda r: _called(r.organisation),
        ("organisation",),
    ),
    Kind("group", "Group", Group, _scoped("partnership_id"), lambda r: r.name),
    Kind(
        "membership",
        "Person’s role",
        Membership,
        _scoped("partnership_id"),
        lambda r: _person(r.user),
        ("user",),
    ),
    Kind("glossary", "Glossary term", GlossaryTerm, _scoped("partnership_id"), lambda r: r.term),
    Kind("plan", "Plan", Plan, _scoped("partnership_id"), lambda r: r.title),
    Kind("section", "Section", Section, lambda pk: _in("plan_id", _plans(pk)), lambda r: r.title),
    Kind(
        "subsection",
        "Subsection",
        Subsection,
        lambda pk: _in("section_id", _sections(pk)),
        lambda r: r.title,
    ),
    Kind(
        "strategy",
        "Related strategy",
        RelatedStrategy,
        lambda pk: _in("plan_id", _plans(pk)),
        lambda r: r.title,
    ),
    Kind(
        "budget",
        "Budget line",
        BudgetLine,
        lambda pk: _in("plan_id", _plans(pk)),
        lambda r: f"{r.project}: £{r.amount}",
    ),
    Kind(
        "priority",
        "Priority",
        Priority,
        lambda pk: _in("plan_id", _plans(pk)),
        lambda r: r.title,
    ),
    Kind("aim", "Aim", Aim, lambda pk: _in("priority_id", _priorities(pk)), lambda r: r.title[:80]),
    Kind(
        "action",
        "Action",
        Action,
        lambda pk: _in("priority_id", _priorities(pk)),
        lambda r: r.text[:80],
    ),
    Kind(
        "lead",
        "Lead partner",
        ActionLeadPartner,
        lambda pk: _in("action_id", _actions(pk)),
        _lead_name,
        ("organisation", "group", "action"),
    ),
    Kind(
        "progress",
        "Progress update",
        ProgressUpdate,
        lambda pk: _in("action_id", _actions(pk)),
        lambda r: f"{r.reported_on:%-d %B %Y}, on “{_called(r.action, 'text')[:60]}”",
        ("action",),
    ),
    Kind(
        "measure",
        "Target measure",
        LocalTargetMeasure,
        lambda pk: _in("plan_id", _plans(pk)),
        lambda r: r.name,
    ),
    Kind(
        "target_column",
        "Target year column",
        TargetColumn,
        lambda pk: _in("measure_id", _measures(pk)),
        lambda r: f"{_called(r.measure)}: {r.year}",
        ("measure",),
    ),
    Kind(
        "target",
        "Target row",
        LocalTarget,
        lambda pk: _in("measure_id", _measures(pk)),
        _target_name,
        ("measure", "area"),
    ),
    Kind(
        "target_value",
        "Target value",
        LocalTargetValue,
        lambda pk: _in("target_id", _targets(pk)),
        lambda r: f"{_target_name(r.target)}, {r.year}",
        ("target__measure", "target__area"),
    ),
]
KINDS_BY_KEY = {kind.key: kind for kind in KINDS}
KIND_CHOICES = [(kind.key, kind.label) for kind in KINDS]
# The related objects whose names need more than their own row.
_RELATED_SELECT = {LocalTarget: ("measure", "area")}


@dataclass
class AuditEntry:
    when: datetime.datetime
    who: str
    kind: str
    name: str
    what: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""


def audit_page(
    partnership: Partnership,
    *,
    kind: str = "",
    imported: PlanImport | None = None,
    page: str | int = 1,
) -> Page:
    """One page of the partnership's changes, newest first; its object_list is AuditEntry.
    With an import, only the rows that import wrote: each carries its history reason."""
    kinds = [KINDS_BY_KEY[kind]] if kind in KINDS_BY_KEY else KINDS
    by_import = Q(history_change_reason=imported.history_reason) if imported else Q()
    parts = [
        k.model.history.filter(k.scope(partnership.pk), by_import)
        .order_by()
        .annotate(audit_kind=Value(k.key, output_field=CharField()))
        .values_list("history_date", "history_id", "audit_kind")
        for k in kinds
    ]
    rows = parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")
    result = Paginator(rows, PER_PAGE).get_page(page)
    result.object_list = _entries(list(result.object_list))
    return result


def partnership_imports(partnership: Partnership) -> list[PlanImport]:
    """The partnership's imports from Word and spreadsheets, newest first: each one change."""
    return list(
        PlanImport.objects.filter(plan__partnership=partnership).select_related(
            "plan", "task_group", "made_by"
        )[:IMPORTS_SHOWN]
    )


def _entries(rows: list[tuple[datetime.datetime, int, str]]) -> list[AuditEntry]:
    ids_by_kind: dict[str, list[int]] = defaultdict(list)
    for _, history_id, key in rows:
        ids_by_kind[key].append(history_id)
    names = _Names()
    built: dict[tuple[str, int], tuple[Kind, Model, Model | None, dict]] = {}
    for key, ids in ids_by_kind.items():
        kind = KINDS_BY_KEY[key]
        for record, previous, m2m in _records_of(kind, ids):
            built[key, record.history_id] = (kind, record, previous, m2m)
            for name, value in _values(record, previous):
                names.want(kind.model, name, value)
    names.load()
    entries = []
    for _, history_id, key in rows:
        kind, record, previous, m2m = built[key, history_id]
        entries.append(
            AuditEntry(
                when=record.history_date,
                who=_person(record.history_user) if record.history_user_id else "Not recorded",
                kind=kind.label,
                name=kind.name(record),
                what=WHAT.get(record.history_type, "Changed"),
                changes=_changes(kind, record, previous, m2m, names),
                note=record.history_change_reason or "",
            )
        )
    return entries


def _records_of(kind: Kind, ids: list[int]) -> Iterable[tuple[Model, Model | None, dict]]:
    """The page's records of one kind, each with the record before it and m2m names."""
    history = kind.model.history
    before = history.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id")).order_by(
        "-history_id"
    )
    records = list(
        history.filter(history_id__in=ids)
        .select_related("history_user", *kind.related)
        .annotate(previous_id=Subquery(before.values("history_id")[:1]))
    )
    previous_ids = [r.previous_id for r in records if r.previous_id]
    previous = history.filter(history_id__in=previous_ids).in_bulk(field_name="history_id")
    m2m = _m2m_names(kind, [*ids, *previous_ids])
    for record in records:
        yield record, previous.get(record.previous_id), m2m


def _m2m_names(kind: Kind, history_ids: list[int]) -> dict[tuple[str, int], str]:
    """Names in each many-to-many field of each record, from the history's own m2m tables."""
    found: dict[tuple[str, int], list[str]] = defaultdict(list)
    for m2m_field in kind.model.history.model._history_m2m_fields:
        through = HistoricalRecords.m2m_models[m2m_field]
        target = m2m_field.related_model._meta.model_name
        for row in through.objects.filter(history_id__in=history_ids).select_related(target):
            linked = getattr(row, target)
            found[m2m_field.name, row.history_id].append(
                str(linked) if linked is not None else "(since deleted)"
            )
    return {key: ", ".join(sorted(values)) for key, values in found.items()}


def _fields(record: Model) -> list:
    return [
        f
        for f in record.tracked_fields
        if f.name not in NOT_SHOWN and f.editable and not f.primary_key
    ]


def _values(record: Model, previous: Model | None) -> Iterable[tuple[str, object]]:
    for model_field in _fields(record):
        if isinstance(model_field, ForeignKey):
            for source in (record, previous):
                if source is not None:
                    yield model_field.name, getattr(source, model_field.attname)


class _Names:
    """Names of the related objects that changes mention, one query per related model."""

    def __init__(self) -> None:
        self.wanted: dict[type[Model], set[int]] = defaultdict(set)
        self.found: dict[tuple[type[Model], int], str] = {}

    def want(self, model: type[Model], field_name: str, value: object) -> None:
        if value is not None:
            self.wanted[model._meta.get_field(field_name).related_model].add(value)

    def load(self) -> None:
        for related, ids in self.wanted.items():
            objects = related._default_manager.all()
            if related in _RELATED_SELECT:
                objects = objects.select_related(*_RELATED_SELECT[related])
            for pk, obj in objects.in_bulk(ids).items():
                self.found[related, pk] = _person(obj) if related is get_user_model() else str(obj)

    def name(self, related: type[Model], pk: int) -> str:
        return self.found.get((related, pk), "(since deleted)")


def _shown(model_field, value: object, names: _Names) -> str:
    if value in (None, ""):
        return "(none)"
    if isinstance(model_field, ForeignKey):
        return names.name(model_field.related_model, value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime.date):
        return f"{value:%-d %B %Y}"
    if isinstance(value, Decimal):
        return f"{value:,}"
    text = str(value)
    return text if len(text) <= VALUE_SHOWN else f"{text[:VALUE_SHOWN]}…"


def _changes(
    kind: Kind, record: Model, previous: Model | None, m2m: dict, names: _Names
) -> list[Change]:
    """From what to what each field went; an addition lists what it was added with."""
    if record.history_type == "-":
        return []
    changes = []
    for model_field in _fields(record):
        after = getattr(record, model_field.attname)
        before = getattr(previous, model_field.attname) if previous is not None else None
        if after != before and not (previous is None and after in (None, "")):
            label = str(model_field.verbose_name).capitalize()
            changes.append(
                Change(label, _shown(model_field, before, names), _shown(model_field, after, names))
            )
    for m2m_field in kind.model.history.model._history_m2m_fields:
        after = m2m.get((m2m_field.name, record.history_id), "")
        before = m2m.get((m2m_field.name, previous.history_id), "") if previous else ""
        if after != before:
            label = str(m2m_field.verbose_name).capitalize()
            changes.append(Change(label, before or "(none)", after or "(none)"))
    return changes
