"""The administrator finds the plan's page by clicks alone, from signing in; axe-core checks
the home page and the plan's page."""

import pytest
from playwright.sync_api import Page, expect

from plans.models import Plan
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_administrator_reaches_the_plan_page_by_clicks_from_signing_in(
    page: Page, live_server, administrator, action, plan
):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
    page.goto(live_server.url)
    page.get_by_role("link", name="Sign in").first.click()
    page.get_by_label("Username").fill("administrator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    navigation = page.get_by_role("navigation", name="Menu")
    expect(navigation.get_by_role("link", name="Home")).to_have_attribute("aria-current", "page")
    expect(page.get_by_text("In review: 0 open comments")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Partnership Plan 2010/11", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}/plans/carlisle-eden/2010-11/")
    expect(page.get_by_role("heading", name="Status: In review")).to_be_visible()
    expect(navigation.get_by_role("link", name="Plans")).to_have_attribute("aria-current", "true")
    assert_accessible(page)

    # And back again, through the action plans' breadcrumbs.
    page.get_by_role("link", name="Action plans and progress").click()
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Partnership Plan 2010/11"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/plans/carlisle-eden/2010-11/")
