"""Rules that must always hold: each is refused with a clear message by validation (what
forms and the admin use) and again by the database (what any other write path meets)."""

import datetime
import importlib
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction

from indicators.models import (
    Indicator,
    IndicatorSet,
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
)
from plans.models import (
    BudgetLine,
    Group,
    Membership,
    PartnershipOrganisation,
    Plan,
    Section,
)
from priorities.models import Action, ActionLeadPartner

pytestmark = pytest.mark.django_db


def _validation_messages(instance) -> list[str]:
    with pytest.raises(ValidationError) as raised:
        instance.full_clean()
    return [message for messages in raised.value.message_dict.values() for message in messages]


def test_indicator_code_must_be_unique_in_its_set_however_it_is_spaced(national_indicators):
    duplicate = Indicator(indicator_set=national_indicators, code="ni17", title="Again")

    assert "This set already has an indicator with that code." in _validation_messages(duplicate)


def test_database_refuses_a_duplicate_indicator_code(national_indicators):
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(indicator_set=national_indicators, code="NI17", title="Again")


def test_the_same_code_may_appear_in_two_sets(national_indicators):
    local = IndicatorSet.objects.create(name="Local indicators", slug="local")

    Indicator.objects.create(indicator_set=local, code="NI 17", title="Local copy")

    assert Indicator.objects.lookup("NI 17").count() == 2


def test_plan_end_year_cannot_be_before_its_start_year(partnership):
    plan = Plan(partnership=partnership, title="Plan", slug="p", start_year=2011, end_year=2010)

    assert "The end year cannot be before the start year." in _validation_messages(plan)


def test_database_refuses_a_plan_ending_before_it_starts(partnership):
    with pytest.raises(IntegrityError), transaction.atomic():
        Plan.objects.create(
            partnership=partnership, title="Plan", slug="p", start_year=2011, end_year=2010
        )


def test_two_sections_of_a_plan_cannot_share_a_place(plan):
    Section.objects.create(plan=plan, order=1, title="Foreword")
    second = Section(plan=plan, order=1, title="Introduction")

    assert "Another section of this plan already has that place." in _validation_messages(second)


def test_two_actions_of_a_priority_cannot_share_a_place(action):
    second = Action(priority=action.priority, order=action.order, text="Another action")

    assert "Another action of this priority already has that place." in _validation_messages(second)


def test_database_refuses_two_actions_in_the_same_place(action):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(priority=action.priority, order=action.order, text="Another")


def test_action_text_cannot_be_empty(priority):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(priority=priority, order=5, text="")


def test_review_date_before_the_plan_starts_is_accepted_by_validation(priority):
    """Real plans print review dates before their period (West Cumbria 2012/13: "December
    2011"); the forms warn instead."""
    action = Action(priority=priority, order=2, text="Late", review_date=datetime.date(2010, 3, 31))

    action.full_clean()


def test_review_date_after_the_plan_period_is_accepted(priority):
    action = Action(
        priority=priority, order=2, text="Next year", review_date=datetime.date(2012, 6, 30)
    )

    action.full_clean()


def test_database_accepts_a_review_date_before_the_plan_starts(priority):
    Action.objects.create(
        priority=priority, order=2, text="Early", review_date=datetime.date(2010, 3, 31)
    )

    assert Action.objects.get(text="Early").review_date == datetime.date(2010, 3, 31)


def test_database_accepts_moving_a_plan_start_past_its_review_dates(action):
    plan = action.priority.plan

    Plan.objects.filter(pk=plan.pk).update(start_year=2011, end_year=2012)

    plan.refresh_from_db()
    assert plan.start_year == 2011


def test_database_refuses_a_review_date_precision_it_does_not_know(priority):
    with pytest.raises(IntegrityError), transaction.atomic():
        Action.objects.create(
            priority=priority,
            order=2,
            text="Odd",
            review_date=datetime.date(2010, 9, 30),
            review_date_precision="fortnight",
        )


def test_budget_amount_cannot_be_negative(plan):
    line = BudgetLine(plan=plan, order=1, project="CCTV", amount=Decimal("-1.00"), year=2010)

    assert "The amount cannot be negative." in _validation_messages(line)


def test_database_refuses_a_negative_budget_amount(plan):
    with pytest.raises(IntegrityError), transaction.atomic():
        BudgetLine.objects.create(
            plan=plan, order=1, project="CCTV", amount=Decimal("-1.00"), year=2010
        )


