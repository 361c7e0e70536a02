"""The PDF laid out as a council would print it, read back from the PDF's own geometry
(tests/pdf_geometry.py): what each page's margins carry, nothing beyond them, no heading or
table header left alone at a page's foot, and each plan's action table as the plan prints it."""

from __future__ import annotations

import datetime
import io
import re
import textwrap

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from indicators.models import Indicator, IndicatorSet
from plans.document import plan_document
from plans.governance import CHARACTERS_PER_LINE
from plans.models import Group, Organisation, Partnership, Plan
from plans.models.plan import validate_action_table_columns
from plans.pdf import plan_pdf
from plans.publishing import published_copy_create
from priorities.models import Action, ActionLeadPartner, Aim, Priority
from tests.pdf_geometry import MM, Page, PlacedText, pages
from tests.test_plan_details import DETAILS_FORM

# plan-print.css's page margins.
TOP, BOTTOM, SIDE = 22 * MM, 20 * MM, 18 * MM
# Kerning narrows a run a little more than the sum of its glyphs' widths, which is all the
# geometry helper measures.
TOLERANCE = 1 * MM
# The smallest heading (h3) in standard print is 13pt and in large print 20pt (h4 18pt); body
# and table text is 11pt and 16pt.
HEADING_PT = {False: 12.5, True: 17.5}
ACTION_NUMBER = re.compile(r"^\d+\.\d+$")
COLUMN = Plan.ActionColumn

pytestmark = pytest.mark.django_db


def body(page: Page) -> list[PlacedText]:
    return [text for text in page.texts if BOTTOM < text.y < page.height - TOP]


def running_header(page: Page) -> list[str]:
    return [text.text for text in page.texts if text.y >= page.height - TOP]


def footer(page: Page) -> list[str]:
    return [text.text for text in page.texts if text.y <= BOTTOM]


def captions(page: Page, prefix: str = "Actions: ") -> list[PlacedText]:
    return [text for text in body(page) if text.text.startswith(prefix)]


def header_row(page: Page, caption: PlacedText) -> list[str]:
    """The first line of each heading in the row under a table's caption row, left to right."""
    below = [text for text in body(page) if text.y < caption.y - 1]
    row_y = max(text.y for text in below)
    return [text.text for text in sorted(below, key=lambda t: t.x) if abs(text.y - row_y) < 1]


def outside_margins(pdf_pages: list[Page]) -> list[tuple[int, str, float, float]]:
    return [
        (text.page, text.text[:40], round(text.x / MM, 1), round(text.right / MM, 1))
        for page in pdf_pages
        for text in page.texts
        if text.x < SIDE - TOLERANCE or text.right > page.width - SIDE + TOLERANCE
    ]


def headings_last_on_their_page(pdf_pages: list[Page], *, large_print: bool) -> list:
    """Pages after the cover whose lowest line of text is a heading."""
    found = []
    for page in pdf_pages[1:]:
        texts = body(page)
        if not texts:
            continue
        lowest = min(text.y for text in texts)
        last_line = [text for text in texts if abs(text.y - lowest) < 1]
        if any(text.size >= HEADING_PT[large_print] for text in last_line):
            found.append((page.number, [text.text for text in last_line]))
    return found


def header_rows_alone(pdf_pages: list[Page]) -> list:
    """Action tables whose caption and header rows end a page with no action row under them.

    A caption with nothing above it on its page is the header repeated over a table that
    carries over; under it may be the rest of a row split across the page (large print lets a
    tall row split), which has no number of its own, so it is not counted."""
    return [
        (page.number, caption.text)
        for page in pdf_pages
        for caption in captions(page)
        if any(text.y > caption.y + 1 for text in body(page))
        and not any(ACTION_NUMBER.match(text.text) and text.y < caption.y for text in body(page))
    ]


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo plans' PDFs (rendered once for the module, inside a transaction rolled back):
    Carlisle and Eden's draft in standard and large print, West Cumbria's as loaded and with
    one action given a review date."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_demo", stdout=io.StringIO())
        plans = Plan.objects.select_related("partnership")
        carlisle = plans.get(partnership__slug="carlisle-eden")
        west_cumbria = plans.get(partnership__slug="west-cumbria")
        rendered = {
            "carlisle": pages(plan_pdf(plan_document(carlisle))),
            "carlisle_large": pages(plan_pdf(plan_document(carlisle), large_print=True)),
            "west_cumbria": pages(plan_pdf(plan_document(west_cumbria))),
            "west_cumbria_large": pages(plan_pdf(plan_document(west_cumbria), large_print=True)),
        }
        dated = Action.objects.current().filter(priority__plan=west_cumbria).first()
        Action.objects.filter(pk=dated.pk).update(review_date=datetime.date(2012, 9, 30))
        # Fetched again: the first document's prefetched actions are kept on its instance.
        west_cumbria = plans.get(pk=west_cumbria.pk)
        rendered["west_cumbria_dated"] = pages(plan_pdf(plan_document(west_cumbria)))
        rendered["west_cumbria_dated_priority"] = dated.priority.title
        transaction.set_rollback(True)
    return rendered


