"""An officer keeps an action plan in a real browser, with JavaScript and without.

Sign in, add an action with two lead partners and two indicators chosen by typing, move it
up with the keyboard, record progress and read the history; axe-core checks every page.
"""

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from priorities.models import Action
from tests.browser.conftest import AXE
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}
NEW_ACTION = "Support school attendance initiatives."


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core violations on the page as it stands.

    axe-core is evaluated through the browser's debugging protocol: a <script> tag added to
    the page would be an inline script, which the Content-Security-Policy refuses. It waits
    for the page's fonts first: until the editor's icon font has loaded, its toolbar icons
    read as words ("format_list_bulleted") that do not match their labels.
    """
    page.wait_for_load_state("networkidle")
    page.evaluate("() => document.fonts.ready.then(() => true)")
    page.evaluate(AXE.read_text())
    violations = page.evaluate(
        """async () => (await axe.run(document)).violations.map(
            v => ({id: v.id, impact: v.impact, help: v.help,
                   targets: v.nodes.map(n => n.target.join(" ")).slice(0, 3)}))"""
    )
    serious = [v for v in violations if v["impact"] in SERIOUS]
    assert serious == [], f"{page.url}: {serious}"


@pytest.fixture
def flow_data(editor, action, council, national_indicators):
    """The task group's plan with one action already in it."""
    return action


def sign_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/sign-in/")
    page.get_by_label("Username").fill("editor")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="Your action plans")).to_be_visible()


def choose_suggestion(page: Page, field: str, typed: str, suggestion: str) -> None:
    """Type part of a name, then pick the suggestion with the keyboard."""
    box = page.get_by_label(field)
    box.press_sequentially(typed, delay=30)
    option = page.get_by_role("button", name=suggestion)
    expect(option).to_be_visible()
    box.press("ArrowDown")
    while not page.evaluate(
        "(name) => document.activeElement.textContent.startsWith(name)", suggestion
    ):
        page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(box).to_be_focused()


def run_flow(page: Page, base_url: str, check, with_javascript: bool) -> None:
    sign_in(page, base_url)
    check()
    page.get_by_role("link", name="Partnership Plan 2010/11", exact=True).click()
    check()
    page.get_by_role("link", name="Action plans and progress").click()
    check()
    page.get_by_role("link", name="Anti-Social Behaviour and Criminal Damage").first.click()
    check()

    page.get_by_role("link", name="Add an action").click()
    check()
    page.get_by_label("Action", exact=True).fill(NEW_ACTION)
    if with_javascript:
        choose_suggestion(page, "Lead partners", "Cumbria Pol", "Cumbria Police")
        choose_suggestion(page, "Lead partners", "Carlisle", "Carlisle City Council")
        choose_suggestion(page, "Linked indicators (optional)", "drunk", "NI 41 Perceptions")
        choose_suggestion(page, "Linked indicators (optional)", "17", "NI 17 Perceptions")
    else:
        page.get_by_label("Lead partners").press_sequentially(
            "Cumbria Police / Carlisle City Council"
        )
        page.get_by_label("Linked indicators (optional)").fill("NI41, 17")
        page.wait_for_timeout(500)
        expect(page.locator(".cspplan-suggestions__option")).to_have_count(0)
    page.get_by_label("Review date (optional)").fill("30 September 2010")
    page.get_by_role("button", name="Add the action").click()
    expect(page.get_by_text("The action has been added.")).to_be_visible()
    check()

    added = Action.objects.get(text=NEW_ACTION)
    assert [lead.name for lead in added.lead_partners.all()] == [
        "Cumbria Police",
        "Carlisle City Council",
    ]
    assert sorted(i.code for i in added.indicators.all()) == ["NI 17", "NI 41"]

    page.get_by_role("button", name="Move up action 2").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="Move down action 1")).to_be_focused()
    assert (
        list(added.priority.actions.order_by("order").values_list("text", flat=True))[0]
        == NEW_ACTION
    )

    page.get_by_role("link", name=NEW_ACTION).click()
    check()
    page.locator("#id_reported_on_0").fill("15")
    page.locator("#id_reported_on_1").fill("10")
    page.locator("#id_reported_on_2").fill("2010")
    page.get_by_label("Amber").check()
    page.get_by_label("Progress made").fill("Two schools have signed up.")
    page.get_by_role("button", name="Record the update").click()
    expect(page.get_by_text("The progress update has been recorded.")).to_be_visible()
    expect(page.get_by_text("Two schools have signed up.")).to_be_visible()
    history = page.locator("#history + .cspplan-history")
    expect(history).to_contain_text("Added the action")
    expect(history).to_contain_text(re.compile(r"RAG rating\s+From “\(none\)” to “Amber”"))
    check()


def test_officer_keeps_the_action_plan_with_javascript(page: Page, live_server, flow_data):
    run_flow(page, live_server.url, lambda: assert_accessible(page), with_javascript=True)


def test_officer_keeps_the_action_plan_without_javascript(browser: Browser, live_server, flow_data):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    checker_context = browser.new_context()
    checker = checker_context.new_page()

    def check() -> None:
        checker_context.clear_cookies()
        checker_context.add_cookies(context.cookies())
        checker.goto(page.url)
        assert_accessible(checker)

    try:
        run_flow(page, live_server.url, check, with_javascript=False)
    finally:
        context.close()
        checker_context.close()


def test_pages_off_the_main_flow_are_accessible(page: Page, live_server, flow_data):
    """Error states, confirmation and refusal pages, which the flow above does not reach."""
    base = live_server.url
    page.goto(f"{base}/password-reset/")
    assert_accessible(page)
    sign_in(page, base)
    page.goto(f"{base}/actions/{flow_data.pk}/edit/")
    page.get_by_label("Action", exact=True).fill("")
    page.get_by_label("Linked indicators (optional)").fill("NI 999")
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.goto(f"{base}/actions/{flow_data.pk}/remove/")
    assert_accessible(page)
    page.goto(f"{base}/actions/priority/{flow_data.priority_id}/edit/")
    assert_accessible(page)
    Action.objects.filter(pk=flow_data.pk).update(version=5)
    page.goto(f"{base}/actions/{flow_data.pk}/edit/")
    Action.objects.filter(pk=flow_data.pk).update(version=6)
    page.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("Someone else changed this action")).to_be_visible()
    assert_accessible(page)


def test_inline_edit_opens_in_the_table_row(page: Page, live_server, flow_data):
    sign_in(page, live_server.url)
    page.goto(f"{live_server.url}/actions/priority/{flow_data.priority_id}/")
    page.get_by_role("link", name="Edit action 1").click()
    row = page.locator(f"#action-{flow_data.pk}")
    expect(row.get_by_label("Lead partners")).to_have_value("Cumbria Police")
    row.get_by_label("Funding stream (optional)").fill("Home Office")
    row.get_by_role("button", name="Save the action").click()
    expect(page.get_by_text("The action has been saved.")).to_be_visible()
    flow_data.refresh_from_db()
    assert flow_data.funding_stream == "Home Office"
