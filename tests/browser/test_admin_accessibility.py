"""The admin forms a support officer fills in for a plan have no serious axe-core violations."""

import pytest
from playwright.sync_api import Page, expect

from plans.models import Plan
from priorities.models import Aim, ProgressUpdate
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def filled_action(action, priority, superuser):
    """An action with a lead partner, indicators, an aim and progress, so every inline has
    rows as well as its empty form."""
    Aim.objects.create(priority=priority, order=1, title="Fewer disputes")
    ProgressUpdate.objects.create(
        action=action, reported_on="2010-07-01", rag="green", note="Started.", author=superuser
    )
    return action


def sign_in(page: Page, base_url: str, superuser) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(superuser.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/admin/")


@pytest.mark.parametrize(
    "path",
    [
        "priorities/action/{action}/change/",
        "priorities/action/add/",
        "plans/plan/{plan}/change/",
        "priorities/priority/{priority}/change/",
    ],
)
def test_the_admin_forms_officers_use_have_no_serious_violations(
    page: Page, live_server, superuser, filled_action, path
):
    sign_in(page, live_server.url, superuser)
    priority = filled_action.priority
    address = path.format(action=filled_action.pk, plan=priority.plan_id, priority=priority.pk)

    page.goto(f"{live_server.url}/admin/{address}")
    expect(page.locator("#content form")).to_be_visible()

    assert_accessible(page)


def test_a_published_plans_action_shown_read_only_has_no_serious_violations(
    page: Page, live_server, superuser, filled_action
):
    Plan.objects.filter(pk=filled_action.priority.plan_id).update(status=Plan.Status.PUBLISHED)
    sign_in(page, live_server.url, superuser)

    page.goto(f"{live_server.url}/admin/priorities/action/{filled_action.pk}/change/")
    expect(page.get_by_text("only plans in draft can be changed")).to_be_visible()

    assert_accessible(page)
