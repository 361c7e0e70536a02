"""A draft plan's priorities, their aims and removed actions, kept in the app.

Partnership administrators add, move and remove priorities and set their label, task group,
lead officer and kind; whoever may change a priority (its task group's editors too) keeps
its aims and brings back its removed actions. Every change has the house's refusals, its
history and its author.
"""

from __future__ import annotations

import random
import threading
import time
from functools import partial

import pytest
from django.contrib.auth.models import User
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from plans.models import Group, Membership, Plan
from priorities import priority_views, services, views
from priorities.models import Action, Aim, Priority, ReviewComment

pytestmark = pytest.mark.django_db

PRIORITY_FORM = {
    "title": "Reducing Reoffending",
    "label": "Priority 4",
    "lead_officer": "Sam Officer",
    "is_cross_cutting": "on",
    "background": "Reoffending is falling but slowly.",
    "aim": "Fewer people reoffend.",
    "measuring_performance": "NI 30",
    "measuring_difficulties": "Figures come a year late.",
    "aims": "Fewer PPOs reoffend\nMore offenders in work",
}
UP_BUTTON = 'value="up" class="govuk-button govuk-button--secondary cspplan-move__button"'
DOWN_BUTTON = 'value="down" class="govuk-button govuk-button--secondary cspplan-move__button"'
AIM_FORM = {"title": "Fewer repeat victims", "baseline_data": "412 in 2009/10"}


@pytest.fixture
def priorities(plan: Plan, priority: Priority, action: Action) -> list[Priority]:
    """Three priorities; the first has the action, the others none."""
    return [
        priority,
        Priority.objects.create(plan=plan, order=2, title="Domestic Abuse", label="Priority 2"),
        Priority.objects.create(plan=plan, order=3, title="Substance Misuse", label="Theme A"),
    ]


@pytest.fixture
def aims(priority: Priority) -> list[Aim]:
    return [
        Aim.objects.create(priority=priority, order=order, title=title, baseline_data=baseline)
        for order, title, baseline in (
            (1, "Reduce ASB", "5,120 incidents"),
            (2, "Reduce criminal damage", "2,310 offences"),
            (3, "Reassure residents", ""),
        )
    ]


@pytest.fixture
def removed_action(priority: Priority, action: Action, editor) -> Action:
    """An action set in progress and then removed, both through the services."""
    removed = services.action_create(
        priority=priority,
        user=editor,
        text="Run a summer diversion scheme.",
        lead_partners=[],
        indicators=[],
        status=Action.Status.IN_PROGRESS,
    )
    return services.action_remove(action=removed, user=editor)


@pytest.fixture
def other_editor(partnership) -> User:
    """An editor of the same partnership whose task group owns none of these priorities."""
    user = User.objects.create_user(username="other_editor")
    group = Group.objects.create(
        partnership=partnership, name="Domestic Abuse Task Group", kind=Group.Kind.TASK
    )
    membership = Membership.objects.create(
        user=user, partnership=partnership, role=Membership.Role.EDITOR
    )
    membership.task_groups.add(group)
    return user


def _url(name: str, pk: int) -> str:
    return reverse(f"priorities:{name}", args=[pk])


def _plan_page(plan: Plan) -> str:
    return _url("plan", plan.pk)


def _titles(plan: Plan) -> list[str]:
    return list(plan.priorities.order_by("order").values_list("title", flat=True))


def _aim_titles(priority: Priority) -> list[str]:
    return list(priority.aims.order_by("order").values_list("title", flat=True))


def _leave_draft(plan: Plan) -> None:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)


# Administrators' pages: (method, url, data), given the plan and its priorities.
ADMIN_ROUTES = {
    "add a priority form": lambda plan, p: ("get", _url("priority_add", plan.pk), {}),
    "add a priority": lambda plan, p: ("post", _url("priority_add", plan.pk), PRIORITY_FORM),
    "move a priority": lambda plan, p: (
        "post",
        _url("priority_move", p[1].pk),
        {"direction": "up"},
    ),
    "remove confirmation": lambda plan, p: ("get", _url("priority_remove", p[2].pk), {}),
    "remove a priority": lambda plan, p: ("post", _url("priority_remove", p[2].pk), {}),
}

