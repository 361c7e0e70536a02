"""The home page: published plans for visitors; for officers, their own work."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cspplan.views import HOME_CHANGES_SHOWN, quarter_start
from plans.models import Group, Membership, Partnership, Plan
from priorities.models import Action, Priority, ProgressUpdate, ReviewComment

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
    [(partnership, lines)] = response.context["plans"]
    assert [line.plan for line in lines] == [plan]
    assert "Anti-Social Behaviour and Criminal Damage Task Group" in response.text
    assert reverse("plans:plan_detail", args=[partnership.slug, plan.slug]) in response.text
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
    latest = response.context["changes"][0].latest
    assert (latest.text, latest.history_user) == ("Mediation, changed", editor)


def test_latest_changes_leave_out_other_partnerships(client, outsider, action):
    client.force_login(outsider)
    response = client.get(reverse("home"))
    assert list(response.context["changes"]) == []
    assert list(response.context["due_actions"]) == []


# Nine today: session, user, memberships, their task groups, plans, the two action lists,
# the history and the navigation.
HOME_QUERIES = 10


def test_home_page_query_count_does_not_grow_with_plans_actions_or_changes(
    client, editor, plan, priority, partnership, other_partnership, django_assert_max_num_queries
):
    """Counted with many rows of each kind the page lists, so a query per row would show."""
    today = timezone.localdate()
    for year in range(2011, 2016):
        Plan.objects.create(
            partnership=partnership,
            title="Plan",
            slug=f"{year}",
            start_year=year,
            end_year=year + 1,
            status=Plan.Status.IN_REVIEW,
        )
    for number in range(1, 30):
        action = Action.objects.create(
            priority=priority, order=number, text=f"Action {number}", review_date=today
        )
        action.text = f"Action {number}, changed"
        action.save()
    Membership.objects.create(
        user=editor, partnership=other_partnership, role=Membership.Role.ADMINISTRATOR
    )
    client.force_login(editor)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    assert len(response.context["due_actions"]) == 20
    assert len(response.context["plans"][0][1]) == 6


def test_superuser_home_page_query_count_does_not_grow_with_partnerships(
    client, superuser, plan, other_partnership, django_assert_max_num_queries
):
    for number in range(10):
        partnership = Partnership.objects.create(
            name=f"Partnership {number}", short_name=f"P{number}", slug=f"p{number}"
        )
        Plan.objects.create(
            partnership=partnership, title="Plan", slug="2012-13", start_year=2012, end_year=2013
        )
    client.force_login(superuser)
    with django_assert_max_num_queries(HOME_QUERIES):
        response = client.get(reverse("home"))
    assert len(response.context["plans"]) == 11


def test_home_page_refuses_post(client):
    assert client.post(reverse("home")).status_code == 405


def _waiting(response, plan: Plan) -> str:
    return next(
        line.waiting
        for _partnership, lines in response.context["plans"]
        for line in lines
        if line.plan == plan
    )


def test_plans_say_what_they_wait_for(client, administrator, plan, action, partnership):
    in_review = Plan.objects.create(
        partnership=partnership,
        title="Reviewed plan",
        slug="2011-12",
        start_year=2011,
        end_year=2012,
        status=Plan.Status.IN_REVIEW,
    )
    reviewed_priority = Priority.objects.create(plan=in_review, order=1, title="Burglary")
    for body in ("First", "Second", "Third", "Resolved"):
        ReviewComment.objects.create(plan=in_review, priority=reviewed_priority, body=body)
    ReviewComment.objects.filter(body="Resolved").update(resolved_at=timezone.now())
    approved = Plan.objects.create(
        partnership=partnership,
        title="Approved plan",
        slug="2012-13",
        start_year=2012,
        end_year=2013,
        status=Plan.Status.APPROVED,
    )
    client.force_login(administrator)
    response = client.get(reverse("home"))
    assert _waiting(response, plan) == "Draft: 1 action"
    assert _waiting(response, in_review) == "In review: 3 open comments"
    assert _waiting(response, approved) == "Approved: ready to publish"
    assert "In review: 3 open comments" in response.text
    assert reverse("plans:review_summary", args=[partnership.slug, "2011-12"]) in response.text
    assert reverse("plans:review_summary", args=[partnership.slug, plan.slug]) not in response.text
    assert reverse("plans:plan_detail", args=[partnership.slug, "2011-12"]) in response.text


def test_superuser_home_page_lists_every_partnership_and_its_plans(
    client, superuser, plan, other_partnership
):
    Plan.objects.create(
        partnership=other_partnership, title="West plan", slug="w", start_year=2012, end_year=2013
    )
    client.force_login(superuser)
    response = client.get(reverse("home"))
    assert [p.slug for p, _lines in response.context["plans"]] == ["carlisle-eden", "west-cumbria"]
    assert reverse("plans:plan_detail", args=["west-cumbria", "w"]) in response.text
    assert reverse("plans:partnership_manage", args=["west-cumbria"]) in response.text
    assert reverse("plans:partnership_manage", args=["carlisle-eden"]) in response.text


@pytest.mark.parametrize(
    ("today", "start"),
    [
        (datetime.date(2026, 4, 1), datetime.date(2026, 4, 1)),
        (datetime.date(2026, 6, 30), datetime.date(2026, 4, 1)),
        (datetime.date(2026, 7, 1), datetime.date(2026, 7, 1)),
        (datetime.date(2026, 12, 31), datetime.date(2026, 10, 1)),
        (datetime.date(2027, 3, 31), datetime.date(2027, 1, 1)),
    ],
)
def test_a_quarter_of_the_financial_year_starts_in_april_july_october_or_january(today, start):
    assert quarter_start(today) == start


def test_an_editor_sees_their_actions_with_no_progress_this_quarter_with_a_link_to_record_it(
    client, editor, plan, priority, partnership
):
    today = timezone.localdate()
    reported = Action.objects.create(priority=priority, order=1, text="Reported", review_date=today)
    ProgressUpdate.objects.create(
        action=reported, reported_on=quarter_start(today), rag="green", note="On track"
    )
    stale = Action.objects.create(priority=priority, order=2, text="Stale", review_date=today)
    ProgressUpdate.objects.create(
        action=stale,
        reported_on=quarter_start(today) - datetime.timedelta(days=1),
        rag="green",
        note="Last quarter",
    )
    silent = Action.objects.create(priority=priority, order=3, text="Silent", review_date=today)
    other_group = Group.objects.create(partnership=partnership, name="Other", kind=Group.Kind.TASK)
    other_priority = Priority.objects.create(
        plan=plan, order=2, title="Other", task_group=other_group
    )
    Action.objects.create(priority=other_priority, order=1, text="Not theirs", review_date=today)
    client.force_login(editor)
    response = client.get(reverse("home"))
    assert [a.text for a in response.context["without_progress"]] == ["Stale", "Silent"]
    assert reverse("priorities:progress_add", args=[silent.pk]) in response.text
    assert reverse("priorities:progress_add", args=[reported.pk]) in response.text  # due today


def test_due_actions_link_to_the_progress_form_only_for_people_who_may_record_it(
    client, viewer, editor, action
):
    Action.objects.filter(pk=action.pk).update(review_date=timezone.localdate())
    progress_url = reverse("priorities:progress_add", args=[action.pk])
    client.force_login(viewer)
    response = client.get(reverse("home"))
    assert [a.pk for a in response.context["due_actions"]] == [action.pk]
    assert progress_url not in response.text
    client.force_login(editor)
    assert progress_url in client.get(reverse("home")).text


def _save_as(action: Action, user, text: str) -> None:
    action.text = text
    action._history_user = user
    action.save()


def test_latest_changes_show_consecutive_saves_of_one_action_by_one_person_as_one_line(
    client, editor, administrator, action
):
    for number in range(3):
        _save_as(action, editor, f"Editor's version {number}")
    _save_as(action, administrator, "Administrator's version")
    client.force_login(editor)
    lines = client.get(reverse("home")).context["changes"]
    assert [(line.latest.text, line.saves, line.verb) for line in lines[:2]] == [
        ("Administrator's version", 1, "Changed"),
        ("Editor's version 2", 3, "Changed"),
    ]


def test_a_line_of_saves_that_began_by_adding_the_action_reads_as_added(client, editor, priority):
    action = Action(priority=priority, order=1, text="New action")
    action._history_user = editor
    action.save()
    _save_as(action, editor, "New action, reworded")
    client.force_login(editor)
    response = client.get(reverse("home"))
    [line] = response.context["changes"]
    assert (line.latest.text, line.saves, line.verb) == ("New action, reworded", 2, "Added")
    assert "Added (2 saves) by editor" in response.text


def test_latest_changes_stay_short_and_administrators_get_a_link_to_every_change(
    client, administrator, editor, priority, partnership
):
    for number in range(HOME_CHANGES_SHOWN + 5):
        Action.objects.create(priority=priority, order=number + 1, text=f"Action {number}")
    client.force_login(administrator)
    response = client.get(reverse("home"))
    assert len(response.context["changes"]) == HOME_CHANGES_SHOWN
    audit_url = reverse("plans:partnership_audit", args=[partnership.slug])
    assert audit_url in response.text
    client.force_login(editor)
    assert audit_url not in client.get(reverse("home")).text


def test_the_changes_page_lists_more_changes_than_the_home_page(client, viewer, priority):
    for number in range(HOME_CHANGES_SHOWN + 5):
        Action.objects.create(priority=priority, order=number + 1, text=f"Action number {number}")
    client.force_login(viewer)
    home = client.get(reverse("home"))
    assert reverse("changes") in home.text
    response = client.get(reverse("changes"))
    assert response.status_code == 200
    assert len(response.context["changes"]) == HOME_CHANGES_SHOWN + 5
    assert "Action number 0" in response.text


def test_the_changes_page_leaves_out_other_partnerships(client, outsider, action):
    client.force_login(outsider)
    response = client.get(reverse("changes"))
    assert list(response.context["changes"]) == []
    assert action.text not in response.text


def test_the_changes_page_sends_visitors_to_sign_in(client):
    response = client.get(reverse("changes"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_changes_page_refuses_post(client, viewer):
    client.force_login(viewer)
    assert client.post(reverse("changes")).status_code == 405


def test_the_changes_page_query_count_does_not_grow_with_changes(
    client, viewer, priority, django_assert_max_num_queries
):
    for number in range(40):
        Action.objects.create(priority=priority, order=number + 1, text=f"Action {number}")
    client.force_login(viewer)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("changes"))
    assert len(response.context["changes"]) == 40
