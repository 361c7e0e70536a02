"""make_synthetic builds partnerships × plans × actions by bulk inserts, every row valid and
linked as the app's own pages expect."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from plans.models import Group, Partnership, Plan, PublishedCopy
from priorities.models import Action, ActionLeadPartner, Aim, Priority

pytestmark = pytest.mark.django_db


def _make(partnerships: int = 2, plans: int = 2, actions: int = 5) -> None:
    call_command(
        "make_synthetic",
        "--partnerships",
        str(partnerships),
        "--plans",
        str(plans),
        "--actions",
        str(actions),
        stdout=io.StringIO(),
    )


def test_make_synthetic_builds_the_partnerships_plans_and_actions_asked_for() -> None:
    _make(2, 2, 5)
    synthetic = Partnership.objects.filter(slug__startswith="synthetic-")
    assert synthetic.count() == 2
    assert Plan.objects.filter(partnership__in=synthetic).count() == 4
    assert Action.objects.filter(priority__plan__partnership__in=synthetic).count() == 20
    for plan in Plan.objects.filter(partnership__in=synthetic):
        assert Action.objects.filter(priority__plan=plan).count() == 5
        assert Priority.objects.filter(plan=plan).count() == 4


def test_every_synthetic_action_has_an_aim_of_its_priority_a_lead_and_a_review_date() -> None:
    _make(2, 2, 5)
    for action in Action.objects.select_related("aim"):
        assert action.aim.priority_id == action.priority_id
        assert action.review_date is not None
        assert action.lead_partners.exists()
    assert ActionLeadPartner.objects.filter(kind="group").exists()
    assert Aim.objects.count() == Priority.objects.count()
    assert Group.objects.filter(partnership__slug__startswith="synthetic-").count() == 8


def test_synthetic_plans_and_actions_have_a_mix_of_statuses() -> None:
    _make(3, 4, 12)
    plan_statuses = set(Plan.objects.values_list("status", flat=True))
    assert {Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED, Plan.Status.DRAFT} <= plan_statuses
    assert set(Action.objects.values_list("status", flat=True)) == set(Action.Status.values)
    assert set(Action.objects.values_list("rag", flat=True)) == {"", "red", "amber", "green"}


def test_public_synthetic_plans_have_a_placeholder_copy_their_page_serves(client) -> None:
    _make(2, 2, 5)
    public = Plan.objects.filter(status__in=[Plan.Status.PUBLISHED, Plan.Status.SUPERSEDED])
    assert public.exists()
    assert PublishedCopy.objects.count() == public.count()
    assert not PublishedCopy.objects.filter(plan__status=Plan.Status.DRAFT).exists()
    plan = public.select_related("partnership").first()
    response = client.get(plan.get_absolute_url())
    assert response.status_code == 200
    assert "placeholder for its published copy" in response.content.decode()
    pdf = client.get(reverse("plans:plan_pdf", args=[plan.partnership.slug, plan.slug]))
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")


def test_make_synthetic_refuses_to_run_twice_in_one_database() -> None:
    _make(1, 1, 1)
    with pytest.raises(CommandError, match="already in this database"):
        _make(1, 1, 1)
    assert Partnership.objects.filter(slug__startswith="synthetic-").count() == 1


def test_make_synthetic_refuses_an_empty_size() -> None:
    with pytest.raises(CommandError, match="at least one"):
        _make(0, 1, 1)
    assert not Partnership.objects.exists()