# Pages of whoever may change the priority: (method, url, data), given the aims and a
# removed action.
EDITOR_ROUTES = {
    "add an aim form": lambda a, r: ("get", _url("aim_add", a[0].priority_id), {}),
    "add an aim": lambda a, r: ("post", _url("aim_add", a[0].priority_id), AIM_FORM),
    "edit an aim form": lambda a, r: ("get", _url("aim_edit", a[0].pk), {}),
    "edit an aim": lambda a, r: ("post", _url("aim_edit", a[0].pk), AIM_FORM),
    "move an aim": lambda a, r: ("post", _url("aim_move", a[0].pk), {"direction": "down"}),
    "remove an aim confirmation": lambda a, r: ("get", _url("aim_remove", a[0].pk), {}),
    "remove an aim": lambda a, r: ("post", _url("aim_remove", a[0].pk), {}),
    "bring back an action": lambda a, r: ("post", _url("action_restore", r.pk), {}),
}


def _state(plan: Plan, priority: Priority) -> tuple:
    """Everything these pages change, to check a refused request changed nothing."""
    return (
        list(plan.priorities.order_by("order").values_list("pk", "order", "title", "label")),
        list(Aim.objects.order_by("pk").values_list("pk", "order", "title", "baseline_data")),
        list(Action.objects.order_by("pk").values_list("pk", "order", "status", "aim_id")),
    )


# The house's refusals, for every page


@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_an_administrator_uses_every_priorities_page(
    client, administrator, plan, priorities, route
):
    client.force_login(administrator)
    method, url, data = ADMIN_ROUTES[route](plan, priorities)

    response = getattr(client, method)(url, data)

    assert response.status_code == (302 if method == "post" else 200)
    if method == "post":
        assert response.url.startswith(_plan_page(plan))


@pytest.mark.parametrize("role", ["editor", "administrator", "superuser"])
@pytest.mark.parametrize("route", EDITOR_ROUTES)
def test_whoever_may_change_the_priority_uses_every_aims_page(
    client, request, plan, aims, removed_action, route, role
):
    client.force_login(request.getfixturevalue(role))
    method, url, data = EDITOR_ROUTES[route](aims, removed_action)

    response = getattr(client, method)(url, data)

    assert response.status_code == (302 if method == "post" else 200)
    if method == "post":
        assert response.url.startswith(_url("action_plan", aims[0].priority_id))


ALL_ROUTES = [("admin", name) for name in ADMIN_ROUTES] + [
    ("editor", name) for name in EDITOR_ROUTES
]


def _request_for(kind: str, name: str, plan, priorities, aims, removed_action):
    if kind == "admin":
        return ADMIN_ROUTES[name](plan, priorities)
    return EDITOR_ROUTES[name](aims, removed_action)


@pytest.mark.parametrize("kind, route", ALL_ROUTES)
def test_an_anonymous_visitor_is_sent_to_sign_in(
    client, plan, priorities, aims, removed_action, kind, route
):
    before = _state(plan, priorities[0])
    method, url, data = _request_for(kind, route, plan, priorities, aims, removed_action)

    response = getattr(client, method)(url, data)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert _state(plan, priorities[0]) == before


@pytest.mark.parametrize("kind, route", ALL_ROUTES)
def test_an_outsider_is_told_nothing(
    client, outsider, plan, priorities, aims, removed_action, kind, route
):
    client.force_login(outsider)
    before = _state(plan, priorities[0])
    method, url, data = _request_for(kind, route, plan, priorities, aims, removed_action)

    assert getattr(client, method)(url, data).status_code == 404
    assert _state(plan, priorities[0]) == before


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
@pytest.mark.parametrize("route", ADMIN_ROUTES)
def test_members_who_are_not_administrators_cannot_change_the_priorities(
    client, request, plan, priorities, route, role
):
    client.force_login(request.getfixturevalue(role))
    before = _state(plan, priorities[0])
    method, url, data = ADMIN_ROUTES[route](plan, priorities)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "Only administrators can change the plan." in response.text
    assert _state(plan, priorities[0]) == before


