"""Correcting a published plan in a real browser: the administrator publishes the approved
plan, corrects it with a change note, edits a section in the app, has it reviewed and approved
and publishes it again; the public page then lists both versions, and the first is still read
as it was. axe-core checks the public page and the correction's pages."""

import pytest
from playwright.sync_api import Browser, Page, expect

from plans.models import Plan
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Corrected the number of PCSOs in the foreword."


@pytest.fixture
def approved_plan(plan, action, administrator) -> Plan:
    plan.sections.create(order=1, title="Foreword", body="<p>We have 12 PCSOs.</p>")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def new_page(browser: Browser):
    contexts = []

    def open_page() -> Page:
        context = browser.new_context()
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def _move(page: Page, label: str, status: str, note: str = "") -> None:
    page.get_by_role("link", name=label, exact=True).click()
    if note:
        assert_accessible(page)
        page.get_by_label("Change note: what are you correcting, and why?").fill(note)
    page.get_by_role("button", name=label, exact=True).click()
    expect(page.get_by_role("heading", name=f"Status: {status}")).to_be_visible()


def test_an_administrator_corrects_a_published_plan_and_the_public_reads_both_versions(
    new_page, live_server, approved_plan
):
    base_url = live_server.url
    plan_url = f"{base_url}{approved_plan.get_absolute_url()}"
    page = new_page()
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill("administrator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{base_url}/")

    page.get_by_role(
        "link", name=f"{approved_plan.title} {approved_plan.period_label}", exact=True
    ).click()
    expect(page).to_have_url(plan_url)
    _move(page, "Publish", "Published")

    _move(page, "Correct the published plan", "Draft", note=NOTE)
    expect(
        page.get_by_text("Correction in progress: the public page still shows version 1")
    ).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Action plans and progress").click()
    page.get_by_role("link", name="Sections of the plan").click()
    page.get_by_role("link", name="Edit section “Foreword”").click()
    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_contain_text("We have 12 PCSOs.")
    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("We have 21 PCSOs.")
    assert_accessible(page)
    page.get_by_role("button", name="Save the section").click()
    expect(page).not_to_have_url(f"{base_url}/actions/section/")

    anonymous = new_page()
    anonymous.goto(plan_url)
    expect(anonymous.get_by_text("We have 12 PCSOs.")).to_be_visible()
    expect(anonymous.get_by_text("We have 21 PCSOs.")).to_have_count(0)
    expect(anonymous.get_by_text("Correction in progress")).to_have_count(0)

    page.goto(plan_url)
    _move(page, "Send for review", "In review")
    _move(page, "Approve", "Approved")
    _move(page, "Publish", "Published")

    anonymous.goto(plan_url)
    expect(anonymous.get_by_text("We have 21 PCSOs.")).to_be_visible()
    versions = anonymous.locator(".plan-versions")
    expect(versions.get_by_role("heading", name="Versions of this plan")).to_be_visible()
    expect(versions.locator("tbody tr")).to_have_count(2)
    expect(versions.get_by_text(NOTE)).to_be_visible()
    expect(versions.get_by_text("First published.")).to_be_visible()
    assert_accessible(anonymous)

    versions.get_by_role("link", name="Version 1 as a web page").click()
    expect(anonymous.get_by_text("This is version 1 of the plan")).to_be_visible()
    expect(anonymous.get_by_text("We have 12 PCSOs.")).to_be_visible()
    assert_accessible(anonymous)
    pdf = anonymous.request.get(f"{plan_url}versions/1/pdf/")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
