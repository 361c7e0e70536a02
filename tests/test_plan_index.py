"""The public plans index: pages of 50, a search by plan title, partnership or area, plans
grouped by area and partnership with their counts, at a constant number of queries, and never
served to one visitor from another's search."""

from __future__ import annotations

import io

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from plans import public_cache
from plans.models import Membership, Partnership, Plan
from plans.plan_index import PLANS_PER_PAGE
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _make(partnerships: int, plans: int) -> None:
    call_command(
        "make_synthetic",
        "--partnerships",
        str(partnerships),
        "--plans",
        str(plans),
        "--actions",
        "1",
        stdout=io.StringIO(),
    )


def _index(client, **params):
    return client.get(reverse("plans:index"), params)


def _public() -> int:
    return Plan.objects.public().count()


def test_the_index_groups_plans_by_area_then_partnership_with_their_counts(client) -> None:
    _make(12, 3)
    content = _index(client).text
    first_area = content.index("Synthetic county 001")
    second_area = content.index("Synthetic county 002")
    assert first_area < content.index("Synthetic Community Safety Partnership 0001") < second_area
    assert content.index("Synthetic Community Safety Partnership 0011") > second_area
    in_first = Plan.objects.public().filter(partnership__area="Synthetic county 001").count()
    assert f"{in_first} plans</span>" in content
    partnership = Partnership.objects.get(slug="synthetic-0001")
    in_partnership = Plan.objects.public().filter(partnership=partnership).count()
    assert f"{in_partnership} plan{'s' if in_partnership != 1 else ''}</span>" in content
    assert f"{_public()} plans, showing" not in content  # one page only


def test_the_index_shows_fifty_plans_a_page_with_links_to_the_others(client) -> None:
    _make(20, 10)
    public = _public()
    assert public > 2 * PLANS_PER_PAGE
    first = _index(client)
    assert first.text.count('class="govuk-link" href="/plans/synthetic-') == PLANS_PER_PAGE
    assert f"{public} plans, showing 1 to {PLANS_PER_PAGE}" in first.text
    assert 'href="/plans/?page=2" rel="next"' in first.text
    second = _index(client, page=2)
    assert 'href="/plans/" rel="prev"' in second.text
    assert 'aria-current="page">2</a>' in second.text
    first_links = {line for line in first.text.splitlines() if "/plans/synthetic-" in line}
    second_links = {line for line in second.text.splitlines() if "/plans/synthetic-" in line}
    assert first_links and second_links and not first_links & second_links


def test_a_page_past_the_last_or_not_a_number_shows_a_real_page(client) -> None:
    _make(2, 2)
    assert _index(client, page=999).status_code == 200
    assert "Synthetic Community" in _index(client, page="nonsense").text


def test_the_search_finds_plans_by_title_partnership_name_or_area(client) -> None:
    _make(12, 2)
    by_area = _index(client, q="county 002").text
    assert "Synthetic Community Safety Partnership 0011" in by_area
    assert "Synthetic Community Safety Partnership 0001<" not in by_area
    by_name = _index(client, q="Partnership 0003").text
    assert "Synthetic Community Safety Partnership 0003" in by_name
    assert "Synthetic Community Safety Partnership 0004" not in by_name
    by_title = _index(client, q="2001/02").text
    assert "Partnership plan 2001/02" in by_title
    assert "Partnership plan 2000/01" not in by_title


def test_the_search_keeps_its_words_in_the_page_links_and_says_when_nothing_matches(
    client,
) -> None:
    _make(20, 10)
    found = _index(client, q="Synthetic county")
    assert 'href="/plans/?q=Synthetic+county&amp;page=2" rel="next"' in found.text
    assert 'value="Synthetic county"' in found.text
    nothing = _index(client, q="Atlantis")
    assert "No plans match your search" in nothing.text
    assert "0 plans match “Atlantis”" in nothing.text


def test_the_search_text_is_escaped(client) -> None:
    content = _index(client, q='<script>alert("x")</script>').text
    assert "<script>alert" not in content
    assert "&lt;script&gt;" in content


def test_a_drafts_tag_shows_only_to_its_partnerships_members(client, plan, viewer) -> None:
    assert plan.get_absolute_url() not in _index(client).text
    client.login(username=viewer.username, password=PASSWORD)
    assert "Draft: draft" in _index(client).text


def _queries(client, django_assert_num_queries, expected: int, **params) -> None:
    with django_assert_num_queries(expected):
        assert _index(client, **params).status_code == 200


@pytest.mark.parametrize("size", [(2, 2), (30, 10)])
def test_an_anonymous_index_costs_the_same_queries_at_any_size(
    client, django_assert_num_queries, size
) -> None:
    _make(*size)
    # The count, the page of plans, the counts of the page's areas.
    _queries(client, django_assert_num_queries, 3)
    _queries(client, django_assert_num_queries, 3, q="county", page=2)


@pytest.mark.parametrize("size", [(2, 2), (30, 10)])
def test_a_members_index_costs_the_same_queries_at_any_size(
    client, django_assert_num_queries, viewer, size
) -> None:
    _make(*size)
    Membership.objects.create(
        user=viewer,
        partnership=Partnership.objects.get(slug="synthetic-0001"),
        role=Membership.Role.VIEWER,
    )
    client.login(username=viewer.username, password=PASSWORD)
    # Session and user, the count, the page, the reader's memberships, the counts, and the
    # navigation's partnerships.
    _queries(client, django_assert_num_queries, 7)


def test_the_index_is_never_kept_in_the_public_cache(client) -> None:
    _make(12, 2)
    first = _index(client, q="county 001").text
    second = _index(client, q="county 002").text
    assert "Partnership 0001" in first and "Partnership 0001<" not in second
    assert "Partnership 0011" in second
    assert cache.get(public_cache._key(reverse("plans:index"))) is None
    assert "Partnership 0011" in _index(client).text


def test_a_cached_plan_page_is_not_served_in_place_of_the_index_with_a_query(client) -> None:
    _make(2, 2)
    plan = Plan.objects.public().select_related("partnership").first()
    client.get(plan.get_absolute_url())
    assert cache.get(public_cache._key(plan.get_absolute_url())) is not None
    page_two = _index(client, page=2, q=plan.partnership.name)
    assert "Partnership plans" in page_two.text