@pytest.mark.parametrize("role", ["other_editor", "reviewer", "viewer"])
@pytest.mark.parametrize("route", EDITOR_ROUTES)
def test_read_only_members_and_other_task_groups_cannot_change_aims_or_bring_back_actions(
    client, request, plan, priority, aims, removed_action, route, role
):
    client.force_login(request.getfixturevalue(role))
    before = _state(plan, priority)
    method, url, data = EDITOR_ROUTES[route](aims, removed_action)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    expected = "your own task groups" if role == "other_editor" else "read its plans"
    assert expected in response.text
    assert _state(plan, priority) == before


@pytest.mark.parametrize(
    "kind, route, method",
    [
        ("admin", "add a priority form", "put"),
        ("admin", "move a priority", "get"),
        ("admin", "remove confirmation", "delete"),
        ("editor", "add an aim form", "patch"),
        ("editor", "edit an aim form", "delete"),
        ("editor", "move an aim", "get"),
        ("editor", "remove an aim confirmation", "put"),
        ("editor", "bring back an action", "get"),
    ],
)
def test_a_wrong_method_is_refused(
    client, administrator, plan, priorities, aims, removed_action, kind, route, method
):
    client.force_login(administrator)
    _, url, _ = _request_for(kind, route, plan, priorities, aims, removed_action)

    assert getattr(client, method)(url).status_code == 405


@pytest.mark.parametrize(
    "kind, route",
    [
        ("admin", "add a priority form"),
        ("admin", "move a priority"),
        ("admin", "remove confirmation"),
        ("admin", "remove a priority"),
        ("editor", "add an aim form"),
        ("editor", "edit an aim form"),
        ("editor", "move an aim"),
        ("editor", "remove an aim confirmation"),
        ("editor", "remove an aim"),
        ("editor", "bring back an action"),
    ],
)
def test_pages_of_a_plan_out_of_draft_are_refused(
    client, administrator, plan, priorities, aims, removed_action, kind, route
):
    client.force_login(administrator)
    _leave_draft(plan)
    before = _state(plan, priorities[0])
    method, url, data = _request_for(kind, route, plan, priorities, aims, removed_action)

    response = getattr(client, method)(url, data)

    assert response.status_code == 403
    assert "can no longer be changed" in response.text
    assert _state(plan, priorities[0]) == before


@pytest.mark.parametrize(
    "kind, route",
    [("admin", "add a priority"), ("editor", "add an aim"), ("editor", "edit an aim")],
)
def test_a_form_posted_after_the_plan_left_draft_is_refused_with_the_text_kept(
    client, editor, administrator, plan, priorities, aims, removed_action, kind, route
):
    client.force_login(administrator if kind == "admin" else editor)
    _leave_draft(plan)
    before = _state(plan, priorities[0])
    method, url, data = _request_for(kind, route, plan, priorities, aims, removed_action)

    response = client.post(url, data | {"title": "Kept title typed with care"})

    assert response.status_code == 409
    assert "can no longer be changed" in response.text
    assert "Your changes have not been saved." in response.text
    assert "Kept title typed with care" in response.text
    assert _state(plan, priorities[0]) == before


def test_the_service_refuses_when_the_plan_left_draft_after_the_page_checked(
    client, administrator, plan, priorities, monkeypatch
):
    """The view's check passed; the plan was sent for review before the save took its lock."""
    real_create = services.priority_create

    def sent_for_review_meanwhile(**kwargs):
        _leave_draft(plan)
        return real_create(**kwargs)

    monkeypatch.setattr(priority_views.services, "priority_create", sent_for_review_meanwhile)
    client.force_login(administrator)

    response = client.post(_url("priority_add", plan.pk), PRIORITY_FORM | {"title": "Kept"})

    assert response.status_code == 409
    assert "Kept" in response.text
    assert len(_titles(plan)) == 3


# Priorities


