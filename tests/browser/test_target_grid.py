"""The targets grid in a real browser: reached by keyboard from the Targets page, a bad figure
comes back beside its cell, and axe-core finds nothing serious either way."""

import re

import pytest
from playwright.sync_api import Page, expect

from indicators import target_measures
from indicators.models import LocalTargetMeasure, LocalTargetValue
from indicators.target_measures import AreaLine, ColumnLine
from tests.browser.test_action_plan_flow import assert_accessible
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_grid_is_accessible_and_shows_a_bad_figure_beside_its_cell(
    page: Page, live_server, administrator, plan
):
    target_measures.measure_create(
        plan=plan,
        user=administrator,
        areas=[AreaLine("Ely", "district"), AreaLine("Fenland", "district")],
        columns=[ColumnLine(2009, ""), ColumnLine(2010, "2010-12")],
        baseline_year=2009,
        name="Serious acquisitive crime",
        unit="offences",
        kind=LocalTargetMeasure.Kind.COUNT,
        change_shown=LocalTargetMeasure.ChangeShown.YEAR_ON_YEAR,
        precision=0,
        total_label="Cambridgeshire",
        change_label="",
        intro="",
        footnote="",
    )
    page.goto(f"{live_server.url}/sign-in/")
    page.get_by_label("Username").fill(administrator.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"{live_server.url}/actions/plan/{plan.pk}/")
    page.get_by_role("link", name="Targets", exact=True).click()
    expect(page.get_by_role("heading", name="Targets")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=re.compile("^Serious acquisitive crime")).focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=re.compile("^Figures of"))).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Ely 2009/10").fill("120")
    page.keyboard.press("Tab")
    page.keyboard.type("twelve")
    page.get_by_role("button", name="Save the figures").click()

    expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_text("Ely 2010-12: “twelve” is not a number").first).to_be_visible()
    expect(page.get_by_label("Ely 2009/10")).to_have_value("120")
    assert not LocalTargetValue.objects.exists()
    assert_accessible(page)
