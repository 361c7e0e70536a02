"""A task group's actions taken out as a spreadsheet and brought back in a real browser: the
download link, an edit with an unknown lead partner, the preview where it is mapped, and the
save; axe-core finds nothing serious on the upload and preview pages."""

import io

import pytest
from openpyxl import load_workbook
from playwright.sync_api import Page, expect

from plans.models import PlanImport
from priorities.models import ActionLeadPartner
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_editor_downloads_edits_maps_and_imports_their_actions(
    page: Page, live_server, editor, action, council, tmp_path
):
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/actions/priority/{action.priority_id}/")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="actions as a spreadsheet (XLSX)").click()
    download = download_info.value
    assert download.suggested_filename.endswith("-task-group-actions.xlsx")
    book = load_workbook(io.BytesIO(download.path().read_bytes()))
    sheet = book["Actions"]
    headings = {cell.value: cell.column for cell in sheet[1]}
    sheet.cell(row=2, column=headings["Lead partners"]).value = "Cumbria Police / City Council"
    edited = tmp_path / "edited.xlsx"
    book.save(edited)

    page.get_by_role("link", name="actions from a spreadsheet").click()
    expect(page.get_by_role("heading", name="Import actions from a spreadsheet")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Spreadsheet").set_input_files(edited)
    page.get_by_role("button", name="Upload and preview").click()

    expect(page.get_by_role("heading", name="Check the import of “edited.xlsx”")).to_be_visible()
    expect(page.get_by_text("0 actions added, 1 action changed")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("“City Council”").select_option(label="Carlisle City Council")
    page.get_by_role("button", name="Save these changes").click()

    expect(page.get_by_text("The spreadsheet has been imported")).to_be_visible()
    lead = ActionLeadPartner.objects.get(action=action, order=2)
    assert (lead.organisation, lead.printed_as) == (council, "City Council")
    assert PlanImport.objects.get().made_by == editor
