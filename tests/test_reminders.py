"""Review-date reminders: the daily digest to task group chairs and editors."""

import datetime
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.mail import EmailMultiAlternatives
from django.core.management import CommandError, call_command

from plans.models import Group, Job, Membership, Partnership, Plan
from priorities.models import Action, Priority, ReviewReminder
from priorities.reminders import build_digests
from tests.background import run_jobs

pytestmark = pytest.mark.django_db

TODAY = "2010-09-25"


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "https://cspplan.example.org/"


def _run(*args: str) -> str:
    """The command, then the worker sending what it queued."""
    out = StringIO()
    call_command("send_review_reminders", *args, stdout=out, stderr=StringIO())
    run_jobs()
    return out.getvalue()


def _recipients(outbox) -> list[str]:
    return sorted(address for message in outbox for address in message.to)


def _add_action(priority: Priority, order: int, text: str, review_date, **fields) -> Action:
    return Action.objects.create(
        priority=priority, order=order, text=text, review_date=review_date, **fields
    )


def _editor_of(group: Group, username: str, partnership: Partnership) -> User:
    user = User.objects.create_user(username=username, email=f"{username}@example.org")
    membership = Membership.objects.create(
        user=user, partnership=partnership, role=Membership.Role.EDITOR
    )
    membership.task_groups.add(group)
    return user


def test_the_task_group_chair_and_editor_each_get_a_digest(action, editor, mailoutbox):
    _run("--date", TODAY)

    assert _recipients(mailoutbox) == ["chair@example.org", "editor@example.org"]


def test_administrators_reviewers_and_viewers_get_nothing(
    action, editor, administrator, reviewer, viewer, mailoutbox
):
    _run("--date", TODAY)

    assert _recipients(mailoutbox) == ["chair@example.org", "editor@example.org"]


def test_the_chair_and_editors_of_another_task_group_get_nothing(
    action, editor, partnership, mailoutbox
):
    other_group = Group.objects.create(
        partnership=partnership,
        name="Violent Crime Task Group",
        kind=Group.Kind.TASK,
        chair_email="violence-chair@example.org",
    )
    _editor_of(other_group, "violence-editor", partnership)

    _run("--date", TODAY)

    assert _recipients(mailoutbox) == ["chair@example.org", "editor@example.org"]


def test_people_of_another_partnership_get_nothing(
    action, editor, task_group, other_partnership, outsider, mailoutbox
):
    # An editor of another partnership wrongly linked to this partnership's task group.
    _editor_of(task_group, "elsewhere", other_partnership)

    _run("--date", TODAY)

    assert _recipients(mailoutbox) == ["chair@example.org", "editor@example.org"]


def test_a_chair_who_is_also_an_editor_gets_one_digest(action, editor, task_group, mailoutbox):
    Group.objects.filter(pk=task_group.pk).update(chair_email="Editor@Example.org")

    _run("--date", TODAY)

    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == ["Editor@Example.org"]


def test_the_digest_gives_the_action_its_plan_priority_review_date_and_link(
    action, editor, mailoutbox
):
    _run("--date", TODAY)

    message = mailoutbox[0]
    link = (
        "https://cspplan.example.org/plans/carlisle-eden/2010-11/"
        f"#priority-{action.priority_id}-action-{action.pk}"
    )
    for expected in [
        action.text,
        "Partnership Plan (2010/11)",
        "Anti-Social Behaviour and Criminal Damage",
        "30 September 2010",
        link,
    ]:
        assert expected in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert f'<a href="{link}">' in html


def test_the_digest_comes_from_the_default_address(action, mailoutbox, settings):
    settings.DEFAULT_FROM_EMAIL = "Community Safety <plans@example.org>"

    _run("--date", TODAY)

    assert isinstance(mailoutbox[0], EmailMultiAlternatives)
    assert mailoutbox[0].from_email == "Community Safety <plans@example.org>"


