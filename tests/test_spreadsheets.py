"""Action plans as spreadsheets: exported as XLSX and CSV, edited, and imported back with a
preview of exactly what will change. Files are real: written by the app or by openpyxl, read
back with openpyxl, uploaded through the Django test client."""

from __future__ import annotations

import csv
import io
from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from plans.models import Group, Membership, PendingImport, Plan, PlanImport
from priorities.models import Action, ActionLeadPartner, Priority
from priorities.spreadsheets.layout import escape_cell, unescape_cell
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export(client, plan: Plan, kind: str = "xlsx", task_group: Group | None = None):
    if task_group is None:
        url = reverse("priorities:spreadsheet_export", args=[plan.pk, kind])
    else:
        url = reverse(
            "priorities:task_group_spreadsheet_export", args=[plan.pk, task_group.pk, kind]
        )
    return client.get(url)


def workbook_of(content: bytes):
    return load_workbook(io.BytesIO(content))


def columns(sheet) -> dict[str, int]:
    return {cell.value: cell.column for cell in sheet[1]}


def saved(workbook) -> bytes:
    content = io.BytesIO()
    workbook.save(content)
    return content.getvalue()


def upload(client, plan: Plan, content: bytes, name: str = "actions.xlsx", actions="plan"):
    return client.post(
        reverse("priorities:spreadsheet_import", args=[plan.pk]),
        {"actions": actions, "file": SimpleUploadedFile(name, content)},
    )


def preview_of(client, response):
    assert response.status_code == 302, response.content.decode()[:3000]
    return client.get(response.url)


def confirm(client, preview_response, data: dict | None = None):
    preview = preview_response.context["preview"]
    url = reverse(
        "priorities:spreadsheet_import_preview", args=[preview_response.context["pending"].pk]
    )
    return client.post(url, {"fingerprint": preview.fingerprint, **(data or {})})


def database_state() -> list:
    """Everything an import may write, to show that nothing was written."""
    return [
        list(Action.objects.order_by("pk").values()),
        list(ActionLeadPartner.objects.order_by("pk").values()),
        list(Action.indicators.through.objects.order_by("pk").values()),
        list(PlanImport.objects.values()),
        Action.history.count(),
        ActionLeadPartner.history.count(),
    ]


# Escaping -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "=SUM(A1)",
        "+44 1228",
        "-5%",
        "@risk",
        "\tTabbed",
        "\rReturn",
        "'=quoted",
        "''",
        "'tis",
        "Plain",
        "'",
        "A ' B",
    ],
)
def test_escaping_a_cell_and_reading_it_back_gives_the_same_text(text):
    escaped = escape_cell(text)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape_cell(escaped) == text


# Export -------------------------------------------------------------------------------------


def test_a_member_downloads_the_plans_actions_as_a_workbook(client, viewer, action, plan):
    client.force_login(viewer)
    response = export(client, plan)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "carlisle-eden-2010-11-actions.xlsx" in response["Content-Disposition"]
    book = workbook_of(response.content)
    assert book.sheetnames[:2] == ["Actions", "About"]
    sheet = book["Actions"]
    headings = [cell.value for cell in sheet[1]]
    assert headings == [
        "Ref",
        "Number",
        "Priority",
        "Aim",
        "Action",
        "Lead partners",
        "Indicators",
        "Review date",
        "Status",
        "RAG",
        "Latest progress",
    ]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    row = [cell.value for cell in sheet[2]]
    assert row[0] == action.pk
    assert row[1] == "1.1"
    assert row[4] == action.text
    assert row[5] == "Cumbria Police"
    assert row[6] == "NI 17, NI 21"
    assert row[7] == "30 September 2010"
    assert row[8] == "Not started"
    about = " ".join(str(cell.value) for (cell,) in book["About"].iter_rows())
    assert "Ref: the action's reference. Do not change it" in about


