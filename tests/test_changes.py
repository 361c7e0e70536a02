"""The change list between a refreshed draft and the published plan it renews."""

import pytest

from plans.changes import plan_changes, word_diff
from plans.models import Plan
from priorities.models import Action, ActionLeadPartner, Priority

pytestmark = pytest.mark.django_db


@pytest.fixture
def refreshed(plan, action, police, council):
    """Last year's plan, published, and this year's draft carrying its actions over."""
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    plan.refresh_from_db()
    plan.sections.create(order=1, title="Foreword", body="<p>We cut crime last year.</p>")
    plan.sections.create(order=2, title="Budget", body="<p>To follow.</p>")
    kept = Action.objects.create(priority=action.priority, order=2, text="Run Pubwatch.")
    dropped = Action.objects.create(priority=action.priority, order=3, text="Buy a van.")

    draft = Plan.objects.create(
        partnership=plan.partnership,
        title=plan.title,
        slug="2011-12",
        start_year=2011,
        end_year=2012,
        previous_plan=plan,
    )
    draft.sections.create(order=1, title="Foreword", body="<p>We cut crime again.</p>")
    draft.sections.create(order=2, title="Contact us", body="<p>Ring us.</p>")
    priority = Priority.objects.create(plan=draft, order=1, title=action.priority.title)
    reworded = Action.objects.create(
        priority=priority,
        order=1,
        text="Support the use of mediation services for all ASB disputes.",
        carried_from=action,
    )
    ActionLeadPartner.objects.create(
        action=reworded, order=1, kind=ActionLeadPartner.Kind.ORGANISATION, organisation=police
    )
    ActionLeadPartner.objects.create(
        action=reworded, order=2, kind=ActionLeadPartner.Kind.ORGANISATION, organisation=council
    )
    reworded.indicators.set(action.indicators.all())
    Action.objects.create(priority=priority, order=2, text="Run Pubwatch.", carried_from=kept)
    Action.objects.create(priority=priority, order=3, text="Open a night shelter.")
    return {"draft": draft, "dropped": dropped}


def test_new_actions_are_listed_as_added(refreshed):
    changes = plan_changes(refreshed["draft"])

    assert [a.text for a in changes.added] == ["Open a night shelter."]


def test_actions_not_carried_over_are_listed_as_removed(refreshed):
    changes = plan_changes(refreshed["draft"])

    assert [a.text for a in changes.removed] == ["Buy a van."]


def test_an_unchanged_carried_action_is_not_listed(refreshed):
    changes = plan_changes(refreshed["draft"])

    assert "Run Pubwatch." not in [change.action.text for change in changes.changed]


def test_a_changed_action_names_what_changed_and_marks_the_words(refreshed):
    change = plan_changes(refreshed["draft"]).changed[0]

    assert change.changed_fields == ["action", "lead partners", "review date"]
    assert "<del>early intervention in</del>" in change.text
    assert "<ins>all</ins>" in change.text


def test_sections_added_removed_and_changed_are_listed(refreshed):
    changes = plan_changes(refreshed["draft"])

    assert [s.title for s in changes.sections_added] == ["Contact us"]
    assert [s.title for s in changes.sections_removed] == ["Budget"]
    assert (
        changes.sections_changed[0].body == "We cut crime <del>last year.</del> <ins>again.</ins>"
    )


def test_a_plan_with_no_published_version_has_nothing_to_compare(plan):
    changes = plan_changes(plan)

    assert changes.compared_with is None
    assert not changes.has_changes


def test_word_diff_escapes_hostile_text():
    marked = word_diff("safe", "<script>alert(1)</script>")

    assert "<script>" not in marked
    assert "&lt;script&gt;" in marked