def test_overdue_actions_come_first_then_those_due_soon_and_later_ones_are_left_out(
    priority, mailoutbox
):
    _add_action(priority, 1, "Due soon", datetime.date(2010, 10, 9))
    _add_action(priority, 2, "Overdue", datetime.date(2010, 9, 24))
    _add_action(priority, 3, "Later", datetime.date(2010, 10, 10))
    _add_action(priority, 4, "No review date", None)

    _run("--date", TODAY)

    body = mailoutbox[0].body
    assert body.index("OVERDUE FOR REVIEW") < body.index("- Overdue") < body.index("- Due soon")
    assert "DUE FOR REVIEW WITHIN 14 DAYS" in body
    assert "Later" not in body
    assert "No review date" not in body
    assert mailoutbox[0].subject == (
        "Action review dates: 1 overdue and 1 due within 14 days (2 actions)"
    )


def test_an_action_due_today_is_due_soon_not_overdue(priority, mailoutbox):
    _add_action(priority, 1, "Due today", datetime.date(2010, 9, 25))

    _run("--date", TODAY)

    assert "OVERDUE" not in mailoutbox[0].body
    assert mailoutbox[0].subject == "Action review dates: 1 due within 14 days (1 action)"


def test_removed_and_complete_actions_are_left_out(priority, mailoutbox):
    due = datetime.date(2010, 9, 30)
    _add_action(priority, 1, "Removed action", due, status=Action.Status.REMOVED)
    _add_action(priority, 2, "Complete action", due, status=Action.Status.COMPLETE)
    _add_action(priority, 3, "Ongoing action", due, status=Action.Status.ONGOING)

    _run("--date", TODAY)

    body = mailoutbox[0].body
    assert "Ongoing action" in body
    assert "Removed action" not in body
    assert "Complete action" not in body


def test_actions_of_superseded_plans_are_left_out(plan, action, editor, mailoutbox):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUPERSEDED)

    output = _run("--date", TODAY)

    assert mailoutbox == []
    assert "Queued 0 digests about 0 actions." in output


@pytest.mark.parametrize("status", [Plan.Status.DRAFT, Plan.Status.PUBLISHED])
def test_actions_of_draft_and_published_plans_are_included(
    plan, action, editor, mailoutbox, status
):
    Plan.objects.filter(pk=plan.pk).update(status=status)

    _run("--date", TODAY)

    assert len(mailoutbox) == 2


def test_nothing_is_sent_when_nothing_is_due(action, editor, mailoutbox):
    output = _run("--date", "2010-09-01")

    assert mailoutbox == []
    assert not ReviewReminder.objects.exists()
    assert "Queued 0 digests about 0 actions." in output


def test_what_was_sent_is_recorded(action, editor, mailoutbox):
    output = _run("--date", TODAY)

    assert list(
        ReviewReminder.objects.order_by("recipient_email").values_list(
            "action", "recipient_email", "sent_on", "review_date"
        )
    ) == [
        (action.pk, "chair@example.org", datetime.date(2010, 9, 25), datetime.date(2010, 9, 30)),
        (action.pk, "editor@example.org", datetime.date(2010, 9, 25), datetime.date(2010, 9, 30)),
    ]
    assert "Queued 2 digests about 1 action." in output


def test_a_second_run_on_the_same_day_sends_nothing_new(action, editor, mailoutbox):
    _run("--date", TODAY)
    mailoutbox.clear()

    output = _run("--date", TODAY)

    assert mailoutbox == []
    assert ReviewReminder.objects.count() == 2
    assert "Queued 0 digests" in output


def test_a_second_run_on_the_same_day_sends_only_actions_not_yet_reminded(
    priority, action, mailoutbox
):
    _run("--date", TODAY)
    mailoutbox.clear()
    _add_action(priority, 2, "Added this afternoon", datetime.date(2010, 10, 1))

    _run("--date", TODAY)

    assert len(mailoutbox) == 1
    assert "Added this afternoon" in mailoutbox[0].body
    assert action.text not in mailoutbox[0].body


