"""Correcting a published plan: an administrator takes it back to draft with a change note, it
is edited, reviewed and approved as any draft, and publishing it stores the next version. The
public keeps reading the last version meanwhile, and every version stays readable."""

from __future__ import annotations

import datetime
import importlib

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from plans.admin_workflow import not_draft_message
from plans.models import Plan, PlanTransition, PublishedCopy, Section
from plans.permissions import plan_change_refusal
from plans.review import transition_comment_hide
from plans.workflow import MoveRefused, plan_move
from priorities.models import ProgressUpdate
from tests.background import run_jobs

pytestmark = pytest.mark.django_db

Status = Plan.Status
NOTE = "Corrected the number of PCSOs in the foreword."
FIRST = "<p>We have 12 PCSOs.</p>"
CORRECTED = "<p>We have 21 PCSOs.</p>"
SECTION_FORM = {
    "title": "Foreword",
    "kind": "foreword",
    "placement": "before",
    "body": CORRECTED,
    "signatory_name": "",
    "signatory_role": "",
}


@pytest.fixture
def foreword(plan: Plan) -> Section:
    return Section.objects.create(plan=plan, order=1, title="Foreword", body=FIRST)


def _move(plan: Plan, to_status: str) -> str:
    return reverse("plans:plan_move", args=[plan.partnership.slug, plan.slug, to_status])


def _version(plan: Plan, number: int, part: str = "") -> str:
    name = {"": "plans:plan_version", "pdf": "plans:plan_version_pdf"}.get(
        part, "plans:plan_version_large_print_pdf"
    )
    return reverse(name, args=[plan.partnership.slug, plan.slug, number])


def _published(plan: Plan, user) -> Plan:
    """The plan approved and published the one way plans are published, as version 1."""
    Plan.objects.filter(pk=plan.pk).update(status=Status.APPROVED)
    plan.refresh_from_db()
    plan_move(plan=plan, to_status=Status.PUBLISHED, user=user)
    return plan


def _corrected(plan: Plan, user) -> Plan:
    plan_move(plan=plan, to_status=Status.DRAFT, user=user, comment=NOTE)
    plan.refresh_from_db()
    return plan


def test_a_correction_goes_through_review_and_is_published_as_version_2_with_its_note(
    client, plan, foreword, administrator
):
    client.force_login(administrator)
    Plan.objects.filter(pk=plan.pk).update(status=Status.APPROVED)
    client.post(_move(plan, Status.PUBLISHED))
    run_jobs()
    first = PublishedCopy.objects.get(plan=plan)
    first_pdf = bytes(first.pdf)

    responses = [
        client.post(_move(plan, Status.DRAFT), {"comment": NOTE}),
        client.post(reverse("priorities:section_edit", args=[foreword.pk]), SECTION_FORM),
        client.post(_move(plan, Status.IN_REVIEW)),
        client.post(_move(plan, Status.APPROVED)),
        client.post(_move(plan, Status.PUBLISHED)),
    ]
    run_jobs()

    assert [response.status_code for response in responses] == [302] * 5
    plan.refresh_from_db()
    assert plan.status == Status.PUBLISHED
    copies = {copy.version: copy for copy in plan.published_copies.all()}
    assert sorted(copies) == [1, 2]
    assert (copies[1].change_note, copies[2].change_note) == ("", NOTE)
    assert "21 PCSOs" in copies[2].html and "21 PCSOs" not in copies[1].html
    correction = plan.transitions.get(from_status=Status.PUBLISHED, to_status=Status.DRAFT)
    assert (correction.comment, correction.user) == (NOTE, administrator)
    client.logout()
    page = client.get(plan.get_absolute_url()).text
    assert "21 PCSOs" in page and "12 PCSOs" not in page.split("Versions of this plan")[0]
    assert "Versions of this plan" in page and NOTE in page
    assert _version(plan, 1) in page and _version(plan, 2, "pdf") in page
    assert "12 PCSOs" in client.get(_version(plan, 1)).text
    assert client.get(_version(plan, 1, "pdf")).content == first_pdf


def test_the_correction_needs_a_change_note_and_keeps_what_was_typed(
    client, plan, foreword, administrator
):
    _published(plan, administrator)
    client.force_login(administrator)

    response = client.post(_move(plan, Status.DRAFT), {"comment": "   "})

    assert response.status_code == 400
    assert "Give a change note" in response.text
    assert 'id="comment-error"' in response.text
    assert Plan.objects.get(pk=plan.pk).status == Status.PUBLISHED
    with pytest.raises(MoveRefused, match="Give a change note"):
        plan_move(plan=plan, to_status=Status.DRAFT, user=administrator, comment="")


