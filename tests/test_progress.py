"""An action's own page: progress updates newest first, the history of changes, and the
priority's own words and aims."""

import datetime

import pytest
from django.urls import reverse

from plans.models import Plan
from priorities.models import Action, Aim, Priority, ProgressUpdate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def quick_password_hashing(settings) -> None:
    """The fixtures create several users; the real hasher would dominate the run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _progress_url(action: Action) -> str:
    return reverse("priorities:progress_add", args=[action.pk])


def _update(**overrides) -> dict:
    data = {
        "reported_on_0": "15",
        "reported_on_1": "7",
        "reported_on_2": "2010",
        "rag": "amber",
        "note": "Mediation referrals are running behind the target.",
    }
    data.update(overrides)
    return data


# The action page


def test_action_page_shows_progress_updates_newest_first(client, viewer, action):
    for day, note in [(1, "First"), (20, "Latest"), (10, "Middle")]:
        ProgressUpdate.objects.create(
            action=action, reported_on=datetime.date(2010, 7, day), rag="green", note=note
        )
    client.force_login(viewer)
    response = client.get(reverse("priorities:action", args=[action.pk]))
    assert response.status_code == 200
    assert [u.note for u in response.context["updates"]] == ["Latest", "Middle", "First"]


def test_action_page_shows_who_changed_what_newest_first(client, editor, action):
    client.force_login(editor)
    client.post(
        reverse("priorities:action_edit", args=[action.pk]),
        {
            "text": action.text,
            "lead_partners": "Cumbria Police",
            "indicators": "NI17, NI21",
            "status": "in_progress",
            "funding_stream": "Home Office",
            "version": "1",
        },
    )
    response = client.get(reverse("priorities:action", args=[action.pk]))
    latest = response.context["history"][0]
    assert latest.who == "editor"
    changes = {change.label: (change.before, change.after) for change in latest.changes}
    assert changes["Status"] == ("Not started", "In progress")
    assert changes["Funding stream"] == ("(none)", "Home Office")
    assert "From “Not started” to “In progress”" in response.text


def test_action_page_history_shows_indicator_changes(client, editor, action):
    client.force_login(editor)
    client.post(
        reverse("priorities:action_edit", args=[action.pk]),
        {
            "text": action.text,
            "lead_partners": "Cumbria Police",
            "indicators": "NI 41",
            "status": "not_started",
            "version": "1",
        },
    )
    response = client.get(reverse("priorities:action", args=[action.pk]))
    changes = {c.label: (c.before, c.after) for c in response.context["history"][0].changes}
    assert changes["Linked indicators"] == ("NI 17, NI 21", "NI 41")


def test_action_page_history_notes_a_change_of_lead_partners(client, editor, action):
    client.force_login(editor)
    client.post(
        reverse("priorities:action_edit", args=[action.pk]),
        {
            "text": action.text,
            "lead_partners": "Cumbria Police / CDRP",
            "indicators": "NI17, NI21",
            "status": "not_started",
            "version": "1",
        },
    )

    response = client.get(reverse("priorities:action", args=[action.pk]))

    assert (
        response.context["history"][0].note
        == "Lead partners: Cumbria Police → Cumbria Police / CDRP"
    )
    assert "Lead partners: Cumbria Police → Cumbria Police / CDRP" in response.text


def test_action_page_offers_the_progress_form_to_the_editor(client, editor, action):
    client.force_login(editor)
    response = client.get(reverse("priorities:action", args=[action.pk]))
    assert response.context["progress_form"] is not None
    assert _progress_url(action) in response.text


def test_action_page_offers_no_progress_form_to_a_viewer(client, viewer, action):
    client.force_login(viewer)
    response = client.get(reverse("priorities:action", args=[action.pk]))
    assert response.context["progress_form"] is None


def test_action_page_says_when_an_action_was_removed(client, viewer, action):
    Action.objects.filter(pk=action.pk).update(status=Action.Status.REMOVED)
    client.force_login(viewer)
    response = client.get(reverse("priorities:action", args=[action.pk]))
    assert "This action has been removed from the plan" in response.text


def test_action_page_sends_anonymous_visitors_to_sign_in(client, action):
    response = client.get(reverse("priorities:action", args=[action.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_action_page_is_not_found_for_an_outsider(client, outsider, action):
    client.force_login(outsider)
    assert client.get(reverse("priorities:action", args=[action.pk])).status_code == 404


def test_action_page_refuses_post(client, editor, action):
    client.force_login(editor)
    assert client.post(reverse("priorities:action", args=[action.pk])).status_code == 405


# Recording progress


def test_editor_records_a_progress_update(client, editor, action):
    client.force_login(editor)
    response = client.post(_progress_url(action), _update())
    update = action.progress_updates.get()
    assert response.status_code == 302
    assert (update.reported_on, update.rag, update.author) == (
        datetime.date(2010, 7, 15),
        "amber",
        editor,
    )


def test_latest_progress_update_sets_the_actions_rag_rating(client, editor, action):
    client.force_login(editor)
    client.post(_progress_url(action), _update(rag="red"))
    action.refresh_from_db()
    assert action.rag == "red"
    assert action.version == 2
    assert action.history.latest().history_user == editor


def test_older_progress_update_leaves_the_rag_rating_alone(client, editor, action):
    ProgressUpdate.objects.create(
        action=action, reported_on=datetime.date(2010, 8, 1), rag="green", note="Recent"
    )
    Action.objects.filter(pk=action.pk).update(rag="green")
    client.force_login(editor)
    client.post(_progress_url(action), _update(rag="red"))
    action.refresh_from_db()
    assert action.rag == "green"
    assert action.progress_updates.count() == 2


def test_progress_update_needs_a_note(client, editor, action):
    client.force_login(editor)
    response = client.post(_progress_url(action), _update(note="  "))
    assert response.status_code == 200
    assert response.context["form"].errors["note"] == ["Say what progress has been made"]
    assert "govuk-error-summary" in response.text
    assert not action.progress_updates.exists()


def test_progress_update_needs_a_rag_rating(client, editor, action):
    client.force_login(editor)
    response = client.post(_progress_url(action), _update(rag=""))
    assert response.context["form"].errors["rag"] == ["Choose a RAG rating: red, amber or green"]
    assert "Mediation referrals are running behind the target." in response.text


def test_progress_update_needs_a_date(client, editor, action):
    client.force_login(editor)
    response = client.post(
        _progress_url(action), _update(reported_on_0="", reported_on_1="", reported_on_2="")
    )
    assert response.context["form"].errors["reported_on"] == ["Enter the date of the update"]


def test_progress_update_note_may_not_be_over_long(client, editor, action):
    client.force_login(editor)
    response = client.post(_progress_url(action), _update(note="x" * 4001))
    assert response.context["form"].errors["note"] == [
        "The progress note must be 4,000 characters or fewer"
    ]


def test_viewer_cannot_record_progress(client, viewer, action):
    client.force_login(viewer)
    assert client.post(_progress_url(action), _update()).status_code == 403
    assert not action.progress_updates.exists()


def test_outsider_cannot_record_progress(client, outsider, action):
    client.force_login(outsider)
    assert client.post(_progress_url(action), _update()).status_code == 404


def test_editor_records_progress_on_a_published_plan(client, editor, action):
    Plan.objects.filter(pk=action.priority.plan_id).update(status=Plan.Status.PUBLISHED)
    client.force_login(editor)

    response = client.post(_progress_url(action), _update())

    assert response.status_code == 302
    assert action.progress_updates.get().author == editor


def test_action_page_of_a_published_plan_offers_the_progress_form(client, editor, action):
    Plan.objects.filter(pk=action.priority.plan_id).update(status=Plan.Status.PUBLISHED)
    client.force_login(editor)

    response = client.get(reverse("priorities:action", args=[action.pk]))

    assert response.context["progress_form"] is not None
    assert not response.context["can_change"]


def test_progress_cannot_be_recorded_on_a_superseded_plan(client, administrator, action):
    Plan.objects.filter(pk=action.priority.plan_id).update(status=Plan.Status.SUPERSEDED)
    client.force_login(administrator)

    response = client.post(_progress_url(action), _update())

    assert response.status_code == 403
    assert "superseded" in response.text
    assert not action.progress_updates.exists()


def test_progress_page_sends_anonymous_visitors_to_sign_in(client, action):
    response = client.post(_progress_url(action), _update())
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_progress_page_refuses_put(client, editor, action):
    client.force_login(editor)
    assert client.put(_progress_url(action)).status_code == 405


# The priority's own words and aims


def _priority_form(**overrides) -> dict:
    data = {
        "title": "Anti-Social Behaviour and Criminal Damage",
        "background": "ASB is the public's top concern.",
        "aim": "To contribute to a high quality of life for all.",
        "measuring_performance": "NI 17 and NI 21.",
        "measuring_difficulties": "",
        "aims": "Reduce ASB\nReduce criminal damage",
    }
    data.update(overrides)
    return data


def test_editor_edits_the_priority_and_its_aims(client, editor, priority):
    client.force_login(editor)
    response = client.post(
        reverse("priorities:priority_edit", args=[priority.pk]), _priority_form()
    )
    priority.refresh_from_db()
    assert response.status_code == 302
    assert priority.background == "ASB is the public's top concern."
    assert list(priority.aims.values_list("order", "title")) == [
        (1, "Reduce ASB"),
        (2, "Reduce criminal damage"),
    ]
    assert priority.history.latest().history_user == editor


def test_editing_aims_keeps_baseline_data_by_position_and_drops_the_rest(client, editor, priority):
    Aim.objects.create(priority=priority, order=1, title="Old first", baseline_data="2009: 120")
    Aim.objects.create(priority=priority, order=2, title="Old second")
    Aim.objects.create(priority=priority, order=3, title="Old third")
    client.force_login(editor)
    client.post(
        reverse("priorities:priority_edit", args=[priority.pk]),
        _priority_form(aims="New first\nNew second"),
    )
    aims = list(priority.aims.order_by("order"))
    assert [(a.title, a.baseline_data) for a in aims] == [
        ("New first", "2009: 120"),
        ("New second", ""),
    ]


def test_priority_needs_a_title(client, editor, priority):
    client.force_login(editor)
    response = client.post(
        reverse("priorities:priority_edit", args=[priority.pk]), _priority_form(title="")
    )
    assert response.context["form"].errors["title"] == ["Enter the priority's title"]
    assert Priority.objects.get().title == "Anti-Social Behaviour and Criminal Damage"


def test_viewer_cannot_edit_a_priority(client, viewer, priority):
    client.force_login(viewer)
    response = client.post(
        reverse("priorities:priority_edit", args=[priority.pk]), _priority_form(title="X")
    )
    assert response.status_code == 403
    assert Priority.objects.get().title != "X"


def test_outsider_cannot_edit_a_priority(client, outsider, priority):
    client.force_login(outsider)
    url = reverse("priorities:priority_edit", args=[priority.pk])
    assert client.get(url).status_code == 404


def test_priority_edit_sends_anonymous_visitors_to_sign_in(client, priority):
    response = client.get(reverse("priorities:priority_edit", args=[priority.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_priority_edit_refuses_put(client, editor, priority):
    client.force_login(editor)
    assert client.put(reverse("priorities:priority_edit", args=[priority.pk])).status_code == 405


def test_priority_edit_shows_the_current_words(client, editor, priority):
    Aim.objects.create(priority=priority, order=1, title="Reduce ASB")
    client.force_login(editor)
    response = client.get(reverse("priorities:priority_edit", args=[priority.pk]))
    assert response.status_code == 200
    assert "Reduce ASB" in response.text


# Suggestions as officers type


def test_partner_suggestions_offer_matching_names_completing_the_field(client, editor, priority):
    client.force_login(editor)
    response = client.get(
        reverse("priorities:partner_suggestions", args=[priority.pk]),
        {"lead_partners": "CDRP / cumb"},
    )
    assert 'data-value="CDRP / Cumbria Police"' in response.text
    assert 'data-value="CDRP / Cumbria Constabulary"' in response.text
    assert "2 suggestions" in response.text


@pytest.mark.parametrize("typed", ["NI17", "17", "perceptions of anti"])
def test_indicator_suggestions_match_codes_numbers_and_words(
    client, editor, priority, national_indicators, typed
):
    client.force_login(editor)
    response = client.get(
        reverse("priorities:indicator_suggestions", args=[priority.pk]), {"indicators": typed}
    )
    assert "NI 17 Perceptions of anti-social behaviour" in response.text


def test_indicator_suggestions_find_drunk_and_keep_earlier_codes(
    client, editor, priority, national_indicators
):
    client.force_login(editor)
    response = client.get(
        reverse("priorities:indicator_suggestions", args=[priority.pk]),
        {"indicators": "NI17, drunk"},
    )
    assert 'data-value="NI17, NI 41"' in response.text


def test_suggestions_say_when_nothing_matches(client, editor, priority, national_indicators):
    client.force_login(editor)
    response = client.get(
        reverse("priorities:indicator_suggestions", args=[priority.pk]), {"indicators": "zzz"}
    )
    assert "No indicator matches “zzz”" in response.text


def test_partner_suggestions_are_not_found_for_an_outsider(client, outsider, priority):
    client.force_login(outsider)
    url = reverse("priorities:partner_suggestions", args=[priority.pk])
    assert client.get(url, {"lead_partners": "c"}).status_code == 404


def test_suggestions_send_anonymous_visitors_to_sign_in(client, priority):
    url = reverse("priorities:indicator_suggestions", args=[priority.pk])
    assert client.get(url, {"indicators": "17"}).status_code == 302


def test_suggestions_refuse_post(client, editor, priority):
    client.force_login(editor)
    url = reverse("priorities:partner_suggestions", args=[priority.pk])
    assert client.post(url).status_code == 405