def test_the_next_day_brings_a_new_digest(action, editor, mailoutbox):
    _run("--date", TODAY)
    mailoutbox.clear()

    _run("--date", "2010-09-26")

    assert _recipients(mailoutbox) == ["chair@example.org", "editor@example.org"]
    assert ReviewReminder.objects.filter(sent_on=datetime.date(2010, 9, 26)).count() == 2


def test_dry_run_prints_who_would_get_what_and_sends_and_records_nothing(
    action, editor, mailoutbox
):
    output = _run("--date", TODAY, "--dry-run")

    assert mailoutbox == []
    assert not ReviewReminder.objects.exists()
    assert "chair@example.org:" in output
    assert "editor@example.org:" in output
    assert "due 2010-09-30" in output
    assert "Would send 2 digests about 1 action." in output


def test_a_failed_send_is_retried_by_the_worker_and_the_others_still_go(
    action, editor, mailoutbox, monkeypatch
):
    original_send = EmailMultiAlternatives.send

    def send_failing_for_the_chair(message, *args, **kwargs):
        if message.to == ["chair@example.org"]:
            raise OSError("connection refused")
        return original_send(message, *args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(EmailMultiAlternatives, "send", send_failing_for_the_chair)
        _run("--date", TODAY)

    assert _recipients(mailoutbox) == ["editor@example.org"]
    waiting = Job.objects.get(kind=Job.Kind.EMAIL, status=Job.Status.WAITING)
    assert waiting.payload["to"] == ["chair@example.org"]
    assert "connection refused" in waiting.error
    run_jobs()
    assert _recipients(mailoutbox) == ["chair@example.org", "editor@example.org"]


def test_a_second_run_the_same_day_queues_nobody_twice(action, editor, mailoutbox):
    _run("--date", TODAY)
    output = _run("--date", TODAY)

    assert "Queued 0 digests" in output
    assert _recipients(mailoutbox) == ["chair@example.org", "editor@example.org"]


def test_the_digest_is_queued_with_its_text_and_html(action, editor):
    call_command("send_review_reminders", "--date", TODAY, stdout=StringIO())

    queued = Job.objects.filter(kind=Job.Kind.EMAIL).order_by("pk")
    assert [job.payload["to"] for job in queued] == [
        ["chair@example.org"],
        ["editor@example.org"],
    ]
    assert all(job.payload["alternatives"][0][1] == "text/html" for job in queued)


def test_a_wrong_date_is_refused(action, mailoutbox):
    with pytest.raises(CommandError):
        _run("--date", "25/09/2010")

    assert mailoutbox == []


def test_building_the_digests_takes_three_queries_however_many_actions_are_due(
    priority, editor, django_assert_num_queries
):
    for order in range(1, 11):
        _add_action(priority, order, f"Action {order}", datetime.date(2010, 9, 20 + order))

    with django_assert_num_queries(3):
        digests = build_digests(datetime.date(2010, 9, 25))

    assert [len(digest.actions) for digest in digests] == [10, 10]


def test_an_action_carried_into_next_years_draft_with_the_same_date_is_reminded_once(
    plan, action, editor, mailoutbox
):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    draft = Plan.objects.create(
        partnership=plan.partnership,
        title=plan.title,
        slug="2011-12",
        start_year=2010,
        end_year=2012,
        previous_plan=plan,
    )
    priority = Priority.objects.create(
        plan=draft, order=1, title="ASB", task_group=action.priority.task_group
    )
    _add_action(priority, 1, "Carried copy", action.review_date, carried_from=action)

    _run("--date", TODAY)

    editor_digest = next(m for m in mailoutbox if m.to == ["editor@example.org"])
    assert "Carried copy" in editor_digest.body
    assert action.text not in editor_digest.body