def test_a_task_groups_csv_holds_only_its_own_actions(client, viewer, action, plan, task_group):
    other = Group.objects.create(partnership=plan.partnership, name="Other Group", kind="task")
    other_priority = Priority.objects.create(plan=plan, order=2, title="Other", task_group=other)
    Action.objects.create(priority=other_priority, order=1, text="Not the task group's.")
    client.force_login(viewer)
    response = export(client, plan, "csv", task_group)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        '-2010-11-anti-social-behaviour-and-criminal-damage-task-group-actions.csv"'
    )
    rows = list(csv.reader(StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Ref"
    assert [row[4] for row in rows[1:]] == [action.text]


def test_removed_actions_are_not_exported(client, viewer, action, plan):
    Action.objects.create(priority=action.priority, order=2, text="Gone.", status="removed")
    client.force_login(viewer)
    sheet = workbook_of(export(client, plan).content)["Actions"]
    assert sheet.max_row == 2


def test_an_action_that_looks_like_a_formula_is_exported_as_text_and_imported_back(
    client, administrator, action, plan
):
    formula = '=HYPERLINK("http://evil.example/","Click")'
    Action.objects.filter(pk=action.pk).update(text=formula)
    client.force_login(administrator)
    book = workbook_of(export(client, plan).content)
    cell = book["Actions"].cell(row=2, column=5)
    assert cell.data_type == "s"
    assert cell.value == "'" + formula
    csv_text = export(client, plan, "csv").content.decode("utf-8-sig")
    assert list(csv.reader(StringIO(csv_text)))[1][4] == "'" + formula

    page = preview_of(client, upload(client, plan, saved(book)))
    assert page.context["preview"].has_changes is False
    assert "No changes" in page.content.decode()
    page = preview_of(client, upload(client, plan, csv_text.encode(), "actions.csv"))
    assert page.context["preview"].has_changes is False


def test_the_export_does_not_query_per_action(client, viewer, action, plan, police):
    client.force_login(viewer)
    export(client, plan)
    with CaptureQueriesContext(connection) as few:
        export(client, plan)
    for order in range(2, 30):
        added = Action.objects.create(priority=action.priority, order=order, text=f"A{order}")
        ActionLeadPartner.objects.create(
            action=added, order=1, kind="organisation", organisation=police
        )
        added.indicators.set(action.indicators.all())
    with CaptureQueriesContext(connection) as many:
        export(client, plan, "csv")
    assert len(many) <= len(few)


# Round trip on the Carlisle and Eden demo plan ----------------------------------------------


@pytest.fixture
def carlisle() -> Plan:
    call_command("load_demo", stdout=StringIO())
    return Plan.objects.get(partnership__slug="carlisle-eden")


@pytest.fixture
def carlisle_administrator(carlisle) -> User:
    user = User.objects.create_user(username="carlisle-admin", password=PASSWORD)
    Membership.objects.create(
        user=user, partnership=carlisle.partnership, role=Membership.Role.ADMINISTRATOR
    )
    return user


def test_exporting_and_importing_the_demo_plan_unchanged_changes_nothing(
    client, carlisle, carlisle_administrator
):
    client.force_login(carlisle_administrator)
    before = database_state()
    for kind, name in (("xlsx", "plan.xlsx"), ("csv", "plan.csv")):
        content = export(client, carlisle, kind).content
        page = preview_of(client, upload(client, carlisle, content, name))
        preview = page.context["preview"]
        assert preview.errors == []
        assert not preview.has_changes
        assert preview.unchanged == Action.objects.filter(priority__plan=carlisle).count()
        assert "No changes" in page.content.decode()
    assert database_state() == before


def test_three_cells_changed_and_a_row_deleted_are_exactly_the_four_changes_saved(
    client, carlisle, carlisle_administrator
):
    client.force_login(carlisle_administrator)
    book = workbook_of(export(client, carlisle).content)
    sheet = book["Actions"]
    where = columns(sheet)
    rows = {sheet.cell(row=r, column=1).value: r for r in range(2, sheet.max_row + 1)}
    actions = list(Action.objects.filter(priority__plan=carlisle).order_by("pk"))
    edited_text, redated, relead, deleted = actions[0], actions[1], actions[2], actions[3]
    untouched = [a.pk for a in actions[4:]]
    sheet.cell(row=rows[edited_text.pk], column=where["Action"]).value = "Run a new scheme."
    sheet.cell(row=rows[redated.pk], column=where["Review date"]).value = "July 2011"
    sheet.cell(row=rows[relead.pk], column=where["Lead partners"]).value = "CDRP"
    sheet.delete_rows(rows[deleted.pk])
    state_before = {
        a.pk: (a.text, a.review_date, a.status, a.version)
        for a in Action.objects.filter(pk__in=untouched)
    }
    leads_before = list(ActionLeadPartner.objects.exclude(action=relead).order_by("pk").values())

    page = preview_of(client, upload(client, carlisle, saved(book)))
    preview = page.context["preview"]
    assert preview.errors == []
    found = sorted((c.current.action.pk, [f.column for f in c.changes]) for c in preview.changed)
    assert found == [
        (edited_text.pk, ["Action"]),
        (redated.pk, ["Review date"]),
        (relead.pk, ["Lead partners"]),
    ]
    assert [row.action.pk for row in preview.removed] == [deleted.pk]
    assert preview.added == []
    body = page.content.decode()
    assert "Run a new scheme." in body and "July 2011" in body

    response = confirm(client, page)
    assert response.status_code == 302

    plan_import = PlanImport.objects.get()
    assert plan_import.made_by == carlisle_administrator
    reason = plan_import.history_reason
    edited_text.refresh_from_db()
    redated.refresh_from_db()
    deleted.refresh_from_db()
    assert edited_text.text == "Run a new scheme."
    assert redated.review_date_label == "July 2011"
    assert [lead.name for lead in relead.lead_partners.all()] == ["CDRP"]
    assert relead.lead_partners.get().kind == ActionLeadPartner.Kind.PARTNERSHIP
    assert deleted.status == Action.Status.REMOVED
    # Nothing else changed.
    assert {
        a.pk: (a.text, a.review_date, a.status, a.version)
        for a in Action.objects.filter(pk__in=untouched)
    } == state_before
    assert (
        list(ActionLeadPartner.objects.exclude(action=relead).order_by("pk").values())
        == leads_before
    )
    # The history: each change by the importer, with the import's reason, and nothing more.
    written = Action.history.filter(history_change_reason=reason)
    assert sorted(written.values_list("id", flat=True)) == sorted(
        [edited_text.pk, redated.pk, relead.pk, deleted.pk]
    )
    assert set(written.values_list("history_user", flat=True)) == {carlisle_administrator.pk}
    lead_history = ActionLeadPartner.history.filter(history_change_reason=reason)
    assert set(lead_history.values_list("id", flat=True)) >= set(
        relead.lead_partners.values_list("id", flat=True)
    )
    assert set(lead_history.values_list("history_user", flat=True)) == {carlisle_administrator.pk}
    assert set(lead_history.values_list("action_id", flat=True)) == {relead.pk}
    assert not PendingImport.objects.exists()
    assert "0 actions added, 3 actions changed, 1 action removed" in plan_import.summary
