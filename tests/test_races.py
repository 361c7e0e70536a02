"""No acknowledged change is ever lost, and no race is a server error.

The first half races real requests against each other on PostgreSQL: each side is a thread
with its own database connection and its own test client, so the whole request path runs
concurrently, locks and all. Every round checks that whatever was acknowledged is what the
database holds. The second half replays the same interleavings one step at a time on a single
connection, so they run on SQLite too.
"""

from __future__ import annotations

import datetime
import random
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from functools import partial

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import Client
from django.urls import reverse

from plans.models import Plan, PlanTransition, PublishedCopy
from plans.permissions import ChangeRefused
from priorities import services
from priorities.models import Action, Priority, ProgressUpdate
from tests.test_admin import _form_data

ROUNDS = 40
# Each race stops early rather than hold the suite up on a slow, shared machine.
SECONDS_PER_RACE = 25
JITTER_SECONDS = 0.15

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="Races need real concurrent connections with row locks; SQLite has one writer.",
)


def _rounds(count: int = ROUNDS) -> Iterator[int]:
    deadline = time.monotonic() + SECONDS_PER_RACE
    for number in range(1, count + 1):
        if time.monotonic() > deadline:
            return
        yield number


def _race(*calls: Callable[[], object]) -> list[object]:
    """Run the calls at once, one thread and one database connection each; an exception a
    call raises is returned in its place, as the server error it would have been."""
    barrier = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            # A few milliseconds either way, so each round tries another interleaving.
            time.sleep(random.uniform(0, JITTER_SECONDS))
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - any failure is the finding being counted
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


def _is_server_error(result: object) -> bool:
    return isinstance(result, Exception) or result.status_code >= 500


def _tally(answers: list[object]) -> str:
    """How the edits were answered, e.g. "302 x31, 409 x9", for the printed figures."""
    codes = Counter("error" if _is_server_error(a) else a.status_code for a in answers)
    return ", ".join(f"{code} x{count}" for code, count in sorted(codes.items(), key=str))


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _edit_form(action: Action, text: str) -> dict:
    """The edit form as the person saw it when they opened it, with new words typed in."""
    return {
        "version": str(action.version),
        "text": text,
        "lead_partners": "Cumbria Police",
        "indicators": "NI 17",
        "element": "",
        "baseline_data": "",
        "review_date": "30/09/2010",
        "funding_stream": "",
        "status": action.status,
        "rag": action.rag,
    }


def _progress_form(rag: str) -> dict:
    return {
        "reported_on_0": "15",
        "reported_on_1": "7",
        "reported_on_2": "2010",
        "rag": rag,
        "note": f"Rated {rag}.",
    }


def _edit_url(action: Action) -> str:
    return reverse("priorities:action_edit", args=[action.pk])


def _move_url(plan: Plan, to_status: str) -> str:
    return reverse(
        "plans:plan_move",
        kwargs={
            "partnership_slug": plan.partnership.slug,
            "plan_slug": plan.slug,
            "to_status": to_status,
        },
    )


@pytest.fixture
def three_actions(priority, police, national_indicators) -> list[Action]:
    return [
        Action.objects.create(priority=priority, order=order, text=f"Action {order}")
        for order in (1, 2, 3)
    ]


