"""Getting around by links alone: the service navigation, the breadcrumbs, and a crawl from
the home page that reaches every working page of a plan within three clicks for each role."""

from __future__ import annotations

from collections import deque
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from cspplan.context_processors import navigation_items
from plans.models import Group, Membership, Partnership, Plan
from priorities.models import Action, Priority, ReviewComment

pytestmark = pytest.mark.django_db

CRAWL_DEPTH = 3
# Links a crawl must not follow: signing out ends the crawl's session, the admin is a
# separate site, and PDFs are rendered at length (their links are checked, not fetched).
NOT_FOLLOWED = ("/sign-out/", "/admin/")


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _same_site_links(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    links = []
    for href in parser.hrefs:
        url, _fragment = urldefrag(href)
        parts = urlsplit(url)
        if parts.netloc not in ("", "testserver") or parts.scheme not in ("", "http", "https"):
            continue
        if not parts.path.startswith("/"):
            continue
        links.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return links


def _is_pdf(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith((".pdf", "/pdf/"))


def crawl(client: Client, depth: int = CRAWL_DEPTH) -> tuple[dict[str, int], set[str]]:
    """Breadth first from "/", GET only, following <a href> links: the pages reached within
    `depth` clicks with their status codes, and the PDF links seen on the way."""
    reached: dict[str, int] = {}
    pdf_links: set[str] = set()
    queue = deque([("/", 0)])
    while queue:
        url, clicks = queue.popleft()
        if url in reached:
            continue
        response = client.get(url)
        reached[url] = response.status_code
        if clicks == depth or response.status_code != 200:
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        for link in _same_site_links(response.content.decode()):
            if _is_pdf(link):
                pdf_links.add(link)
            elif not link.startswith(NOT_FOLLOWED) and link not in reached:
                queue.append((link, clicks + 1))
    return reached, pdf_links


@pytest.fixture
def plan_in_review(plan: Plan, partnership: Partnership, task_group: Group, action) -> Plan:
    """The conftest plan in review, renewing a published plan whose priority the task group
    also leads, with an open comment, so the review summary and the changes page both exist."""
    published = Plan.objects.create(
        partnership=partnership,
        title="Partnership Plan",
        slug="2009-10",
        start_year=2009,
        end_year=2010,
        status=Plan.Status.PUBLISHED,
    )
    Priority.objects.create(plan=published, order=1, title="Old ASB", task_group=task_group)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW, previous_plan=published)
    plan.refresh_from_db()
    ReviewComment.objects.create(plan=plan, action=action, body="Who funds this?")
    # A priority of another task group: the editor need not reach it, the others may.
    other_group = Group.objects.create(partnership=partnership, name="Other", kind=Group.Kind.TASK)
    Priority.objects.create(plan=plan, order=2, title="Burglary", task_group=other_group)
    return plan


def _plan_urls(plan: Plan) -> dict[str, str]:
    args = [plan.partnership.slug, plan.slug]
    return {
        "plan page": reverse("plans:plan_detail", args=args),
        "review summary": reverse("plans:review_summary", args=args),
        "changes page": reverse("plans:plan_changes", args=args),
    }


@pytest.mark.parametrize("role", ["administrator", "editor", "reviewer", "viewer", "superuser"])
def test_every_role_reaches_the_working_pages_of_its_plan_by_links_alone(
    request, client, role, plan_in_review, task_group, editor
):
    user: User = request.getfixturevalue(role)
    client.force_login(user)
    reached, pdf_links = crawl(client)

    wanted = _plan_urls(plan_in_review)
    missing = {name: url for name, url in wanted.items() if reached.get(url) != 200}
    assert missing == {}
    assert reverse("plans:plan_pdf", args=[plan_in_review.partnership.slug, "2010-11"]) in pdf_links
    if role in ("administrator", "superuser"):
        manage = reverse("plans:partnership_manage", args=[plan_in_review.partnership.slug])
        assert reached.get(manage) == 200
    own_priorities = Priority.objects.filter(task_group__editor_memberships__user=user)
    for priority in own_priorities:
        assert reached.get(reverse("priorities:action_plan", args=[priority.pk])) == 200
    if role == "editor":
        assert own_priorities.count() == 2
    server_errors = {url: status for url, status in reached.items() if status >= 500}
    assert server_errors == {}


def _nav(response) -> list[tuple[str, str, str]]:
    return [(item.label, item.url, item.current) for item in response.context["service_navigation"]]


def test_visitors_get_no_service_navigation(client, plan):
    response = client.get(reverse("home"))
    assert list(response.context["service_navigation"]) == []
    assert "govuk-service-navigation" not in response.text


def test_an_editor_navigates_to_home_plans_and_their_partnerships_plans(client, editor, plan):
    client.force_login(editor)
    response = client.get(reverse("home"))
    assert _nav(response) == [
        ("Home", "/", "page"),
        ("Plans", "/plans/", ""),
        ("CDRP", "/plans/#partnership-carlisle-eden", ""),
    ]
    assert 'class="govuk-service-navigation__link" href="/" aria-current="page"' in response.text


def test_an_administrator_navigates_to_the_partnership_page_marked_current_there(
    client, administrator, partnership
):
    client.force_login(administrator)
    manage = reverse("plans:partnership_manage", args=[partnership.slug])
    response = client.get(manage)
    assert _nav(response) == [
        ("Home", "/", ""),
        ("Plans", "/plans/", ""),
        ("CDRP", manage, "page"),
    ]
    audit = client.get(reverse("plans:partnership_audit", args=[partnership.slug]))
    assert ("CDRP", manage, "true") in _nav(audit)


def test_plan_pages_mark_plans_as_current(client, viewer, plan):
    client.force_login(viewer)
    response = client.get(reverse("priorities:plan", args=[plan.pk]))
    assert ("Plans", "/plans/", "true") in _nav(response)
    assert ("Plans", "/plans/", "page") in _nav(client.get(reverse("plans:index")))


def test_staff_get_the_admin_in_the_navigation(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("home"))
    assert ("Admin", reverse("admin:index"), "") in _nav(response)


def test_people_who_are_not_staff_get_no_admin_link(client, administrator):
    client.force_login(administrator)
    response = client.get(reverse("home"))
    assert "Admin" not in [label for label, _url, _current in _nav(response)]
    assert reverse("admin:index") not in response.text


def test_the_navigation_takes_one_query_however_many_partnerships(
    rf, editor, other_partnership, django_assert_num_queries
):
    for number in range(5):
        partnership = Partnership.objects.create(
            name=f"Partnership {number}", short_name=f"P{number}", slug=f"p{number}"
        )
        Membership.objects.create(
            user=editor, partnership=partnership, role=Membership.Role.ADMINISTRATOR
        )
    request = rf.get("/")
    request.user = editor
    with django_assert_num_queries(1):
        items = navigation_items(request)
    assert len(items) == 2 + 6


def test_action_plans_and_actions_lead_back_to_the_plans_page(client, viewer, plan, action):
    client.force_login(viewer)
    plan_page = reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug])
    for url in (
        reverse("priorities:plan", args=[plan.pk]),
        reverse("priorities:action_plan", args=[action.priority.pk]),
        reverse("priorities:action", args=[action.pk]),
    ):
        response = client.get(url)
        assert f'class="govuk-breadcrumbs__link" href="{plan_page}"' in response.text, url
    action_page = client.get(reverse("priorities:action", args=[action.pk])).text
    assert reverse("priorities:plan", args=[plan.pk]) in action_page


def test_the_partnership_page_lists_its_plans(client, administrator, plan, other_partnership):
    Plan.objects.create(
        partnership=other_partnership, title="Not theirs", slug="x", start_year=2012, end_year=2013
    )
    client.force_login(administrator)
    response = client.get(reverse("plans:partnership_manage", args=[plan.partnership.slug]))
    assert reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug]) in response.text
    assert "Not theirs" not in response.text


def test_the_review_pages_lead_back_to_the_plans_page(client, reviewer, plan_in_review):
    client.force_login(reviewer)
    urls = _plan_urls(plan_in_review)
    for name in ("review summary", "changes page"):
        response = client.get(urls[name])
        assert f'class="govuk-breadcrumbs__link" href="{urls["plan page"]}"' in response.text


def test_a_removed_action_is_not_needed_to_reach_the_plan(client, editor, plan_in_review, action):
    """The crawl follows what is shown: a removed action drops out without breaking links."""
    Action.objects.filter(pk=action.pk).update(status=Action.Status.REMOVED)
    client.force_login(editor)
    reached, _pdfs = crawl(client, depth=2)
    assert reached[_plan_urls(plan_in_review)["plan page"]] == 200
