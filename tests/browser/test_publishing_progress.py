"""Publishing in a real browser: the button returns at once with a progress page, which checks
again by itself (htmx) and goes to the public page once the plan is published. No worker runs
here, so after the grace time the page's own check publishes, as while the worker is down."""

import pytest
from playwright.sync_api import Page, expect

from plans.models import Job, Plan
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_progress_page_waits_then_goes_to_the_published_plan(
    page: Page, live_server, plan, action, administrator, settings
):
    settings.TASK_WORKER_GRACE_SECONDS = 3
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    page.goto(f"{live_server.url}/sign-in/?next={plan.get_absolute_url()}")
    page.get_by_label("Username").fill("administrator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Publish", exact=True).click()
    page.get_by_role("button", name="Publish", exact=True).click()

    expect(page.get_by_role("heading", name="Publishing the plan")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("being made")
    assert_accessible(page)
    assert Job.objects.get(plan=plan, kind=Job.Kind.PUBLISH).status == Job.Status.WAITING
    # The page checks every two seconds; past the grace time its check publishes the plan.
    expect(page.get_by_role("heading", name="Status: Published")).to_be_visible(timeout=30_000)
    assert page.url == f"{live_server.url}{plan.get_absolute_url()}"
    expect(page.get_by_text("is now published")).to_be_visible()
