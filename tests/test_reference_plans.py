"""Each reference plan's PDF read back: every action, aim, lead partner, indicator, review date
and printed glossary term of its demo data is there, and in the order the plan gives them."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader

from plans.document import plan_document
from plans.models import GlossaryTerm, Plan
from plans.pdf import plan_pdf
from priorities.models import Action, Aim

pytestmark = pytest.mark.django_db

SLUGS = ["carlisle-eden", "east-cambridgeshire", "west-cumbria"]


def words(text: str) -> str:
    """Whitespace as one space, and no space after a hyphen: a line may break after one."""
    return " ".join(text.split()).replace("- ", "-")


@pytest.fixture(scope="module")
def reference(django_db_setup, django_db_blocker) -> dict[str, dict]:
    """Each demo plan's expected content, from the database the demo files were loaded into,
    and its PDF's text; loaded inside a transaction that is rolled back."""
    result = {}
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        for slug in SLUGS:
            plan = Plan.objects.select_related("partnership").get(partnership__slug=slug)
            document = plan_document(plan)
            pdf = plan_pdf(document)
            text = words(
                " ".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
            )
            priorities = [
                (
                    entry.priority,
                    list(
                        Action.objects.current()
                        .filter(priority=entry.priority)
                        .prefetch_related(
                            "lead_partners__organisation", "lead_partners__group", "indicators"
                        )
                        .select_related("priority__plan__partnership")
                    ),
                    list(Aim.objects.filter(priority=entry.priority)),
                )
                for entry in document.priorities
            ]
            result[slug] = {
                "text": text,
                "priorities": priorities,
                "glossary": [term.term for term in document.glossary],
                "partnership_terms": list(
                    GlossaryTerm.objects.filter(partnership=plan.partnership).values_list(
                        "term", flat=True
                    )
                ),
            }
        transaction.set_rollback(True)
    return result


def in_order(text: str, items: list[str], start: int = 0) -> list[str]:
    """The items not found in text one after another from start: [] when all are in order."""
    missing = []
    position = start
    for item in items:
        found = text.find(words(item), position)
        if found < 0:
            missing.append(item)
        else:
            position = found + len(words(item))
    return missing


@pytest.mark.parametrize("slug", SLUGS)
def test_every_action_prints_in_its_priority_in_the_plans_order(reference, slug):
    plan = reference[slug]
    count = 0
    for _priority, actions, _aims in plan["priorities"]:
        assert in_order(plan["text"], [action.text for action in actions]) == []
        count += len(actions)
    assert count >= 10


@pytest.mark.parametrize("slug", SLUGS)
def test_every_aim_prints_in_its_priority_in_the_plans_order(reference, slug):
    plan = reference[slug]
    for _priority, _actions, aims in plan["priorities"]:
        assert in_order(plan["text"], [aim.title for aim in aims]) == []


@pytest.mark.parametrize("slug", SLUGS)
def test_every_lead_partner_indicator_and_review_date_prints_beside_its_action(reference, slug):
    """Each action's lead partners, indicator codes and review date as the plan writes it, all
    between the previous action's text and the next one's."""
    plan = reference[slug]
    text = plan["text"]
    for _priority, actions, _aims in plan["priorities"]:
        starts = [text.find(words(action.text)) for action in actions]
        for index, action in enumerate(actions):
            window_start = starts[index - 1] + len(words(actions[index - 1].text)) if index else 0
            window_end = starts[index + 1] if index + 1 < len(actions) else len(text)
            window = text[max(window_start - 400, 0) : window_end + 400]
            expected = [lead.name for lead in action.lead_partners.all()]
            expected += [indicator.code for indicator in action.indicators.all()]
            if action.review_date:
                expected.append(action.review_date_label)
            missing = [item for item in expected if words(item) not in window]
            assert missing == [], action.text


def test_west_cumbria_prints_its_three_review_dates_as_its_source_writes_them(reference):
    text = reference["west-cumbria"]["text"]
    assert text.count("December 2011") == 2
    assert text.count("January 2012") == 1


def test_east_cambridgeshire_prints_every_glossary_term_in_order(reference):
    plan = reference["east-cambridgeshire"]
    assert len(plan["glossary"]) == len(plan["partnership_terms"]) == 34
    start = plan["text"].find("Appendix A")
    assert start >= 0
    appendix = plan["text"].find("Appendix A", start + 1)
    assert in_order(plan["text"], plan["glossary"], start=max(appendix, start)) == []


def test_west_cumbria_prints_an_aim_without_actions_in_its_place_with_its_agencies(reference):
    text = reference["west-cumbria"]["text"]
    hotspots = text.find("Target ASB Hotspots")
    criminal_damage = text.find("Reduce Criminal Damage")
    fires = text.find("Reduce the number of Deliberate Fires")
    assert 0 <= hotspots < criminal_damage < fires
    assert "Prevent & Deter / Cumbria Constabulary" in text[criminal_damage:fires]
