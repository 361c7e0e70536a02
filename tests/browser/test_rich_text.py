"""The rich-text editor in the admin, in Chromium: it loads under the Content-Security-Policy,
takes a paste from Word, and what is saved shows on the plan's page."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, expect
from pypdf import PdfReader

from tests.browser.conftest import AXE
from tests.conftest import PASSWORD
from tests.test_rich_text import WORD_FRAGMENT

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASTE = """(html) => {
  const editor = document.querySelector(".ProseMirror[contenteditable=true]");
  editor.focus();
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", "pasted");
  editor.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                    cancelable: true}));
}"""


@pytest.fixture
def watched(browser: Browser):
    """A page whose console reports of refused content, and script errors, are kept."""
    context = browser.new_context()
    page = context.new_page()
    reports: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text or "Content-Security-Policy" in message.text:
            reports.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: reports.append(f"{page.url}: {error}"))
    yield page, reports
    context.close()


def _serious_axe_violations(page: Page, selector: str) -> list[dict]:
    """axe-core's serious and critical findings within the selector, evaluated through the
    debugging protocol (a <script> tag would be an inline script, which the policy refuses).
    Waits for the editor's icon font first: until it loads, toolbar icons read as words."""
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async (selector) => (await axe.run(selector)).violations.map(
            v => ({id: v.id, impact: v.impact, help: v.help,
                   targets: v.nodes.map(n => n.target.join(" ")).slice(0, 3)}))""",
        selector,
    )
    return [v for v in violations if v["impact"] in {"serious", "critical"}]


def _sign_in_to_the_admin(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/admin/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(f"{base_url}/admin/")


def test_a_word_paste_in_the_admin_editor_shows_on_the_plans_page(
    watched, live_server, superuser, plan
):
    page, reports = watched
    section = plan.sections.create(order=1, title="Foreword", body="<p>Old text.</p>")

    _sign_in_to_the_admin(page, live_server.url, superuser.username)
    page.goto(f"{live_server.url}/admin/plans/section/{section.pk}/change/")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_be_visible()
    expect(editor).to_contain_text("Old text.")
    assert reports == [], "\n".join(reports)
    # The toolbar offers the table and heading tools configured on the server.
    expect(page.locator(".prose-menubar")).to_be_visible()
    assert _serious_axe_violations(page, ".prose-editor") == []

    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.evaluate(PASTE, WORD_FRAGMENT)
    expect(editor.locator("h3")).to_have_text("Tackling anti-social behaviour")
    expect(editor.locator("td").first).to_contain_text("Crime type")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    section.refresh_from_db()
    assert "mso" not in section.body and "style" not in section.body
    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    prose = page.locator(f"#section-{section.pk} .plan-prose")
    expect(prose.locator("h3")).to_have_text("Tackling anti-social behaviour")
    expect(prose.locator("ul > li").first).to_contain_text("Reduce repeat victimisation")
    expect(prose.locator("ol > li")).to_have_text(["Agree the plan", "Publish it"])
    expect(prose.locator("table td").first).to_have_text("Crime type")
    expect(prose.locator("table")).to_contain_text("1,204")
    assert _serious_axe_violations(page, f"#section-{section.pk}") == []
    pdf = page.request.get(f"{live_server.url}{plan.get_absolute_url()}pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    for words in ("Tackling anti-social behaviour", "Young people first", "Criminal damage"):
        assert words in text

    assert reports == []


def test_the_editor_starts_in_the_plans_section_rows_without_a_policy_report(
    watched, live_server, superuser, plan
):
    page, reports = watched
    plan.sections.create(order=1, title="Foreword", body="<p>First section.</p>")
    plan.sections.create(order=2, title="Contact", body="<p>Second section.</p>")

    _sign_in_to_the_admin(page, live_server.url, superuser.username)
    page.goto(f"{live_server.url}/admin/plans/plan/{plan.pk}/change/")
    editors = page.locator(".ProseMirror[contenteditable=true]")
    expect(editors).to_have_count(2)
    expect(editors.nth(1)).to_contain_text("Second section.")

    assert reports == []


def test_without_javascript_typed_paragraphs_and_lists_show_on_the_plans_page(
    browser: Browser, live_server, superuser, plan
):
    section = plan.sections.create(order=1, title="Foreword", body="")
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    _sign_in_to_the_admin(page, live_server.url, superuser.username)
    page.goto(f"{live_server.url}/admin/plans/section/{section.pk}/change/")
    page.get_by_label("Body").fill(
        "We will work together.\n\n- Fewer burglaries\n- Safer roads\n\n1. Agree\n2. Publish"
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    page.goto(f"{live_server.url}{plan.get_absolute_url()}")
    prose = page.locator(f"#section-{section.pk} .plan-prose")
    expect(prose.locator("p")).to_have_text(["We will work together."])
    expect(prose.locator("ul > li")).to_have_text(["Fewer burglaries", "Safer roads"])
    expect(prose.locator("ol > li")).to_have_text(["Agree", "Publish"])
    context.close()


def test_an_edited_section_keeps_its_tables_header_scopes(watched, live_server, superuser, plan):
    page, reports = watched
    section = plan.sections.create(
        order=1,
        title="Figures",
        body=(
            '<p>Recorded crime</p><table><thead><tr><th scope="col">Crime</th>'
            '<th scope="col">2008</th></tr></thead><tbody><tr><th scope="row">Burglary</th>'
            "<td>312</td></tr></tbody></table>"
        ),
    )

    _sign_in_to_the_admin(page, live_server.url, superuser.username)
    page.goto(f"{live_server.url}/admin/plans/section/{section.pk}/change/")
    page.locator(".ProseMirror[contenteditable=true] p").first.click()
    page.keyboard.press("End")
    page.keyboard.type(" in 2008")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_be_visible()

    section.refresh_from_db()
    assert "<p>Recorded crime in 2008</p>" in section.body
    assert section.body.count('scope="col"') == 2
    assert '<th scope="row"><p>Burglary</p></th>' in section.body
    assert reports == []


def test_an_administrator_reaches_a_section_by_clicks_pastes_from_word_and_reads_it_in_page_and_pdf(
    watched, live_server, administrator, plan
):
    page, reports = watched
    section = plan.sections.create(order=1, title="Foreword", body="<p>Old text.</p>")

    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(administrator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    # From the home page to the section's form by links only.
    page.get_by_role("link", name=f"{plan.title} {plan.period_label}", exact=True).click()
    expect(page).to_have_url(f"{live_server.url}{plan.get_absolute_url()}")
    page.get_by_role("link", name="Action plans and progress").click()
    page.get_by_role("link", name="Sections of the plan").click()
    page.get_by_role("link", name="Edit section “Foreword”").click()
    editor = page.locator(".ProseMirror[contenteditable=true]")
    expect(editor).to_contain_text("Old text.")
    assert _serious_axe_violations(page, "main") == []

    editor.click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.evaluate(PASTE, WORD_FRAGMENT)
    expect(editor.locator("h3")).to_have_text("Tackling anti-social behaviour")
    page.get_by_role("button", name="Save the section").click()
    expect(page).to_have_url(
        f"{live_server.url}/actions/plan/{plan.pk}/sections/#section-{section.pk}"
    )

    section.refresh_from_db()
    assert "<h3>Tackling anti-social behaviour</h3>" in section.body
    assert "mso" not in section.body and "style" not in section.body
    # Back to the plan's page through the breadcrumbs, where the paste reads as it was written.
    page.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name=f"{plan.title} {plan.period_label}"
    ).click()
    expect(page).to_have_url(f"{live_server.url}{plan.get_absolute_url()}")
    prose = page.locator(f"#section-{section.pk} .plan-prose")
    expect(prose.locator("h3")).to_have_text("Tackling anti-social behaviour")
    expect(prose.locator("ul > li").first).to_contain_text("Reduce repeat victimisation")
    expect(prose.locator("ol > li")).to_have_text(["Agree the plan", "Publish it"])
    expect(prose.locator("table")).to_contain_text("1,204")
    pdf = page.request.get(f"{live_server.url}{plan.get_absolute_url()}pdf/")
    assert pdf.headers["content-type"] == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.body())).pages)
    for words in ("Tackling anti-social behaviour", "Young people first", "Criminal damage"):
        assert words in text
    assert reports == [], "\n".join(reports)
