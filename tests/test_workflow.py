"""Moving a plan from draft to published: every allowed move, every refused one, and the
record each move leaves."""

import pytest

from plans.models import Plan, PlanTransition
from plans.workflow import MoveRefused, plan_move
from priorities.models import ReviewComment

pytestmark = pytest.mark.django_db

Status = Plan.Status


def _at(plan: Plan, status: str) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    return plan


def test_administrator_sends_a_draft_for_review(plan, administrator):
    transition = plan_move(
        plan=plan, to_status=Status.IN_REVIEW, user=administrator, comment="Ready"
    )

    plan.refresh_from_db()
    assert plan.status == Status.IN_REVIEW
    assert (transition.from_status, transition.to_status) == (Status.DRAFT, Status.IN_REVIEW)
    assert (transition.user, transition.comment) == (administrator, "Ready")


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer", "outsider"])
def test_only_an_administrator_sends_a_draft_for_review(plan, role, request):
    user = request.getfixturevalue(role)

    with pytest.raises(MoveRefused, match="does not allow “Send for review”"):
        plan_move(plan=plan, to_status=Status.IN_REVIEW, user=user)

    plan.refresh_from_db()
    assert plan.status == Status.DRAFT
    assert not PlanTransition.objects.exists()


@pytest.mark.parametrize("role", ["reviewer", "administrator"])
def test_reviewer_or_administrator_approves_a_plan_in_review(plan, role, request):
    user = request.getfixturevalue(role)
    _at(plan, Status.IN_REVIEW)

    plan_move(plan=plan, to_status=Status.APPROVED, user=user)

    plan.refresh_from_db()
    assert plan.status == Status.APPROVED


def test_editor_cannot_approve(plan, editor):
    _at(plan, Status.IN_REVIEW)

    with pytest.raises(MoveRefused):
        plan_move(plan=plan, to_status=Status.APPROVED, user=editor)


def test_reviewer_sends_a_plan_back_to_draft_with_a_reason(plan, reviewer):
    _at(plan, Status.IN_REVIEW)

    plan_move(plan=plan, to_status=Status.DRAFT, user=reviewer, comment="Priority 2 needs targets")

    assert plan.transitions.get().comment == "Priority 2 needs targets"
    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT


def test_sending_back_to_draft_needs_a_reason(plan, reviewer):
    _at(plan, Status.IN_REVIEW)

    with pytest.raises(MoveRefused, match="Say why"):
        plan_move(plan=plan, to_status=Status.DRAFT, user=reviewer, comment="  ")


def test_administrator_sends_an_approved_plan_back_to_draft_to_edit_it(plan, administrator):
    _at(plan, Status.APPROVED)

    plan_move(
        plan=plan, to_status=Status.DRAFT, user=administrator, comment="Late change from the police"
    )

    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT


def test_administrator_publishes_an_approved_plan(plan, administrator):
    _at(plan, Status.APPROVED)

    plan_move(plan=plan, to_status=Status.PUBLISHED, user=administrator)

    assert Plan.objects.get(pk=plan.pk).status == Status.PUBLISHED


def test_reviewer_cannot_publish(plan, reviewer):
    _at(plan, Status.APPROVED)

    with pytest.raises(MoveRefused):
        plan_move(plan=plan, to_status=Status.PUBLISHED, user=reviewer)


@pytest.mark.parametrize(
    ("from_status", "to_status"),
    [
        (Status.DRAFT, Status.APPROVED),
        (Status.DRAFT, Status.PUBLISHED),
        (Status.IN_REVIEW, Status.PUBLISHED),
        # Published to draft is the correction, tested in tests/test_corrections.py.
        (Status.PUBLISHED, Status.IN_REVIEW),
        (Status.PUBLISHED, Status.SUPERSEDED),
        (Status.SUPERSEDED, Status.PUBLISHED),
        (Status.DRAFT, Status.DRAFT),
    ],
)
def test_moves_outside_the_workflow_are_refused_with_a_clear_message(
    plan, superuser, from_status, to_status
):
    _at(plan, from_status)

    with pytest.raises(MoveRefused, match="cannot be moved to"):
        plan_move(plan=plan, to_status=to_status, user=superuser)

    assert Plan.objects.get(pk=plan.pk).status == from_status


def test_publishing_supersedes_the_plan_it_renews(plan, administrator):
    old = _at(plan, Status.PUBLISHED)
    new = Plan.objects.create(
        partnership=plan.partnership,
        title=plan.title,
        slug="2011-12",
        start_year=2011,
        end_year=2012,
        status=Status.APPROVED,
        previous_plan=old,
    )

    plan_move(plan=new, to_status=Status.PUBLISHED, user=administrator)

    old.refresh_from_db()
    assert old.status == Status.SUPERSEDED
    assert old.transitions.get().user == administrator


def _open_comment(plan: Plan, author) -> ReviewComment:
    section = plan.sections.create(order=1, title="Foreword", body="<p>Welcome</p>")
    return ReviewComment.objects.create(plan=plan, section=section, author=author, body="Typo")


def test_approval_is_refused_while_comments_are_open(plan, reviewer):
    _at(plan, Status.IN_REVIEW)
    _open_comment(plan, reviewer)

    with pytest.raises(MoveRefused, match="There is 1 open comment"):
        plan_move(plan=plan, to_status=Status.APPROVED, user=reviewer)

    assert Plan.objects.get(pk=plan.pk).status == Status.IN_REVIEW


def test_approval_with_open_comments_records_the_approvers_reason(plan, reviewer):
    _at(plan, Status.IN_REVIEW)
    _open_comment(plan, reviewer)

    plan_move(
        plan=plan,
        to_status=Status.APPROVED,
        user=reviewer,
        open_comments_reason="Typos only; fix later",
    )

    transition = plan.transitions.get()
    assert transition.to_status == Status.APPROVED
    assert transition.open_comments_reason == "Typos only; fix later"


def test_resolved_comments_do_not_block_approval(plan, reviewer, editor):
    _at(plan, Status.IN_REVIEW)
    comment = _open_comment(plan, reviewer)
    ReviewComment.objects.filter(pk=comment.pk).update(resolved_at=comment.created_at)

    plan_move(plan=plan, to_status=Status.APPROVED, user=reviewer)

    assert Plan.objects.get(pk=plan.pk).status == Status.APPROVED


def test_every_move_is_recorded_in_order(plan, administrator, reviewer):
    plan_move(plan=plan, to_status=Status.IN_REVIEW, user=administrator)
    plan_move(plan=plan, to_status=Status.APPROVED, user=reviewer)
    plan_move(plan=plan, to_status=Status.PUBLISHED, user=administrator)

    moves = [(t.from_status, t.to_status) for t in plan.transitions.order_by("created_at", "pk")]

    assert moves == [
        (Status.DRAFT, Status.IN_REVIEW),
        (Status.IN_REVIEW, Status.APPROVED),
        (Status.APPROVED, Status.PUBLISHED),
    ]