def test_the_correction_page_asks_for_the_change_note_and_explains(client, plan, administrator):
    _published(plan, administrator)
    client.force_login(administrator)

    response = client.get(_move(plan, Status.DRAFT))

    assert response.status_code == 200
    assert "Correct the published plan" in response.text
    assert "Change note: what are you correcting, and why?" in response.text
    assert "keeps showing the version published last" in response.text


def test_the_published_plan_page_offers_the_correction_to_administrators_only(
    client, plan, administrator, editor
):
    _published(plan, administrator)

    client.force_login(administrator)
    offered = client.get(plan.get_absolute_url()).text
    client.force_login(editor)
    not_offered = client.get(plan.get_absolute_url()).text

    assert _move(plan, Status.DRAFT) in offered
    assert _move(plan, Status.DRAFT) not in not_offered


@pytest.mark.parametrize("role", ["editor", "reviewer", "viewer"])
def test_other_members_cannot_correct_a_published_plan(client, request, plan, administrator, role):
    _published(plan, administrator)
    client.force_login(request.getfixturevalue(role))

    response = client.post(_move(plan, Status.DRAFT), {"comment": NOTE})

    assert response.status_code == 403
    assert Plan.objects.get(pk=plan.pk).status == Status.PUBLISHED
    with pytest.raises(MoveRefused, match="does not allow “Correct the published plan”"):
        plan_move(
            plan=plan, to_status=Status.DRAFT, user=request.getfixturevalue(role), comment=NOTE
        )


def test_an_outsider_is_told_nothing_and_a_visitor_is_sent_to_sign_in(
    client, plan, administrator, outsider
):
    _published(plan, administrator)

    anonymous = client.post(_move(plan, Status.DRAFT), {"comment": NOTE})
    client.force_login(outsider)
    hidden = client.post(_move(plan, Status.DRAFT), {"comment": NOTE})

    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    assert hidden.status_code == 404
    assert Plan.objects.get(pk=plan.pk).status == Status.PUBLISHED


def test_a_wrong_method_is_refused(client, plan, administrator):
    _published(plan, administrator)
    client.force_login(administrator)

    assert client.put(_move(plan, Status.DRAFT)).status_code == 405
    assert client.post(_version(plan, 1)).status_code == 405
    assert client.post(_version(plan, 1, "pdf")).status_code == 405


def test_during_the_correction_the_public_still_reads_version_1(
    client, plan, foreword, administrator
):
    _corrected(_published(plan, administrator), administrator)
    first = PublishedCopy.objects.get(plan=plan)
    Section.objects.filter(pk=foreword.pk).update(body=CORRECTED)
    plan_move(plan=plan, to_status=Status.IN_REVIEW, user=administrator)

    page = client.get(plan.get_absolute_url())
    pdf = client.get(reverse("plans:plan_pdf", args=[plan.partnership.slug, plan.slug]))
    index = client.get(reverse("plans:index")).text

    assert page.status_code == 200
    assert "12 PCSOs" in page.text and "21 PCSOs" not in page.text
    assert "DRAFT" not in page.text and "Correction in progress" not in page.text
    assert pdf.content == bytes(first.pdf)
    assert plan.title in index and "Draft:" not in index and "Correction:" not in index
    # The second visitor is served what the first was shown.
    assert client.get(plan.get_absolute_url()).content == page.content


def test_members_work_on_the_draft_under_a_correction_banner(
    client, plan, foreword, administrator, viewer
):
    _corrected(_published(plan, administrator), administrator)
    Section.objects.filter(pk=foreword.pk).update(body=CORRECTED)
    client.force_login(viewer)

    page = client.get(plan.get_absolute_url()).text
    index = client.get(reverse("plans:index")).text

    assert "Correction in progress: the public page still shows version 1" in page
    assert "21 PCSOs" in page
    assert _version(plan, 1) in page
    assert "Correction: draft" in index


def test_an_outsider_reads_a_plan_under_correction_as_published(
    client, plan, foreword, administrator, outsider
):
    _corrected(_published(plan, administrator), administrator)
    Section.objects.filter(pk=foreword.pk).update(body=CORRECTED)
    client.force_login(outsider)

    page = client.get(plan.get_absolute_url())

    assert page.status_code == 200
    assert "12 PCSOs" in page.text and "21 PCSOs" not in page.text


def test_next_years_plan_is_not_offered_during_a_correction(client, plan, administrator):
    _corrected(_published(plan, administrator), administrator)
    client.force_login(administrator)
    refresh = reverse("plans:plan_refresh", args=[plan.partnership.slug, plan.slug])

    page = client.get(plan.get_absolute_url()).text
    refused = client.post(refresh)

    assert refresh not in page
    assert refused.status_code == 400
    assert "Only a published plan can start next year" in refused.text


