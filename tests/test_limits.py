"""Every text has a limit, refused beside the field with what was typed kept."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models
from django.urls import reverse
from django.utils.html import escape

from plans.limits import COMMENT_MAX, SECTION_BODY_MAX, TextLimit
from plans.models import Job, Plan, PlanTransition, PublishedCopy, Section
from plans.workflow import MoveRefused, plan_move
from priorities.models import ReviewComment
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

# The stored published page is made by the app from bounded texts, never typed; a job's
# error is what the app reports of a failure.
GENERATED = {(PublishedCopy, "html"), (Job, "error")}


def test_every_text_field_has_a_limit():
    unbounded = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in {"plans", "priorities", "indicators"}
        and not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and (model, field.name) not in GENERATED
        and not any(isinstance(validator, TextLimit) for validator in field.validators)
    ]
    assert unbounded == []


def test_the_admin_refuses_a_section_over_its_limit_beside_the_field(client, superuser, plan):
    client.force_login(superuser)
    body = "<p>" + "word " * (SECTION_BODY_MAX // 5) + "</p>"
    response = client.post(
        reverse("admin:plans_section_add"),
        {
            "plan": plan.pk,
            "order": 1,
            "kind": Section.Kind.OTHER,
            "placement": Section.Placement.BEFORE_PRIORITIES,
            "title": "Introduction",
            "body": body,
        },
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["body"]
    assert errors == [
        f"Keep this to {SECTION_BODY_MAX:,} characters or fewer (it has {len(body):,})."
    ]
    assert escape(body[:1000]) in response.content.decode()
    assert not Section.objects.exists()


def test_the_admin_takes_a_section_at_its_limit(client, superuser, plan):
    client.force_login(superuser)
    # Bodies are stored as HTML (plain text is made into paragraphs), so the limit is HTML's.
    body = "<p>" + "x" * (SECTION_BODY_MAX - len("<p></p>")) + "</p>"
    response = client.post(
        reverse("admin:plans_section_add"),
        {
            "plan": plan.pk,
            "order": 1,
            "kind": Section.Kind.OTHER,
            "placement": Section.Placement.BEFORE_PRIORITIES,
            "title": "Introduction",
            "body": body,
        },
    )
    assert response.status_code == 302
    assert len(Section.objects.get().body) == SECTION_BODY_MAX


def test_the_admin_refuses_an_action_over_its_limit(client, superuser, action):
    client.force_login(superuser)
    url = reverse("admin:priorities_action_change", args=[action.pk])
    form = client.get(url).context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list)
    }
    data.update({"text": "x" * 2001, "priority": action.priority_id})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Keep this to 2,000 characters or fewer (it has 2,001)." in response.content.decode()


def test_a_move_comment_over_its_limit_is_refused_beside_the_field_and_kept(
    client, plan, administrator
):
    client.login(username=administrator.username, password=PASSWORD)
    comment = "Ready for review. " + "x" * COMMENT_MAX
    response = client.post(
        reverse("plans:plan_move", args=[plan.partnership.slug, plan.slug, "in_review"]),
        {"comment": comment},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["comment"] == [
        f"The comment must be {COMMENT_MAX:,} characters or fewer"
    ]
    assert 'id="comment-error"' in response.content.decode()
    assert comment in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT
    assert not PlanTransition.objects.exists()


def test_a_reason_for_open_comments_over_its_limit_is_refused_beside_the_field(
    client, plan, priority, administrator, reviewer
):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
    ReviewComment.objects.create(plan=plan, priority=priority, author=reviewer, body="Open")
    client.login(username=administrator.username, password=PASSWORD)
    reason = "y" * (COMMENT_MAX + 1)
    response = client.post(
        reverse("plans:plan_move", args=[plan.partnership.slug, plan.slug, "approved"]),
        {"open_comments_reason": reason},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["open_comments_reason"] == [
        f"The reason must be {COMMENT_MAX:,} characters or fewer"
    ]
    assert 'id="open-comments-reason-error"' in response.content.decode()
    assert reason in response.content.decode()


def test_the_workflow_refuses_an_over_long_comment_from_any_caller(plan, administrator):
    with pytest.raises(MoveRefused, match="4,000 characters or fewer"):
        plan_move(
            plan=plan,
            to_status=Plan.Status.IN_REVIEW,
            user=administrator,
            comment="z" * (COMMENT_MAX + 1),
        )
    assert not PlanTransition.objects.exists()
