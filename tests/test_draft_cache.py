"""A draft's rendering is reused while nothing it shows changes, and never after.

The plan's content version is counted by database triggers (plans migration 0005), so these
tests change things the ways nobody's code path would think to report: queryset.update(),
bulk deletes, the many-to-many table, shared reference data.
"""

import re
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from indicators.models import (
    Indicator,
    IndicatorSet,
    LocalTarget,
    LocalTargetMeasure,
    LocalTargetValue,
    TargetArea,
    TargetColumn,
)
from plans import publishing, views
from plans.models import (
    BudgetLine,
    District,
    GlossaryTerm,
    Group,
    Organisation,
    Partnership,
    Plan,
    PlanContentVersion,
    RelatedStrategy,
    Section,
)
from priorities.models import Action, ActionLeadPartner, Aim, Priority, ReviewComment
from tests.conftest import PASSWORD
from tests.plan_builders import full_plan

pytestmark = pytest.mark.django_db


def version(plan: Plan) -> int:
    return PlanContentVersion.objects.get(plan=plan).version


def first_action(plan: Plan) -> Action:
    return Action.objects.filter(priority__plan=plan).first()


EDITS: dict[str, Callable[[Plan], object]] = {
    "plan retitled": lambda plan: Plan.objects.filter(pk=plan.pk).update(title="New title"),
    "partnership renamed": lambda plan: Partnership.objects.filter(pk=plan.partnership_id).update(
        name="Renamed partnership"
    ),
    "group renamed": lambda plan: Group.objects.filter(name="Leadership Group").update(
        name="Strategic Group"
    ),
    "glossary term added": lambda plan: GlossaryTerm.objects.create(
        partnership=plan.partnership, term="CDRP", meaning="Crime and disorder partnership"
    ),
    "section edited": lambda plan: Section.objects.filter(plan=plan).update(body="<p>New</p>"),
    "strategy removed": lambda plan: RelatedStrategy.objects.filter(plan=plan).delete(),
    "budget changed": lambda plan: BudgetLine.objects.filter(plan=plan).update(
        amount=Decimal("1.00")
    ),
    "priority retitled": lambda plan: Priority.objects.filter(plan=plan).update(title="New"),
    "aim removed": lambda plan: Aim.objects.filter(priority__plan=plan).delete(),
    "action reworded": lambda plan: Action.objects.filter(priority__plan=plan).update(
        text="New wording"
    ),
    "lead partner removed": lambda plan: ActionLeadPartner.objects.filter(
        action__priority__plan=plan
    ).delete(),
    "indicators unlinked": lambda plan: first_action(plan).indicators.clear(),
    "target value changed": lambda plan: LocalTargetValue.objects.filter(
        target__measure__plan=plan
    ).update(value=Decimal("1")),
    "target row removed": lambda plan: LocalTarget.objects.filter(measure__plan=plan).delete(),
    "target area renamed": lambda plan: TargetArea.objects.update(name="Renamed area"),
    "target column added": lambda plan: TargetColumn.objects.create(
        measure=LocalTargetMeasure.objects.filter(plan=plan).first(), year=2012, label="2012-14"
    ),
    "target footnote changed": lambda plan: LocalTargetMeasure.objects.filter(plan=plan).update(
        footnote="Source: iQuanta."
    ),
    "organisation renamed": lambda plan: Organisation.objects.update(short_name="Renamed"),
    "district renamed": lambda plan: District.objects.update(name="Renamed district"),
    "indicator retitled": lambda plan: Indicator.objects.update(title="Renamed indicator"),
    "indicator set renamed": lambda plan: IndicatorSet.objects.update(name="Renamed set"),
    "comment made": lambda plan: ReviewComment.objects.create(
        plan=plan, action=first_action(plan), body="Who funds this?"
    ),
}


@pytest.fixture
def dressed_plan(plan, action, national_indicators) -> Plan:
    return full_plan(plan, national_indicators)


def test_a_new_plan_starts_at_content_version_one(plan):
    assert version(plan) == 1


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_every_change_to_what_the_document_shows_moves_the_version_on(dressed_plan, edit):
    before = version(dressed_plan)
    edit(dressed_plan)
    assert version(dressed_plan) > before


def test_saving_a_stale_plan_instance_still_moves_the_version_on(dressed_plan):
    before = version(dressed_plan)
    Action.objects.filter(priority__plan=dressed_plan).update(text="New wording")
    dressed_plan.summary = "A new summary"
    dressed_plan.save()
    assert version(dressed_plan) > before + 1


