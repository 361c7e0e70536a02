"""The Content-Security-Policy refuses nothing the site itself needs.

Chromium reports every refused script, style or image on the console; the main pages are
visited with their JavaScript at work (the GOV.UK components, htmx filtering and suggestions,
the admin's widgets) and the console must hold no such report.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect

from plans.models import Plan
from plans.workflow import plan_move
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def watched(browser: Browser):
    """A page whose console reports of refused content, and script errors, are kept."""
    context = browser.new_context()
    page = context.new_page()
    reports: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            reports.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: reports.append(f"{page.url}: {error}"))
    yield page, reports
    context.close()


def _sign_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(f"{base_url}/sign-in/")


def test_the_officers_pages_raise_no_policy_violation(
    watched, live_server, editor, action, council, national_indicators
):
    page, reports = watched
    base_url = live_server.url
    priority = action.priority

    page.goto(f"{base_url}/")
    _sign_in(page, base_url, "editor")
    expect(page.locator("body.js-enabled")).to_have_count(1)
    page.goto(f"{base_url}/plans/{priority.plan.partnership.slug}/{priority.plan.slug}/")
    page.goto(f"{base_url}/actions/priority/{priority.pk}/")
    page.get_by_text("Filter and search the actions").click()
    page.get_by_label("Search action text").press_sequentially("media", delay=30)
    expect(page).to_have_url(re.compile(r"q=media"))
    page.goto(f"{base_url}/actions/priority/{priority.pk}/add/")
    page.get_by_label("Lead partners").press_sequentially("Cumbria Pol", delay=30)
    expect(page.get_by_role("button", name="Cumbria Police")).to_be_visible()
    page.get_by_label("Linked indicators (optional)").press_sequentially("drunk", delay=30)
    expect(page.get_by_role("button", name="NI 41 Perceptions")).to_be_visible()
    page.get_by_role("button", name="Add the action").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()

    assert reports == []


def test_the_admin_raises_no_policy_violation(watched, live_server, superuser, action):
    page, reports = watched
    base_url = live_server.url

    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(superuser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/admin/")
    page.goto(f"{base_url}/admin/priorities/action/{action.pk}/change/")
    expect(page.locator("#action_form")).to_be_visible()
    page.goto(f"{base_url}/admin/plans/plan/{action.priority.plan_id}/change/")
    page.goto(f"{base_url}/admin/priorities/action/?q=mediation")

    assert reports == []


def test_a_published_plan_raises_no_policy_violation_when_replayed(
    watched, live_server, superuser, action
):
    page, reports = watched
    plan = action.priority.plan
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    plan.refresh_from_db()
    plan_move(plan=plan, to_status=Plan.Status.PUBLISHED, user=superuser)
    url = f"{live_server.url}/plans/{plan.partnership.slug}/{plan.slug}/"

    page.goto(url)
    # The second visit is answered from the public cache.
    page.reload()
    expect(page.locator("body.js-enabled")).to_have_count(1)

    assert reports == []
