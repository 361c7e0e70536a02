"""Plans with every part of the document filled in, for the page, PDF and publishing tests."""

from __future__ import annotations

import datetime
from decimal import Decimal

from indicators.models import (
    Indicator,
    IndicatorSet,
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
)
from plans.models import (
    BudgetLine,
    District,
    GlossaryTerm,
    Group,
    Organisation,
    Plan,
    RelatedStrategy,
    Section,
)
from priorities.models import Action, ActionLeadPartner, Aim, Priority


def add_actions(
    priority: Priority,
    count: int,
    *,
    organisations: list[Organisation],
    indicators: list[Indicator],
    start: int = 1,
) -> list[Action]:
    """count actions, each with three lead partners and four indicators, as the benchmark has."""
    actions = []
    for number in range(start, start + count):
        action = Action.objects.create(
            priority=priority,
            order=number,
            text=f"Action {priority.order}.{number}: deliver the {priority.title.lower()} work "
            f"stream number {number}.",
            review_date=datetime.date(priority.plan.start_year, 9, 30),
        )
        for order, organisation in enumerate(organisations[:3], start=1):
            ActionLeadPartner.objects.create(
                action=action,
                order=order,
                kind=ActionLeadPartner.Kind.ORGANISATION,
                organisation=organisation,
            )
        action.indicators.set(indicators[(number + i) % len(indicators)] for i in range(4))
        actions.append(action)
    return actions


def full_plan(plan: Plan, national_indicators: IndicatorSet) -> Plan:
    """Dress the conftest plan with one of everything the document shows."""
    partnership = plan.partnership
    leadership = Group.objects.create(
        partnership=partnership, name="Leadership Group", kind=Group.Kind.LEADERSHIP
    )
    Group.objects.filter(partnership=partnership, kind=Group.Kind.TASK).update(
        reports_to=leadership
    )
    Group.objects.create(
        partnership=partnership,
        name="Domestic Abuse Task Group",
        kind=Group.Kind.TASK,
        reports_to=leadership,
    )
    Section.objects.create(
        plan=plan,
        order=1,
        kind=Section.Kind.FOREWORD,
        title="Foreword",
        body="<p>We will keep tackling <strong>ASB</strong> across Carlisle and Eden.</p>",
        signatory_name="Pat Chair",
        signatory_role="Chair of the CDRP",
    )
    Section.objects.create(
        plan=plan,
        order=2,
        kind=Section.Kind.MONITORING,
        placement=Section.Placement.AFTER_PRIORITIES,
        title="Monitoring Performance and Delivery",
        body="<p>Task groups report to the Leadership Group.</p>",
    )
    RelatedStrategy.objects.create(
        plan=plan, order=1, title="Cumbria Alcohol Strategy", owner="Cumbria DAAT"
    )
    BudgetLine.objects.create(
        plan=plan,
        order=1,
        project="Best Bar None",
        funding_stream="ABG",
        amount=Decimal("2500.00"),
        year=2010,
    )
    BudgetLine.objects.create(
        plan=plan,
        order=2,
        project="StreetSafe",
        funding_stream="ABG",
        amount=Decimal("1250.50"),
        year=2010,
    )
    GlossaryTerm.objects.create(
        partnership=partnership, term="ASB", meaning="Anti-social behaviour"
    )
    GlossaryTerm.objects.create(
        partnership=partnership, term="MARAC", meaning="Multi-agency risk assessment conference"
    )
    priority = plan.priorities.get()
    Aim.objects.create(
        priority=priority, order=1, title="Fewer ASB incidents", baseline_data="4,210 in 2009/10"
    )
    district = District.objects.create(partnership=partnership, name="Carlisle", order=1)
    measure = LocalTargetMeasure.objects.create(
        plan=plan, order=1, name="Criminal damage", indicator=None
    )
    for order, area in enumerate([district, None], start=1):
        target = LocalTarget.objects.create(
            measure=measure, area=TargetArea.objects.for_district(area), order=order
        )
        for year, value in [(2009, "1000"), (2010, "950"), (2011, "900")]:
            LocalTargetValue.objects.create(
                target=target, year=year, value=Decimal(value), is_baseline=year == 2009
            )
    return plan