LONG_WORD = "Partnershipworkingarrangementsforcommunitysafety" * 2
ALL_COLUMNS = [{"column": key, "heading": ""} for key in COLUMN.values]


def _layout_plan(*, slug: str, task_groups: int, action_table_columns: list | None) -> Plan:
    partnership = Partnership.objects.create(
        name=f"Layout {slug} Community Safety Partnership",
        short_name=f"Layout {slug}",
        slug=f"layout-{slug}",
        area="Somewhere",
    )
    leadership = Group.objects.create(
        partnership=partnership, name="Strategic Leadership Board", kind=Group.Kind.LEADERSHIP
    )
    for number in range(1, task_groups + 1):
        Group.objects.create(
            partnership=partnership,
            name=f"Neighbourhood Task Group {number}",
            kind=Group.Kind.TASK,
            reports_to=leadership,
        )
    return Plan.objects.create(
        partnership=partnership,
        title=f"Layout plan {slug}",
        slug="2010-11",
        start_year=2010,
        end_year=2011,
        action_table_columns=action_table_columns,
    )


def _action(priority: Priority, order: int, text: str, lead: Organisation, **fields) -> Action:
    indicators = fields.pop("indicators", [])
    action = Action.objects.create(priority=priority, order=order, text=text, **fields)
    ActionLeadPartner.objects.create(
        action=action, order=1, kind=ActionLeadPartner.Kind.ORGANISATION, organisation=lead
    )
    action.indicators.set(indicators)
    return action


