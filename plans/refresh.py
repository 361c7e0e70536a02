"""The annual refresh: next year's draft plan, started from this year's published one.

Officers rewrite a plan each year from the last one, so the new draft starts as a copy of the
published plan with the finished work left behind. Every carried action keeps carried_from so
its progress history stays readable from the new plan without copying it.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import transaction
from django.db.models import QuerySet
from simple_history.utils import bulk_create_with_history

from indicators.models import LocalTarget, LocalTargetMeasure, LocalTargetValue, TargetColumn
from plans.models import OutlineBlock, Plan, RelatedStrategy, Section, Subsection
from plans.written_dates import review_date_fields
from priorities.history import record_actions_created
from priorities.models import Action, ActionLeadPartner, Aim, Priority, ProgressUpdate

# Finished and withdrawn actions stay in last year's plan; everything else carries on.
NOT_CARRIED = (Action.Status.COMPLETE, Action.Status.REMOVED)


class RefreshRefused(Exception):
    """A refresh the rules do not allow, with a message for the person who asked."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def next_period_slug(start_year: int, end_year: int) -> str:
    """The address plans use for a period: "2011-12" for 2011/12, "2008-2011" for longer."""
    if end_year == start_year + 1:
        return f"{start_year}-{str(end_year)[-2:]}"
    return f"{start_year}-{end_year}"


