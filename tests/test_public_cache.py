"""Anonymous repeat requests for a public plan are answered from the cache, before the session
and sign-in middleware, and a change of the plan's status shows at once."""

import pytest
from django.urls import reverse

from plans.models import Plan
from plans.workflow import plan_move
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

Status = Plan.Status


@pytest.fixture
def published(plan, action, superuser) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=Status.APPROVED)
    plan.refresh_from_db()
    plan_move(plan=plan, to_status=Status.PUBLISHED, user=superuser)
    return plan


def _page(plan: Plan) -> str:
    return reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug])


def _pdf(plan: Plan) -> str:
    return reverse("plans:plan_pdf", args=[plan.partnership.slug, plan.slug])


def test_a_repeat_view_of_a_published_plan_needs_no_query(
    client, published, django_assert_num_queries
):
    first = client.get(_page(published))

    with django_assert_num_queries(0):
        repeat = client.get(_page(published))

    assert repeat.status_code == 200
    assert repeat.content == first.content


def test_a_repeat_pdf_download_needs_no_query_and_keeps_its_headers(
    client, published, django_assert_num_queries
):
    first = client.get(_pdf(published))

    with django_assert_num_queries(0):
        repeat = client.get(_pdf(published))

    assert repeat.content == first.content
    assert repeat["Content-Type"] == "application/pdf"
    assert repeat["ETag"] == first["ETag"]


def test_a_browser_holding_the_pdf_is_told_it_is_unchanged_from_the_cache(client, published):
    etag = client.get(_pdf(published))["ETag"]

    response = client.get(_pdf(published), headers={"If-None-Match": etag})

    assert response.status_code == 304


def test_superseding_a_plan_shows_on_its_public_page_at_once(client, published, superuser):
    client.get(_page(published))
    renewal = Plan.objects.create(
        partnership=published.partnership,
        title=published.title,
        slug="2011-12",
        start_year=2011,
        end_year=2012,
        status=Status.APPROVED,
        previous_plan=published,
    )

    plan_move(plan=renewal, to_status=Status.PUBLISHED, user=superuser)

    assert "This plan has been superseded" in client.get(_page(published)).text


def test_a_signed_in_member_is_not_served_the_anonymous_copy(client, published, administrator):
    client.get(_page(published))
    client.login(username=administrator.username, password=PASSWORD)

    response = client.get(_page(published))

    assert "Status: Published" in response.text


def test_a_draft_is_never_kept_for_anonymous_visitors(client, plan, viewer):
    client.login(username=viewer.username, password=PASSWORD)
    assert client.get(_page(plan)).status_code == 200
    client.logout()

    assert client.get(_page(plan)).status_code == 404
