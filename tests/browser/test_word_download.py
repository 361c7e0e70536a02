"""A member downloads the plan as a Word document from the plan's page in Chromium, and the
file saved is the plan."""

import docx
import pytest
from django.urls import reverse
from playwright.sync_api import Page

from plans.models import Section
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_downloads_the_plan_as_word_from_its_page(
    page: Page, live_server, viewer, plan, action
):
    Section.objects.create(plan=plan, order=1, title="Foreword", body="<p>Welcome.</p>")
    # A draft's page is hidden from visitors: sign in first, and be sent on to it.
    page.goto(f"{live_server.url}{reverse('login')}?next={plan.get_absolute_url()}")
    page.get_by_label("Username").fill("viewer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download as Word (.docx)").click()
    download = download_info.value

    assert download.suggested_filename == "carlisle-eden-2010-11.docx"
    word = docx.Document(download.path())
    headings = [p.text for p in word.paragraphs if p.style.name == "Heading 1"]
    assert headings == [
        "Foreword",
        "Anti-Social Behaviour and Criminal Damage",
        "Governance structure",
        "Indicators",
    ]
    assert action.text in [cell.text for table in word.tables for cell in table.rows[1].cells][0]