@pytest.fixture(scope="module")
def layout(django_db_setup, django_db_blocker):
    """Two plans built to test the layout, each rendered in standard and large print.

    "usual" prints the usual columns: ten priorities whose backgrounds grow so that their
    headings and tables fall at every height of a page, one with forty actions (its table
    carries over), one with no actions, one whose actions have no indicators or review dates;
    nine task groups, too many for the tree chart. "wide" prints every column, filled in,
    with long words; two groups, whose tree fits.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        police = Organisation.objects.create(
            name="Layout Constabulary", kind=Organisation.Kind.POLICE
        )
        indicator_set = IndicatorSet.objects.create(name="Layout indicators", slug="layout")
        indicators = [
            Indicator.objects.create(indicator_set=indicator_set, code=f"LI {n}", title=f"L{n}")
            for n in range(1, 4)
        ]
        usual = _layout_plan(slug="usual", task_groups=9, action_table_columns=None)
        sentence = "Partners will work together on this priority across the area. "
        for order in range(1, 11):
            priority = Priority.objects.create(
                plan=usual,
                order=order,
                title=f"Priority number {order}",
                background=sentence * (order * 9),
            )
            if order == 4:
                continue  # no actions
            count = 40 if order == 6 else 3
            for number in range(1, count + 1):
                quiet = order == 8
                _action(
                    priority,
                    number,
                    f"Deliver work stream {number} with the partners named for it.",
                    police,
                    review_date=None if quiet else datetime.date(2010, 9, 30),
                    indicators=[] if quiet else indicators[:2],
                )
        wide = _layout_plan(slug="wide", task_groups=2, action_table_columns=ALL_COLUMNS)
        for order in range(1, 3):
            priority = Priority.objects.create(plan=wide, order=order, title=f"Wide {order}")
            aim = Aim.objects.create(
                priority=priority, order=1, title=f"Aim {LONG_WORD}", baseline_data=LONG_WORD
            )
            for number in range(1, 4):
                _action(
                    priority,
                    number,
                    f"Action with {LONG_WORD} in it",
                    police,
                    aim=aim,
                    element=Action.Element.PREVENTION,
                    baseline_data=f"Baseline {LONG_WORD}",
                    review_date=datetime.date(2010, 12, 31),
                    funding_stream=f"Fund {LONG_WORD}",
                    status=Action.Status.IN_PROGRESS,
                    rag=Action.Rag.AMBER,
                    indicators=indicators,
                )
        rendered = {}
        for name, plan in (("usual", usual), ("wide", wide)):
            plan = Plan.objects.select_related("partnership").get(pk=plan.pk)
            rendered[name] = pages(plan_pdf(plan_document(plan)))
            rendered[f"{name}_large"] = pages(plan_pdf(plan_document(plan), large_print=True))
        transaction.set_rollback(True)
    return rendered


def test_every_page_of_a_draft_says_draft_in_its_running_header(demo, layout):
    for pdf_pages in (demo["carlisle"], demo["carlisle_large"], layout["usual"]):
        assert len(pdf_pages) > 5
        assert [page.number for page in pdf_pages if "DRAFT" not in running_header(page)] == []


def test_published_plan_prints_version_and_date_on_its_cover_and_every_footer(plan, action):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.PUBLISHED)
    plan.refresh_from_db()
    first = published_copy_create(plan=plan, user=None)
    second = published_copy_create(plan=plan, user=None, change_note="Corrected")
    for copy in (first, second):
        day = copy.published_at.astimezone().date()
        line = f"Version {copy.version}, published {day.day} {day:%B %Y}"
        for pdf in (bytes(copy.pdf), bytes(copy.large_print_pdf)):
            pdf_pages = pages(pdf)
            assert line in [text.text for text in body(pdf_pages[0])]
            assert [page.number for page in pdf_pages if line not in footer(page)] == []
            assert not any("DRAFT" in page.text for page in pdf_pages)


def test_historical_plan_prints_the_month_it_was_first_published(plan, action):
    Plan.objects.filter(pk=plan.pk).update(
        status=Plan.Status.PUBLISHED, first_published_on=datetime.date(2008, 3, 17)
    )
    plan.refresh_from_db()
    pdf_pages = pages(bytes(published_copy_create(plan=plan, user=None).pdf))
    line = "Version 1, first published March 2008"
    assert line in [text.text for text in body(pdf_pages[0])]
    assert [page.number for page in pdf_pages if line not in footer(page)] == []


def test_nothing_prints_beyond_the_margins(demo, layout):
    """Every run of text, tables with every column and long words included, and the running
    header and footer, sits inside the page's side margins."""
    for name in ("usual", "usual_large", "wide", "wide_large"):
        assert outside_margins(layout[name]) == [], name
    assert outside_margins(demo["carlisle"]) == []
    assert outside_margins(demo["carlisle_large"]) == []
    assert outside_margins(demo["west_cumbria_large"]) == []


def test_a_wide_table_prints_every_filled_column_and_its_long_words(layout):
    text = "".join(" ".join(page.text for page in layout["wide"]).split())
    # Per priority: its aim and the aim's baseline once, on the aim's first row, and each of
    # three actions' text, baseline and funding stream.
    assert text.count(LONG_WORD) == 2 * (2 + 3 * 3)
    caption = captions(next(page for page in layout["wide"] if captions(page)))[0]
    page = layout["wide"][caption.page - 1]
    assert len(header_row(page, caption)) == len(COLUMN.values)


def test_no_table_header_row_is_left_alone_at_a_page_foot(demo, layout):
    for name in ("carlisle", "carlisle_large", "west_cumbria", "west_cumbria_large"):
        assert header_rows_alone(demo[name]) == [], name
    for name in ("usual", "usual_large"):
        assert header_rows_alone(layout[name]) == [], name


def test_no_heading_is_the_last_line_of_its_page(demo, layout):
    assert headings_last_on_their_page(demo["carlisle"], large_print=False) == []
    assert headings_last_on_their_page(demo["carlisle_large"], large_print=True) == []
    assert headings_last_on_their_page(demo["west_cumbria"], large_print=False) == []
    assert headings_last_on_their_page(demo["west_cumbria_large"], large_print=True) == []
    assert headings_last_on_their_page(layout["usual"], large_print=False) == []
    assert headings_last_on_their_page(layout["usual_large"], large_print=True) == []


