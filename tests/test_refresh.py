"""The annual refresh: next year's draft plan started from this year's published one."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test.utils import CaptureQueriesContext

from indicators.models import (
    IndicatorSet,
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
)
from plans import refresh
from plans.models import BudgetLine, District, Group, Organisation, Plan, RelatedStrategy, Section
from plans.refresh import RefreshRefused, carried_progress, plan_start_next_year
from priorities.models import Action, ActionLeadPartner, Aim, Priority, ProgressUpdate

pytestmark = pytest.mark.django_db


def _publish(plan: Plan) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def published(plan: Plan, action: Action) -> Plan:
    return _publish(plan)


def _add_action(priority: Priority, order: int, text: str, **fields) -> Action:
    return Action.objects.create(priority=priority, order=order, text=text, **fields)


def _carried(new_plan: Plan) -> list[Action]:
    return list(
        Action.objects.filter(priority__plan=new_plan)
        .select_related("carried_from")
        .order_by("priority__order", "order")
    )


def test_refresh_creates_a_draft_for_the_next_year(published: Plan, administrator: User):
    new = plan_start_next_year(plan=published, user=administrator)

    new.refresh_from_db()
    assert (new.status, new.start_year, new.end_year) == (Plan.Status.DRAFT, 2011, 2012)
    assert (new.title, new.slug, new.partnership_id) == (
        "Partnership Plan",
        "2011-12",
        published.partnership_id,
    )
    assert new.previous_plan == published


def test_refresh_keeps_a_longer_plans_length_and_its_strategy_years(
    partnership, administrator: User
):
    three_years = Plan.objects.create(
        partnership=partnership,
        title="Community Safety Strategy",
        slug="2008-2011",
        start_year=2008,
        end_year=2011,
        strategy_start_year=2008,
        strategy_end_year=2011,
        status=Plan.Status.PUBLISHED,
    )

    new = plan_start_next_year(plan=three_years, user=administrator)

    assert (new.start_year, new.end_year, new.slug) == (2009, 2012, "2009-2012")
    assert (new.strategy_start_year, new.strategy_end_year) == (2008, 2011)


def test_refresh_makes_the_address_unique_when_another_plan_has_it(
    published: Plan, administrator: User
):
    Plan.objects.create(
        partnership=published.partnership,
        title="Alcohol Harm Reduction Plan",
        slug="2011-12",
        start_year=2011,
        end_year=2012,
    )

    new = plan_start_next_year(plan=published, user=administrator)

    assert new.slug == "2011-12-2"


def test_the_old_plan_stays_published_and_unchanged(published: Plan, administrator: User):
    plan_start_next_year(plan=published, user=administrator)

    published.refresh_from_db()
    assert published.status == Plan.Status.PUBLISHED
    assert published.transitions.count() == 0


def test_complete_and_removed_actions_stay_behind_and_the_rest_carry_over_in_order(
    published: Plan, priority: Priority, action: Action, administrator: User
):
    status = Action.Status
    _add_action(priority, 2, "Finished work", status=status.COMPLETE)
    _add_action(priority, 3, "Ongoing patrols", status=status.ONGOING)
    _add_action(priority, 4, "Withdrawn idea", status=status.REMOVED)
    _add_action(priority, 5, "Diversionary activities", status=status.IN_PROGRESS)

    new = plan_start_next_year(plan=published, user=administrator)

    carried = _carried(new)
    assert [(a.order, a.text) for a in carried] == [
        (1, action.text),
        (2, "Ongoing patrols"),
        (3, "Diversionary activities"),
    ]
    assert [a.status for a in carried] == [status.NOT_STARTED, status.ONGOING, status.IN_PROGRESS]
    assert Action.objects.filter(priority__plan=published).count() == 5


def test_each_carried_action_keeps_a_link_to_its_origin(
    published: Plan, priority: Priority, action: Action, administrator: User
):
    second = _add_action(priority, 2, "Ongoing patrols", status=Action.Status.ONGOING)

    new = plan_start_next_year(plan=published, user=administrator)

    assert [a.carried_from for a in _carried(new)] == [action, second]
    assert list(action.carried_into.values_list("priority__plan", flat=True)) == [new.pk]


def test_carried_actions_keep_their_fields(
    published: Plan, priority: Priority, administrator: User
):
    _add_action(
        priority,
        2,
        "Test purchase operations",
        element=Action.Element.ENFORCEMENT,
        baseline_data="12 operations in 2009/10",
        funding_stream="Safer Stronger Communities Fund",
        status=Action.Status.IN_PROGRESS,
        rag=Action.Rag.AMBER,
    )

    new = plan_start_next_year(plan=published, user=administrator)

    copy = Action.objects.get(priority__plan=new, text="Test purchase operations")
    assert (copy.element, copy.baseline_data, copy.funding_stream, copy.rag) == (
        Action.Element.ENFORCEMENT,
        "12 operations in 2009/10",
        "Safer Stronger Communities Fund",
        Action.Rag.AMBER,
    )
    assert copy.version == 1


def test_lead_partners_are_copied_in_order_with_their_wording(
    published: Plan, action: Action, task_group: Group, council: Organisation, administrator: User
):
    ActionLeadPartner.objects.create(
        action=action, order=2, kind=ActionLeadPartner.Kind.GROUP, group=task_group
    )
    ActionLeadPartner.objects.create(
        action=action, order=3, kind=ActionLeadPartner.Kind.PARTNERSHIP, printed_as="All partners"
    )
    ActionLeadPartner.objects.create(
        action=action,
        order=4,
        kind=ActionLeadPartner.Kind.ORGANISATION,
        organisation=council,
        printed_as="CCC",
    )

    new = plan_start_next_year(plan=published, user=administrator)

    copy = Action.objects.get(priority__plan=new)
    leads = [
        (lead.order, lead.kind, lead.organisation_id, lead.group_id, lead.printed_as)
        for lead in copy.lead_partners.order_by("order")
    ]
    police_id = action.lead_partners.get(order=1).organisation_id
    assert leads == [
        (1, "organisation", police_id, None, ""),
        (2, "group", None, task_group.pk, ""),
        (3, "partnership", None, None, "All partners"),
        (4, "organisation", council.pk, None, "CCC"),
    ]


def test_indicators_are_copied(published: Plan, administrator: User):
    new = plan_start_next_year(plan=published, user=administrator)

    copy = Action.objects.get(priority__plan=new)
    assert sorted(copy.indicators.values_list("code", flat=True)) == ["NI 17", "NI 21"]


def test_each_carried_action_has_a_created_history_record_with_its_indicators(
    published: Plan, administrator: User
):
    new = plan_start_next_year(plan=published, user=administrator)

    copy = Action.objects.get(priority__plan=new)
    record = copy.history.get()
    assert (record.history_type, record.history_user) == ("+", administrator)
    assert record.history_change_reason == "Carried over from Partnership Plan (2010/11)."
    assert sorted(row.indicator.code for row in record.indicators.all()) == ["NI 17", "NI 21"]


def test_review_dates_inside_the_old_period_are_cleared_and_later_ones_kept(
    published: Plan, priority: Priority, action: Action, administrator: User
):
    _add_action(priority, 2, "Last day of the year", review_date=datetime.date(2011, 3, 31))
    _add_action(priority, 3, "First day of next year", review_date=datetime.date(2011, 4, 1))
    _add_action(priority, 4, "Next summer", review_date=datetime.date(2011, 6, 30))
    _add_action(priority, 5, "No date yet")

    new = plan_start_next_year(plan=published, user=administrator)

    assert [(a.text, a.review_date) for a in _carried(new)] == [
        (action.text, None),
        ("Last day of the year", None),
        ("First day of next year", datetime.date(2011, 4, 1)),
        ("Next summer", datetime.date(2011, 6, 30)),
        ("No date yet", None),
    ]
    action.refresh_from_db()
    assert action.review_date == datetime.date(2010, 9, 30)


def test_priorities_are_copied_with_their_task_group_and_label(
    published: Plan, priority: Priority, task_group: Group, administrator: User
):
    Priority.objects.create(
        plan=published,
        order=2,
        label="Cross-cutting theme A",
        title="Safer Communities",
        background="Background words",
        lead_officer="Jo Officer",
        is_cross_cutting=True,
        measuring_performance="Quarterly returns",
        measuring_difficulties="Under-reporting",
    )

    new = plan_start_next_year(plan=published, user=administrator)

    copies = list(new.priorities.order_by("order"))
    assert [(p.order, p.title, p.task_group_id) for p in copies] == [
        (1, priority.title, task_group.pk),
        (2, "Safer Communities", None),
    ]
    assert (copies[0].aim, copies[1].background, copies[1].lead_officer) == (
        priority.aim,
        "Background words",
        "Jo Officer",
    )
    assert copies[1].is_cross_cutting
    assert copies[1].label == "Cross-cutting theme A"
    assert (copies[1].measuring_performance, copies[1].measuring_difficulties) == (
        "Quarterly returns",
        "Under-reporting",
    )


def test_aims_are_copied_and_carried_actions_point_at_the_copies(
    published: Plan, priority: Priority, action: Action, administrator: User
):
    Aim.objects.create(priority=priority, order=1, title="Reduce criminal damage")
    second = Aim.objects.create(
        priority=priority, order=2, title="Reduce ASB", baseline_data="4,512 incidents"
    )
    Action.objects.filter(pk=action.pk).update(aim=second)

    new = plan_start_next_year(plan=published, user=administrator)

    aims = list(Aim.objects.filter(priority__plan=new).order_by("order"))
    assert [(a.order, a.title, a.baseline_data) for a in aims] == [
        (1, "Reduce criminal damage", ""),
        (2, "Reduce ASB", "4,512 incidents"),
    ]
    assert Action.objects.get(priority__plan=new).aim == aims[1]


def test_sections_and_related_strategies_are_copied(published: Plan, administrator: User):
    Section.objects.create(
        plan=published,
        order=1,
        kind=Section.Kind.FOREWORD,
        title="Foreword",
        body="<p>Welcome</p>",
        signatory_name="Cllr Smith",
        signatory_role="Chair",
    )
    Section.objects.create(
        plan=published,
        order=2,
        kind=Section.Kind.APPENDIX,
        placement=Section.Placement.APPENDIX,
        title="Glossary",
    )
    RelatedStrategy.objects.create(
        plan=published, order=1, title="Local Area Agreement", owner="Council", url="https://a.b/"
    )

    new = plan_start_next_year(plan=published, user=administrator)

    assert list(
        new.sections.values_list(
            "order", "kind", "placement", "title", "body", "signatory_name", "signatory_role"
        )
    ) == [
        (1, "foreword", "before", "Foreword", "<p>Welcome</p>", "Cllr Smith", "Chair"),
        (2, "appendix", "appendix", "Glossary", "", "", ""),
    ]
    assert list(new.related_strategies.values_list("order", "title", "owner", "url")) == [
        (1, "Local Area Agreement", "Council", "https://a.b/")
    ]


def test_local_targets_are_copied_with_their_rows_and_values(
    published: Plan, national_indicators: IndicatorSet, administrator: User
):
    carlisle = District.objects.create(partnership=published.partnership, name="Carlisle")
    measure = LocalTargetMeasure.objects.create(
        plan=published,
        order=1,
        name="Criminal damage",
        indicator=national_indicators.indicators.get(code="NI 17"),
        unit="incidents",
    )
    for order, district in [(1, carlisle), (2, None)]:
        row = LocalTarget.objects.create(
            measure=measure, area=TargetArea.objects.for_district(district), order=order
        )
        LocalTargetValue.objects.create(target=row, year=2009, value=100 * order, is_baseline=True)
        LocalTargetValue.objects.create(target=row, year=2010, value=90 * order)

    new = plan_start_next_year(plan=published, user=administrator)

    copy = new.target_measures.get()
    assert (copy.name, copy.indicator_id, copy.unit, copy.lower_is_better) == (
        "Criminal damage",
        measure.indicator_id,
        "incidents",
        True,
    )
    values = LocalTargetValue.objects.filter(target__measure=copy).order_by("target__order", "year")
    copied = [(v.target.area, v.year, v.value, v.is_baseline) for v in values]
    assert [(a.district_id if a else None, *rest) for a, *rest in copied] == [
        (carlisle.pk, 2009, Decimal("100"), True),
        (carlisle.pk, 2010, Decimal("90"), False),
        (None, 2009, Decimal("200"), True),
        (None, 2010, Decimal("180"), False),
    ]


def test_budget_lines_are_not_copied(published: Plan, administrator: User):
    BudgetLine.objects.create(
        plan=published, order=1, project="Mediation service", amount=Decimal("5000"), year=2010
    )

    new = plan_start_next_year(plan=published, user=administrator)

    assert not new.budget_lines.exists()
    assert published.budget_lines.count() == 1


@pytest.mark.parametrize(
    "status", [Plan.Status.DRAFT, Plan.Status.IN_REVIEW, Plan.Status.APPROVED, "superseded"]
)
def test_refresh_is_refused_unless_the_plan_is_published(
    plan: Plan, action: Action, administrator: User, status: str
):
    Plan.objects.filter(pk=plan.pk).update(status=status)

    with pytest.raises(RefreshRefused, match="Only a published plan"):
        plan_start_next_year(plan=plan, user=administrator)

    assert Plan.objects.count() == 1


def test_refresh_a_second_time_is_refused(published: Plan, administrator: User):
    first = plan_start_next_year(plan=published, user=administrator)

    with pytest.raises(RefreshRefused, match="already been started") as refused:
        plan_start_next_year(plan=published, user=administrator)

    assert "Partnership Plan (2011/12)" in refused.value.message
    assert list(Plan.objects.filter(previous_plan=published)) == [first]
    assert Action.objects.count() == 2


def test_refresh_is_refused_when_next_years_plan_was_made_by_hand(
    published: Plan, administrator: User
):
    Plan.objects.create(
        partnership=published.partnership,
        title=published.title,
        slug="next-year",
        start_year=2011,
        end_year=2012,
    )

    with pytest.raises(RefreshRefused, match="already been started"):
        plan_start_next_year(plan=published, user=administrator)

    assert Plan.objects.count() == 2


def test_a_failure_half_way_changes_nothing(
    published: Plan, priority: Priority, administrator: User, monkeypatch
):
    Aim.objects.create(priority=priority, order=1, title="Reduce criminal damage")
    Section.objects.create(plan=published, order=1, title="Foreword")

    def broken_copy(*args):
        raise RuntimeError("lead partners could not be copied")

    monkeypatch.setattr(refresh, "_copy_lead_partners", broken_copy)
    history_before = Action.history.count()

    with pytest.raises(RuntimeError):
        plan_start_next_year(plan=published, user=administrator)

    assert list(Plan.objects.all()) == [published]
    assert (Priority.objects.count(), Aim.objects.count(), Section.objects.count()) == (1, 1, 1)
    assert Action.objects.count() == 1
    assert Action.history.count() == history_before


def test_progress_history_is_readable_from_the_carried_action(
    published: Plan, action: Action, administrator: User
):
    ProgressUpdate.objects.create(
        action=action, reported_on=datetime.date(2010, 6, 30), rag="amber", note="First quarter"
    )
    ProgressUpdate.objects.create(
        action=action, reported_on=datetime.date(2010, 12, 31), rag="green", note="Third quarter"
    )
    new = plan_start_next_year(plan=published, user=administrator)
    copy = Action.objects.get(priority__plan=new)
    ProgressUpdate.objects.create(
        action=copy, reported_on=datetime.date(2011, 6, 30), rag="green", note="Next year"
    )

    notes = [update.note for update in carried_progress(copy)]

    assert notes == ["Next year", "Third quarter", "First quarter"]
    assert copy.progress_updates.count() == 1


def test_progress_history_reaches_back_over_several_years_in_one_query_per_year(
    published: Plan, action: Action, administrator: User, django_assert_num_queries
):
    ProgressUpdate.objects.create(
        action=action, reported_on=datetime.date(2010, 6, 30), rag="amber", note="2010"
    )
    second_year = _publish(plan_start_next_year(plan=published, user=administrator))
    third_year = plan_start_next_year(plan=second_year, user=administrator)
    grandchild = Action.objects.get(priority__plan=third_year)

    # One query for each earlier year's action (asking for its own origin), one for the updates.
    with django_assert_num_queries(3):
        updates = list(carried_progress(grandchild))

    assert [(u.note, u.action.priority.plan.period_label) for u in updates] == [("2010", "2010/11")]


def _queries_to_refresh(plan: Plan, user: User) -> int:
    with CaptureQueriesContext(connection) as queries:
        plan_start_next_year(plan=plan, user=user)
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_the_number_of_actions(
    partnership, task_group: Group, police: Organisation, administrator: User
):
    counts = []
    for size, slug in [(1, "small"), (20, "large")]:
        plan = Plan.objects.create(
            partnership=partnership,
            title=f"Plan {slug}",
            slug=slug,
            start_year=2010,
            end_year=2011,
            status=Plan.Status.PUBLISHED,
        )
        priority = Priority.objects.create(plan=plan, order=1, title="ASB", task_group=task_group)
        for order in range(1, size + 1):
            action = _add_action(priority, order, f"Action {order}")
            ActionLeadPartner.objects.create(
                action=action, order=1, kind="organisation", organisation=police
            )
        counts.append(_queries_to_refresh(plan, administrator))

    assert counts[0] == counts[1]