def test_renaming_a_comment_author_moves_the_version_on(plan, action, reviewer):
    ReviewComment.objects.create(plan=plan, action=action, author=reviewer, body="Who funds it?")
    before = version(plan)
    User.objects.filter(pk=reviewer.pk).update(first_name="Robin")
    assert version(plan) > before


def test_signing_in_leaves_the_version_alone(client, plan, action, reviewer):
    ReviewComment.objects.create(plan=plan, action=action, author=reviewer, body="Who funds it?")
    before = version(plan)
    client.login(username=reviewer.username, password=PASSWORD)
    assert version(plan) == before


def test_editing_another_partnerships_plan_leaves_this_version_alone(
    plan, action, other_partnership
):
    other_plan = Plan.objects.create(
        partnership=other_partnership, title="Their plan", slug="2010-11", start_year=2010,
        end_year=2011,
    )  # fmt: skip
    other_priority = Priority.objects.create(plan=other_plan, order=1, title="Theirs")
    before = version(plan)
    Action.objects.create(priority=other_priority, order=1, text="Their action")
    assert version(plan) == before


@pytest.fixture
def renders(monkeypatch) -> list[Plan]:
    """Each plan a page or PDF built a document for."""
    built: list[Plan] = []

    def counting(build):
        def plan_document(plan):
            built.append(plan)
            return build(plan)

        return plan_document

    monkeypatch.setattr(views, "plan_document", counting(views.plan_document))
    monkeypatch.setattr(publishing, "plan_document", counting(publishing.plan_document))
    return built


def signed_in(user: User, **kwargs) -> Client:
    client = Client(**kwargs)
    client.login(username=user.username, password=PASSWORD)
    return client


def test_a_repeat_view_of_an_unchanged_draft_is_not_rendered_again(plan, action, viewer, renders):
    client = signed_in(viewer)
    client.get(plan.get_absolute_url())
    second = client.get(plan.get_absolute_url())
    assert second.status_code == 200
    assert second.text.count(action.text) == 1
    assert len(renders) == 1


def test_an_edit_shows_on_the_very_next_view_of_a_draft(plan, action, viewer, renders):
    client = signed_in(viewer)
    client.get(plan.get_absolute_url())
    Action.objects.filter(pk=action.pk).update(text="Fund two more mediators.")
    response = client.get(plan.get_absolute_url())
    assert "Fund two more mediators." in response.text
    assert len(renders) == 2


def test_an_edit_shows_at_once_on_an_approved_plan(plan, action, viewer, renders):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    client = signed_in(viewer)
    client.get(plan.get_absolute_url())
    client.get(plan.get_absolute_url())
    Action.objects.filter(pk=action.pk).update(text="Fund two more mediators.")
    response = client.get(plan.get_absolute_url())
    assert "Fund two more mediators." in response.text
    assert len(renders) == 2


@pytest.fixture
def open_comment(plan, action, reviewer) -> ReviewComment:
    return ReviewComment.objects.create(
        plan=plan, action=action, author=reviewer, body="Who funds this?"
    )


def resolve_url(plan: Plan, comment: ReviewComment) -> str:
    return reverse("plans:comment_resolve", args=[plan.partnership.slug, plan.slug, comment.pk])


def test_a_cached_draft_is_not_shown_to_someone_with_another_role(
    plan, open_comment, administrator, viewer
):
    signed_in(administrator).get(plan.get_absolute_url())
    response = signed_in(viewer).get(plan.get_absolute_url())
    assert "Who funds this?" in response.text
    assert resolve_url(plan, open_comment) not in response.text


def test_the_resolve_form_of_a_repeat_view_carries_a_working_csrf_token(
    plan, open_comment, administrator
):
    client = signed_in(administrator, enforce_csrf_checks=True)
    client.get(plan.get_absolute_url())
    repeat = client.get(plan.get_absolute_url())
    form = repeat.text[repeat.text.index(f'action="{resolve_url(plan, open_comment)}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)

    response = client.post(resolve_url(plan, open_comment), {"csrfmiddlewaretoken": token})

    open_comment.refresh_from_db()
    assert response.status_code == 302
    assert open_comment.is_resolved


def test_resolving_a_comment_shows_at_once(plan, open_comment, administrator):
    client = signed_in(administrator)
    client.get(plan.get_absolute_url())
    ReviewComment.objects.filter(pk=open_comment.pk).update(
        resolved_at=timezone.now(), resolved_by=administrator
    )
    response = client.get(plan.get_absolute_url())
    assert "Resolved" in response.text
    assert resolve_url(plan, open_comment) not in response.text