def test_an_added_priority_goes_last_with_everything_typed(
    client, administrator, plan, priorities, task_group
):
    client.force_login(administrator)

    response = client.post(
        _url("priority_add", plan.pk), PRIORITY_FORM | {"task_group": str(task_group.pk)}
    )

    added = plan.priorities.order_by("order").last()
    assert response.url == f"{_plan_page(plan)}#priority-{added.pk}"
    assert (added.order, added.title, added.label) == (4, "Reducing Reoffending", "Priority 4")
    assert (added.task_group, added.lead_officer, added.is_cross_cutting) == (
        task_group,
        "Sam Officer",
        True,
    )
    assert added.background == "Reoffending is falling but slowly."
    assert (added.measuring_performance, added.measuring_difficulties) == (
        "NI 30",
        "Figures come a year late.",
    )
    assert _aim_titles(added) == ["Fewer PPOs reoffend", "More offenders in work"]


def test_a_priority_form_without_a_title_says_so_beside_the_field_and_keeps_the_text(
    client, administrator, plan, priorities
):
    client.force_login(administrator)

    response = client.post(_url("priority_add", plan.pk), PRIORITY_FORM | {"title": " "})

    assert response.status_code == 200
    assert "govuk-error-summary" in response.text
    assert "Enter the priority&#x27;s title" in response.text
    assert "Reoffending is falling but slowly." in response.text
    assert "Priority 4" in response.text
    assert len(_titles(plan)) == 3


def test_a_task_group_of_another_partnership_is_refused_beside_the_field(
    client, administrator, plan, priorities, other_partnership
):
    elsewhere = Group.objects.create(
        partnership=other_partnership, name="Their Task Group", kind=Group.Kind.TASK
    )
    client.force_login(administrator)

    response = client.post(
        _url("priority_add", plan.pk), PRIORITY_FORM | {"task_group": str(elsewhere.pk)}
    )

    assert response.status_code == 200
    assert "Choose one of the partnership&#x27;s task groups" in response.text
    assert len(_titles(plan)) == 3


def test_an_administrator_sets_the_label_and_task_group_on_the_edit_page(
    client, administrator, plan, priority, task_group, other_editor
):
    client.force_login(administrator)
    other_group = Group.objects.get(name="Domestic Abuse Task Group")
    edit = _url("priority_edit", priority.pk)
    assert 'name="label"' in client.get(edit).text

    client.post(
        edit,
        {
            "title": priority.title,
            "label": "Priority 1",
            "task_group": str(other_group.pk),
            "lead_officer": "Jo Lead",
            "aims": "",
        },
    )

    priority.refresh_from_db()
    assert (priority.label, priority.task_group, priority.lead_officer) == (
        "Priority 1",
        other_group,
        "Jo Lead",
    )
    assert priority.is_cross_cutting is False


def test_an_editor_edits_the_words_but_not_the_label_or_task_group(
    client, editor, priority, task_group
):
    Priority.objects.filter(pk=priority.pk).update(label="Priority 1", lead_officer="Jo Lead")
    client.force_login(editor)
    edit = _url("priority_edit", priority.pk)
    assert 'name="label"' not in client.get(edit).text

    response = client.post(
        edit, {"title": "ASB", "label": "Hacked", "task_group": "", "lead_officer": "", "aims": ""}
    )

    assert response.status_code == 302
    priority.refresh_from_db()
    assert priority.title == "ASB"
    assert (priority.label, priority.task_group, priority.lead_officer) == (
        "Priority 1",
        task_group,
        "Jo Lead",
    )


def test_priorities_move_down_and_up_and_keep_the_focus(client, administrator, plan, priorities):
    client.force_login(administrator)

    response = client.post(_url("priority_move", priorities[0].pk), {"direction": "down"})
    assert _titles(plan) == [
        "Domestic Abuse",
        "Anti-Social Behaviour and Criminal Damage",
        "Substance Misuse",
    ]
    assert response.url == f"{_plan_page(plan)}?moved={priorities[0].pk}&direction=down"

    page = client.post(
        _url("priority_move", priorities[2].pk), {"direction": "up"}, follow=True
    ).text
    assert _titles(plan) == [
        "Domestic Abuse",
        "Substance Misuse",
        "Anti-Social Behaviour and Criminal Damage",
    ]
    row = page.split(f'id="priority-{priorities[2].pk}"')[1].split("</tr>")[0]
    assert f"{UP_BUTTON}  autofocus" in row
    assert sorted(plan.priorities.values_list("order", flat=True)) == [1, 2, 3]


