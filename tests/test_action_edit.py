"""Adding, editing, removing and moving actions, with every refusal and validation message."""

import datetime

import pytest
from django.urls import reverse

from indicators.models import Indicator, IndicatorSet
from plans.models import Group, Plan
from priorities.models import Action, ActionLeadPartner, Aim, Priority

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_password_hashing(settings) -> None:
    """The fixtures create several users; the real hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _form(**overrides) -> dict:
    data = {
        "text": "Support school attendance initiatives.",
        "lead_partners": "Cumbria Police / Carlisle City Council",
        "indicators": "NI17, 21",
        "element": "prevention",
        "baseline_data": "",
        "review_date": "30/09/2010",
        "funding_stream": "Safer Stronger Communities Fund",
        "status": "in_progress",
        "rag": "",
    }
    data.update(overrides)
    return data


def _add_url(priority: Priority) -> str:
    return reverse("priorities:action_add", args=[priority.pk])


def _edit_url(action: Action) -> str:
    return reverse("priorities:action_edit", args=[action.pk])


def _edit_form(action: Action, **overrides) -> dict:
    return _form(version=str(action.version), **overrides)


# Adding


def test_editor_adds_an_action_with_lead_partners_and_indicators_in_order(
    client, editor, priority, national_indicators, police, council
):
    client.force_login(editor)
    response = client.post(_add_url(priority), _form())
    action = Action.objects.get()
    assert response.status_code == 302
    assert action.order == 1
    assert [lead.organisation for lead in action.lead_partners.all()] == [police, council]
    assert sorted(i.code for i in action.indicators.all()) == ["NI 17", "NI 21"]
    assert action.review_date == datetime.date(2010, 9, 30)


def test_added_action_goes_to_the_end_of_the_action_plan(client, editor, action):
    client.force_login(editor)
    client.post(_add_url(action.priority), _form())
    assert list(Action.objects.values_list("order", flat=True)) == [1, 2]


def test_added_action_is_recorded_once_in_the_history_with_its_author(
    client, editor, priority, national_indicators
):
    client.force_login(editor)
    client.post(_add_url(priority), _form())
    action = Action.objects.get()
    [record] = action.history.all()
    assert record.history_type == "+"
    assert record.history_user == editor


def test_lead_partners_may_be_the_partnership_a_group_and_an_organisation_by_full_name(
    client, administrator, priority, task_group
):
    client.force_login(administrator)
    client.post(
        _add_url(priority),
        _form(
            lead_partners="CDRP / Anti-Social Behaviour and Criminal Damage Task Group / "
            "cumbria constabulary",
            indicators="",
        ),
    )
    leads = list(Action.objects.get().lead_partners.all())
    assert [lead.kind for lead in leads] == ["partnership", "group", "organisation"]
    assert [lead.name for lead in leads] == [
        "CDRP",
        "Anti-Social Behaviour and Criminal Damage Task Group",
        "Cumbria Constabulary",
    ]


def test_add_page_shows_an_empty_form(client, editor, priority):
    client.force_login(editor)
    response = client.get(_add_url(priority))
    assert response.status_code == 200
    assert 'name="lead_partners"' in response.text


def test_add_page_sends_anonymous_visitors_to_sign_in(client, priority):
    response = client.post(_add_url(priority), _form())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert not Action.objects.exists()


def test_add_page_is_not_found_for_an_outsider(client, outsider, priority):
    client.force_login(outsider)
    assert client.post(_add_url(priority), _form()).status_code == 404
    assert not Action.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "reviewer"])
def test_read_only_roles_cannot_add_an_action(client, request, role, priority):
    client.force_login(request.getfixturevalue(role))
    response = client.post(_add_url(priority), _form())
    assert response.status_code == 403
    assert "lets you read its plans but not change them" in response.text
    assert not Action.objects.exists()


def test_editor_cannot_add_to_another_task_groups_priority(client, editor, priority, partnership):
    other_group = Group.objects.create(
        partnership=partnership, name="Domestic Abuse Task Group", kind=Group.Kind.TASK
    )
    Priority.objects.filter(pk=priority.pk).update(task_group=other_group)
    client.force_login(editor)
    response = client.post(_add_url(priority), _form())
    assert response.status_code == 403
    assert not Action.objects.exists()


@pytest.mark.parametrize("status", ["in_review", "approved", "published", "superseded"])
def test_no_action_can_be_added_to_a_plan_that_is_not_a_draft(
    client, administrator, priority, status
):
    Plan.objects.filter(pk=priority.plan_id).update(status=status)
    client.force_login(administrator)
    response = client.post(_add_url(priority), _form())
    # Refused, with the form and what was typed given back.
    assert response.status_code == 409
    assert "Only plans in draft can be changed" in response.text
    assert _form()["text"] in response.text
    assert not Action.objects.exists()


def test_superuser_may_add_to_a_draft_plan_of_any_partnership(
    client, superuser, priority, national_indicators
):
    client.force_login(superuser)
    assert client.post(_add_url(priority), _form()).status_code == 302
    assert Action.objects.count() == 1


def test_add_page_refuses_put(client, editor, priority):
    client.force_login(editor)
    assert client.put(_add_url(priority)).status_code == 405


# Validation: each message beside its field and in the summary; nothing typed is lost


def test_empty_action_text_is_refused_with_its_own_message(client, editor, priority):
    client.force_login(editor)
    response = client.post(_add_url(priority), _form(text="   "))
    assert response.status_code == 200
    assert response.context["form"].errors["text"] == [
        "Enter the action: what the partners will do"
    ]
    assert response.text.count("Enter the action: what the partners will do") == 2
    assert "govuk-error-summary" in response.text
    assert not Action.objects.exists()


def test_over_long_action_text_is_refused_with_its_own_message(client, editor, priority):
    client.force_login(editor)
    response = client.post(_add_url(priority), _form(text="x" * 2001))
    assert response.context["form"].errors["text"] == [
        "The action must be 2,000 characters or fewer"
    ]
    assert not Action.objects.exists()


def test_unknown_indicator_code_is_named_in_the_message(
    client, editor, priority, national_indicators
):
    client.force_login(editor)
    response = client.post(_add_url(priority), _form(indicators="NI17, ni999"))
    assert response.context["form"].errors["indicators"] == [
        "We could not find an indicator with the code NI 999"
    ]
    assert not Action.objects.exists()


def test_unknown_lead_partner_is_kept_as_written_with_a_notice(
    client, editor, priority, national_indicators, police
):
    client.force_login(editor)
    response = client.post(
        _add_url(priority), _form(lead_partners="Cumbria Police / Let Go"), follow=True
    )
    action = Action.objects.get()
    unlisted = ActionLeadPartner.objects.get(action=action, order=2)
    assert unlisted.kind == ActionLeadPartner.Kind.AS_WRITTEN
    assert unlisted.printed_as == "Let Go"
    assert "“Let Go” is not one of the partnership&#x27;s organisations; it is kept as written" in (
        response.content.decode()
    )


def test_organisation_of_another_partnership_is_kept_as_written_not_linked(
    client, editor, priority, other_partnership, national_indicators
):
    client.force_login(editor)
    client.post(_add_url(priority), _form(lead_partners="West Cumbria CSP"))
    [lead] = Action.objects.get().lead_partners.all()
    assert lead.kind == ActionLeadPartner.Kind.AS_WRITTEN
    assert lead.organisation is None and lead.group is None


def test_a_lead_partner_listed_twice_is_refused(client, editor, priority):
    client.force_login(editor)
    response = client.post(
        _add_url(priority), _form(lead_partners="Cumbria Police / Cumbria Police")
    )
    assert response.context["form"].errors["lead_partners"] == [
        "“Cumbria Police” is listed more than once"
    ]


def test_review_date_before_the_plan_starts_is_saved_with_a_warning(
    client, editor, priority, national_indicators, police, council
):
    client.force_login(editor)
    response = client.post(_add_url(priority), _form(review_date="31/03/2010"), follow=True)
    assert Action.objects.get().review_date == datetime.date(2010, 3, 31)
    assert "falls before the plan&#x27;s period (2010/11)" in response.content.decode()


def test_impossible_review_date_is_refused(client, editor, priority):
    client.force_login(editor)
    response = client.post(_add_url(priority), _form(review_date="31/02/2011"))
    assert response.context["form"].errors["review_date"] == [
        "31/02/2011 is not a real day: February 2011 has 28 days"
    ]
    assert not Action.objects.exists()


def test_invalid_form_keeps_everything_typed(client, editor, priority):
    client.force_login(editor)
    response = client.post(_add_url(priority), _form(indicators="NI 999"))
    assert "Support school attendance initiatives." in response.text
    assert 'value="Cumbria Police / Carlisle City Council"' in response.text
    assert 'value="Safer Stronger Communities Fund"' in response.text
    assert 'value="NI 999"' in response.text


# Editing


def test_editor_edits_an_action_and_the_version_goes_up(
    client, editor, action, council, national_indicators
):
    client.force_login(editor)
    response = client.post(
        _edit_url(action),
        _edit_form(action, text="Mediation for early intervention.", lead_partners="CDRP"),
    )
    action.refresh_from_db()
    assert response.status_code == 302
    assert action.text == "Mediation for early intervention."
    assert action.version == 2
    assert [lead.kind for lead in action.lead_partners.all()] == ["partnership"]


def test_edit_form_shows_the_lead_partners_and_indicators_as_typed_text(client, editor, action):
    client.force_login(editor)
    response = client.get(_edit_url(action))
    assert 'value="Cumbria Police"' in response.text
    assert 'value="NI 17, NI 21"' in response.text


def test_edit_keeps_a_lead_partner_printed_in_the_documents_own_words(
    client, editor, action, council
):
    ActionLeadPartner.objects.create(
        action=action,
        order=2,
        kind=ActionLeadPartner.Kind.ORGANISATION,
        organisation=council,
        printed_as="Children’s Services",
    )
    client.force_login(editor)
    form = client.get(_edit_url(action)).context["form"]
    client.post(_edit_url(action), _edit_form(action, lead_partners=form.initial["lead_partners"]))
    leads = list(action.lead_partners.all())
    assert [lead.name for lead in leads] == ["Cumbria Police", "Children’s Services"]
    assert leads[1].organisation == council


def test_edit_records_who_changed_what_in_the_history(client, editor, action):
    client.force_login(editor)
    client.post(_edit_url(action), _edit_form(action, status="complete"))
    latest = action.history.latest()
    assert latest.history_user == editor
    assert latest.status == "complete"
    assert sorted(latest.indicators.values_list("indicator__code", flat=True)) == [
        "NI 17",
        "NI 21",
    ]


def test_invalid_edit_changes_nothing(client, editor, action):
    client.force_login(editor)
    response = client.post(
        _edit_url(action), _edit_form(action, text="New words", indicators="NI 404")
    )
    action.refresh_from_db()
    assert response.status_code == 200
    assert "We could not find an indicator with the code NI 404" in response.text
    assert action.text.startswith("Support the use of mediation")
    assert action.version == 1


def test_aim_can_be_chosen_only_from_the_actions_own_priority(client, editor, action, plan):
    other_priority = Priority.objects.create(plan=plan, order=2, title="Domestic Abuse")
    foreign_aim = Aim.objects.create(priority=other_priority, order=1, title="Elsewhere")
    Aim.objects.create(priority=action.priority, order=1, title="Reduce ASB")
    client.force_login(editor)
    response = client.post(_edit_url(action), _edit_form(action, aim=str(foreign_aim.pk)))
    assert response.context["form"].errors["aim"] == ["Choose one of this priority's aims"]


def test_edit_page_is_not_found_for_an_outsider(client, outsider, action):
    client.force_login(outsider)
    assert client.get(_edit_url(action)).status_code == 404


def test_edit_page_sends_anonymous_visitors_to_sign_in(client, action):
    response = client.get(_edit_url(action))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_viewer_cannot_edit_an_action(client, viewer, action):
    client.force_login(viewer)
    response = client.post(_edit_url(action), _edit_form(action, text="Changed"))
    action.refresh_from_db()
    assert response.status_code == 403
    assert action.text.startswith("Support the use of mediation")


def test_action_of_a_published_plan_cannot_be_edited(client, administrator, action):
    Plan.objects.filter(pk=action.priority.plan_id).update(status=Plan.Status.PUBLISHED)
    client.force_login(administrator)
    response = client.post(_edit_url(action), _edit_form(action, text="Changed"))
    assert response.status_code == 409
    assert "is published, so it can no longer be changed" in response.text
    assert Action.objects.get(pk=action.pk).text == action.text


def test_edit_page_refuses_delete(client, editor, action):
    client.force_login(editor)
    assert client.delete(_edit_url(action)).status_code == 405


def test_edit_page_answers_htmx_with_a_row_form(client, editor, action):
    client.force_login(editor)
    response = client.get(_edit_url(action), headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<tr class="govuk-table__row cspplan-inline-edit"')
    assert "<html" not in response.text


# Two officers at once


def test_second_save_of_the_same_version_is_refused_and_shows_the_first_change(
    client, administrator, editor, action
):
    seen_version = action.version
    client.force_login(administrator)
    client.post(
        _edit_url(action), _edit_form(action, text=action.text, funding_stream="Home Office")
    )
    client.force_login(editor)
    response = client.post(
        _edit_url(action),
        _form(version=str(seen_version), text="The editor's own words"),
    )
    action.refresh_from_db()
    assert response.status_code == 409
    assert action.funding_stream == "Home Office"
    assert action.text.startswith("Support the use of mediation")
    assert "Someone else changed this action" in response.text
    assert "administrator" in response.text
    assert "Home Office" in response.text


def test_refused_second_save_keeps_the_typed_text_and_can_then_be_saved(
    client, administrator, editor, action
):
    seen_version = action.version
    client.force_login(administrator)
    client.post(_edit_url(action), _edit_form(action, funding_stream="Home Office"))
    client.force_login(editor)
    refused = client.post(
        _edit_url(action), _form(version=str(seen_version), text="The editor's own words")
    )
    assert "The editor&#x27;s own words" in refused.text
    assert refused.context["form"]["version"].value() == "2"
    merged = _form(version="2", text="The editor's own words", funding_stream="Home Office")
    assert client.post(_edit_url(action), merged).status_code == 302
    action.refresh_from_db()
    assert (action.text, action.version) == ("The editor's own words", 3)


# Removing


def test_removing_an_action_marks_it_removed_and_keeps_it(client, editor, action):
    client.force_login(editor)
    response = client.post(reverse("priorities:action_remove", args=[action.pk]))
    action.refresh_from_db()
    assert response.status_code == 302
    assert action.status == Action.Status.REMOVED
    assert action.history.latest().history_user == editor


def test_remove_page_asks_for_confirmation_first(client, editor, action):
    client.force_login(editor)
    response = client.get(reverse("priorities:action_remove", args=[action.pk]))
    action.refresh_from_db()
    assert "Are you sure you want to remove this action?" in response.text
    assert action.status != Action.Status.REMOVED


def test_viewer_cannot_remove_an_action(client, viewer, action):
    client.force_login(viewer)
    response = client.post(reverse("priorities:action_remove", args=[action.pk]))
    action.refresh_from_db()
    assert response.status_code == 403
    assert action.status != Action.Status.REMOVED


def test_outsider_cannot_remove_an_action(client, outsider, action):
    client.force_login(outsider)
    assert client.post(reverse("priorities:action_remove", args=[action.pk])).status_code == 404


def test_remove_page_sends_anonymous_visitors_to_sign_in(client, action):
    response = client.post(reverse("priorities:action_remove", args=[action.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_remove_page_refuses_put(client, editor, action):
    client.force_login(editor)
    assert client.put(reverse("priorities:action_remove", args=[action.pk])).status_code == 405


def test_a_removed_action_cannot_be_edited(client, editor, action):
    Action.objects.filter(pk=action.pk).update(status=Action.Status.REMOVED)
    client.force_login(editor)
    response = client.get(_edit_url(action))
    assert response.status_code == 403
    assert "Whoever may change this action plan can bring it back" in response.text


# Moving


@pytest.fixture
def three_actions(priority) -> list[Action]:
    return [
        Action.objects.create(priority=priority, order=order, text=f"Action {order}")
        for order in (1, 2, 3)
    ]


def _move(client, action: Action, direction: str):
    return client.post(
        reverse("priorities:action_move", args=[action.pk]), {"direction": direction}
    )


def _texts(priority: Priority) -> list[str]:
    return list(priority.actions.order_by("order").values_list("text", flat=True))


def test_moving_an_action_up_swaps_it_with_the_one_above(client, editor, priority, three_actions):
    client.force_login(editor)
    response = _move(client, three_actions[2], "up")
    assert response.status_code == 302
    assert _texts(priority) == ["Action 1", "Action 3", "Action 2"]


def test_moving_an_action_down_swaps_it_with_the_one_below(client, editor, priority, three_actions):
    client.force_login(editor)
    _move(client, three_actions[0], "down")
    assert _texts(priority) == ["Action 2", "Action 1", "Action 3"]


def test_moving_the_first_action_up_changes_nothing(client, editor, priority, three_actions):
    client.force_login(editor)
    _move(client, three_actions[0], "up")
    assert _texts(priority) == ["Action 1", "Action 2", "Action 3"]


def test_moving_skips_over_removed_actions(client, editor, priority, three_actions):
    Action.objects.filter(pk=three_actions[1].pk).update(status=Action.Status.REMOVED)
    client.force_login(editor)
    _move(client, three_actions[2], "up")
    assert _texts(priority) == ["Action 3", "Action 2", "Action 1"]


def test_after_a_move_the_same_button_has_the_focus(client, editor, priority, three_actions):
    client.force_login(editor)
    response = client.post(
        reverse("priorities:action_move", args=[three_actions[2].pk]),
        {"direction": "up"},
        follow=True,
    )
    row = response.text.split(f'id="action-{three_actions[2].pk}"')[1].split("</tr>")[0]
    assert 'value="up"' in row.split("autofocus")[0].rsplit("<button", 1)[1]


def test_move_with_no_direction_is_a_bad_request(client, editor, three_actions):
    client.force_login(editor)
    assert _move(client, three_actions[0], "sideways").status_code == 400


def test_viewer_cannot_move_an_action(client, viewer, priority, three_actions):
    client.force_login(viewer)
    assert _move(client, three_actions[2], "up").status_code == 403
    assert _texts(priority) == ["Action 1", "Action 2", "Action 3"]


def test_outsider_cannot_move_an_action(client, outsider, three_actions):
    client.force_login(outsider)
    assert _move(client, three_actions[2], "up").status_code == 404


def test_move_sends_anonymous_visitors_to_sign_in(client, three_actions):
    response = _move(client, three_actions[2], "up")
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_move_refuses_get(client, editor, three_actions):
    client.force_login(editor)
    assert (
        client.get(reverse("priorities:action_move", args=[three_actions[0].pk])).status_code == 405
    )


def test_edit_cannot_mark_an_action_removed_through_the_status_field(client, editor, action):
    client.force_login(editor)
    response = client.post(_edit_url(action), _edit_form(action, status="removed"))
    action.refresh_from_db()
    assert response.context["form"].errors["status"] == ["Choose a status from the list"]
    assert action.status != Action.Status.REMOVED


def test_htmx_row_form_is_not_found_for_an_outsider(client, outsider, action):
    client.force_login(outsider)
    response = client.get(_edit_url(action), headers={"HX-Request": "true"})
    assert response.status_code == 404


def test_htmx_row_form_is_refused_to_a_viewer(client, viewer, action):
    client.force_login(viewer)
    response = client.get(_edit_url(action), headers={"HX-Request": "true"})
    assert response.status_code == 403


def test_a_bare_number_matching_codes_in_two_sets_asks_for_the_full_code(
    client, editor, priority, national_indicators
):
    local = IndicatorSet.objects.create(name="Carlisle local indicators", slug="carlisle-local")
    Indicator.objects.create(indicator_set=local, code="LI 21", title="Local concerns")
    client.force_login(editor)
    response = client.post(_add_url(priority), _form(indicators="21"))
    assert response.context["form"].errors["indicators"] == [
        "“21” could be NI 21 (National Indicator Set), LI 21 (Carlisle local indicators). "
        "Type the code in full"
    ]


def test_the_same_indicator_typed_twice_is_linked_once(
    client, editor, priority, national_indicators
):
    client.force_login(editor)
    client.post(_add_url(priority), _form(indicators="NI17, 17, ni 17"))
    assert [i.code for i in Action.objects.get().indicators.all()] == ["NI 17"]