# Real concurrent requests on PostgreSQL


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_edits_racing_progress_updates_lose_nothing_acknowledged(editor, action):
    editing, recording = _signed_in(editor), _signed_in(editor)
    lost = errors = rounds = 0
    answers: list[object] = []
    for number in _rounds():
        rounds += 1
        seen = Action.objects.get(pk=action.pk)
        text = f"Mediation services, edited in round {number}."
        rag = ["red", "amber", "green"][number % 3]
        edited, recorded = _race(
            partial(editing.post, _edit_url(action), _edit_form(seen, text)),
            partial(
                recording.post,
                reverse("priorities:progress_add", args=[action.pk]),
                _progress_form(rag),
            ),
        )
        answers.append(edited)
        errors += _is_server_error(edited) + _is_server_error(recorded)
        saved = Action.objects.get(pk=action.pk)
        if not _is_server_error(edited):
            if edited.status_code == 302:
                lost += saved.text != text
            else:
                assert edited.status_code == 409
                assert text in edited.text
        if not _is_server_error(recorded) and recorded.status_code == 302:
            lost += saved.rag != rag
    print(
        f"edit against progress: {rounds} rounds, {lost} lost, {errors} server errors; "
        f"edits answered {_tally(answers)}"
    )
    assert (lost, errors) == (0, 0)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_edits_racing_a_reorder_keep_their_place_and_lose_nothing(editor, three_actions):
    middle = three_actions[1]
    editing, moving = _signed_in(editor), _signed_in(editor)
    lost = errors = misplaced = rounds = 0
    answers: list[object] = []
    for number in _rounds():
        rounds += 1
        seen = Action.objects.get(pk=middle.pk)
        text = f"The middle action, edited in round {number}."
        # Up from the middle, then down back to it: every move really moves.
        direction = "up" if seen.order == 2 else "down"
        edited, moved = _race(
            partial(editing.post, _edit_url(middle), _edit_form(seen, text)),
            partial(
                moving.post,
                reverse("priorities:action_move", args=[middle.pk]),
                {"direction": direction},
            ),
        )
        answers.append(edited)
        errors += _is_server_error(edited) + _is_server_error(moved)
        saved = Action.objects.get(pk=middle.pk)
        if not _is_server_error(edited):
            if edited.status_code == 302:
                lost += saved.text != text
            else:
                assert edited.status_code == 409
                assert text in edited.text
        if not _is_server_error(moved):
            misplaced += saved.order != (1 if direction == "up" else 2)
        orders = sorted(Action.objects.values_list("order", flat=True))
        assert orders == [1, 2, 3]
        if saved.order != 2:
            # Put the middle action back in the middle for the next round.
            moving.post(reverse("priorities:action_move", args=[middle.pk]), {"direction": "down"})
    print(
        f"edit against reorder: {rounds} rounds, {lost} lost, {misplaced} misplaced, "
        f"{errors} server errors; edits answered {_tally(answers)}"
    )
    assert (lost, misplaced, errors) == (0, 0, 0)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_no_edit_lands_after_the_plan_was_sent_for_review(editor, administrator, plan, action):
    editing, sending = _signed_in(editor), _signed_in(administrator)
    late = errors = lost = rounds = 0
    answers: list[object] = []
    for number in _rounds():
        rounds += 1
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
        seen = Action.objects.get(pk=action.pk)
        text = f"Mediation services, edited in round {number}."
        edited, sent = _race(
            partial(editing.post, _edit_url(action), _edit_form(seen, text)),
            partial(sending.post, _move_url(plan, Plan.Status.IN_REVIEW)),
        )
        answers.append(edited)
        errors += _is_server_error(edited) + _is_server_error(sent)
        if _is_server_error(edited) or _is_server_error(sent):
            continue
        assert sent.status_code == 302
        sent_at = PlanTransition.objects.filter(plan=plan).latest("created_at").created_at
        if edited.status_code == 302:
            saved_at = action.history.filter(text=text).get().history_date
            late += saved_at > sent_at
            lost += Action.objects.get(pk=action.pk).text != text
        elif edited.status_code == 409:
            # Refused inside the service, after the page's own check: the text is kept.
            assert text in edited.text
        else:
            # The plan had already left draft when the request arrived: the page refuses.
            assert edited.status_code == 403
    print(
        f"edit against send for review: {rounds} rounds, {late} edits after the move, "
        f"{lost} lost, {errors} server errors; edits answered {_tally(answers)}"
    )
    assert (late, lost, errors) == (0, 0, 0)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_restores_of_a_removed_action_in_the_admin_never_overwrite_each_other(
    superuser, action
):
    first, second = _signed_in(superuser), _signed_in(superuser)
    url = reverse("admin:priorities_action_change", args=[action.pk])
    lost = errors = rounds = 0
    answers: list[object] = []
    for number in _rounds():
        rounds += 1
        Action.objects.filter(pk=action.pk).update(status=Action.Status.REMOVED)
        data = _form_data(first.get(url))
        texts = [f"Restored by the first officer in round {number}.", f"Second, {number}."]
        restored = _race(
            *[
                partial(client.post, url, {**data, "text": text, "status": "in_progress"})
                for client, text in zip((first, second), texts, strict=True)
            ]
        )
        answers.extend(restored)
        errors += sum(_is_server_error(answer) for answer in restored)
        saved = Action.objects.get(pk=action.pk)
        acknowledged = [
            text
            for text, answer in zip(texts, restored, strict=True)
            if not _is_server_error(answer) and answer.status_code == 302
        ]
        # Both told "saved" means one of them was overwritten.
        lost += len(acknowledged) - 1 if len(acknowledged) > 1 else 0
        lost += bool(acknowledged) and saved.text not in acknowledged
    print(
        f"restore against restore in the admin: {rounds} rounds, {lost} lost, {errors} server "
        f"errors; restores answered {_tally(answers)}"
    )
    assert (lost, errors) == (0, 0)


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_many_first_reads_of_a_published_plan_store_one_copy(plan, action):
    readers = [Client() for _ in range(4)]
    duplicates = errors = rounds = 0
    for _ in _rounds(count=6):
        rounds += 1
        PublishedCopy.objects.filter(plan=plan).delete()
        cache.clear()
        Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
        plan.refresh_from_db()
        url = plan.get_absolute_url()
        results = _race(
            *[
                partial(reader.get, url if index % 2 else f"{url}pdf/")
                for index, reader in enumerate(readers)
            ]
        )
        errors += sum(_is_server_error(result) for result in results)
        copies = PublishedCopy.objects.filter(plan=plan).count()
        assert copies >= 1
        duplicates += copies - 1
    print(f"first reads: {rounds} rounds of 4, {duplicates} duplicate copies, {errors} errors")
    assert (duplicates, errors) == (0, 0)


