"""A partnership administrator sets up the partnership's groups and people in the app."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from plans.models import Group, Membership, Organisation, PartnershipOrganisation
from plans.partnership_forms import GroupForm
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _url(name: str, partnership, *args) -> str:
    return reverse(f"plans:{name}", args=[partnership.slug, *args])


@pytest.fixture
def board(partnership) -> Group:
    return Group.objects.create(
        partnership=partnership, name="Partnership Board", kind=Group.Kind.LEADERSHIP
    )


@pytest.fixture
def viewer_membership(viewer) -> Membership:
    return viewer.memberships.get()


@pytest.fixture
def pages(partnership, task_group, viewer_membership) -> dict[str, str]:
    """Every page of the concern, by name, for the permission tests."""
    return {
        "partnership": _url("partnership_manage", partnership),
        "group add": _url("group_add", partnership),
        "group edit": _url("group_edit", partnership, task_group.pk),
        "person add": _url("person_add", partnership),
        "person edit": _url("person_edit", partnership, viewer_membership.pk),
        "person remove": _url("person_remove", partnership, viewer_membership.pk),
    }


PAGE_NAMES = [
    "partnership",
    "group add",
    "group edit",
    "person add",
    "person edit",
    "person remove",
]


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", ["administrator", "superuser"])
def test_administrators_and_superusers_open_every_page(client, request, pages, page, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(pages[page])

    assert response.status_code == 200


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_anonymous_visitors_are_sent_to_sign_in(client, pages, page):
    response = client.get(pages[page])

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_outsiders_are_told_nothing(client, outsider, pages, page):
    client.force_login(outsider)

    assert client.get(pages[page]).status_code == 404


@pytest.mark.parametrize("page", PAGE_NAMES)
@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_other_members_are_refused_with_a_reason(client, request, pages, page, role):
    client.force_login(request.getfixturevalue(role))

    response = client.get(pages[page])

    assert response.status_code == 403
    assert "Only the partnership’s administrators" in response.content.decode()


@pytest.mark.parametrize("page", PAGE_NAMES)
def test_pages_refuse_other_methods(client, administrator, pages, page):
    client.force_login(administrator)

    assert client.put(pages[page]).status_code == 405


def test_partnership_page_refuses_post(client, administrator, partnership):
    client.force_login(administrator)

    assert client.post(_url("partnership_manage", partnership)).status_code == 405


def test_partnership_page_lists_groups_and_people(
    client, administrator, editor, partnership, task_group, board
):
    task_group.reports_to = board
    task_group.save()
    client.force_login(administrator)

    page = client.get(_url("partnership_manage", partnership)).content.decode()

    assert "Pat Chair" in page
    assert "Partnership Board" in page
    assert "editor@example.org" in page
    assert task_group.name in page


def test_partnership_page_query_count_does_not_grow_with_people(
    client, administrator, partnership, task_group, django_assert_max_num_queries
):
    for number in range(10):
        user = User.objects.create_user(username=f"person{number}")
        membership = Membership.objects.create(
            user=user, partnership=partnership, role=Membership.Role.EDITOR
        )
        membership.task_groups.add(task_group)
    client.force_login(administrator)

    with django_assert_max_num_queries(12):
        client.get(_url("partnership_manage", partnership))


def test_home_links_administrators_to_manage_the_partnership(client, administrator, partnership):
    client.force_login(administrator)

    page = client.get(reverse("home")).content.decode()

    assert _url("partnership_manage", partnership) in page


def test_home_does_not_offer_editors_the_management_link(client, editor, partnership):
    client.force_login(editor)

    page = client.get(reverse("home")).content.decode()

    assert _url("partnership_manage", partnership) not in page


# Groups


def _group_form(**changes) -> dict:
    return {"name": "Reducing Reoffending Task Group", "kind": "task", **changes}


def test_administrator_adds_a_group(client, administrator, partnership, board, police):
    PartnershipOrganisation.objects.create(
        partnership=partnership,
        organisation=police,
        role=PartnershipOrganisation.Role.RESPONSIBLE_AUTHORITY,
    )
    client.force_login(administrator)

    response = client.post(
        _url("group_add", partnership),
        _group_form(
            reports_to=board.pk,
            chair_name="Sam Chair",
            chair_email="sam@example.org",
            chair_organisation=police.pk,
        ),
    )

    assert response.status_code == 302
    group = Group.objects.get(name="Reducing Reoffending Task Group")
    assert (group.partnership, group.reports_to, group.chair_organisation) == (
        partnership,
        board,
        police,
    )


def test_invalid_group_is_shown_again_with_errors_and_not_saved(client, administrator, partnership):
    client.force_login(administrator)

    response = client.post(
        _url("group_add", partnership), _group_form(name="", chair_email="not an email")
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    assert "Enter the group’s name" in page
    assert "Enter the chair’s email like name@example.org" in page
    assert not Group.objects.filter(partnership=partnership, kind="task").exists()


def test_group_name_must_be_new_in_the_partnership(client, administrator, partnership, board):
    client.force_login(administrator)

    response = client.post(_url("group_add", partnership), _group_form(name="partnership board"))

    assert "already has a group of that name" in response.content.decode()
    assert Group.objects.filter(partnership=partnership).count() == 1


def test_a_group_name_taken_a_moment_earlier_is_refused_beside_the_name(
    client, administrator, partnership, monkeypatch
):
    real_is_valid = GroupForm.is_valid

    def named_a_moment_after_checking(form) -> bool:
        valid = real_is_valid(form)
        Group.objects.create(partnership=partnership, name="Hate Crime Task Group", kind="task")
        return valid

    monkeypatch.setattr(GroupForm, "is_valid", named_a_moment_after_checking)
    client.force_login(administrator)

    response = client.post(
        _url("group_add", partnership), _group_form(name="Hate Crime Task Group")
    )

    assert response.status_code == 200
    assert "already has a group of that name" in response.content.decode()
    assert 'value="Hate Crime Task Group"' in response.content.decode()
    assert Group.objects.filter(partnership=partnership, name="Hate Crime Task Group").count() == 1


def test_administrator_edits_a_group(client, administrator, partnership, task_group, board):
    client.force_login(administrator)

    client.post(
        _url("group_edit", partnership, task_group.pk),
        _group_form(name="ASB Task Group", reports_to=board.pk),
    )

    task_group.refresh_from_db()
    assert (task_group.name, task_group.reports_to) == ("ASB Task Group", board)


def test_group_cannot_report_to_a_group_below_it(
    client, administrator, partnership, task_group, board
):
    task_group.reports_to = board
    task_group.save()
    client.force_login(administrator)

    response = client.post(
        _url("group_edit", partnership, board.pk),
        _group_form(name="Partnership Board", kind="leadership", reports_to=task_group.pk),
    )

    assert "already reports, directly or through other groups" in response.content.decode()
    board.refresh_from_db()
    assert board.reports_to is None


def test_group_cannot_report_to_itself(client, administrator, partnership, board):
    client.force_login(administrator)

    response = client.post(
        _url("group_edit", partnership, board.pk),
        _group_form(name="Partnership Board", kind="leadership", reports_to=board.pk),
    )

    assert "Choose a group of this partnership" in response.content.decode()
    board.refresh_from_db()
    assert board.reports_to is None


def test_group_cannot_report_to_another_partnerships_group(
    client, administrator, partnership, other_partnership
):
    elsewhere = Group.objects.create(
        partnership=other_partnership, name="West Board", kind=Group.Kind.LEADERSHIP
    )
    client.force_login(administrator)

    response = client.post(_url("group_add", partnership), _group_form(reports_to=elsewhere.pk))

    assert "Choose a group of this partnership" in response.content.decode()
    assert not Group.objects.filter(name="Reducing Reoffending Task Group").exists()


def test_chair_organisation_must_take_part_in_the_partnership(client, administrator, partnership):
    stranger = Organisation.objects.create(name="Somewhere Else Council")
    client.force_login(administrator)

    response = client.post(
        _url("group_add", partnership), _group_form(chair_organisation=stranger.pk)
    )

    assert "Choose an organisation taking part in this partnership" in response.content.decode()
    assert not Group.objects.filter(name="Reducing Reoffending Task Group").exists()


def test_another_partnerships_group_is_not_found(
    client, administrator, partnership, other_partnership
):
    elsewhere = Group.objects.create(
        partnership=other_partnership, name="West Board", kind=Group.Kind.LEADERSHIP
    )
    client.force_login(administrator)

    assert client.get(_url("group_edit", partnership, elsewhere.pk)).status_code == 404


# People


def test_administrator_changes_a_role_and_task_groups(
    client, administrator, partnership, viewer_membership, task_group
):
    client.force_login(administrator)

    client.post(
        _url("person_edit", partnership, viewer_membership.pk),
        {"role": "editor", "task_groups": [task_group.pk]},
    )

    viewer_membership.refresh_from_db()
    assert viewer_membership.role == "editor"
    assert list(viewer_membership.task_groups.all()) == [task_group]


def test_task_groups_are_dropped_when_an_editor_becomes_a_reviewer(
    client, administrator, partnership, editor, task_group
):
    membership = editor.memberships.get()
    client.force_login(administrator)

    client.post(
        _url("person_edit", partnership, membership.pk),
        {"role": "reviewer", "task_groups": [task_group.pk]},
    )

    membership.refresh_from_db()
    assert membership.role == "reviewer"
    assert not membership.task_groups.exists()


def test_invalid_role_change_is_shown_again_and_not_saved(
    client, administrator, partnership, viewer_membership
):
    client.force_login(administrator)

    response = client.post(_url("person_edit", partnership, viewer_membership.pk), {"role": "boss"})

    assert "govuk-error-summary" in response.content.decode()
    viewer_membership.refresh_from_db()
    assert viewer_membership.role == "viewer"


def test_last_administrator_cannot_demote_themselves(client, administrator, partnership):
    membership = administrator.memberships.get()
    client.force_login(administrator)

    response = client.post(_url("person_edit", partnership, membership.pk), {"role": "viewer"})

    assert "the partnership’s last administrator" in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == "administrator"


def test_last_administrator_cannot_remove_themselves(client, administrator, partnership):
    membership = administrator.memberships.get()
    client.force_login(administrator)

    response = client.post(_url("person_remove", partnership, membership.pk))

    assert "the partnership’s last administrator" in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_an_administrator_may_step_down_when_another_remains(
    client, administrator, partnership, viewer_membership
):
    viewer_membership.role = Membership.Role.ADMINISTRATOR
    viewer_membership.save()
    membership = administrator.memberships.get()
    client.force_login(administrator)

    client.post(_url("person_edit", partnership, membership.pk), {"role": "editor"})

    membership.refresh_from_db()
    assert membership.role == "editor"


def test_removal_asks_for_confirmation_first(client, administrator, partnership, viewer_membership):
    client.force_login(administrator)

    response = client.get(_url("person_remove", partnership, viewer_membership.pk))

    assert "Remove viewer from the partnership?" in response.content.decode()
    assert Membership.objects.filter(pk=viewer_membership.pk).exists()


def test_removal_keeps_the_user_account(client, administrator, partnership, viewer):
    membership = viewer.memberships.get()
    client.force_login(administrator)

    response = client.post(_url("person_remove", partnership, membership.pk))

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert User.objects.get(pk=viewer.pk).check_password(PASSWORD)


def test_another_partnerships_membership_is_not_found(client, administrator, partnership, outsider):
    client.force_login(administrator)

    response = client.post(_url("person_remove", partnership, outsider.memberships.get().pk))

    assert response.status_code == 404
    assert outsider.memberships.exists()
