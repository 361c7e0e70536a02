"""Reading a plan's priorities and a priority's action plan, with filters and search."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator
from plans.models import Group, Membership, Plan
from priorities.models import Action, ActionLeadPartner, Priority

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_password_hashing(settings) -> None:
    """The fixtures create several users; the real hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _url(priority: Priority) -> str:
    return reverse("priorities:action_plan", args=[priority.pk])


def _add_action(priority: Priority, order: int, text: str, **fields) -> Action:
    return Action.objects.create(priority=priority, order=order, text=text, **fields)


def test_plan_page_lists_the_priorities_with_their_action_counts(client, viewer, action):
    client.force_login(viewer)
    response = client.get(reverse("priorities:plan", args=[action.priority.plan_id]))
    assert response.status_code == 200
    assert "Anti-Social Behaviour and Criminal Damage" in response.text
    assert response.context["priorities"][0].action_count == 1


def test_plan_page_sends_anonymous_visitors_to_sign_in(client, plan):
    response = client.get(reverse("priorities:plan", args=[plan.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_plan_page_is_not_found_for_an_outsider(client, outsider, plan):
    client.force_login(outsider)
    assert client.get(reverse("priorities:plan", args=[plan.pk])).status_code == 404


def test_plan_page_refuses_post(client, viewer, plan):
    client.force_login(viewer)
    assert client.post(reverse("priorities:plan", args=[plan.pk])).status_code == 405


def test_action_plan_shows_each_action_with_its_lead_partners_and_indicators(
    client, viewer, action
):
    client.force_login(viewer)
    response = client.get(_url(action.priority))
    assert response.status_code == 200
    row = response.text.split(f'id="action-{action.pk}"')[1].split("</tr>")[0]
    assert "Support the use of mediation services" in row
    assert "Cumbria Police" in row
    assert "NI 17, NI 21" in row


def test_action_plan_sends_anonymous_visitors_to_sign_in(client, action):
    response = client.get(_url(action.priority))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_action_plan_is_not_found_for_an_outsider(client, outsider, action):
    client.force_login(outsider)
    assert client.get(_url(action.priority)).status_code == 404


def test_action_plan_is_shown_to_a_superuser_without_membership(client, superuser, action):
    client.force_login(superuser)
    assert client.get(_url(action.priority)).status_code == 200


def test_action_plan_refuses_post(client, viewer, action):
    client.force_login(viewer)
    assert client.post(_url(action.priority)).status_code == 405


def test_action_plan_offers_changes_to_the_task_groups_editor(client, editor, action):
    client.force_login(editor)
    response = client.get(_url(action.priority))
    assert response.context["can_change"] is True
    assert reverse("priorities:action_add", args=[action.priority_id]) in response.text


def test_action_plan_offers_no_changes_to_a_viewer(client, viewer, action):
    client.force_login(viewer)
    response = client.get(_url(action.priority))
    assert response.context["can_change"] is False
    assert reverse("priorities:action_add", args=[action.priority_id]) not in response.text
    assert "lets you read its plans but not change them" in response.text


def test_action_plan_explains_that_an_approved_plan_cannot_change(client, administrator, action):
    Plan.objects.filter(pk=action.priority.plan_id).update(status=Plan.Status.APPROVED)
    client.force_login(administrator)
    response = client.get(_url(action.priority))
    assert response.context["can_change"] is False
    assert "Only plans in draft can be changed" in response.text


def test_action_plan_leaves_out_removed_actions(client, viewer, action):
    _add_action(action.priority, 2, "Taken out of the plan", status=Action.Status.REMOVED)
    client.force_login(viewer)
    response = client.get(_url(action.priority))
    assert [a.pk for a in response.context["actions"]] == [action.pk]


def test_action_plan_names_the_partnership_as_lead_by_its_short_name(client, viewer, priority):
    cdrp_action = _add_action(priority, 1, "Utilise analysis of ASB data")
    ActionLeadPartner.objects.create(
        action=cdrp_action, order=1, kind=ActionLeadPartner.Kind.PARTNERSHIP
    )
    client.force_login(viewer)
    response = client.get(_url(priority))
    assert '<td class="govuk-table__cell">CDRP</td>' in response.text


def test_action_plan_filters_by_status(client, viewer, action):
    done = _add_action(action.priority, 2, "Finished work", status=Action.Status.COMPLETE)
    client.force_login(viewer)
    response = client.get(_url(action.priority), {"status": "complete"})
    assert [a.pk for a in response.context["actions"]] == [done.pk]


def test_action_plan_filters_by_rag_rating(client, viewer, action):
    red = _add_action(action.priority, 2, "Falling behind", rag=Action.Rag.RED)
    client.force_login(viewer)
    response = client.get(_url(action.priority), {"rag": "red"})
    assert [a.pk for a in response.context["actions"]] == [red.pk]


def test_action_plan_filters_by_lead_partner(client, viewer, action, council):
    council_action = _add_action(action.priority, 2, "Council work")
    ActionLeadPartner.objects.create(
        action=council_action,
        order=1,
        kind=ActionLeadPartner.Kind.ORGANISATION,
        organisation=council,
    )
    client.force_login(viewer)
    response = client.get(_url(action.priority), {"lead_partner": f"organisation:{council.pk}"})
    assert [a.pk for a in response.context["actions"]] == [council_action.pk]


def test_action_plan_filters_by_a_group_as_lead_partner(client, viewer, action, partnership):
    group = Group.objects.create(
        partnership=partnership, name="Prevent & Deter", kind=Group.Kind.OTHER
    )
    grouped = _add_action(action.priority, 2, "Prevent and deter work")
    ActionLeadPartner.objects.create(
        action=grouped, order=1, kind=ActionLeadPartner.Kind.GROUP, group=group
    )
    client.force_login(viewer)
    response = client.get(_url(action.priority), {"lead_partner": f"group:{group.pk}"})
    assert [a.pk for a in response.context["actions"]] == [grouped.pk]


def test_action_plan_filters_by_linked_indicator_typed_as_a_number(client, viewer, action):
    other = _add_action(action.priority, 2, "Drunk and rowdy behaviour work")
    other.indicators.set(Indicator.objects.filter(code="NI 41"))
    client.force_login(viewer)
    response = client.get(_url(action.priority), {"indicator": "41"})
    assert [a.pk for a in response.context["actions"]] == [other.pk]


def test_action_plan_filters_by_overdue_review_date(client, viewer, action):
    today = timezone.localdate()
    assert action.review_date < today
    _add_action(action.priority, 2, "Reviewed later", review_date=today + datetime.timedelta(90))
    client.force_login(viewer)
    response = client.get(_url(action.priority), {"review": "overdue"})
    assert [a.pk for a in response.context["actions"]] == [action.pk]


def test_action_plan_filters_by_review_due_within_30_days(client, viewer, action):
    today = timezone.localdate()
    soon = _add_action(action.priority, 2, "Due soon", review_date=today + datetime.timedelta(10))
    _add_action(action.priority, 3, "Due later", review_date=today + datetime.timedelta(90))
    client.force_login(viewer)
    response = client.get(_url(action.priority), {"review": "due_soon"})
    assert [a.pk for a in response.context["actions"]] == [soon.pk]


def test_action_plan_searches_action_text(client, viewer, action):
    _add_action(action.priority, 2, "Support school attendance initiatives.")
    client.force_login(viewer)
    response = client.get(_url(action.priority), {"q": "MEDIATION"})
    assert [a.pk for a in response.context["actions"]] == [action.pk]


def test_action_plan_filter_answers_htmx_with_only_the_table(client, viewer, action):
    client.force_login(viewer)
    response = client.get(
        _url(action.priority),
        {"q": "mediation"},
        headers={"HX-Request": "true", "HX-Target": "action-table"},
    )
    assert response.text.lstrip().startswith('<div id="action-table">')
    assert "<html" not in response.text
    assert '<p id="action-count" hx-swap-oob="innerHTML">1 matching action.</p>' in response.text


def test_editor_of_another_task_group_sees_the_action_plan_read_only(
    client, editor, action, partnership
):
    other_group = Group.objects.create(
        partnership=partnership, name="Domestic Abuse Task Group", kind=Group.Kind.TASK
    )
    Priority.objects.filter(pk=action.priority_id).update(task_group=other_group)
    client.force_login(editor)
    response = client.get(_url(action.priority))
    assert response.context["can_change"] is False
    assert "only change the action plans of your own task groups" in response.text


def test_member_with_no_role_left_in_the_partnership_gets_not_found(client, viewer, action):
    Membership.objects.filter(user=viewer).delete()
    client.force_login(viewer)
    assert client.get(_url(action.priority)).status_code == 404


def _fill_action_plan(priority: Priority, count: int, police, task_group) -> None:
    indicators = list(Indicator.objects.all()[:2])
    aim = priority.aims.create(order=1, title="Reduce ASB")
    for order in range(1, count + 1):
        action = _add_action(priority, order, f"Action {order}", aim=aim)
        ActionLeadPartner.objects.create(
            action=action, order=1, kind=ActionLeadPartner.Kind.ORGANISATION, organisation=police
        )
        ActionLeadPartner.objects.create(
            action=action, order=2, kind=ActionLeadPartner.Kind.GROUP, group=task_group
        )
        ActionLeadPartner.objects.create(
            action=action, order=3, kind=ActionLeadPartner.Kind.PARTNERSHIP
        )
        action.indicators.set(indicators)


def _queries_for_action_plan(client, priority: Priority, params: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(_url(priority), params)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"q": "Action", "indicator": "NI17", "rag": ""}])
def test_action_plan_query_count_is_the_same_for_3_and_30_actions(
    client, editor, plan, task_group, police, national_indicators, params
):
    small = Priority.objects.create(plan=plan, order=1, title="Small", task_group=task_group)
    large = Priority.objects.create(plan=plan, order=2, title="Large", task_group=task_group)
    _fill_action_plan(small, 3, police, task_group)
    _fill_action_plan(large, 30, police, task_group)
    client.force_login(editor)
    _queries_for_action_plan(client, small, params)  # warm the session and content types
    counted = _queries_for_action_plan(client, small, params)
    assert len(client.get(_url(large), params).context["actions"]) == 30
    assert _queries_for_action_plan(client, large, params) == counted


def test_action_plan_with_an_unknown_filter_value_says_so_beside_the_filter(client, viewer, action):
    client.force_login(viewer)
    response = client.get(_url(action.priority), {"status": "bogus"})
    assert response.status_code == 200
    assert response.context["filter"].form.errors["status"]
    assert [a.pk for a in response.context["actions"]] == [action.pk]