def test_a_table_that_carries_over_repeats_its_caption_and_header_row(layout):
    for name in ("usual", "usual_large"):
        carrying = [
            page
            for page in layout[name]
            if any(re.fullmatch(r"6\.\d+", text.text) for text in body(page))
        ]
        assert len(carrying) >= 2, name
        for page in carrying:
            (caption,) = captions(page, "Actions: Priority number 6")
            action, lead = header_row(page, caption)[:2]
            assert action == "Action"
            assert lead.startswith("Lead")  # "Lead partner(s)", wrapped in large print
            numbers = [text for text in body(page) if re.fullmatch(r"6\.\d+", text.text)]
            assert all(number.y < caption.y for number in numbers)


def test_no_priority_forces_a_page_left_mostly_empty(demo):
    """Pages between the contents and the last are at least half full."""
    for page in demo["carlisle"][2:-1]:
        lowest = min(text.y for text in body(page))
        filled = (page.height - TOP - lowest) / (page.height - TOP - BOTTOM)
        assert filled > 0.5, page.number


def test_priority_without_actions_prints_no_placeholder_and_no_table(layout):
    text = " ".join(page.text for page in layout["usual"])
    assert "Priority number 4" in text
    assert "Actions: Priority number 4" not in text
    assert "No actions have been set" not in text


def test_a_column_empty_on_every_row_of_a_table_is_left_out(layout):
    found = {}
    for page in layout["usual"]:
        for caption in captions(page):
            found[caption.text] = header_row(page, caption)
    assert found["Actions: Priority number 8"] == ["Action", "Lead partner(s)"]
    full = found["Actions: Priority number 1"]
    assert full[:2] == ["Action", "Lead partner(s)"]
    assert full[2].startswith("Linked") and full[3].startswith("Review")


def _chart_labels(pdf_pages: list[Page], names: list[str]) -> list[PlacedText]:
    """The governance chart's labels: its boxes' lines, between the section's heading and
    the chart's caption, on however many pages the chart takes."""
    lines = {line for name in names for line in textwrap.wrap(name, CHARACTERS_PER_LINE)}
    labels = []
    inside = False
    for page in pdf_pages:
        for text in sorted(body(page), key=lambda t: -t.y):
            # The section's heading (18pt, 26pt large), not its contents line (11pt, 16pt).
            if text.text == "Governance structure" and text.size > 17:
                inside = True
            elif text.text == "Who reports to whom:":
                return labels
            elif inside and text.text in lines:
                labels.append(text)
    return labels


def test_governance_chart_labels_are_9pt_and_16pt_in_large_print(layout):
    names = ["Strategic Leadership Board"] + [f"Neighbourhood Task Group {n}" for n in range(1, 10)]
    for name, smallest in (("usual", 9), ("wide", 9), ("usual_large", 16), ("wide_large", 16)):
        labels = _chart_labels(layout[name], names)
        assert len(labels) >= 3, name
        assert min(label.size for label in labels) >= smallest, name


def test_west_cumbria_prints_its_action_table_as_its_source_does(demo):
    pdf_pages = demo["west_cumbria"]
    page = next(page for page in pdf_pages if captions(page, "Actions: Anti-Social Behaviour"))
    (caption,) = captions(page, "Actions: Anti-Social Behaviour")
    # Its review dates fall before the plan's period and are not kept: that column is empty
    # on every row and left out.
    assert header_row(page, caption) == ["Priority", "Aims", "Baseline", "Agency", "Actions"]
    headings = {text.text: text for text in body(page) if text.y < caption.y}
    aim = next(text for text in body(page) if text.text.startswith("Reduce Repeat"))
    agency = next(text for text in body(page) if text.text.startswith("Cumbria"))
    assert abs(aim.x - headings["Aims"].x) < 1
    assert abs(agency.x - headings["Agency"].x) < 1
    data = next(text for text in body(page) if text.text == "Data")
    assert abs(data.x - headings["Baseline"].x) < 1  # "Baseline Data", wrapped
    text = " ".join(" ".join(page.text for page in pdf_pages).split())
    assert "Cumbria Observatory Data" in text


