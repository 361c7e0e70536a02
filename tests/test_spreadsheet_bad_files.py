"""Spreadsheets an import refuses, each with its message on the page and nothing saved, and
cells it reads with the app's own rules: unknown lead partners to keep or map, new rows, and
problems named by row and column."""

from __future__ import annotations

import datetime
import html
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from plans.models import Group, PendingImport, PlanImport
from plans.uploads import OLE_SIGNATURE
from priorities.models import Action, ActionLeadPartner, Aim, Priority
from tests.test_spreadsheets import (
    confirm,
    database_state,
    export,
    preview_of,
    saved,
    upload,
    workbook_of,
)

pytestmark = pytest.mark.django_db

HEADINGS = [
    "Ref",
    "Priority",
    "Aim",
    "Action",
    "Lead partners",
    "Indicators",
    "Review date",
    "Status",
    "RAG",
]


def workbook(*rows: list) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    sheet.append(HEADINGS)
    for row in rows:
        sheet.append(row)
    return saved(book)


def current_row(of: Action, **changes) -> list:
    """The action's row as exported, with `changes` (by heading, in snake case) made."""
    row = {
        "Ref": of.pk,
        "Priority": of.priority.title,
        "Aim": "",
        "Action": of.text,
        "Lead partners": "Cumbria Police",
        "Indicators": "NI 17, NI 21",
        "Review date": "30 September 2010",
        "Status": "Not started",
        "RAG": "",
    }
    headings = {heading.replace(" ", "_").casefold(): heading for heading in HEADINGS}
    row.update({headings[key]: value for key, value in changes.items()})
    return [row[heading] for heading in HEADINGS]


@pytest.fixture
def signed_in(client, administrator, action):
    client.force_login(administrator)
    return client


def refused_upload(client, plan, content: bytes, name: str) -> str:
    """Upload a file that must be refused: the message beside the file field, nothing kept."""
    before = database_state()
    response = upload(client, plan, content, name)
    assert response.status_code == 200
    errors = response.context["form"].errors["file"]
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert not PendingImport.objects.exists()
    assert database_state() == before
    return errors[0]


# Files refused on upload ---------------------------------------------------------------------


def test_a_file_of_the_wrong_type_is_refused(signed_in, plan):
    message = refused_upload(signed_in, plan, b"%PDF-1.7", "actions.pdf")
    assert message == (
        "“actions.pdf” is not an Excel workbook (.xlsx) or a CSV file (.csv). Save it in that "
        "format and try again."
    )


def test_a_password_protected_workbook_is_refused(signed_in, plan):
    message = refused_upload(signed_in, plan, OLE_SIGNATURE + b"\0" * 600, "actions.xlsx")
    assert "password-protected" in message