def unique_slug(plan: Plan, base: str) -> str:
    taken = set(
        Plan.objects.filter(partnership_id=plan.partnership_id, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def plan_start_next_year(*, plan: Plan, user: AbstractBaseUser | AnonymousUser) -> Plan:
    """Create next year's draft from a published plan, in one transaction.

    Copied: sections with their subsections, related strategies, priorities (with their task
    groups), aims, local target measures with their rows and values, and every action that is
    neither complete nor removed, with its lead partners and indicators. Review dates inside the
    old period are cleared for officers to set again; later ones are kept.

    Not copied: budget lines, because each year's budget is agreed afresh; progress updates,
    which stay on the original action and are read through carried_from (carried_progress);
    review comments and workflow transitions, which belong to the old plan's own review.

    Raises RefreshRefused if the plan is not published or next year's plan already exists.
    """
    with transaction.atomic():
        # Locking the old plan makes two people pressing the button at once start one plan.
        old = Plan.objects.select_for_update().get(pk=plan.pk)
        if old.status != Plan.Status.PUBLISHED:
            raise RefreshRefused(
                f"Only a published plan can start next year's plan; this plan is "
                f"{old.get_status_display().lower()}."
            )
        new = _create_next_plan(old, user)
        reason = f"Carried over from {old.title} ({old.period_label})."
        section_map = _copy_sections(old, new, user, reason)
        _copy_related_strategies(old, new, user, reason)
        priority_map = _copy_priorities(old, new, user, reason)
        _copy_outline(old, new, section_map, priority_map, user, reason)
        aim_map = _copy_aims(priority_map, user, reason)
        _copy_target_measures(old, new, user, reason)
        _carry_actions(old, priority_map, aim_map, user, reason)
    return new


def _history_user(user: AbstractBaseUser | AnonymousUser) -> AbstractBaseUser | None:
    return user if user.is_authenticated else None


def _create_next_plan(old: Plan, user) -> Plan:
    start_year, end_year = old.start_year + 1, old.end_year + 1
    started = Plan.objects.filter(previous_plan=old).first()
    if started is None:
        started = Plan.objects.filter(
            partnership_id=old.partnership_id,
            title=old.title,
            start_year=start_year,
            end_year=end_year,
        ).first()
    if started is not None:
        raise RefreshRefused(
            f"Next year's plan has already been started: {started.title} ({started.period_label})."
        )
    new = Plan(
        partnership_id=old.partnership_id,
        title=old.title,
        slug=unique_slug(old, next_period_slug(start_year, end_year)),
        start_year=start_year,
        end_year=end_year,
        strategy_start_year=old.strategy_start_year,
        strategy_end_year=old.strategy_end_year,
        status=Plan.Status.DRAFT,
        summary=old.summary,
        previous_plan=old,
    )
    # simple-history reads these instead of a request when the save is not in a view.
    new._history_user = _history_user(user)
    new._change_reason = f"Started from {old.title} ({old.period_label})."
    new.save()
    return new


def _copy_sections(old: Plan, new: Plan, user, reason: str) -> dict[int, Section]:
    originals = list(old.sections.order_by("order"))
    copies = bulk_create_with_history(
        [
            Section(
                plan=new,
                order=section.order,
                kind=section.kind,
                placement=section.placement,
                title=section.title,
                body=section.body,
                signatory_name=section.signatory_name,
                signatory_role=section.signatory_role,
            )
            for section in originals
        ],
        Section,
        default_user=_history_user(user),
        default_change_reason=reason,
    )
    section_map = {original.pk: copy for original, copy in zip(originals, copies, strict=True)}
    _create_with_history(
        Subsection,
        user,
        reason,
        [
            Subsection(
                section=section_map[subsection.section_id],
                order=subsection.order,
                title=subsection.title,
                body=subsection.body,
            )
            for subsection in Subsection.objects.filter(section__plan=old).order_by(
                "section", "order"
            )
        ],
    )
    return section_map


def _copy_outline(
    old: Plan,
    new: Plan,
    section_map: dict[int, Section],
    priority_map: dict[int, Priority],
    user,
    reason: str,
) -> None:
    """The order the old plan printed in, for the copies of its parts."""
    _create_with_history(
        OutlineBlock,
        user,
        reason,
        [
            OutlineBlock(
                plan=new,
                order=block.order,
                kind=block.kind,
                section=section_map.get(block.section_id),
                priority=priority_map.get(block.priority_id),
                is_shown=block.is_shown,
                shows_every_term=block.shows_every_term,
            )
            for block in OutlineBlock.objects.filter(plan=old).order_by("order")
        ],
    )


def _copy_related_strategies(old: Plan, new: Plan, user, reason: str) -> None:
    _create_with_history(
        RelatedStrategy,
        user,
        reason,
        [
            RelatedStrategy(
                plan=new,
                order=strategy.order,
                title=strategy.title,
                owner=strategy.owner,
                url=strategy.url,
            )
            for strategy in old.related_strategies.order_by("order")
        ],
    )


def _copy_priorities(old: Plan, new: Plan, user, reason: str) -> dict[int, Priority]:
    originals = list(old.priorities.order_by("order"))
    copies = bulk_create_with_history(
        [
            Priority(
                plan=new,
                order=priority.order,
                label=priority.label,
                title=priority.title,
                background=priority.background,
                aim=priority.aim,
                task_group_id=priority.task_group_id,
                lead_officer=priority.lead_officer,
                is_cross_cutting=priority.is_cross_cutting,
                measuring_performance=priority.measuring_performance,
                measuring_difficulties=priority.measuring_difficulties,
            )
            for priority in originals
        ],
        Priority,
        default_user=_history_user(user),
        default_change_reason=reason,
    )
    return {original.pk: copy for original, copy in zip(originals, copies, strict=True)}


def _copy_aims(priority_map: dict[int, Priority], user, reason: str) -> dict[int, Aim]:
    originals = list(Aim.objects.filter(priority_id__in=priority_map).order_by("priority", "order"))
    copies = _create_with_history(
        Aim,
        user,
        reason,
        [
            Aim(
                priority=priority_map[aim.priority_id],
                order=aim.order,
                title=aim.title,
                baseline_data=aim.baseline_data,
                agencies=aim.agencies,
            )
            for aim in originals
        ],
    )
    return {original.pk: copy for original, copy in zip(originals, copies, strict=True)}


def _copy_target_measures(old: Plan, new: Plan, user, reason: str) -> None:
    measures = list(old.target_measures.order_by("order"))
    measure_copies = _create_with_history(
        LocalTargetMeasure,
        user,
        reason,
        [
            LocalTargetMeasure(
                plan=new,
                order=measure.order,
                name=measure.name,
                indicator_id=measure.indicator_id,
                unit=measure.unit,
                lower_is_better=measure.lower_is_better,
                kind=measure.kind,
                change_shown=measure.change_shown,
                precision=measure.precision,
                total_label=measure.total_label,
                change_label=measure.change_label,
                intro=measure.intro,
                footnote=measure.footnote,
            )
            for measure in measures
        ],
    )
    measure_map = {m.pk: c for m, c in zip(measures, measure_copies, strict=True)}
    _create_with_history(
        TargetColumn,
        user,
        reason,
        [
            TargetColumn(
                measure=measure_map[column.measure_id],
                year=column.year,
                label=column.label,
                is_baseline=column.is_baseline,
            )
            for column in TargetColumn.objects.filter(measure__plan=old).order_by("measure", "year")
        ],
    )
    rows = list(LocalTarget.objects.filter(measure__plan=old).order_by("measure", "order"))
    row_copies = _create_with_history(
        LocalTarget,
        user,
        reason,
        [
            LocalTarget(measure=measure_map[row.measure_id], area_id=row.area_id, order=row.order)
            for row in rows
        ],
    )
    row_map = {r.pk: c for r, c in zip(rows, row_copies, strict=True)}
    _create_with_history(
        LocalTargetValue,
        user,
        reason,
        [
            LocalTargetValue(
                target=row_map[value.target_id],
                year=value.year,
                value=value.value,
                is_baseline=value.is_baseline,
                may_be_negative=value.may_be_negative,
            )
            for value in LocalTargetValue.objects.filter(target__measure__plan=old).order_by(
                "target", "year"
            )
        ],
    )


def _carry_actions(
    old: Plan,
    priority_map: dict[int, Priority],
    aim_map: dict[int, Aim],
    user,
    reason: str,
) -> None:
    originals = list(
        Action.objects.filter(priority__plan=old)
        .exclude(status__in=NOT_CARRIED)
        .order_by("priority__order", "order")
    )
    carried: list[Action] = []
    next_order: dict[int, int] = {}
    for action in originals:
        # Dropped actions leave gaps, so each priority's actions are numbered again from 1.
        order = next_order.get(action.priority_id, 0) + 1
        next_order[action.priority_id] = order
        written = action.written_review_date
        if written is not None and written.date <= old.ends_on:
            written = None
        carried.append(
            Action(
                priority=priority_map[action.priority_id],
                aim=aim_map[action.aim_id] if action.aim_id else None,
                order=order,
                text=action.text,
                element=action.element,
                baseline_data=action.baseline_data,
                **review_date_fields(written),
                funding_stream=action.funding_stream,
                status=action.status,
                rag=action.rag,
                carried_from=action,
            )
        )
    carried = Action.objects.bulk_create(carried)
    action_map = {a.pk: c for a, c in zip(originals, carried, strict=True)}
    _copy_lead_partners(action_map, user, reason)
    indicator_links = _copy_indicators(action_map)
    record_actions_created(carried, indicator_links, user=_history_user(user), reason=reason)


def _copy_lead_partners(action_map: dict[int, Action], user, reason: str) -> None:
    _create_with_history(
        ActionLeadPartner,
        user,
        reason,
        [
            ActionLeadPartner(
                action=action_map[lead.action_id],
                order=lead.order,
                kind=lead.kind,
                organisation_id=lead.organisation_id,
                group_id=lead.group_id,
                printed_as=lead.printed_as,
            )
            for lead in ActionLeadPartner.objects.filter(action_id__in=action_map).order_by(
                "action", "order"
            )
        ],
    )


def _create_with_history(model, user, reason: str, objs: list) -> list:
    """bulk_create, plus the "created" history record that each save would have written."""
    return bulk_create_with_history(
        objs, model, default_user=_history_user(user), default_change_reason=reason
    )


def _copy_indicators(action_map: dict[int, Action]) -> list:
    through = Action.indicators.through
    return through.objects.bulk_create(
        through(action_id=action_map[link.action_id].pk, indicator_id=link.indicator_id)
        for link in through.objects.filter(action_id__in=action_map).order_by("pk")
    )


def carried_progress(action: Action) -> QuerySet[ProgressUpdate]:
    """Progress updates of the action and of the actions it was carried from, newest first.

    One small query per earlier year finds the chain of origins, then one query reads the
    updates: a plan is refreshed once a year, so the chain is short.
    """
    action_ids = [action.pk]
    origin_id = action.carried_from_id
    while origin_id is not None and origin_id not in action_ids:
        action_ids.append(origin_id)
        origin_id = (
            Action.objects.filter(pk=origin_id).values_list("carried_from", flat=True).first()
        )
    return (
        ProgressUpdate.objects.filter(action_id__in=action_ids)
        .select_related("action__priority__plan", "author")
        .order_by("-reported_on", "-created_at", "-pk")
    )
