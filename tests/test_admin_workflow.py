"""Moving plans from the Django admin goes through the same rules as the plan page."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.urls import reverse

from plans.models import Plan

pytestmark = pytest.mark.django_db

Status = Plan.Status
CHANGELIST = "admin:plans_plan_changelist"


@pytest.fixture
def support(client, superuser):
    client.force_login(superuser)
    return client


def _run(client, action: str, plan: Plan, **fields):
    data = {"action": action, ACTION_CHECKBOX_NAME: [plan.pk], **fields}
    return client.post(reverse(CHANGELIST), data, follow=True)


def test_a_move_asks_for_confirmation_listing_the_plans(support, plan):
    response = support.post(
        reverse(CHANGELIST), {"action": "move_draft_to_in_review", ACTION_CHECKBOX_NAME: [plan.pk]}
    )

    assert response.status_code == 200
    assert "Send for review" in response.text
    assert str(plan) in response.text
    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT


def test_confirming_a_move_moves_the_plan_and_records_who(support, plan, superuser):
    response = _run(support, "move_draft_to_in_review", plan, apply="yes", comment="For the board")

    assert "is now in review" in response.text
    transition = Plan.objects.get(pk=plan.pk).transitions.get()
    assert (transition.to_status, transition.user, transition.comment) == (
        Status.IN_REVIEW,
        superuser,
        "For the board",
    )


def test_a_refused_move_is_reported_and_changes_nothing(support, plan):
    Plan.objects.filter(pk=plan.pk).update(status=Status.IN_REVIEW)

    response = _run(support, "move_in_review_to_draft", plan, apply="yes", comment="")

    assert "Say why the plan is going back to draft." in response.text
    assert Plan.objects.get(pk=plan.pk).status == Status.IN_REVIEW


def test_a_move_from_the_wrong_state_is_refused(support, plan):
    response = _run(support, "move_approved_to_published", plan, apply="yes")

    assert "cannot be moved to published" in response.text
    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT


def test_the_status_cannot_be_typed_into_the_plan_form(support, plan):
    response = support.get(reverse("admin:plans_plan_change", args=[plan.pk]))

    assert 'name="status"' not in response.text


def test_members_who_are_not_staff_cannot_run_admin_moves(client, plan, administrator):
    client.force_login(administrator)

    response = _run(client, "move_draft_to_in_review", plan, apply="yes")

    assert response.redirect_chain[0][0].startswith(reverse("admin:login"))
    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT
