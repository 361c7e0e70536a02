"""The Leadership Group's review in a real browser: a reviewer comments on an action, the
task group's editor resolves it, the administrator approves and publishes, and the public
then reads the plan. axe-core checks every page on the way."""

import pytest
from playwright.sync_api import Browser, Page, expect

from plans.models import Plan
from priorities.models import ReviewComment
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

COMMENT = "Which partner funds the mediation service?"


@pytest.fixture
def plan_in_review(plan, action, reviewer, editor, administrator) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def new_page(browser: Browser):
    """Pages in separate browser contexts (separate sessions), all closed when the test ends."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context()
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _signed_in_page(new_page, base_url: str, username: str) -> Page:
    page = new_page()
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(f"{base_url}/sign-in/")
    return page


def _plan_url(base_url: str, plan: Plan) -> str:
    return f"{base_url}/plans/{plan.partnership.slug}/{plan.slug}/"


def test_a_comment_is_resolved_and_the_approved_plan_is_published_for_the_public(
    new_page, live_server, plan_in_review, action
):
    base_url, plan_url = live_server.url, _plan_url(live_server.url, plan_in_review)

    anonymous = new_page()
    assert anonymous.goto(plan_url).status == 404

    reviewer = _signed_in_page(new_page, base_url, "reviewer")
    reviewer.goto(plan_url)
    assert_accessible(reviewer)
    reviewer.get_by_role("link", name="Comment on action 1.1").click()
    assert_accessible(reviewer)
    reviewer.get_by_label("Comment").fill(COMMENT)
    reviewer.get_by_role("button", name="Add the comment").click()
    expect(reviewer.get_by_text("Your comment has been added.")).to_be_visible()
    expect(reviewer.get_by_text(COMMENT)).to_be_visible()
    expect(reviewer.get_by_role("button", name="Mark as resolved")).to_have_count(0)

    editor = _signed_in_page(new_page, base_url, "editor")
    editor.goto(plan_url)
    expect(editor.get_by_text(COMMENT)).to_be_visible()
    editor.get_by_role("button", name="Mark as resolved").click()
    expect(editor.get_by_text("The comment has been marked as resolved.")).to_be_visible()
    assert_accessible(editor)
    assert ReviewComment.objects.get().resolved_by.username == "editor"

    administrator = _signed_in_page(new_page, base_url, "administrator")
    administrator.goto(plan_url)
    expect(administrator.get_by_role("heading", name="Status: In review")).to_be_visible()
    administrator.get_by_role("link", name="Approve").click()
    assert_accessible(administrator)
    administrator.get_by_role("button", name="Approve").click()
    expect(administrator.get_by_role("heading", name="Status: Approved")).to_be_visible()
    administrator.get_by_role("link", name="Publish").click()
    administrator.get_by_label("Comment (optional)").fill("Agreed by the Leadership Group")
    administrator.get_by_role("button", name="Publish").click()
    expect(administrator.get_by_role("heading", name="Status: Published")).to_be_visible()
    assert_accessible(administrator)

    public = anonymous.goto(plan_url)
    assert public.status == 200
    expect(anonymous.get_by_role("heading", name=plan_in_review.title, exact=True)).to_be_visible()
    expect(anonymous.get_by_text(action.text)).to_be_visible()
    expect(anonymous.get_by_text("DRAFT")).to_have_count(0)
    expect(anonymous.get_by_text(COMMENT)).to_have_count(0)
    assert_accessible(anonymous)


def test_an_editors_change_shows_on_the_draft_plan_page_straight_away(
    new_page, live_server, plan, action, editor, reviewer
):
    """The draft page is cached after the first view; the edit must still show at once."""
    plan_url = _plan_url(live_server.url, plan)
    reader = _signed_in_page(new_page, live_server.url, "reviewer")
    reader.goto(plan_url)
    reader.goto(plan_url)
    expect(reader.get_by_text(action.text)).to_be_visible()

    editor_page = _signed_in_page(new_page, live_server.url, "editor")
    editor_page.goto(f"{live_server.url}/actions/{action.pk}/edit/")
    editor_page.get_by_label("Action", exact=True).fill("Fund two more mediators.")
    editor_page.get_by_role("button", name="Save the action").click()
    expect(editor_page).not_to_have_url(f"{live_server.url}/actions/{action.pk}/edit/")

    reader.goto(plan_url)
    expect(reader.get_by_text("Fund two more mediators.")).to_be_visible()
    expect(reader.get_by_text(action.text)).to_have_count(0)
    assert_accessible(reader)
