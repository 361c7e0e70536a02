"""Every page where an administrator keeps the plan, reached by its links from the action plans
page, as it first opens and as it comes back with errors: axe-core finds nothing serious."""

import re

import pytest
from playwright.sync_api import Page, expect

from plans.models import Section
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The link on the action plans page, the link or button on that page that opens a form, and
# the button that sends the form empty, so that it comes back with its error messages.
PAGES = [
    ("Plan details", None, "Save the details"),
    ("Cover: logo and colour", None, None),
    ("Sections of the plan", "Add a subsection", "Save the subsection"),
    ("Related strategies", "Add several at once", "Add them all"),
    ("Glossary", "Add a term", "Save the term"),
    ("Budget", "Add a budget line", "Save the budget line"),
]


@pytest.fixture
def signed_in(page: Page, live_server, administrator, action, plan) -> Page:
    Section.objects.create(plan=plan, order=1, title="Foreword", body="<p>Welcome.</p>")
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(administrator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    return page


@pytest.mark.parametrize(("link", "form_link", "submit"), PAGES)
def test_each_page_that_keeps_the_plan_is_accessible_with_and_without_errors(
    signed_in: Page, live_server, plan, link, form_link, submit
):
    page = signed_in
    page.goto(f"{live_server.url}/actions/plan/{plan.pk}/")
    page.get_by_role("link", name=link, exact=True).click()
    assert_accessible(page)
    if form_link:
        page.get_by_role("link", name=re.compile(f"^{form_link}")).first.click()
        assert_accessible(page)
    if submit:
        for field in page.locator("main form input[type=text], main form textarea").all():
            if field.is_visible():
                field.fill("")
        page.get_by_role("button", name=submit).click()
        expect(page.locator(".govuk-error-summary")).to_be_visible()
        assert_accessible(page)


def test_the_priority_aim_and_partnership_pages_are_accessible(
    signed_in: Page, live_server, plan, action
):
    page = signed_in
    page.goto(f"{live_server.url}/actions/plan/{plan.pk}/")
    page.get_by_role("link", name="Add a priority").click()
    page.get_by_role("button", name="Add the priority").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert_accessible(page)

    page.goto(f"{live_server.url}/actions/priority/{action.priority_id}/")
    page.get_by_role("link", name="Add an aim").click()
    assert_accessible(page)

    page.goto(f"{live_server.url}/actions/plan/{plan.pk}/")
    page.get_by_role("link", name="The partnership's organisations").click()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Add an organisation")).click()
    assert_accessible(page)
    page.goto(f"{live_server.url}/actions/plan/{plan.pk}/")
    page.get_by_role("link", name="areas", exact=True).click()
    assert_accessible(page)
