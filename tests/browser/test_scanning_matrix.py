"""An administrator fills in the plan's scanning matrix in a real browser: adds a criterion,
types marks into the grid, gets a too-long mark refused beside its cell with everything typed
kept, corrects it and saves; axe-core checks each page, and the plan prints the table."""

import pytest
from playwright.sync_api import Page, expect

from plans.models import ScanningMark
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD
from tests.test_scanning_matrix import build_matrix

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_fills_in_the_scanning_grid(page: Page, live_server, administrator, plan):
    build_matrix(plan)
    base = live_server.url
    page.goto(f"{base}/sign-in/")
    page.get_by_label("Username").fill("administrator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{base}/actions/plan/{plan.pk}/")
    page.get_by_role("link", name="Strategic assessment: scanning matrix").click()
    expect(
        page.get_by_role("heading", name="Strategic assessment: scanning matrix")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Add a criterion").click()
    assert_accessible(page)
    page.get_by_label("Criterion").fill("Cost")
    page.get_by_role("button", name="Add the criterion").click()
    expect(page.get_by_text("The criterion has been added.")).to_be_visible()

    page.get_by_label("Cost mark for Vehicle crime").fill("Very very high")
    page.get_by_label("Cost mark for Deliberate fires").fill("L")
    page.get_by_label("Comment on Vehicle crime").fill("Typed before the error")
    page.get_by_role("button", name="Save the matrix").click()

    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator(".govuk-error-message").first).to_contain_text(
        "The Cost mark for Vehicle crime must be 10 characters or fewer"
    )
    expect(page.get_by_label("Cost mark for Deliberate fires")).to_have_value("L")
    expect(page.get_by_label("Comment on Vehicle crime")).to_have_value("Typed before the error")
    assert_accessible(page)
    assert not ScanningMark.objects.filter(criterion__name="Cost").exists()

    page.get_by_label("Cost mark for Vehicle crime").fill("H")
    page.get_by_role("button", name="Save the matrix").click()
    expect(page.get_by_text("The scanning matrix has been saved.")).to_be_visible()
    assert set(
        ScanningMark.objects.filter(criterion__name="Cost").values_list("text", flat=True)
    ) == {"H", "L"}

    page.goto(f"{base}/plans/{plan.partnership.slug}/{plan.slug}/")
    table = page.locator("table.plan-scanning__table")
    expect(table.get_by_role("columnheader", name="Cost")).to_be_visible()
    expect(table.get_by_role("rowheader", name="Burglary dwelling")).to_be_visible()
    assert_accessible(page)
