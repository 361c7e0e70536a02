"""A partnership administrator imports a plan from Word through its pages: the upload (into a
new draft or one of the partnership's drafts), the preview with the mapping of names not
recognised, and the confirm or cancel, with the house's refusals. Real .docx files are built
with python-docx and read by the real import (plans.word.importing)."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from docx import Document

from plans.models import Membership, Partnership, PendingImport, Plan, PlanImport
from plans.models.imports import ImportSource
from priorities.models import Action
from tests.conftest import PASSWORD
from tests.word_files import ACTION, PRIORITY, UNKNOWN_PARTNER, plan_docx, upload

pytestmark = pytest.mark.django_db

NEW_PLAN = {
    "target": "new",
    "title": "Community Safety Plan",
    "start_year": "2011",
    "end_year": "2012",
}


def _upload_url(partnership: Partnership) -> str:
    return reverse("plans:word_import", args=[partnership.slug])


def _preview_url(pending: PendingImport) -> str:
    return reverse("plans:word_import_preview", args=[pending.pk])


def _cancel_url(pending: PendingImport) -> str:
    return reverse("plans:word_import_cancel", args=[pending.pk])


def _pending(plan: Plan | None, user: User, content: bytes | None = None, **new) -> PendingImport:
    partnership = plan.partnership if plan else new.pop("partnership")
    return PendingImport.objects.create(
        partnership=partnership,
        plan=plan,
        source=ImportSource.WORD,
        file_name="plan.docx",
        content=content if content is not None else plan_docx(),
        uploaded_by=user,
        **new,
    )


def _other_administrator(partnership: Partnership) -> User:
    user = User.objects.create_user(username="second_administrator", password=PASSWORD)
    Membership.objects.create(
        user=user, partnership=partnership, role=Membership.Role.ADMINISTRATOR
    )
    return user


def _field_error(html: str, field_id: str) -> str:
    """The error message shown beside a field (GOV.UK: in its form group, above the input)."""
    match = re.search(
        rf'id="{field_id}_\d+_error" class="govuk-error-message">\s*'
        r'<span class="govuk-visually-hidden">Error:</span>(.*?)</span>',
        html,
        re.DOTALL,
    )
    assert match, f"no error beside {field_id}"
    return " ".join(match.group(1).split())


# The upload page


def test_an_administrator_sees_the_upload_form_with_the_partnerships_drafts(
    client, administrator, plan
):
    Plan.objects.create(
        partnership=plan.partnership,
        title="Published Plan",
        slug="2009-10",
        start_year=2009,
        end_year=2010,
        status=Plan.Status.PUBLISHED,
    )
    client.force_login(administrator)

    response = client.get(_upload_url(plan.partnership))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Import a plan from Word" in html
    assert f'<option value="{plan.pk}">Partnership Plan 2010/11</option>' in html
    assert "Published Plan" not in html
    assert re.search(r'<input[^>]*value="new"[^>]*checked', html), "a new plan, unless asked"
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html


def test_the_upload_form_starts_with_the_draft_it_was_opened_from(client, administrator, plan):
    client.force_login(administrator)

    response = client.get(_upload_url(plan.partnership), {"plan": plan.pk})

    html = response.content.decode()
    assert f'<option value="{plan.pk}" selected>' in html
    assert re.search(r'<input[^>]*value="existing"[^>]*checked', html)


def test_a_partnership_with_no_draft_imports_into_a_new_plan_only(
    client, administrator, partnership
):
    client.force_login(administrator)

    response = client.get(_upload_url(partnership))

    html = response.content.decode()
    assert 'name="target"' not in html and 'name="plan"' not in html
    assert 'name="title"' in html


def test_an_anonymous_visitor_is_sent_to_sign_in(client, plan):
    response = client.get(_upload_url(plan.partnership))

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_an_outsider_is_told_nothing_of_the_upload_page(client, outsider, plan):
    client.force_login(outsider)

    assert client.get(_upload_url(plan.partnership)).status_code == 404


@pytest.mark.parametrize("role", ["viewer", "reviewer", "editor"])
def test_members_who_are_not_administrators_cannot_import_a_plan(client, request, plan, role):
    client.force_login(request.getfixturevalue(role))

    response = client.post(_upload_url(plan.partnership), {**NEW_PLAN, "file": upload(plan_docx())})

    assert response.status_code == 403
    assert "Only the partnership’s administrators" in response.content.decode()
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_upload_page_refuses_other_methods(client, administrator, plan, method):
    client.force_login(administrator)

    assert getattr(client, method)(_upload_url(plan.partnership)).status_code == 405


def test_an_upload_without_a_file_is_shown_again_with_what_was_typed(client, administrator, plan):
    client.force_login(administrator)

    response = client.post(_upload_url(plan.partnership), NEW_PLAN)

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert _field_error(html, "id_file") == "Choose the Word document to import"
    assert 'value="Community Safety Plan"' in html
    assert 'value="2011"' in html and 'value="2012"' in html
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("plan.txt", b"Introduction", "“plan.txt” is not a Word document (.docx)."),
        ("plan.docm", b"PK\x03\x04", "“plan.docm” is a macro-enabled file"),
        ("plan.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1protected", "is password-protected"),
        ("plan.docx", b"PK\x03\x04 not really a zip", "“plan.docx” is damaged"),
    ],
)
def test_a_file_that_is_not_a_readable_word_document_is_refused_beside_the_field(
    client, administrator, plan, name, content, message
):
    client.force_login(administrator)

    response = client.post(
        _upload_url(plan.partnership), {**NEW_PLAN, "file": upload(content, name)}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in _field_error(html, "id_file")
    assert "There is a problem" in html
    assert 'value="Community Safety Plan"' in html
    assert not PendingImport.objects.exists()


def test_a_file_over_the_size_limit_is_refused_with_its_size(client, administrator, plan, settings):
    settings.IMPORT_MAX_MEGABYTES = 1
    client.force_login(administrator)

    response = client.post(
        _upload_url(plan.partnership),
        {**NEW_PLAN, "file": upload(b"PK\x03\x04" + b"x" * (2 * 1024 * 1024))},
    )

    error = _field_error(response.content.decode(), "id_file")
    assert "is 2.0 MB; files up to 1 MB can be imported" in error
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize(
    ("typed", "field", "message"),
    [
        ({"title": ""}, "id_title", "Enter the new plan’s title"),
        ({"start_year": ""}, "id_start_year", "Enter the start year"),
        ({"start_year": "twenty"}, "id_start_year", "Enter the start year as a number"),
        ({"start_year": "1990"}, "id_start_year", "Give a start year from 1998"),
        ({"end_year": "2009"}, "id_end_year", "The end year cannot be before the start year."),
        ({"end_year": "99999"}, "id_end_year", "Give an end year no later than 2300"),
        ({"title": "Plan\x1b"}, "id_title", "Remove the invisible control characters"),
        ({"title": "x" * 301}, "id_title", "The title"),
    ],
)
def test_a_new_plans_title_and_years_are_checked_as_the_plan_details_form_does(
    client, administrator, plan, typed, field, message
):
    client.force_login(administrator)

    response = client.post(
        _upload_url(plan.partnership), {**NEW_PLAN, **typed, "file": upload(plan_docx())}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert message in _field_error(html, field)
    assert "There is a problem" in html
    for value in {**NEW_PLAN, **typed}.values():
        if value and "\x1b" not in value and len(value) < 300:
            assert f'value="{value}"' in html
    assert not PendingImport.objects.exists()


def test_importing_into_a_draft_needs_the_draft_chosen(client, administrator, plan):
    client.force_login(administrator)

    response = client.post(
        _upload_url(plan.partnership), {"target": "existing", "file": upload(plan_docx())}
    )

    assert _field_error(response.content.decode(), "id_plan") == (
        "Choose the draft plan to import into"
    )
    assert not PendingImport.objects.exists()


def test_a_draft_of_another_partnership_cannot_be_chosen(
    client, administrator, plan, other_partnership
):
    theirs = Plan.objects.create(
        partnership=other_partnership, title="Theirs", slug="theirs", start_year=2010, end_year=2011
    )
    client.force_login(administrator)

    response = client.post(
        _upload_url(plan.partnership),
        {"target": "existing", "plan": theirs.pk, "file": upload(plan_docx())},
    )

    assert "Choose one of the partnership’s draft plans" in _field_error(
        response.content.decode(), "id_plan"
    )
    assert not PendingImport.objects.exists()


def test_an_upload_into_a_new_plan_is_kept_for_its_preview(client, administrator, plan):
    client.force_login(administrator)
    content = plan_docx()

    response = client.post(_upload_url(plan.partnership), {**NEW_PLAN, "file": upload(content)})

    pending = PendingImport.objects.get()
    assert response.status_code == 302
    assert response.url == _preview_url(pending)
    assert pending.plan is None
    assert pending.partnership == plan.partnership
    assert (pending.new_plan_title, pending.new_plan_start_year, pending.new_plan_end_year) == (
        "Community Safety Plan",
        2011,
        2012,
    )
    assert pending.uploaded_by == administrator
    assert pending.source == ImportSource.WORD
    assert bytes(pending.content) == content


def test_a_new_upload_replaces_the_uploaders_earlier_one_and_clears_stale_ones(
    client, administrator, plan
):
    earlier = _pending(plan, administrator)
    for_new_plan = _pending(
        None,
        administrator,
        partnership=plan.partnership,
        new_plan_title="Other",
        new_plan_start_year=2012,
        new_plan_end_year=2013,
    )
    someone_elses = _pending(plan, _other_administrator(plan.partnership))
    stale = _pending(plan, someone_elses.uploaded_by)
    PendingImport.objects.filter(pk=stale.pk).update(
        uploaded_at=timezone.now() - datetime.timedelta(days=2)
    )
    client.force_login(administrator)

    response = client.post(
        _upload_url(plan.partnership),
        {"target": "existing", "plan": plan.pk, "file": upload(plan_docx(), "revised.docx")},
    )

    new = PendingImport.objects.get(file_name="revised.docx")
    assert response.url == _preview_url(new)
    assert new.plan == plan
    assert set(PendingImport.objects.all()) == {new, for_new_plan, someone_elses}
    assert not PendingImport.objects.filter(pk__in=[earlier.pk, stale.pk]).exists()


def test_a_document_with_nothing_to_import_is_refused_and_nothing_kept(client, administrator, plan):
    buffer = io.BytesIO()
    Document().save(buffer)
    client.force_login(administrator)

    response = client.post(
        _upload_url(plan.partnership), {**NEW_PLAN, "file": upload(buffer.getvalue(), "empty.docx")}
    )

    assert response.status_code == 200
    assert _field_error(response.content.decode(), "id_file")
    assert 'value="Community Safety Plan"' in response.content.decode()
    assert not PendingImport.objects.exists()


def test_a_document_the_import_cannot_take_is_refused_with_the_reason_and_nothing_kept(
    client, administrator, plan
):
    client.force_login(administrator)
    too_long = plan_docx(action="x" * 2400)

    response = client.post(
        _upload_url(plan.partnership), {**NEW_PLAN, "file": upload(too_long, "long.docx")}
    )

    assert response.status_code == 200
    error = _field_error(response.content.decode(), "id_file")
    assert "the action is 2,400 characters long; the most it may be is 2,000" in error
    assert not PendingImport.objects.exists()


# The preview


def test_the_uploader_sees_what_will_be_created_and_what_was_not_recognised(
    client, administrator, plan, police
):
    pending = _pending(
        plan, administrator, plan_docx(lead_partner=f"Cumbria Police / {UNKNOWN_PARTNER}")
    )
    client.force_login(administrator)

    response = client.get(_preview_url(pending))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Check the import of “plan.docx”" in html
    assert "Into: <strong>Partnership Plan 2010/11</strong>" in html
    assert "<caption" in html and 'scope="col"' in html and 'scope="row"' in html
    assert "Introduction" in html
    assert PRIORITY in html
    # Recognised: as printed, and what it was matched to.
    assert re.search(r"<th[^>]*>Cumbria Police</th>\s*<td[^>]*>[^<]*Cumbria", html)
    # Not recognised: a select labelled with the name as printed, keep as printed first.
    label = re.search(rf'<label for="(id_[^"]+)"[^>]*>\s*{UNKNOWN_PARTNER}\s*</label>', html)
    assert label, "the select is labelled with the printed name"
    select = re.search(rf'<select[^>]*id="{label.group(1)}"[^>]*>(.*?)</select>', html, re.DOTALL)
    assert select
    assert re.search(r'<option value="" selected>Keep as printed</option>', select.group(1))
    assert "Carlisle City Council" in select.group(1)
    assert "Lead partners not recognised" in html and "<fieldset" in html
    assert "Printed in:" in html
    assert "Confirm import" in html
    assert not PlanImport.objects.exists()


def test_a_kept_upload_the_import_can_no_longer_take_shows_why_and_offers_only_cancel(
    client, administrator, plan
):
    pending = _pending(plan, administrator, plan_docx(action="x" * 2400))
    client.force_login(administrator)

    response = client.get(_preview_url(pending))

    assert response.status_code == 409
    html = response.content.decode()
    assert "There is a problem" in html
    assert "the action is 2,400 characters long" in html
    assert "Confirm import" not in html
    assert f'action="{_cancel_url(pending)}"' in html


def test_a_preview_into_a_new_plan_names_it(client, administrator, plan):
    pending = _pending(
        None,
        administrator,
        partnership=plan.partnership,
        new_plan_title="Community Safety Plan",
        new_plan_start_year=2011,
        new_plan_end_year=2014,
    )
    client.force_login(administrator)

    response = client.get(_preview_url(pending))

    assert "A new draft plan: Community Safety Plan 2011–2014" in response.content.decode()


def test_another_persons_import_is_not_found(client, administrator, plan):
    pending = _pending(plan, _other_administrator(plan.partnership))
    client.force_login(administrator)

    assert client.get(_preview_url(pending)).status_code == 404
    assert client.post(_preview_url(pending)).status_code == 404
    assert client.post(_cancel_url(pending)).status_code == 404
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def test_a_support_superuser_cannot_see_someone_elses_import(
    client, superuser, administrator, plan
):
    pending = _pending(plan, administrator)
    client.force_login(superuser)

    assert client.get(_preview_url(pending)).status_code == 404


def test_an_anonymous_visitor_is_sent_to_sign_in_from_a_preview(client, administrator, plan):
    pending = _pending(plan, administrator)

    response = client.get(_preview_url(pending))

    assert response.url.startswith(reverse("login"))


def test_an_outsider_is_told_nothing_of_a_preview(client, outsider, administrator, plan):
    pending = _pending(plan, administrator)
    client.force_login(outsider)

    assert client.get(_preview_url(pending)).status_code == 404


def test_an_uploader_who_is_no_longer_an_administrator_is_refused(client, administrator, plan):
    pending = _pending(plan, administrator)
    Membership.objects.filter(user=administrator).update(role=Membership.Role.EDITOR)
    client.force_login(administrator)

    response = client.get(_preview_url(pending))

    assert response.status_code == 403
    assert "Only the partnership’s administrators" in response.content.decode()
    assert client.post(_preview_url(pending)).status_code == 403
    assert not PlanImport.objects.exists()


def test_a_preview_of_a_plan_that_left_draft_is_refused_with_the_reason(
    client, administrator, plan
):
    pending = _pending(plan, administrator)
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)
    client.force_login(administrator)

    response = client.get(_preview_url(pending))

    assert response.status_code == 403
    assert "is in review, so it can no longer be changed" in response.content.decode()


def test_confirming_after_the_plan_left_draft_is_refused_with_the_reason(
    client, administrator, plan, council
):
    pending = _pending(plan, administrator)
    client.force_login(administrator)
    key, value = _mapping(client, pending, "Carlisle City Council")
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.IN_REVIEW)

    response = client.post(_preview_url(pending), {key: value})

    assert response.status_code == 403
    assert "is in review, so it can no longer be changed" in response.content.decode()
    assert not PlanImport.objects.exists()
    assert not Action.objects.filter(text=ACTION).exists()
    assert PendingImport.objects.filter(pk=pending.pk).exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_the_preview_refuses_other_methods(client, administrator, plan, method):
    pending = _pending(plan, administrator)
    client.force_login(administrator)

    assert getattr(client, method)(_preview_url(pending)).status_code == 405


def _mapping(client, pending: PendingImport, organisation: str) -> tuple[str, str]:
    """The unmatched name's field and the value of `organisation` in its select."""
    html = client.get(_preview_url(pending)).content.decode()
    select = re.search(
        rf'<label for="id_([^"]+)"[^>]*>\s*{UNKNOWN_PARTNER}\s*</label>'
        r".*?<select[^>]*>(.*?)</select>",
        html,
        re.DOTALL,
    )
    assert select, "the unknown lead partner is offered for mapping"
    value = re.search(rf'<option value="([^"]+)">{organisation}</option>', select.group(2))
    assert value, f"{organisation} is offered"
    return select.group(1), value.group(1)