def test_progress_is_still_recorded_during_a_correction(client, plan, action, administrator):
    _corrected(_published(plan, administrator), administrator)
    client.force_login(administrator)

    response = client.post(
        reverse("priorities:progress_add", args=[action.pk]),
        {
            "reported_on_0": "15",
            "reported_on_1": "7",
            "reported_on_2": "2010",
            "rag": "green",
            "note": "On track.",
        },
    )

    assert response.status_code == 302
    assert ProgressUpdate.objects.filter(action=action, note="On track.").exists()


def test_a_superseded_plan_cannot_be_corrected_and_is_told_why(client, plan, administrator):
    _published(plan, administrator)
    Plan.objects.filter(pk=plan.pk).update(status=Status.SUPERSEDED)
    plan.refresh_from_db()
    client.force_login(administrator)

    response = client.post(_move(plan, Status.DRAFT), {"comment": NOTE})

    assert response.status_code == 403
    assert "has been superseded by a later plan, so it cannot be corrected" in response.text
    with pytest.raises(MoveRefused, match="Correct the plan that replaced it"):
        plan_move(plan=plan, to_status=Status.DRAFT, user=administrator, comment=NOTE)
    assert Plan.objects.get(pk=plan.pk).status == Status.SUPERSEDED


def _next_year(plan: Plan) -> Plan:
    return Plan.objects.create(
        partnership=plan.partnership,
        title="Partnership Plan",
        slug="2011-12",
        start_year=2011,
        end_year=2012,
        previous_plan=plan,
        status=Status.APPROVED,
    )


def test_publishing_a_correction_does_not_supersede_the_previous_plan_again(plan, administrator):
    _published(plan, administrator)
    renewal = _next_year(plan)
    plan_move(plan=renewal, to_status=Status.PUBLISHED, user=administrator)
    _corrected(renewal, administrator)

    for status in (Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED):
        plan_move(plan=renewal, to_status=status, user=administrator)

    assert Plan.objects.get(pk=plan.pk).status == Status.SUPERSEDED
    assert plan.transitions.filter(to_status=Status.SUPERSEDED).count() == 1
    assert list(renewal.published_copies.values_list("version", "change_note")) == [
        (2, NOTE),
        (1, ""),
    ]


def test_publishing_the_next_plan_supersedes_a_plan_under_correction(plan, administrator):
    _corrected(_published(plan, administrator), administrator)

    plan_move(plan=_next_year(plan), to_status=Status.PUBLISHED, user=administrator)

    plan.refresh_from_db()
    assert plan.status == Status.SUPERSEDED
    assert "The correction in progress was not published." in plan.transitions.first().comment
    assert plan.published_copies.count() == 1


def test_a_plan_made_public_without_a_copy_keeps_one_when_corrected(plan, foreword, superuser):
    Plan.objects.filter(pk=plan.pk).update(status=Status.PUBLISHED)
    plan.refresh_from_db()

    _corrected(plan, superuser)

    copy = plan.published_copies.get()
    assert (copy.version, copy.change_note) == (1, "")
    assert "12 PCSOs" in copy.html
    assert Plan.objects.public().filter(pk=plan.pk).exists()


def test_an_unknown_version_is_not_found(client, plan, administrator):
    _published(plan, administrator)

    assert client.get(_version(plan, 2)).status_code == 404
    assert client.get(_version(plan, 2, "pdf")).status_code == 404
    assert client.get(_version(plan, 0, "large")).status_code == 404


def test_a_draft_never_published_has_no_versions_for_the_public(client, plan):
    assert client.get(_version(plan, 1)).status_code == 404
    assert not Plan.objects.public().filter(pk=plan.pk).exists()


def test_a_version_pdf_is_cached_like_the_published_pdfs(client, plan, administrator):
    _published(plan, administrator)
    copy = plan.published_copies.get()

    first = client.get(_version(plan, 1, "large"))
    again = client.get(_version(plan, 1, "large"), headers={"If-None-Match": first["ETag"]})

    assert first.content == bytes(copy.large_print_pdf)
    assert first["ETag"] == f'"{copy.large_print_pdf_sha256}"'
    assert "version-1-large-print.pdf" in first["Content-Disposition"]
    assert again.status_code == 304


def test_a_version_page_shows_that_version_and_leads_to_the_current_one(
    client, plan, foreword, administrator
):
    _corrected(_published(plan, administrator), administrator)
    Section.objects.filter(pk=foreword.pk).update(body=CORRECTED)
    for status in (Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED):
        plan_move(plan=plan, to_status=status, user=administrator)

    first = client.get(_version(plan, 1)).text
    second = client.get(_version(plan, 2)).text

    assert "This is version 1 of the plan" in first and "12 PCSOs" in first
    assert "This is version 2 of the plan" in second and NOTE in second
    assert f"{plan.get_absolute_url()}#versions-heading" in first