# The same interleavings one step at a time, on any database


def _edit_words(action: Action, user, text: str) -> Action:
    """An edit of the words alone, from an action as loaded when the form was opened."""
    return services.action_update(
        action=action,
        user=user,
        version=action.version,
        text=text,
        lead_partners=[],
        indicators=[],
    )


@pytest.mark.django_db
def test_progress_recorded_with_a_stale_action_keeps_an_edit_saved_meanwhile(editor, action):
    stale = Action.objects.get(pk=action.pk)
    records_before = action.history.count()
    _edit_words(
        Action.objects.get(pk=action.pk), editor, "Edited a moment before the progress update."
    )
    services.progress_record(
        action=stale, user=editor, reported_on=datetime.date(2010, 7, 15), rag="red", note="Late."
    )
    saved = Action.objects.get(pk=action.pk)
    assert (saved.text, saved.rag) == ("Edited a moment before the progress update.", "red")
    latest = saved.history.latest()
    assert (latest.text, latest.rag, latest.history_user) == (saved.text, "red", editor)
    # One history row for the edit and one for the rating: each change recorded once.
    assert saved.history.count() == records_before + 2


@pytest.mark.django_db
def test_removing_with_a_stale_action_keeps_an_edit_saved_meanwhile(editor, action):
    stale = Action.objects.get(pk=action.pk)
    _edit_words(Action.objects.get(pk=action.pk), editor, "Edited a moment before the removal.")
    services.action_remove(action=stale, user=editor)
    saved = Action.objects.get(pk=action.pk)
    assert (saved.text, saved.status) == ("Edited a moment before the removal.", "removed")
    assert saved.history.latest().text == saved.text


@pytest.mark.django_db
def test_an_edit_opened_before_a_reorder_keeps_the_new_place(client, editor, three_actions):
    middle = three_actions[1]
    client.force_login(editor)
    seen = Action.objects.get(pk=middle.pk)
    client.post(reverse("priorities:action_move", args=[middle.pk]), {"direction": "up"})
    # The view loads the action before the move commits; the service must not trust its order.
    _edit_words(seen, editor, "Edited after the reorder.")
    saved = Action.objects.get(pk=middle.pk)
    assert (saved.text, saved.order) == ("Edited after the reorder.", 1)
    assert sorted(Action.objects.values_list("order", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        lambda action, user: _edit_words(action, user, "Too late."),
        lambda action, user: services.action_remove(action=action, user=user),
        lambda action, user: services.action_move(action=action, direction="down"),
        lambda action, user: services.action_create(
            priority=action.priority, user=user, text="New.", lead_partners=[], indicators=[]
        ),
        lambda action, user: services.priority_update(
            priority=action.priority,
            user=user,
            title="New title",
            background="",
            aim="",
            measuring_performance="",
            measuring_difficulties="",
            aims=[],
        ),
    ],
    ids=["edit", "remove", "move", "create", "priority"],
)
def test_every_content_change_rechecks_the_draft_under_the_plans_lock(editor, plan, action, change):
    seen = Action.objects.select_related("priority").get(pk=action.pk)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
    with pytest.raises(ChangeRefused, match="in review"):
        change(seen, editor)
    saved = Action.objects.get()
    assert (saved.text, saved.status, saved.order) == (action.text, action.status, action.order)


def _plan_leaves_draft_after_the_pages_check(
    monkeypatch, plan: Plan, name: str, to_status: str = Plan.Status.IN_REVIEW
) -> None:
    """Let the page's own permission check pass, then move the plan on, as a "Send for
    review" committed by someone else at that moment would."""
    from priorities import views

    checked = getattr(views, name)

    def check_then_move(*args, **kwargs):
        found = checked(*args, **kwargs)
        Plan.objects.filter(pk=plan.pk).update(status=to_status)
        return found

    monkeypatch.setattr(views, name, check_then_move)