def test_confirming_saves_the_plan_with_the_names_mapped_and_shows_it(
    client, administrator, plan, council
):
    pending = _pending(plan, administrator)
    client.force_login(administrator)
    key, value = _mapping(client, pending, "Carlisle City Council")

    response = client.post(_preview_url(pending), {key: value}, follow=True)

    assert response.redirect_chain[-1][0] == plan.get_absolute_url()
    html = response.content.decode()
    assert "“plan.docx” has been imported into Partnership Plan 2010/11" in html
    assert "1 priority and 1 action" in html
    assert PRIORITY in html and ACTION in html
    # Linked to the organisation chosen, and printed as the document prints it.
    [lead] = Action.objects.get(text=ACTION).lead_partners.all()
    assert (lead.organisation, lead.printed_as) == (council, UNKNOWN_PARTNER)
    assert not lead.is_as_written
    plan_import = PlanImport.objects.get()
    assert (plan_import.plan, plan_import.made_by) == (plan, administrator)
    assert not PendingImport.objects.exists()


def test_confirming_with_a_name_kept_as_printed_saves_it_as_written(
    client, administrator, plan, council
):
    pending = _pending(plan, administrator)
    client.force_login(administrator)
    key, _value = _mapping(client, pending, "Carlisle City Council")

    response = client.post(_preview_url(pending), {key: ""})

    assert response.status_code == 302
    [lead] = Action.objects.get(text=ACTION).lead_partners.all()
    assert lead.is_as_written and lead.printed_as == UNKNOWN_PARTNER
    assert lead.organisation is None