@pytest.mark.parametrize("index, direction, edge", [(0, "up", "first"), (2, "down", "last")])
def test_the_first_and_last_priorities_stay_put(
    client, administrator, plan, priorities, index, direction, edge
):
    client.force_login(administrator)
    before = _titles(plan)

    response = client.post(
        _url("priority_move", priorities[index].pk), {"direction": direction}, follow=True
    )

    assert f"The priority is already {edge}." in response.text
    assert _titles(plan) == before


def test_a_move_without_a_direction_is_refused(client, administrator, plan, priorities, aims):
    client.force_login(administrator)

    assert client.post(_url("priority_move", priorities[0].pk), {}).status_code == 400
    assert client.post(_url("aim_move", aims[0].pk), {"direction": "x"}).status_code == 400
    assert _titles(plan)[0] == "Anti-Social Behaviour and Criminal Damage"
    assert _aim_titles(priorities[0])[0] == "Reduce ASB"


def test_a_priority_with_actions_cannot_be_removed_and_says_why(
    client, administrator, plan, priorities, removed_action
):
    client.force_login(administrator)
    url = _url("priority_remove", priorities[0].pk)

    confirmation = client.get(url)
    assert "This priority cannot be removed yet" in confirmation.text
    assert "1 action in the plan and 1 removed action" in confirmation.text
    assert "Yes, remove the priority" not in confirmation.text

    response = client.post(url)

    assert response.status_code == 409
    assert "cannot be removed because it has 1 action in the plan" in response.text
    assert Priority.objects.filter(pk=priorities[0].pk).exists()


def test_a_priority_whose_actions_were_all_removed_is_kept_for_them(
    client, administrator, plan, priorities, action, removed_action
):
    services.action_remove(action=action, user=administrator)
    client.force_login(administrator)

    response = client.post(_url("priority_remove", priorities[0].pk))

    assert response.status_code == 409
    assert "2 removed actions, kept so they can be brought back" in response.text
    assert Action.objects.filter(priority=priorities[0]).count() == 2


def test_a_priority_without_actions_is_removed_with_its_aims_and_history(
    client, administrator, plan, priorities
):
    empty = priorities[2]
    aim = Aim.objects.create(priority=empty, order=1, title="Fewer drug-related offences")
    client.force_login(administrator)

    confirmation = client.get(_url("priority_remove", empty.pk))
    assert "Are you sure you want to remove this priority?" in confirmation.text
    assert "its 1 aim" in confirmation.text

    client.post(_url("priority_remove", empty.pk))

    assert _titles(plan) == ["Anti-Social Behaviour and Criminal Damage", "Domestic Abuse"]
    assert not Aim.objects.filter(pk=aim.pk).exists()
    gone = Priority.history.filter(id=empty.pk).latest("history_date", "history_id")
    assert (gone.history_type, gone.history_user) == ("-", administrator)
    aim_gone = Aim.history.filter(id=aim.pk).latest("history_date", "history_id")
    assert (aim_gone.history_type, aim_gone.history_user) == ("-", administrator)


def test_every_priority_change_is_in_the_history_with_who_made_it(
    client, administrator, plan, priorities
):
    client.force_login(administrator)

    client.post(_url("priority_add", plan.pk), PRIORITY_FORM)
    added = plan.priorities.get(title="Reducing Reoffending")
    client.post(
        _url("priority_edit", added.pk),
        PRIORITY_FORM | {"label": "Priority 5", "aims": PRIORITY_FORM["aims"]},
    )
    client.post(_url("priority_move", added.pk), {"direction": "up"})
    client.post(_url("priority_remove", added.pk))

    rows = Priority.history.filter(id=added.pk).order_by("history_date", "history_id")
    assert [(row.history_type, row.label, row.order) for row in rows] == [
        ("+", "Priority 4", 4),
        ("~", "Priority 5", 4),
        ("~", "Priority 5", 3),
        ("-", "Priority 5", 3),
    ]
    assert {row.history_user for row in rows} == {administrator}
    swapped = Priority.history.filter(id=priorities[2].pk).latest("history_date", "history_id")
    assert (swapped.order, swapped.history_user) == (4, administrator)