def test_large_print_puts_six_column_tables_on_landscape_pages_with_whole_words(demo):
    """Across a portrait page, West Cumbria's large-print table broke "Constabula|ry" and
    "Decem|ber": its priorities print on landscape pages, headings and all."""
    pdf_pages = demo["west_cumbria_large"]
    table_pages = [page for page in pdf_pages if captions(page, "Actions:")]
    assert table_pages
    assert all(page.width > page.height for page in table_pages)
    assert pdf_pages[0].width < pdf_pages[0].height  # the cover stays portrait
    printed = {word for page in table_pages for text in body(page) for word in text.text.split()}
    assert {"Constabulary", "December", "Probation", "Authorities"} <= printed
    assert printed.isdisjoint({"Constabula", "Decem", "Probatio", "Authoritie"})
    heading = next(
        page
        for page in pdf_pages
        if any(
            text.text == "Reduce Re-Offending" and text.size >= HEADING_PT[True]
            for text in body(page)
        )
    )
    assert heading.width > heading.height  # the priority's heading is not left portrait alone


def test_west_cumbria_prints_review_date_last_once_an_action_has_one(demo):
    title = demo["west_cumbria_dated_priority"]
    page = next(page for page in demo["west_cumbria_dated"] if captions(page, f"Actions: {title}"))
    (caption,) = captions(page, f"Actions: {title}")
    row = header_row(page, caption)
    assert row[:5] == ["Priority", "Aims", "Baseline", "Agency", "Actions"]
    assert row[5].startswith("Review")
    assert "30 September 2012" in page.text


def test_action_table_columns_are_checked():
    validate_action_table_columns(None)
    validate_action_table_columns([{"column": "action", "heading": "Actions"}])
    for bad in (
        [{"column": "lead_partners", "heading": "Agency"}],
        [{"column": "action"}, {"column": "action"}],
        [{"column": "action"}, {"column": "colour"}],
        [{"column": "action", "heading": "x" * 61}],
        {"column": "action"},
    ):
        with pytest.raises(ValidationError):
            validate_action_table_columns(bad)


def _details(plan: Plan) -> str:
    return reverse("priorities:plan_details", args=[plan.pk])


def test_administrator_sets_the_action_tables_columns_order_and_headings(
    client, plan, administrator
):
    client.force_login(administrator)
    response = client.post(
        _details(plan),
        {
            **DETAILS_FORM,
            "position_priority": "1",
            "position_lead_partners": "2",
            "heading_lead_partners": "Agency",
            "position_action": "3",
            "heading_action": "Actions",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.action_table_columns == [
        {"column": "priority", "heading": ""},
        {"column": "lead_partners", "heading": "Agency"},
        {"column": "action", "heading": "Actions"},
    ]
    assert plan.action_columns == [
        ("priority", "Priority"),
        ("lead_partners", "Agency"),
        ("action", "Actions"),
    ]
    page = client.get(_details(plan)).content.decode()
    assert 'value="Agency"' in page


def test_leaving_every_column_unplaced_keeps_the_usual_table(client, plan, administrator):
    Plan.objects.filter(pk=plan.pk).update(action_table_columns=[{"column": "action"}])
    client.force_login(administrator)
    assert client.post(_details(plan), DETAILS_FORM).status_code == 302
    plan.refresh_from_db()
    assert plan.action_table_columns is None
    assert [key for key, _heading in plan.action_columns] == [
        "action",
        "lead_partners",
        "indicators",
        "review_date",
    ]


def test_two_columns_in_one_place_or_no_action_column_are_refused_beside_the_field(
    client, plan, administrator
):
    client.force_login(administrator)
    response = client.post(
        _details(plan),
        {**DETAILS_FORM, "position_priority": "1", "position_aim": "1"},
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert "Aim has the same place (1) as Priority" in text
    assert "Give the action column a place" in text
    assert 'id="id_position_aim_error"' in text or "govuk-error-message" in text
    assert "govuk-error-summary" in text
    plan.refresh_from_db()
    assert plan.action_table_columns is None
    assert 'value="Community Safety Plan"' in text