def test_the_admin_refuses_a_published_plans_content_saying_how_to_correct_it(
    client, plan, foreword, superuser
):
    _published(plan, superuser)
    client.force_login(superuser)
    url = reverse("admin:plans_section_change", args=[foreword.pk])

    shown = client.get(url)
    saved = client.post(url, {"title": "Changed"}, follow=True)

    assert "Correct the published plan" in shown.text
    assert "Correct the published plan" in saved.text
    assert Section.objects.get(pk=foreword.pk).title == "Foreword"
    assert "Correct the published plan" in not_draft_message(plan)


def test_the_admin_offers_the_correction_as_an_action_asking_for_the_note(client, plan, superuser):
    _published(plan, superuser)
    client.force_login(superuser)
    changelist = reverse("admin:plans_plan_changelist")
    data = {"action": "move_published_to_draft", "_selected_action": [plan.pk]}

    asked = client.post(changelist, data)
    refused = client.post(changelist, data | {"apply": "yes", "comment": ""}, follow=True)
    done = client.post(changelist, data | {"apply": "yes", "comment": NOTE}, follow=True)

    assert "Change note: what are you correcting, and why? (required)" in asked.text
    assert "Give a change note" in refused.text
    assert "is now draft" in done.text
    assert Plan.objects.get(pk=plan.pk).status == Status.DRAFT


def test_the_apps_refusal_for_a_published_plan_points_to_the_correction(
    client, plan, foreword, administrator
):
    _published(plan, administrator)
    client.force_login(administrator)

    response = client.post(reverse("priorities:section_edit", args=[foreword.pk]), SECTION_FORM)

    assert response.status_code in (403, 409)
    assert "Correct the published plan" in plan_change_refusal(plan)
    assert "Correct the published plan" in response.text
    assert Section.objects.get(pk=foreword.pk).body == FIRST


def test_a_plan_has_each_version_number_once(plan, administrator):
    copy = _published(plan, administrator).published_copies.get()

    with pytest.raises(IntegrityError), transaction.atomic():
        PublishedCopy.objects.create(
            plan=plan,
            version=1,
            published_at=copy.published_at + datetime.timedelta(seconds=1),
            html="",
            html_sha256="",
            pdf=b"",
            pdf_sha256="",
            large_print_pdf=b"",
            large_print_pdf_sha256="",
        )


def test_the_migration_numbers_existing_copies_per_plan_by_date(plan, partnership):
    """The data step of plans 0014, on copies numbered out of order (distinct from their
    final numbers, as the unique constraint stands while they are renumbered)."""
    other = Plan.objects.create(
        partnership=partnership, title="Older plan", slug="2009-10", start_year=2009, end_year=2010
    )
    start = timezone.now()
    made = {}
    for target, offset, version in ((plan, 2, 30), (plan, 0, 40), (plan, 1, 10), (other, 5, 50)):
        made[(target.pk, offset)] = PublishedCopy.objects.create(
            plan=target,
            version=version,
            published_at=start + datetime.timedelta(days=offset),
            html="",
            html_sha256="",
            pdf=b"",
            pdf_sha256="",
            large_print_pdf=b"",
            large_print_pdf_sha256="",
        )
    migration = importlib.import_module("plans.migrations.0014_published_versions")

    migration.number_versions(apps, None)

    numbers = {key: PublishedCopy.objects.get(pk=copy.pk).version for key, copy in made.items()}
    assert numbers == {(plan.pk, 0): 1, (plan.pk, 1): 2, (plan.pk, 2): 3, (other.pk, 5): 1}


def test_correction_moves_are_recorded_with_their_note(plan, administrator):
    _corrected(_published(plan, administrator), administrator)

    transition = PlanTransition.objects.filter(plan=plan).first()

    assert (transition.from_status, transition.to_status, transition.comment) == (
        Status.PUBLISHED,
        Status.DRAFT,
        NOTE,
    )


def test_the_home_page_still_lists_a_plan_under_correction(client, plan, administrator):
    _corrected(_published(plan, administrator), administrator)

    page = client.get(reverse("home")).text

    assert plan.get_absolute_url() in page


def test_a_change_note_hidden_as_abusive_is_not_published_with_the_correction(
    client, plan, foreword, administrator
):
    _corrected(_published(plan, administrator), administrator)
    correction = plan.transitions.get(from_status=Status.PUBLISHED, to_status=Status.DRAFT)
    transition_comment_hide(transition=correction, user=administrator, reason="Abusive")
    for status in (Status.IN_REVIEW, Status.APPROVED, Status.PUBLISHED):
        plan_move(plan=plan, to_status=status, user=administrator)

    second = plan.published_copies.get(version=2)
    assert second.change_note == ""
    page = client.get(plan.get_absolute_url()).text
    assert NOTE not in page
    assert "Corrected (no change note is shown)." in page
    assert "First published." in page
