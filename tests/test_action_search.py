"""Searching actions through an index: the admin search finds exactly what Django's own
search found, on SQLite and PostgreSQL, and PostgreSQL answers it from trigram indexes that
the migration adds and takes away again."""

from __future__ import annotations

import datetime
import io

import pytest
from django.contrib import admin
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.models import Organisation, Partnership, Plan
from priorities.models import Action, ActionLeadPartner
from priorities.reminders import build_digests

pytestmark = pytest.mark.django_db

TERMS = [
    "burglary",
    "BURGLARY",
    "Burg",
    "mediation",
    "anti-social behaviour",
    '"anti-social behaviour"',
    "Reduce domestic",
    "Synthetic Police 01",
    "SPol",
    "Jane Smith",
    "task group",
    "nothing matches this",
]


@pytest.fixture
def actions(action, priority) -> None:
    """The fixtures' action, synthetic actions, and a lead kept as written."""
    call_command(
        "make_synthetic",
        "--partnerships",
        "2",
        "--plans",
        "2",
        "--actions",
        "12",
        stdout=io.StringIO(),
    )
    ActionLeadPartner.objects.create(
        action=Action.objects.filter(text__contains="burglary").first(),
        order=9,
        kind=ActionLeadPartner.Kind.AS_WRITTEN,
        printed_as="Jane Smith, Community Safety Officer",
    )


def _django_search(term: str) -> set[int]:
    """What Django's own admin search finds with the action admin's search fields."""
    model_admin = admin.site._registry[Action]
    request = RequestFactory().get("/")
    found, _ = admin.ModelAdmin.get_search_results(model_admin, request, Action.objects.all(), term)
    return set(found.values_list("pk", flat=True))


@pytest.mark.parametrize("term", TERMS)
def test_the_admin_search_finds_what_djangos_search_found(client, superuser, actions, term):
    client.force_login(superuser)
    response = client.get(reverse("admin:priorities_action_changelist"), {"q": term, "all": ""})
    assert response.status_code == 200
    found = {action.pk for action in response.context["cl"].queryset}
    assert found == _django_search(term)


def test_the_search_words_find_actions_by_text_priority_and_lead_partner(
    client, superuser, actions
):
    client.force_login(superuser)
    url = reverse("admin:priorities_action_changelist")
    by_text = client.get(url, {"q": "burglary"}).context["cl"].queryset
    assert by_text.exists()
    assert all(
        "burglary" in a.text.lower() or "burglary" in a.priority.title.lower() for a in by_text
    )
    organisation = Organisation.objects.get(name="Synthetic Police 01")
    by_organisation = set(client.get(url, {"q": organisation.name}).context["cl"].queryset)
    assert by_organisation == set(
        Action.objects.filter(lead_partners__organisation=organisation).distinct()
    )
    assert client.get(url, {"q": "Jane Smith"}).context["cl"].queryset.count() == 1


def test_the_action_plan_filter_finds_actions_by_their_words(client, superuser, actions):
    action = Action.objects.filter(text__icontains="burglary").select_related("priority").first()
    client.force_login(superuser)
    other = action.priority.actions.exclude(text__icontains="burglary").first()
    url = reverse("priorities:action_plan", args=[action.priority_id])
    response = client.get(url, {"q": "BURGLARY"})
    assert response.status_code == 200
    assert action.text in response.text
    assert other.text not in response.text


def _migrate(app_label: str, name: str) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([(app_label, name)])


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.django_db(transaction=True)
def test_the_trigram_migration_applies_and_reverses() -> None:
    trigram = {"action_text_trgm", "lead_partner_printed_as_trgm"}
    on_postgresql = connection.vendor == "postgresql"
    assert (trigram <= _indexes()) is on_postgresql
    try:
        _migrate("priorities", "0008_priority_assessment_categories")
        assert not trigram & _indexes()
    finally:
        _migrate("priorities", "0009_action_search_trigram")
    assert (trigram <= _indexes()) is on_postgresql


@pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_trgm is PostgreSQL's")
def test_postgresql_answers_a_word_search_from_the_trigram_index(actions) -> None:
    query = Action.objects.filter(text__icontains="burglary").order_by().values("pk")
    with connection.cursor() as cursor:
        # With this few rows a scan is cheaper: forbid scans, to show the index fits the query.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = query.explain()
    assert "action_text_trgm" in plan


def test_the_admins_plan_filter_lists_only_the_chosen_partnerships_plans(
    client, superuser, actions
) -> None:
    client.force_login(superuser)
    url = reverse("admin:priorities_action_changelist")
    own = Plan.objects.filter(partnership__slug="synthetic-0001").first()
    other = Plan.objects.filter(partnership__slug="synthetic-0002").first()
    unchosen = client.get(url).text
    assert f"priority__plan__id__exact={own.pk}" not in unchosen
    partnership = Partnership.objects.get(slug="synthetic-0001")
    chosen = client.get(url, {"priority__plan__partnership__id__exact": partnership.pk}).text
    assert f"priority__plan__id__exact={own.pk}" in chosen
    assert f"priority__plan__id__exact={other.pk}" not in chosen


def test_reminders_leave_out_actions_nobody_is_reminded_of(actions) -> None:
    """Synthetic task groups have no chair nor editor: their due actions are not even read;
    the fixtures' action, whose task group has a chair, still is."""
    today = datetime.date.today()
    assert Action.objects.filter(review_date__lt=today, text__contains="(action").count() > 10
    with CaptureQueriesContext(connection) as queries:
        digests = build_digests(today)
    assert [digest.email for digest in digests] == ["chair@example.org"]
    assert all("(action" not in action.text for action in digests[0].actions)
    # Reminders sent today, the editors, the due actions.
    assert len(queries) == 3