def test_the_label_is_shown_on_the_working_pages_and_in_the_plan(client, viewer, plan, priorities):
    Priority.objects.filter(pk=priorities[0].pk).update(label="Priority 1")
    client.force_login(viewer)

    assert "Priority 1" in client.get(_plan_page(plan)).text
    assert "Priority 1" in client.get(_url("action_plan", priorities[0].pk)).text
    document = client.get(plan.get_absolute_url()).text
    assert '<span class="govuk-caption-l plan-priority__label">Priority 1</span>' in document


def test_only_administrators_see_the_priority_buttons(
    client, administrator, editor, plan, priorities
):
    client.force_login(administrator)
    page = client.get(_plan_page(plan)).text
    assert f'href="{_url("priority_add", plan.pk)}"' in page
    assert f'action="{_url("priority_move", priorities[0].pk)}"' in page
    assert f'href="{_url("priority_remove", priorities[0].pk)}"' in page

    client.force_login(editor)
    page = client.get(_plan_page(plan)).text
    assert "priorities/add/" not in page
    assert "/move/" not in page


# Aims


def test_an_editor_adds_edits_moves_and_removes_aims_with_history(client, editor, priority, aims):
    client.force_login(editor)

    response = client.post(_url("aim_add", priority.pk), AIM_FORM)
    added = priority.aims.get(title="Fewer repeat victims")
    assert response.url == f"{_url('action_plan', priority.pk)}#aim-{added.pk}"
    assert (added.order, added.baseline_data) == (4, "412 in 2009/10")

    client.post(_url("aim_edit", added.pk), {"title": "Fewer repeat victims of ASB"})
    client.post(_url("aim_move", added.pk), {"direction": "up"})
    assert _aim_titles(priority) == [
        "Reduce ASB",
        "Reduce criminal damage",
        "Fewer repeat victims of ASB",
        "Reassure residents",
    ]
    client.post(_url("aim_remove", added.pk))
    assert _aim_titles(priority) == ["Reduce ASB", "Reduce criminal damage", "Reassure residents"]

    rows = Aim.history.filter(id=added.pk).order_by("history_date", "history_id")
    assert [(r.history_type, r.title, r.baseline_data, r.order) for r in rows] == [
        ("+", "Fewer repeat victims", "412 in 2009/10", 4),
        ("~", "Fewer repeat victims of ASB", "", 4),
        ("~", "Fewer repeat victims of ASB", "", 3),
        ("-", "Fewer repeat victims of ASB", "", 3),
    ]
    assert {r.history_user for r in rows} == {editor}


@pytest.mark.parametrize("index, direction, edge", [(0, "up", "first"), (2, "down", "last")])
def test_the_first_and_last_aims_stay_put(client, editor, priority, aims, index, direction, edge):
    client.force_login(editor)

    response = client.post(_url("aim_move", aims[index].pk), {"direction": direction}, follow=True)

    assert f"The aim is already {edge}." in response.text
    assert _aim_titles(priority) == ["Reduce ASB", "Reduce criminal damage", "Reassure residents"]


def test_the_moved_aims_button_keeps_the_focus(client, editor, priority, aims):
    client.force_login(editor)

    page = client.post(_url("aim_move", aims[1].pk), {"direction": "up"}, follow=True).text

    row = page.split(f'id="aim-{aims[1].pk}"')[1].split("</tr>")[0]
    assert f"{DOWN_BUTTON}  autofocus" in row


def test_an_aim_form_without_a_title_says_so_beside_the_field_and_keeps_the_text(
    client, editor, priority, aims
):
    client.force_login(editor)

    for url in (_url("aim_add", priority.pk), _url("aim_edit", aims[0].pk)):
        response = client.post(url, {"title": "", "baseline_data": "Figures typed with care"})

        assert response.status_code == 200
        assert "govuk-error-summary" in response.text
        assert "Enter the aim" in response.text
        assert "Figures typed with care" in response.text
    assert _aim_titles(priority) == ["Reduce ASB", "Reduce criminal damage", "Reassure residents"]