def test_the_preview_counts_the_tables_a_section_keeps(client, administrator, plan):
    document = Document()
    document.add_heading("Introduction", level=1)
    table = document.add_table(rows=2, cols=2)
    for cell, text in zip(table._cells, ["Year", "Crimes", "2009", "412"], strict=True):
        cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    pending = _pending(plan, administrator, buffer.getvalue())
    client.force_login(administrator)

    response = client.get(_preview_url(pending))

    html = response.content.decode()
    row = re.search(
        r'<th scope="row" class="govuk-table__header">Introduction</th>(.*?)</tr>', html, re.DOTALL
    )
    assert row
    assert re.search(r"numeric\">1</td>", row.group(1))
    assert "No priorities: the document has no table of actions." in html


def test_confirming_a_new_plan_creates_the_draft(client, administrator, plan):
    pending = _pending(
        None,
        administrator,
        partnership=plan.partnership,
        new_plan_title="Community Safety Plan",
        new_plan_start_year=2011,
        new_plan_end_year=2012,
    )
    client.force_login(administrator)

    response = client.post(_preview_url(pending))

    created = Plan.objects.get(title="Community Safety Plan")
    assert response.status_code == 302
    assert response.url == created.get_absolute_url()
    assert (created.status, created.start_year, created.end_year) == (Plan.Status.DRAFT, 2011, 2012)
    assert Action.objects.get(text=ACTION).priority.plan == created
    assert not PendingImport.objects.exists()


