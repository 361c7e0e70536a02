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


@pytest.mark.parametrize("slug", ["carlisle-eden", "east-cambridgeshire", "west-cumbria"])
def test_exporting_and_importing_each_demo_plan_unchanged_changes_nothing(client, carlisle, slug):
    plan = Plan.objects.get(partnership__slug=slug)
    plan.status = Plan.Status.DRAFT
    plan.save(update_fields=["status"])
    client.force_login(User.objects.create_superuser("support", "support@example.org", "x"))
    before = database_state()
    for kind, name in (("xlsx", "plan.xlsx"), ("csv", "plan.csv")):
        content = export(client, plan, kind).content
        page = preview_of(client, upload(client, plan, content, name))
        preview = page.context["preview"]
        assert preview.errors == []
        assert not preview.has_changes
        assert preview.unchanged == Action.objects.filter(priority__plan=plan).current().count()
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
    # Every history row the import wrote carries the importer and the import's reason.
    for model in (Action, ActionLeadPartner):
        since = model.history.filter(history_date__gte=plan_import.made_at)
        assert since.exists()
        assert set(since.values_list("history_change_reason", "history_user")) == {
            (reason, carlisle_administrator.pk)
        }
    assert not PendingImport.objects.exists()
    assert "0 actions added, 3 actions changed, 1 action removed" in plan_import.summary


# Pages and who may use them -----------------------------------------------------------------


def test_the_action_plan_pages_link_to_the_downloads_and_the_import(client, editor, action, plan):
    client.force_login(editor)
    page = client.get(reverse("priorities:action_plan", args=[action.priority_id])).content
    group = action.priority.task_group
    for kind in ("xlsx", "csv"):
        url = reverse("priorities:task_group_spreadsheet_export", args=[plan.pk, group.pk, kind])
        assert url.encode() in page
    assert b"?task_group=" in page and b"actions from a spreadsheet" in page
    page = client.get(reverse("priorities:plan", args=[plan.pk])).content
    assert reverse("priorities:spreadsheet_export", args=[plan.pk, "xlsx"]).encode() in page
    assert b"Import from a spreadsheet" in page