def test_removing_an_aim_keeps_the_actions_that_pointed_at_it(
    client, editor, priority, action, aims
):
    Action.objects.filter(pk=action.pk).update(aim=aims[1])
    client.force_login(editor)

    confirmation = client.get(_url("aim_remove", aims[1].pk))
    assert "1 action points at this aim. It stays in the plan, with no particular aim" in (
        confirmation.text
    )
    assert "Support the use of mediation services" in confirmation.text

    client.post(_url("aim_remove", aims[1].pk))

    action.refresh_from_db()
    assert action.aim is None
    assert action.status == Action.Status.NOT_STARTED
    assert action.version == 2
    latest = action.history.latest("history_date", "history_id")
    assert latest.history_change_reason == "Its aim was removed: Reduce criminal damage"
    assert latest.history_user == editor
    assert client.get(_url("action_edit", action.pk)).status_code == 200


def test_the_action_plan_shows_the_aims_with_their_baseline_data(
    client, viewer, editor, priority, aims
):
    client.force_login(viewer)
    page = client.get(_url("action_plan", priority.pk)).text
    assert "5,120 incidents" in page
    assert page.index("Reduce ASB") < page.index("Reduce criminal damage")
    assert _url("aim_add", priority.pk) not in page

    client.force_login(editor)
    page = client.get(_url("action_plan", priority.pk)).text
    assert f'href="{_url("aim_add", priority.pk)}"' in page
    assert f'href="{_url("aim_edit", aims[0].pk)}"' in page


# Bringing back a removed action


def test_removed_actions_are_listed_for_those_who_may_change(
    client, editor, viewer, priority, removed_action
):
    client.force_login(editor)
    page = client.get(_url("action_plan", priority.pk)).text
    assert "Removed actions" in page
    assert f'action="{_url("action_restore", removed_action.pk)}"' in page

    client.force_login(viewer)
    page = client.get(_url("action_plan", priority.pk)).text
    assert "Removed actions" not in page
    assert "Run a summer diversion scheme." not in page


def test_a_removed_action_comes_back_at_the_end_with_its_status_before(
    client, editor, priority, action, removed_action
):
    Action.objects.filter(pk=action.pk).update(order=7)
    client.force_login(editor)

    response = client.post(_url("action_restore", removed_action.pk), follow=True)

    removed_action.refresh_from_db()
    assert removed_action.status == Action.Status.IN_PROGRESS
    assert removed_action.order == 8
    assert removed_action.version == 3
    assert "with its status “In progress”" in response.text
    latest = removed_action.history.latest("history_date", "history_id")
    assert (latest.status, latest.history_user) == (Action.Status.IN_PROGRESS, editor)
    assert latest.history_change_reason == "Brought back into the plan"
    assert list(priority.actions.current().order_by("order").values_list("pk", flat=True)) == [
        action.pk,
        removed_action.pk,
    ]


def test_an_action_removed_without_history_comes_back_not_started(
    client, administrator, priority, action
):
    old = Action.objects.create(
        priority=priority, order=5, text="Removed long ago.", status=Action.Status.REMOVED
    )
    Action.history.filter(id=old.pk).delete()
    client.force_login(administrator)

    client.post(_url("action_restore", old.pk))

    old.refresh_from_db()
    assert (old.status, old.order) == (Action.Status.NOT_STARTED, 5)


def test_bringing_back_an_action_already_in_the_plan_changes_nothing(
    client, editor, priority, action
):
    client.force_login(editor)

    response = client.post(_url("action_restore", action.pk), follow=True)

    assert "The action is already part of the plan." in response.text
    action.refresh_from_db()
    assert (action.version, action.order, action.status) == (1, 1, Action.Status.NOT_STARTED)


def test_a_removed_actions_page_offers_to_bring_it_back_to_those_who_may(
    client, editor, viewer, removed_action
):
    restore = f'action="{_url("action_restore", removed_action.pk)}"'
    client.force_login(editor)
    assert restore in client.get(_url("action", removed_action.pk)).text

    client.force_login(viewer)
    page = client.get(_url("action", removed_action.pk)).text
    assert restore not in page
    assert "Whoever may change this action plan can bring it back." in page