def test_a_corrupt_workbook_is_refused(signed_in, plan):
    good = workbook(["", "x", "", "y", "z", "", "", "", ""])
    message = refused_upload(signed_in, plan, good[: len(good) // 2], "actions.xlsx")
    assert "is damaged" in message


def test_a_zip_that_is_not_a_workbook_is_refused(signed_in, plan):
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        archive.writestr("hello.txt", "hello")
    message = refused_upload(signed_in, plan, content.getvalue(), "actions.xlsx")
    assert "is damaged or is not really an Excel workbook" in message


def test_a_file_over_the_size_limit_is_refused_saying_its_size(signed_in, plan, settings):
    settings.IMPORT_MAX_MEGABYTES = 1
    message = refused_upload(signed_in, plan, b"a" * (1024 * 1024 + 200_000), "actions.csv")
    assert message.startswith("“actions.csv” is 1.2 MB; files up to 1 MB can be imported.")


def test_a_macro_enabled_workbook_is_refused(signed_in, plan):
    message = refused_upload(signed_in, plan, workbook(), "actions.xlsm")
    assert "macros are never read" in message


def test_a_sheet_with_missing_columns_is_refused_naming_them(signed_in, plan):
    book = workbook_of(export(signed_in, plan).content)
    book["Actions"].delete_cols(5, 2)  # Action, Lead partners
    message = refused_upload(signed_in, plan, saved(book), "actions.xlsx")
    assert message == (
        "The first row of “actions.xlsx” must name the columns, and these are missing: "
        "Action, Lead partners. Put them back as the exported file has them, and try again."
    )


def test_a_csv_with_missing_columns_is_refused(signed_in, plan):
    message = refused_upload(signed_in, plan, b"Ref,Action\n1,Hello\n", "actions.csv")
    assert "these are missing: Priority, Lead partners" in message


def test_an_empty_sheet_is_refused(signed_in, plan):
    message = refused_upload(signed_in, plan, saved(Workbook()), "actions.xlsx")
    assert (
        message == "“actions.xlsx” has no rows. Export the actions, edit that file, and import it."
    )


# Cells with problems: each named by row and column, nothing saved ---------------------------


def errors_of(client, plan, content: bytes, name: str = "actions.xlsx") -> list[str]:
    before = database_state()
    page = preview_of(client, upload(client, plan, content, name))
    preview = page.context["preview"]
    body = page.content.decode()
    for error in preview.errors:
        assert str(error) in html.unescape(body)
    assert "Save these changes" not in body
    # Confirming anyway saves nothing.
    response = confirm(client, page)
    assert response.status_code == 200
    assert database_state() == before
    return [str(error) for error in preview.errors]


def test_bad_cells_are_each_named_by_row_and_column(signed_in, plan, action):
    content = workbook(
        current_row(action, review_date="Juny 2010", status="Finished", rag="Purple"),
        ["", "No such priority", "", "A new action.", "CDRP", "", "", "", ""],
        ["", action.priority.title, "", "", "", "", "Q5 2010/11", "", ""],
    )
    assert errors_of(signed_in, plan, content) == [
        "Row 2, Review date: There is no month called “Juny”",
        "Row 2, Status: “Finished” is not one of Not started, In progress, Complete or Ongoing",
        "Row 2, RAG: “Purple” is not one of Red, Amber or Green",
        "Row 3, Priority: “No such priority” is not one of this plan's priorities",
        "Row 4, Action: Enter the action: what the partners will do",
        "Row 4, Lead partners: Enter at least one lead partner, for example the partnership itself",
        "Row 4, Review date: There is no quarter 5: a financial year has quarters Q1 to Q4",
    ]


def test_unknown_indicators_are_an_error_naming_row_and_column(signed_in, plan, action):
    content = workbook(current_row(action, indicators="NI 17, NI 999"))
    assert errors_of(signed_in, plan, content) == [
        "Row 2, Indicators: We could not find an indicator with the code NI 999"
    ]


def test_a_changed_ref_and_a_repeated_row_are_refused(signed_in, plan, action):
    content = workbook(
        current_row(action),
        current_row(action, action="Again."),
        [99999, action.priority.title, "", "X", "CDRP", "", "", "", ""],
    )
    assert errors_of(signed_in, plan, content) == [
        f"Row 3, Ref: The action {action.pk} is also on row 2: give each action one row, and "
        "leave Ref empty for a new action",
        "Row 4, Ref: “99999” is not the reference of an action of this plan. Do not change the "
        "Ref column; leave it empty for a new action",
    ]


def test_moving_an_action_to_another_priority_is_refused(signed_in, plan, action):
    content = workbook(current_row(action, priority="Domestic Abuse"))
    assert errors_of(signed_in, plan, content) == [
        "Row 2, Priority: An import does not move an action to another priority. Put back "
        f"“{action.priority.title}”, or add the action to “Domestic Abuse” as a new row with an "
        "empty Ref and delete this one"
    ]


def test_a_removed_actions_ref_is_refused(signed_in, plan, action):
    Action.objects.filter(pk=action.pk).update(status=Action.Status.REMOVED)
    errors = errors_of(signed_in, plan, workbook(current_row(action)))
    assert errors == [
        f"Row 2, Ref: The action {action.pk} has been removed from the plan. Bring it back on "
        "its action plan's page first, or leave Ref empty to add it as a new action"
    ]


def test_an_unknown_aim_and_a_control_character_are_refused(signed_in, plan, action):
    content = (
        "Ref,Priority,Aim,Action,Lead partners\n"
        f"{action.pk},,No such aim,Bell\x07 text,Cumbria Police\n"
    ).encode()
    assert errors_of(signed_in, plan, content, "actions.csv") == [
        "Row 2, Action: Remove the invisible control characters from this text: they often "
        "come from copying out of another program",
        f"Row 2, Aim: “No such aim” is not one of the aims of “{action.priority.title}”",
    ]


# Unknown lead partners: kept as written, or mapped -----------------------------------------


def test_an_unknown_lead_partner_is_kept_as_written_by_default(signed_in, plan, action):
    content = workbook(current_row(action, lead_partners="Cumbria Police / Jane Smith"))
    page = preview_of(signed_in, upload(signed_in, plan, content))
    preview = page.context["preview"]
    assert [entry.name for entry in preview.unknown_partners.values()] == ["Jane Smith"]
    assert "Lead partners not known to the partnership" in page.content.decode()
    assert confirm(signed_in, page, {"lead_1": "as_written"}).status_code == 302
    jane = action.lead_partners.get(order=2)
    assert (jane.kind, jane.printed_as) == (ActionLeadPartner.Kind.AS_WRITTEN, "Jane Smith")


def test_an_unknown_lead_partner_can_be_mapped_to_an_organisation(signed_in, plan, action, council):
    content = workbook(current_row(action, lead_partners="City Council"))
    page = preview_of(signed_in, upload(signed_in, plan, content))
    response = confirm(signed_in, page, {"lead_1": f"organisation-{council.pk}"})
    assert response.status_code == 302
    lead = action.lead_partners.get()
    assert (lead.kind, lead.organisation, lead.printed_as) == (
        ActionLeadPartner.Kind.ORGANISATION,
        council,
        "City Council",
    )
    assert PlanImport.objects.count() == 1


def test_mapping_an_unknown_lead_partner_to_something_not_listed_is_shown_again(
    signed_in, plan, action
):
    content = workbook(current_row(action, lead_partners="City Council"))
    page = preview_of(signed_in, upload(signed_in, plan, content))
    before = database_state()
    response = confirm(signed_in, page, {"lead_1": "organisation-99999"})
    assert response.status_code == 200
    assert "Choose what “City Council” is from the list" in response.content.decode()
    assert database_state() == before


# Rows added, and cells read as spreadsheets write them --------------------------------------


def test_a_row_without_a_ref_adds_an_action_at_the_end_of_its_priority(signed_in, plan, action):
    Aim.objects.create(priority=action.priority, order=1, title="Reduce ASB")
    content = workbook(
        current_row(action),
        [
            "",
            action.priority.title.upper(),
            "reduce asb",
            "'=Count the calls.",
            "CDRP / Cumbria Police",
            "NI41",
            "Q3 2010/11",
            "In progress",
            "Amber",
        ],
    )
    page = preview_of(signed_in, upload(signed_in, plan, content))
    preview = page.context["preview"]
    assert len(preview.added) == 1 and preview.unchanged == 1
    assert confirm(signed_in, page).status_code == 302
    added = Action.objects.exclude(pk=action.pk).get()
    assert added.text == "=Count the calls."
    assert added.order == 2
    assert added.aim.title == "Reduce ASB"
    assert [lead.name for lead in added.lead_partners.all()] == ["CDRP", "Cumbria Police"]
    assert [i.code for i in added.indicators.all()] == ["NI 41"]
    assert (added.review_date_label, added.status, added.rag) == (
        "Q3 2010/11",
        "in_progress",
        "amber",
    )
    history = added.history.get()
    assert history.history_type == "+"
    assert history.history_change_reason == PlanImport.objects.get().history_reason


def test_a_review_date_a_spreadsheet_turned_into_a_date_is_read_as_typed(signed_in, plan, action):
    book = Workbook()
    sheet = book.active
    sheet.title = "Actions"
    sheet.append(HEADINGS)
    sheet.append(current_row(action, review_date=datetime.datetime(2010, 12, 1)))
    sheet.cell(row=2, column=7).number_format = "mmm-yy"
    sheet.append(
        [
            "",
            action.priority.title,
            "",
            "Second.",
            "CDRP",
            "",
            datetime.datetime(2011, 1, 15),
            "",
            "",
        ]
    )
    sheet.cell(row=3, column=7).number_format = "dd/mm/yyyy"
    page = preview_of(signed_in, upload(signed_in, plan, saved(book)))
    preview = page.context["preview"]
    assert [change.new for change in preview.changed[0].changes] == ["December 2010"]
    assert preview.added[0].values["review_date"].label == "15 January 2011"


def test_a_file_changing_nothing_but_letter_case_changes_nothing(signed_in, plan, action):
    content = workbook(
        current_row(
            action,
            lead_partners="cumbria police",
            indicators="ni17,21",
            review_date="30/09/2010",
            status="not started",
        )
    )
    page = preview_of(signed_in, upload(signed_in, plan, content))
    assert page.context["preview"].errors == []
    assert not page.context["preview"].has_changes


def test_a_file_with_no_changes_confirmed_anyway_saves_nothing(signed_in, plan, action):
    page = preview_of(signed_in, upload(signed_in, plan, export(signed_in, plan).content))
    before = database_state()
    response = confirm(signed_in, page)
    assert response.status_code == 302
    assert database_state() == before


def test_a_task_group_file_adds_only_to_that_groups_priorities(
    client, administrator, plan, action, task_group
):
    other = Group.objects.create(partnership=plan.partnership, name="Other", kind="task")
    Priority.objects.create(plan=plan, order=2, title="Theirs", task_group=other)
    client.force_login(administrator)
    content = (
        "Ref,Priority,Action,Lead partners\n"
        f"{action.pk},,{action.text},Cumbria Police\n"
        ",Theirs,New.,CDRP\n"
    )
    page = preview_of(
        client,
        client.post(
            reverse("priorities:spreadsheet_import", args=[plan.pk]),
            {"actions": task_group.pk, "file": SimpleUploadedFile("a.csv", content.encode())},
        ),
    )
    assert [str(e) for e in page.context["preview"].errors] == [
        "Row 3, Priority: “Theirs” is not one of the task group's priorities"
    ]


def test_an_existing_actions_status_cannot_be_emptied(signed_in, plan, action):
    content = workbook(current_row(action, status=""))
    assert errors_of(signed_in, plan, content) == [
        "Row 2, Status: Give the action's status, for example In progress"
    ]


def test_the_workbook_carries_the_targets_grids_which_the_import_ignores(
    signed_in, plan, action, partnership
):
    from decimal import Decimal

    from indicators.models import LocalTarget, LocalTargetMeasure, LocalTargetValue, TargetArea

    measure = LocalTargetMeasure.objects.create(
        plan=plan, order=1, name="Robbery: [all]", kind="count", change_shown="year_on_year"
    )
    carlisle = TargetArea.objects.create(partnership=partnership, name="Carlisle")
    row = LocalTarget.objects.create(measure=measure, area=carlisle, order=1)
    for year, value, baseline in ((2009, "100", True), (2010, "110", False)):
        LocalTargetValue.objects.create(
            target=row, year=year, value=Decimal(value), is_baseline=baseline
        )
    book = workbook_of(export(signed_in, plan).content)
    assert book.sheetnames == ["Actions", "About", "Robbery   all"]
    grid = [[cell.value for cell in line] for line in book["Robbery   all"].iter_rows()]
    assert grid[0] == ["Robbery: [all] (offences)", None, None, None]
    assert grid[1] == ["Area", "2009/10", "2010/11", "Change over the period"]
    # A change printed with a "+" first is escaped, so that it stays text.
    assert grid[2] == ["Carlisle", "100 (baseline)", "110\n+10.0%", "'+10.0%"]
    assert book["Robbery   all"]["D3"].data_type == "s"
    page = preview_of(signed_in, upload(signed_in, plan, saved(book)))
    assert page.context["preview"].errors == []
    assert not page.context["preview"].has_changes


def test_a_csv_whose_rows_differ_in_length_is_read(signed_in, plan, action):
    content = (
        "Ref,Priority,Action,Lead partners,Status\n"
        f"{action.pk},,{action.text},Cumbria Police,Not started\n"
        ",,\n"
        f",{action.priority.title},Short.,CDRP\n"
        f",{action.priority.title},Another.,CDRP,In progress,extra\n"
    ).encode()
    page = preview_of(signed_in, upload(signed_in, plan, content, "actions.csv"))
    preview = page.context["preview"]
    assert preview.errors == []
    assert [new.text for new in preview.added] == ["Short.", "Another."]
    assert preview.unchanged == 1


def _zip(files: dict[str, bytes]) -> bytes:
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return content.getvalue()


def _workbook_parts() -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(saved(Workbook()))) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.mark.parametrize(
    "damage",
    [
        lambda parts: {"xl/workbook.xml": b"not a workbook"},
        lambda parts: {**parts, "xl/worksheets/sheet1.xml": b"<unclosed"},
        lambda parts: {**parts, "xl/workbook.xml": b"<x"},
        lambda parts: {k: v for k, v in parts.items() if "sheet1" not in k},
    ],
    ids=["only a workbook part", "a damaged sheet", "a damaged workbook", "no sheet"],
)
def test_a_workbook_with_a_damaged_part_is_refused(signed_in, plan, damage):
    message = refused_upload(signed_in, plan, _zip(damage(_workbook_parts())), "actions.xlsx")
    assert message == (
        "“actions.xlsx” could not be read as a spreadsheet. Open it in its program, save it "
        "again, and try again."
    )