def test_a_viewer_sees_the_downloads_but_not_the_import(client, viewer, action, plan):
    client.force_login(viewer)
    page = client.get(reverse("priorities:plan", args=[plan.pk])).content
    assert reverse("priorities:spreadsheet_export", args=[plan.pk, "csv"]).encode() in page
    assert b"Import from a spreadsheet" not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, action, plan):
    for url in (
        reverse("priorities:spreadsheet_export", args=[plan.pk, "xlsx"]),
        reverse("priorities:spreadsheet_import", args=[plan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_outsiders_are_told_nothing(client, outsider, action, plan, task_group):
    client.force_login(outsider)
    for url in (
        reverse("priorities:spreadsheet_export", args=[plan.pk, "xlsx"]),
        reverse("priorities:task_group_spreadsheet_export", args=[plan.pk, task_group.pk, "csv"]),
        reverse("priorities:spreadsheet_import", args=[plan.pk]),
    ):
        assert client.get(url).status_code == 404


def test_another_partnerships_task_group_and_an_unknown_format_are_not_found(
    client, viewer, action, plan, other_partnership
):
    client.force_login(viewer)
    theirs = Group.objects.create(partnership=other_partnership, name="Theirs", kind="task")
    url = reverse("priorities:task_group_spreadsheet_export", args=[plan.pk, theirs.pk, "xlsx"])
    assert client.get(url).status_code == 404
    assert (
        client.get(reverse("priorities:spreadsheet_export", args=[plan.pk, "ods"])).status_code
        == 404
    )


def test_a_viewer_may_not_import(client, viewer, action, plan):
    client.force_login(viewer)
    response = client.get(reverse("priorities:spreadsheet_import", args=[plan.pk]))
    assert response.status_code == 403
    assert "read its plans but not change them" in response.content.decode()


def test_the_wrong_method_is_refused(client, administrator, action, plan):
    client.force_login(administrator)
    assert (
        client.post(reverse("priorities:spreadsheet_export", args=[plan.pk, "csv"])).status_code
        == 405
    )
    assert client.put(reverse("priorities:spreadsheet_import", args=[plan.pk])).status_code == 405
    pending = PendingImport.objects.create(
        partnership=plan.partnership,
        plan=plan,
        source="spreadsheet",
        file_name="a.csv",
        content=b"x",
        uploaded_by=administrator,
    )
    url = reverse("priorities:spreadsheet_import_preview", args=[pending.pk])
    assert client.delete(url).status_code == 405


def test_an_upload_without_a_file_is_shown_again_with_its_errors(client, administrator, plan):
    client.force_login(administrator)
    response = client.post(reverse("priorities:spreadsheet_import", args=[plan.pk]), {})
    assert response.status_code == 200
    body = response.content.decode()
    assert "govuk-error-summary" in body
    assert "Choose the spreadsheet to import" in body


def test_a_confirm_without_the_previews_fingerprint_is_shown_again_with_its_error(
    client, administrator, action, plan
):
    client.force_login(administrator)
    content = f"Ref,Priority,Action,Lead partners\n{action.pk},,New words.,Cumbria Police\n"
    page = preview_of(client, upload(client, plan, content.encode(), "a.csv"))
    before = database_state()
    url = reverse("priorities:spreadsheet_import_preview", args=[page.context["pending"].pk])
    response = client.post(url, {"fingerprint": "not it"})
    assert response.status_code == 200
    assert "Show the preview again" in response.content.decode()
    assert database_state() == before


def test_someone_elses_kept_file_is_not_found(client, administrator, superuser, action, plan):
    client.force_login(administrator)
    content = f"Ref,Priority,Action,Lead partners\n{action.pk},,New words.,Cumbria Police\n"
    page = preview_of(client, upload(client, plan, content.encode(), "a.csv"))
    client.force_login(superuser)
    url = reverse("priorities:spreadsheet_import_preview", args=[page.context["pending"].pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"fingerprint": page.context["preview"].fingerprint}).status_code == 404
    assert Action.objects.get(pk=action.pk).text == action.text


# Editors and task groups --------------------------------------------------------------------


@pytest.fixture
def other_groups_action(plan) -> Action:
    group = Group.objects.create(partnership=plan.partnership, name="Domestic Abuse", kind="task")
    priority = Priority.objects.create(plan=plan, order=2, title="Domestic Abuse", task_group=group)
    return Action.objects.create(priority=priority, order=1, text="Theirs.")


def test_an_editor_imports_their_own_task_groups_actions(
    client, editor, action, plan, task_group, other_groups_action
):
    client.force_login(editor)
    form = client.get(reverse("priorities:spreadsheet_import", args=[plan.pk]))
    assert [value for value, _ in form.context["form"].fields["actions"].choices] == [
        str(task_group.pk)
    ]
    content = export(client, plan, "csv", task_group).content.decode("utf-8-sig")
    content = content.replace(action.text, "Mediation for every dispute.")
    page = preview_of(client, upload(client, plan, content.encode(), "a.csv", task_group.pk))
    assert confirm(client, page).status_code == 302
    assert Action.objects.get(pk=action.pk).text == "Mediation for every dispute."
    # The other task group's action was not in the file, and not in scope: it stays.
    assert Action.objects.get(pk=other_groups_action.pk).status == Action.Status.NOT_STARTED
    assert PlanImport.objects.get().task_group == task_group


def test_an_editor_cannot_import_the_whole_plan_or_another_task_groups_actions(
    client, editor, action, plan, other_groups_action
):
    client.force_login(editor)
    content = export(client, plan, "csv").content
    before = database_state()
    for scope in ("plan", str(other_groups_action.priority.task_group_id)):
        response = upload(client, plan, content, "a.csv", scope)
        assert response.status_code == 200
        assert "Choose one of the task groups listed" in response.content.decode()
    assert database_state() == before
    assert not PendingImport.objects.exists()


def test_an_editor_whose_task_groups_own_no_priority_may_not_import(
    client, plan, action, partnership
):
    user = User.objects.create_user(username="elsewhere", password=PASSWORD)
    membership = Membership.objects.create(user=user, partnership=partnership, role="editor")
    membership.task_groups.add(Group.objects.create(partnership=partnership, name="X", kind="task"))
    client.force_login(user)
    response = client.get(reverse("priorities:spreadsheet_import", args=[plan.pk]))
    assert response.status_code == 403
    assert "your own task groups" in response.content.decode()


def test_a_task_groups_file_naming_another_groups_action_is_refused_naming_the_row(
    client, administrator, action, plan, task_group, other_groups_action
):
    client.force_login(administrator)
    content = (
        "Ref,Priority,Action,Lead partners\n"
        f"{action.pk},,{action.text},Cumbria Police\n"
        f"{other_groups_action.pk},,Theirs.,CDRP\n"
    )
    page = preview_of(client, upload(client, plan, content.encode(), "a.csv", task_group.pk))
    assert [str(e) for e in page.context["preview"].errors] == [
        f"Row 3, Ref: The action {other_groups_action.pk} is not one of "
        f"{task_group.name}'s actions: import it with its own task group's actions"
    ]


# Imports into a plan that is not a draft ---------------------------------------------------


def test_nothing_is_imported_into_a_plan_that_is_not_a_draft(client, administrator, action, plan):
    client.force_login(administrator)
    content = export(client, plan, "csv").content.decode("utf-8-sig")
    content = content.replace(action.text, "Changed.")
    page = preview_of(client, upload(client, plan, content.encode(), "a.csv"))
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
    before = database_state()
    response = confirm(client, page)
    assert response.status_code == 403
    assert "Only plans in draft can be changed" in response.content.decode()
    assert database_state() == before
    response = upload(client, plan, content.encode(), "a.csv")
    assert response.status_code == 403


def test_a_plan_that_left_draft_between_preview_and_save_is_refused_by_the_service(
    administrator, action, plan
):
    from plans.permissions import ChangeRefused
    from priorities.spreadsheets.importing import spreadsheet_import
    from priorities.spreadsheets.preview import fingerprint
    from priorities.spreadsheets.rows import Scope

    pending = PendingImport.objects.create(
        partnership=plan.partnership,
        plan=plan,
        source="spreadsheet",
        file_name="a.csv",
        content=f"Ref,Priority,Action,Lead partners\n{action.pk},,X.,CDRP\n".encode(),
        uploaded_by=administrator,
    )
    seen = fingerprint(Scope(plan=plan))
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    before = database_state()
    with pytest.raises(ChangeRefused):
        spreadsheet_import(pending=pending, user=administrator, fingerprint=seen, mapped={})
    assert database_state() == before


# Changes meanwhile -------------------------------------------------------------------------


def test_an_action_saved_after_the_preview_stops_the_import_and_shows_the_new_preview(
    client, administrator, editor, action, plan
):
    from priorities.services import action_update

    client.force_login(administrator)
    content = export(client, plan, "csv").content.decode("utf-8-sig")
    content = content.replace("30 September 2010", "December 2010")
    page = preview_of(client, upload(client, plan, content.encode(), "a.csv"))
    action_update(
        action=action,
        user=editor,
        version=action.version,
        text="Saved by someone else meanwhile.",
        lead_partners=[],
        indicators=[],
    )
    before = database_state()
    response = confirm(client, page)
    assert response.status_code == 409
    body = response.content.decode()
    assert "Someone saved some of these actions after you saw the preview" in body
    changes = response.context["preview"].changed[0].changes
    assert {change.column for change in changes} == {
        "Action",
        "Lead partners",
        "Indicators",
        "Review date",
    }
    assert database_state() == before
    # Confirming the new preview saves it.
    assert confirm(client, response).status_code == 302
    assert Action.objects.get(pk=action.pk).review_date_label == "December 2010"


def test_the_preview_does_not_query_per_row(administrator, action, plan, police):
    from plans.uploads import Upload
    from priorities.spreadsheets.preview import import_preview
    from priorities.spreadsheets.reading import read_sheet
    from priorities.spreadsheets.rows import Scope

    for order in range(2, 30):
        added = Action.objects.create(priority=action.priority, order=order, text=f"A{order}")
        ActionLeadPartner.objects.create(
            action=added, order=1, kind="organisation", organisation=police
        )
    actions = list(Action.objects.order_by("order"))

    def queries_for(edited: int) -> int:
        lines = ["Ref,Priority,Action,Lead partners,Indicators,Review date"]
        for number, each in enumerate(actions):
            if number < edited:
                lines.append(f"{each.pk},,Edited {number}.,CDRP / Jane {number},NI41,July 2010")
            else:
                lines.append(f"{each.pk},,{each.text},Cumbria Police,,")
        upload = Upload(kind="csv", name="a.csv", content="\n".join(lines).encode())
        with CaptureQueriesContext(connection) as queries:
            preview = import_preview(scope=Scope(plan=plan), sheet=read_sheet(upload))
        assert len(preview.changed) == edited and not preview.errors
        return len(queries)

    assert queries_for(25) == queries_for(2)


def test_an_uploader_who_can_no_longer_change_the_plan_is_refused_the_preview(
    client, administrator, action, plan
):
    client.force_login(administrator)
    content = f"Ref,Priority,Action,Lead partners\n{action.pk},,New words.,Cumbria Police\n"
    page = preview_of(client, upload(client, plan, content.encode(), "a.csv"))
    Membership.objects.filter(user=administrator).update(role=Membership.Role.VIEWER)
    url = reverse("priorities:spreadsheet_import_preview", args=[page.context["pending"].pk])
    before = database_state()
    assert client.get(url).status_code == 403
    response = client.post(url, {"fingerprint": page.context["preview"].fingerprint})
    assert response.status_code == 403
    assert "read its plans but not change them" in response.content.decode()
    assert database_state() == before


def test_the_columns_there_only_to_read_are_ignored_on_import(client, administrator, action, plan):
    client.force_login(administrator)
    book = workbook_of(export(client, plan).content)
    sheet = book["Actions"]
    where = columns(sheet)
    sheet.cell(row=2, column=where["Number"]).value = "9.9"
    sheet.cell(row=2, column=where["Latest progress"]).value = "1 July 2010: Made up."
    page = preview_of(client, upload(client, plan, saved(book)))
    assert page.context["preview"].errors == []
    assert not page.context["preview"].has_changes


def test_a_text_stored_with_windows_line_endings_round_trips_unchanged(
    client, administrator, action, plan
):
    Action.objects.filter(pk=action.pk).update(text="First line.\r\nSecond line. ")
    client.force_login(administrator)
    for kind, name in (("xlsx", "a.xlsx"), ("csv", "a.csv")):
        content = export(client, plan, kind).content
        page = preview_of(client, upload(client, plan, content, name))
        assert not page.context["preview"].has_changes