def test_removing_an_action_says_where_to_bring_it_back(client, editor, action):
    client.force_login(editor)

    confirmation = client.get(_url("action_remove", action.pk)).text
    response = client.post(_url("action_remove", action.pk), follow=True)

    assert "brought back from the action plan's list of removed actions" in confirmation
    assert "It can be brought back from the list of removed actions below." in response.text
    assert "Bring back" in response.text


# Removing a priority while someone adds an action to it


ACTION_FORM = {
    "text": "Run a summer diversion scheme.",
    "lead_partners": "Cumbria Police",
    "status": "not_started",
}


def test_an_action_added_to_a_priority_removed_meanwhile_is_refused_with_the_text_kept(
    client, editor, plan, priorities, task_group, monkeypatch
):
    """The add page checked the priority; an administrator removed it before the save."""
    empty = priorities[2]
    Priority.objects.filter(pk=empty.pk).update(task_group=task_group)
    real_create = services.action_create

    def removed_meanwhile(**kwargs):
        Priority.objects.filter(pk=empty.pk).delete()
        return real_create(**kwargs)

    monkeypatch.setattr(views.services, "action_create", removed_meanwhile)
    client.force_login(editor)

    response = client.post(_url("action_add", empty.pk), ACTION_FORM)

    assert response.status_code == 409
    assert "This priority has been removed meanwhile." in response.text
    assert "Run a summer diversion scheme." in response.text
    assert not Action.objects.filter(text=ACTION_FORM["text"]).exists()


def _race(*calls):
    """Run the calls at once, one thread and database connection each; an exception is
    returned in its place, as the server error it would have been."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait(timeout=30)
            time.sleep(random.uniform(0, 0.1))
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - any failure is the finding
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Races need real concurrent connections with row locks; SQLite has one writer.",
)
@pytest.mark.django_db(transaction=True)
def test_removing_a_priority_racing_an_added_action_loses_nothing_and_never_errs(
    editor, administrator, plan, task_group
):
    adding, removing = Client(), Client()
    adding.force_login(editor)
    removing.force_login(administrator)
    deadline = time.monotonic() + 25
    for number in range(1, 16):
        if time.monotonic() > deadline:
            break
        priority = Priority.objects.create(
            plan=plan, order=number, title=f"Priority {number}", task_group=task_group
        )
        added, removed = _race(
            partial(adding.post, _url("action_add", priority.pk), ACTION_FORM),
            partial(removing.post, _url("priority_remove", priority.pk)),
        )
        assert not isinstance(added, Exception), added
        assert not isinstance(removed, Exception), removed
        still_there = Priority.objects.filter(pk=priority.pk).exists()
        if still_there:
            # The action came first: it is kept, and the removal was refused.
            assert (added.status_code, removed.status_code) == (302, 409)
            assert Action.objects.filter(priority=priority).count() == 1
        else:
            # The removal came first: the add was refused or found nothing, typed text kept.
            assert removed.status_code == 302
            assert added.status_code in (404, 409)
            if added.status_code == 409:
                assert ACTION_FORM["text"] in added.text


def test_a_priority_keeps_a_group_of_another_kind_the_admin_gave_it(
    client, administrator, partnership, priority
):
    delivery = Group.objects.create(
        partnership=partnership, name="Tactical Delivery Group", kind=Group.Kind.DELIVERY
    )
    Priority.objects.filter(pk=priority.pk).update(task_group=delivery)
    client.force_login(administrator)

    response = client.post(
        _url("priority_edit", priority.pk),
        {"title": priority.title, "task_group": str(delivery.pk), "aims": ""},
    )

    assert response.status_code == 302
    priority.refresh_from_db()
    assert priority.task_group == delivery


def test_the_remove_page_says_review_comments_go_with_the_priority(
    client, administrator, reviewer, plan, priorities
):
    ReviewComment.objects.create(
        plan=plan, priority=priorities[2], author=reviewer, body="Why is this here?"
    )
    client.force_login(administrator)

    page = client.get(_url("priority_remove", priorities[2].pk)).text

    assert "The 1 review comment made on it goes with it." in page
