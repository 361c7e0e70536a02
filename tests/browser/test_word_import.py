"""An administrator imports a plan from Word in a real browser: upload a .docx built with
python-docx, map the lead partner the partnership does not know to one of its organisations
in the preview, confirm, and read the result on the plan's page. axe-core checks each page,
and the keyboard reaches the mapping and the confirm button in order."""

import pytest
from playwright.sync_api import Page, expect

from plans.models import PendingImport, PlanImport
from priorities.models import Action
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD
from tests.word_files import ACTION, PRIORITY, UNKNOWN_PARTNER, plan_docx

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sign_in_as_administrator(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill("administrator")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/sign-in/" not in url)


def test_an_administrator_imports_a_plan_from_word_mapping_an_unknown_lead_partner(
    page: Page, live_server, administrator, plan, council, national_indicators
):
    base = live_server.url
    sign_in_as_administrator(page, base)
    page.goto(f"{base}/plans/partnership/{plan.partnership.slug}/")
    page.get_by_role("link", name="Import a plan from Word").click()
    expect(page.get_by_role("heading", name="Import a plan from Word")).to_be_visible()
    assert_accessible(page)

    # Without a file the form comes back with the problem beside the field.
    page.get_by_label("A draft plan the partnership already has").check()
    page.get_by_label("Draft plan", exact=True).select_option(label="Partnership Plan 2010/11")
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    expect(page.locator("#id_file_1_error")).to_contain_text("Choose the Word document to import")
    expect(page.get_by_label("A draft plan the partnership already has")).to_be_checked()
    assert_accessible(page)

    page.get_by_label("Word document").set_input_files(
        files=[{"name": "plan.docx", "mimeType": DOCX_TYPE, "buffer": plan_docx()}]
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", name="Check the import of “plan.docx”")).to_be_visible()
    expect(page.get_by_role("table", name="Priorities and their actions")).to_contain_text(PRIORITY)
    assert_accessible(page)

    # The select is labelled with the name as printed, and keyboard order runs from it to the
    # confirm button.
    mapping = page.get_by_label(UNKNOWN_PARTNER, exact=True)
    expect(mapping).to_have_value("")
    mapping.focus()
    mapping.select_option(label="Carlisle City Council")
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Confirm import")).to_be_focused()
    page.keyboard.press("Enter")

    expect(
        page.get_by_text("“plan.docx” has been imported into Partnership Plan 2010/11")
    ).to_be_visible()
    assert page.url.endswith(plan.get_absolute_url())
    expect(page.get_by_role("heading", name=PRIORITY)).to_be_visible()
    # The plan prints the lead partner as the document did, now a listed organisation's.
    row = page.locator("tr", has_text=ACTION)
    expect(row).to_contain_text(UNKNOWN_PARTNER)
    expect(row.get_by_text("Not a listed organisation")).to_have_count(0)
    [lead] = Action.objects.get(text=ACTION).lead_partners.all()
    assert lead.organisation == council

    # Filtering the priority's action plan by the mapped organisation finds the action.
    page.goto(f"{base}/actions/priority/{lead.action.priority_id}/")
    page.get_by_text("Filter and search the actions").click()
    page.get_by_label("Lead partner").select_option(label="Carlisle City Council")
    page.get_by_role("button", name="Show matching actions").click()
    expect(page.get_by_text("1 matching action.")).to_be_visible()
    expect(page.get_by_role("link", name=ACTION)).to_be_visible()
    assert_accessible(page)
    assert PlanImport.objects.filter(plan=plan, made_by=administrator).count() == 1
    assert not PendingImport.objects.exists()