@pytest.mark.django_db
def test_an_edit_refused_because_the_plan_left_draft_keeps_the_typed_text(
    client, monkeypatch, editor, plan, action
):
    _plan_leaves_draft_after_the_pages_check(monkeypatch, plan, "get_action_for_user")
    client.force_login(editor)
    text = "Words typed while the plan was being sent for review."
    response = client.post(_edit_url(action), _edit_form(action, text))
    assert response.status_code == 409
    assert text in response.text
    assert "is in review, so it can no longer be changed" in response.text
    assert Action.objects.get(pk=action.pk).text == action.text


@pytest.mark.django_db
def test_an_action_added_as_the_plan_left_draft_is_refused_with_the_text_kept(
    client, monkeypatch, editor, plan, priority, police, national_indicators
):
    _plan_leaves_draft_after_the_pages_check(monkeypatch, plan, "get_priority_for_user")
    client.force_login(editor)
    text = "An action typed while the plan was being sent for review."
    blank = Action(status=Action.Status.NOT_STARTED, version=1)
    response = client.post(
        reverse("priorities:action_add", args=[priority.pk]), _edit_form(blank, text)
    )
    assert response.status_code == 409
    assert text in response.text
    assert not Action.objects.exists()


@pytest.mark.django_db
def test_moving_an_action_removed_meanwhile_is_refused_not_a_server_error(editor, three_actions):
    stale = Action.objects.get(pk=three_actions[1].pk)
    services.action_remove(action=Action.objects.get(pk=stale.pk), user=editor)
    with pytest.raises(ChangeRefused, match="has been removed"):
        services.action_move(action=stale, direction="up")
    assert list(Action.objects.order_by("order").values_list("order", flat=True)) == [1, 2, 3]


@pytest.mark.django_db
def test_progress_refused_because_the_plan_was_superseded_meanwhile_keeps_the_note(
    client, monkeypatch, editor, plan, action
):
    _plan_leaves_draft_after_the_pages_check(
        monkeypatch, plan, "get_action_for_user", Plan.Status.SUPERSEDED
    )
    client.force_login(editor)
    form = {**_progress_form("red"), "note": "A note typed as the plan was superseded."}
    response = client.post(reverse("priorities:progress_add", args=[action.pk]), form)
    assert response.status_code == 409
    assert "A note typed as the plan was superseded." in response.text
    assert "has been superseded" in response.text
    assert not ProgressUpdate.objects.exists()


@pytest.mark.django_db
def test_a_priority_saved_as_the_plan_left_draft_is_refused_with_the_words_kept(
    client, monkeypatch, editor, plan, priority
):
    _plan_leaves_draft_after_the_pages_check(monkeypatch, plan, "get_priority_for_user")
    client.force_login(editor)
    response = client.post(
        reverse("priorities:priority_edit", args=[priority.pk]),
        {"title": "Words typed as the plan left draft", "aims": ""},
    )
    assert response.status_code == 409
    assert "Words typed as the plan left draft" in response.text
    assert Priority.objects.get(pk=priority.pk).title == priority.title


@pytest.mark.django_db
def test_an_edit_posted_after_the_plan_left_draft_gives_back_the_form_with_the_text(
    client, editor, plan, action
):
    """The form was opened in draft; "Send for review" was pressed before it was saved."""
    client.force_login(editor)
    form = _edit_form(action, "Words typed before the plan was sent for review.")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
    response = client.post(_edit_url(action), form)
    assert response.status_code == 409
    assert "Words typed before the plan was sent for review." in response.text
    assert "is in review, so it can no longer be changed" in response.text
    assert Action.objects.get(pk=action.pk).text == action.text


@pytest.mark.django_db
def test_an_action_and_a_priority_posted_after_the_plan_left_draft_keep_what_was_typed(
    client, editor, plan, priority, police, national_indicators
):
    client.force_login(editor)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    blank = Action(status=Action.Status.NOT_STARTED, version=1)
    added = client.post(
        reverse("priorities:action_add", args=[priority.pk]),
        _edit_form(blank, "A new action typed in draft."),
    )
    renamed = client.post(
        reverse("priorities:priority_edit", args=[priority.pk]),
        {"title": "A title typed in draft", "aims": ""},
    )
    assert (added.status_code, renamed.status_code) == (409, 409)
    assert "A new action typed in draft." in added.text
    assert "A title typed in draft" in renamed.text
    assert not Action.objects.exists()
    assert Priority.objects.get(pk=priority.pk).title == priority.title


@pytest.mark.django_db
def test_someone_who_may_not_change_the_priority_is_refused_whatever_the_plans_status(
    client, viewer, plan, action
):
    client.force_login(viewer)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
    response = client.post(_edit_url(action), _edit_form(action, "A viewer's words"))
    assert response.status_code == 403
    assert "A viewer's words" not in response.text