def test_a_mapping_not_offered_is_refused_beside_its_select(client, administrator, plan, council):
    pending = _pending(plan, administrator)
    client.force_login(administrator)
    key, _value = _mapping(client, pending, "Carlisle City Council")

    response = client.post(_preview_url(pending), {key: "organisation:999999"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f"Choose what “{UNKNOWN_PARTNER}” stands for from the list" in _field_error(
        html, f"id_{key}"
    )
    assert not PlanImport.objects.exists()


# Cancel


def test_cancelling_deletes_the_upload_and_saves_nothing(client, administrator, plan):
    pending = _pending(plan, administrator)
    client.force_login(administrator)

    response = client.post(_cancel_url(pending), follow=True)

    assert response.redirect_chain[-1][0] == reverse("priorities:plan", args=[plan.pk])
    assert "The import of “plan.docx” has been cancelled" in response.content.decode()
    assert not PendingImport.objects.exists()
    assert not Action.objects.filter(text=ACTION).exists()


def test_cancelling_an_import_into_a_new_plan_goes_back_to_the_partnership(
    client, administrator, partnership
):
    pending = _pending(
        None,
        administrator,
        partnership=partnership,
        new_plan_title="Plan",
        new_plan_start_year=2011,
        new_plan_end_year=2012,
    )
    client.force_login(administrator)

    response = client.post(_cancel_url(pending))

    assert response.url == reverse("plans:partnership_manage", args=[partnership.slug])
    assert not PendingImport.objects.exists()


@pytest.mark.parametrize("method", ["get", "put", "delete"])
def test_cancel_is_only_a_post(client, administrator, plan, method):
    pending = _pending(plan, administrator)
    client.force_login(administrator)

    assert getattr(client, method)(_cancel_url(pending)).status_code == 405
    assert PendingImport.objects.filter(pk=pending.pk).exists()


def test_cancel_asks_an_anonymous_visitor_to_sign_in(client, administrator, plan):
    pending = _pending(plan, administrator)

    response = client.post(_cancel_url(pending))

    assert response.url.startswith(reverse("login"))
    assert PendingImport.objects.filter(pk=pending.pk).exists()


# The ways in


def test_the_partnership_page_and_a_drafts_page_link_to_the_import(client, administrator, plan):
    client.force_login(administrator)

    manage = client.get(reverse("plans:partnership_manage", args=[plan.partnership.slug]))
    working = client.get(reverse("priorities:plan", args=[plan.pk]))

    assert (
        f'href="{_upload_url(plan.partnership)}">Import a plan from Word' in manage.content.decode()
    )
    assert (
        f'href="{_upload_url(plan.partnership)}?plan={plan.pk}">Import from Word'
        in working.content.decode()
    )


def test_a_drafts_page_offers_no_import_to_an_editor(client, editor, plan):
    client.force_login(editor)

    response = client.get(reverse("priorities:plan", args=[plan.pk]))

    assert "Import from Word" not in response.content.decode()