def _target_row(plan) -> LocalTarget:
    measure = LocalTargetMeasure.objects.create(plan=plan, order=1, name="Robbery")
    return LocalTarget.objects.create(measure=measure, order=1)


def test_a_target_row_has_only_one_baseline_year(plan):
    row = _target_row(plan)
    LocalTargetValue.objects.create(target=row, year=2007, value=100, is_baseline=True)
    second = LocalTargetValue(target=row, year=2008, value=90, is_baseline=True)

    assert "Only one year of a row can be the baseline." in _validation_messages(second)


def test_database_refuses_a_second_baseline_year(plan):
    row = _target_row(plan)
    LocalTargetValue.objects.create(target=row, year=2007, value=100, is_baseline=True)

    with pytest.raises(IntegrityError), transaction.atomic():
        LocalTargetValue.objects.create(target=row, year=2008, value=90, is_baseline=True)


def test_a_measure_has_only_one_total_row(plan):
    row = _target_row(plan)
    second_total = LocalTarget(measure=row.measure, order=2)

    assert "This measure already has a total row." in _validation_messages(second_total)


def test_lead_partner_of_kind_organisation_needs_an_organisation(action):
    lead = ActionLeadPartner(action=action, order=2, kind=ActionLeadPartner.Kind.ORGANISATION)

    assert any("Choose an organisation" in message for message in _validation_messages(lead))


def test_lead_partner_for_the_partnership_names_no_organisation(action, police):
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionLeadPartner.objects.create(
            action=action, order=2, kind=ActionLeadPartner.Kind.PARTNERSHIP, organisation=police
        )


def test_a_group_cannot_report_to_itself(task_group):
    with pytest.raises(IntegrityError), transaction.atomic():
        Group.objects.filter(pk=task_group.pk).update(reports_to=task_group)


def test_an_organisation_joins_a_partnership_once(plan, police):
    again = PartnershipOrganisation(
        partnership=plan.partnership,
        organisation=police,
        role=PartnershipOrganisation.Role.INVITED_MEMBER,
    )

    assert "This organisation is already in the partnership." in _validation_messages(again)


def test_a_person_has_one_role_per_partnership(editor, partnership):
    again = Membership(user=editor, partnership=partnership, role=Membership.Role.VIEWER)

    assert "This person already has a role in the partnership." in _validation_messages(again)


def _trigger_names(sql: str) -> set[str]:
    return set(re.findall(r"CREATE TRIGGER (\w+)", sql))


def test_every_trigger_the_migrations_define_is_in_the_database():
    """A migration that rebuilds a table on SQLite drops its triggers; plans 0009 puts them
    back, and a later rebuild needs the same step. This fails when one is missing."""
    content_version = importlib.import_module("plans.migrations.0005_content_version_triggers")
    hidden = importlib.import_module("plans.migrations.0011_hidden_comment_triggers")
    subsections = importlib.import_module("plans.migrations.0013_subsections")
    # priorities 0002's review-date triggers were dropped by priorities 0007 (dates as written).
    targets = importlib.import_module("indicators.migrations.0005_target_areas_and_measure_formats")
    scanning = importlib.import_module("plans.migrations.0017_scanning_matrix")
    traces = importlib.import_module("priorities.migrations.0008_priority_assessment_categories")
    outline = importlib.import_module("plans.migrations.0018_document_outline")
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            sql = [
                *content_version.sqlite_forward(),
                *hidden._sqlite_forward(),
                *subsections._sqlite_forward(),
                *targets.sqlite_forward(),
                *scanning._sqlite_forward(),
                *traces._sqlite_forward(),
                *outline._sqlite_forward(),
            ]
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        else:
            sql = [
                *content_version.postgresql_forward(),
                *hidden._postgresql_forward(),
                *subsections._postgresql_forward(),
                *targets._postgresql_forward(),
                *scanning._postgresql_forward(),
                *traces._postgresql_forward(),
                *outline._postgresql_forward(),
            ]
            cursor.execute("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal")
        expected = _trigger_names("\n".join(sql))
        present = {row[0] for row in cursor.fetchall()}
    assert len(expected) > 20
    assert expected - present == set()
    assert not {name for name in present if name.startswith("action_review_date_not_before")}
