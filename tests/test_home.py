"""The home page: published plans for visitors; for officers, their own work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from plans.models import Group, Plan
from priorities.models import Action, Priority

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_password_hashing(settings) -> None:
    """The fixtures create several users; the real hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_visitors_see_only_published_plans(client, plan, other_partnership):
    Plan.objects.create(
        partnership=other_partnership,
        title="West Cumbria Plan",
        slug="2012-13",
        start_year=2012,
        end_year=2013,
        status=Plan.Status.PUBLISHED,
    )
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert [p.title for p in response.context["plans"]] == ["West Cumbria Plan"]
    assert reverse("plans:plan_detail", args=["west-cumbria", "2012-13"]) in response.text


def test_officer_sees_their_partnerships_plans_and_task_groups(client, editor, plan, task_group):
    client.force_login(editor)
    response = client.get(reverse("home"))
    assert [m.partnership.short_name for m in response.context["memberships"]] == ["CDRP"]
    assert list(response.context["plans"]) == [plan]
    assert "Anti-Social Behaviour and Criminal Damage Task Group" in response.text
    assert reverse("priorities:plan", args=[plan.pk]) in response.text


def test_officer_does_not_see_another_partnerships_draft(client, editor, plan, other_partnership):
    Plan.objects.create(
        partnership=other_partnership, title="Not yours", slug="x", start_year=2012, end_year=2013
    )
    client.force_login(editor)
    response = client.get(reverse("home"))
    assert "Not yours" not in response.text


def test_reviews_due_list_overdue_and_soon_due_actions_own_task_group_first(
    client, editor, plan, priority, partnership
):
    today = timezone.localdate()
    other_group = Group.objects.create(
        partnership=partnership, name="Domestic Abuse Task Group", kind=Group.Kind.TASK
    )
    other_priority = Priority.objects.create(
        plan=plan, order=2, title="Domestic Abuse", task_group=other_group
    )
    theirs = Action.objects.create(
        priority=other_priority,
        order=1,
        text="Overdue elsewhere",
        review_date=today.replace(year=today.year - 1),
    )
    mine = Action.objects.create(
        priority=priority, order=1, text="Mine soon", review_date=today + datetime.timedelta(5)
    )
    Action.objects.create(
        priority=priority, order=2, text="Mine later", review_date=today + datetime.timedelta(60)
    )
    Action.objects.create(
        priority=priority,
        order=3,
        text="Done",
        review_date=today - datetime.timedelta(3),
        status=Action.Status.COMPLETE,
    )
    client.force_login(editor)
    response = client.get(reverse("home"))
    assert [a.pk for a in response.context["due_actions"]] == [mine.pk, theirs.pk]
    assert response.context["due_actions"][1].is_overdue is True


def test_latest_changes_show_who_changed_which_action(client, editor, administrator, action):
    client.force_login(editor)
    client.post(
        reverse("priorities:action_edit", args=[action.pk]),
        {"text": "Mediation, changed", "lead_partners": "CDRP", "status": "ongoing", "version": 1},
    )
    client.force_login(administrator)
    response = client.get(reverse("home"))
    latest = response.context["changes"][0]
    assert (latest.text, latest.history_user) == ("Mediation, changed", editor)


def test_latest_changes_leave_out_other_partnerships(client, outsider, action):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert list(response.context["changes"]) == []
    assert list(response.context["due_actions"]) == []


def test_home_page_query_count_does_not_grow_with_memberships(
    client, editor, plan, django_assert_max_num_queries
):
    client.force_login(editor)
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


def test_home_page_refuses_post(client):
    assert client.post(reverse("home")).status_code == 405
