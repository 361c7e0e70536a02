"""Publishing and draft PDFs as background jobs, and the pages people wait on them with."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plans import publication, publishing
from plans.jobs import job_enqueue, job_run
from plans.models import DraftFile, Job, Plan, PublishedCopy
from plans.pdf_render import PdfRenderTimeout
from plans.publication import draft_pdfs_soon, publication_request
from plans.workflow import MoveRefused, plan_move
from priorities.models import Action
from tests.background import get_prepared, run_jobs

pytestmark = pytest.mark.django_db
Status = Plan.Status


def _approved(plan: Plan) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=Status.APPROVED)
    plan.refresh_from_db()
    return plan


def _publish_url(plan: Plan) -> str:
    return reverse("plans:plan_move", args=[plan.partnership.slug, plan.slug, "published"])


def _progress_url(plan: Plan, job: Job) -> str:
    return reverse("plans:publication_progress", args=[plan.partnership.slug, plan.slug, job.pk])


def _pdf_url(plan: Plan, *, large_print: bool = False) -> str:
    name = "plans:plan_large_print_pdf" if large_print else "plans:plan_pdf"
    return reverse(name, args=[plan.partnership.slug, plan.slug])


@pytest.fixture
def pdf_renders(monkeypatch) -> list[bool]:
    """Each PDF rendered, by whether it was large print."""
    rendered: list[bool] = []

    def counting(render):
        def plan_pdf(document, *, large_print=False):
            rendered.append(large_print)
            return render(document, large_print=large_print)

        return plan_pdf

    monkeypatch.setattr(publishing, "plan_pdf", counting(publishing.plan_pdf))
    monkeypatch.setattr(publication, "plan_pdf", counting(publication.plan_pdf))
    return rendered


# Publishing


def test_publishing_returns_at_once_with_the_progress_page_and_renders_nothing(
    client, plan, action, administrator, pdf_renders
):
    client.force_login(administrator)
    _approved(plan)

    response = client.post(_publish_url(plan))

    job = Job.objects.get(plan=plan, kind=Job.Kind.PUBLISH)
    assert response.status_code == 302
    assert response.url == _progress_url(plan, job)
    assert job.status == Job.Status.WAITING
    assert job.requested_by == administrator
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__job_id=job.pk).exists()
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED
    assert not PublishedCopy.objects.filter(plan=plan).exists()
    assert pdf_renders == []


def test_the_progress_page_says_what_is_happening_and_checks_again_by_itself(
    client, plan, action, administrator
):
    client.force_login(administrator)
    job = publication_request(plan=_approved(plan), user=administrator)

    page = client.get(_progress_url(plan, job))
    fragment = client.get(_progress_url(plan, job), headers={"HX-Request": "true"})

    assert page.status_code == 202
    assert "Publishing the plan" in page.text
    assert 'role="status"' in page.text
    assert f'hx-get="{_progress_url(plan, job)}"' in page.text
    assert "Check again now" in page.text
    assert fragment.status_code == 200
    assert "<html" not in fragment.text
    assert 'hx-trigger="every 2s"' in fragment.text


def test_once_the_worker_has_published_the_progress_page_goes_to_the_public_page(
    client, plan, action, administrator
):
    client.force_login(administrator)
    client.post(_publish_url(_approved(plan)))
    job = Job.objects.get(plan=plan)

    [ran] = run_jobs()

    assert ran.status == Job.Status.DONE
    plan.refresh_from_db()
    assert plan.status == Status.PUBLISHED
    copy = plan.published_copies.get()
    assert copy.published_by == administrator
    assert bytes(copy.pdf).startswith(b"%PDF")
    htmx = client.get(_progress_url(plan, job), headers={"HX-Request": "true"})
    assert htmx.status_code == 204
    assert htmx["HX-Redirect"] == plan.get_absolute_url()
    plain = client.get(_progress_url(plan, job))
    assert plain.status_code == 302
    assert plain.url == plan.get_absolute_url()


def test_the_worker_renders_outside_the_lock_and_publishing_keeps_that_rendering(
    plan, action, administrator, pdf_renders
):
    publication_request(plan=_approved(plan), user=administrator)

    run_jobs()

    assert pdf_renders == [False, True]
    assert plan.published_copies.get().version == 1


def test_a_plan_changed_after_rendering_is_rendered_again_before_it_is_published(
    plan, action, administrator, monkeypatch
):
    publication_request(plan=_approved(plan), user=administrator)
    render = publishing.copy_render

    def render_then_edit(rendering_plan):
        rendering = render(rendering_plan)
        Action.objects.filter(pk=action.pk).update(text="Changed after rendering.")
        return rendering

    monkeypatch.setattr(publication, "copy_render", render_then_edit)

    run_jobs()

    assert "Changed after rendering." in plan.published_copies.get().html


def test_pressing_publish_twice_makes_one_publication(client, plan, action, administrator):
    client.force_login(administrator)
    _approved(plan)

    client.post(_publish_url(plan))
    second = client.post(_publish_url(plan))

    assert second.status_code == 400
    assert "is already being published" in second.text
    assert Job.objects.filter(plan=plan, kind=Job.Kind.PUBLISH).count() == 1


def test_publishing_is_refused_at_once_for_a_role_that_may_not_publish(plan, reviewer):
    with pytest.raises(MoveRefused, match="does not allow"):
        publication_request(plan=_approved(plan), user=reviewer)
    assert not Job.objects.exists()


def test_a_plan_sent_back_to_draft_before_the_worker_ran_is_not_published_and_says_why(
    client, plan, action, administrator
):
    client.force_login(administrator)
    job = publication_request(plan=_approved(plan), user=administrator)
    Plan.objects.filter(pk=plan.pk).update(status=Status.DRAFT)

    [ran] = run_jobs()
    page = client.get(_progress_url(plan, job))

    assert ran.status == Job.Status.FAILED
    assert ran.attempts == 1  # not retried: trying again cannot mend it
    assert page.status_code == 503
    assert "The plan was not published" in page.text
    assert "It is draft" in page.text or "draft" in ran.error
    assert not PublishedCopy.objects.filter(plan=plan).exists()


def test_a_publication_too_slow_to_render_fails_with_the_advice(
    plan, action, administrator, monkeypatch
):
    def too_slow(document, *, large_print=False):
        raise PdfRenderTimeout(60)

    monkeypatch.setattr(publishing, "plan_pdf", too_slow)
    publication_request(plan=_approved(plan), user=administrator)

    [ran] = run_jobs()

    assert ran.status == Job.Status.FAILED
    assert "took too long" in ran.error
    assert "Shorten it or add spaces" in ran.error
    plan.refresh_from_db()
    assert plan.status == Status.APPROVED


def test_while_the_worker_is_down_the_progress_page_publishes_in_its_own_request(
    client, plan, action, administrator, settings
):
    client.force_login(administrator)
    job = publication_request(plan=_approved(plan), user=administrator)
    Job.objects.filter(pk=job.pk).update(
        run_after=timezone.now()
        - datetime.timedelta(seconds=settings.TASK_WORKER_GRACE_SECONDS + 1)
    )

    response = client.get(_progress_url(plan, job), headers={"HX-Request": "true"})

    assert response["HX-Redirect"] == plan.get_absolute_url()
    plan.refresh_from_db()
    assert plan.status == Status.PUBLISHED


def test_a_worker_within_its_grace_is_left_to_do_the_job(client, plan, action, administrator):
    client.force_login(administrator)
    job = publication_request(plan=_approved(plan), user=administrator)

    client.get(_progress_url(plan, job))

    job.refresh_from_db()
    assert job.status == Job.Status.WAITING


def test_the_admin_publish_action_queues_the_publication(admin_client, plan, action, pdf_renders):
    _approved(plan)

    response = admin_client.post(
        reverse("admin:plans_plan_changelist"),
        {
            "action": "move_approved_to_published",
            "_selected_action": [plan.pk],
            "apply": "1",
        },
        follow=True,
    )

    assert "is being published" in response.text
    assert Job.objects.filter(plan=plan, kind=Job.Kind.PUBLISH).exists()
    assert pdf_renders == []


def test_the_progress_page_refuses_other_methods_and_other_plans_jobs(
    client, plan, action, administrator, other_partnership
):
    client.force_login(administrator)
    job = publication_request(plan=_approved(plan), user=administrator)
    other = Plan.objects.create(
        partnership=other_partnership, title="Other", slug="other", start_year=2010, end_year=2011
    )

    assert client.post(_progress_url(plan, job)).status_code == 405
    assert client.get(_progress_url(other, job)).status_code == 404


# A draft's PDFs


def test_a_draft_pdf_not_yet_prepared_gives_the_being_prepared_page(client, plan, action, viewer):
    client.force_login(viewer)

    response = client.get(_pdf_url(plan))

    assert response.status_code == 202
    assert "Your PDF is being prepared" in response.text
    job = Job.objects.get(plan=plan, kind=Job.Kind.DRAFT_PDFS)
    assert job.run_after <= timezone.now()  # someone is waiting: not put off


def test_once_prepared_the_draft_pdf_is_served_and_not_rendered_again(
    client, plan, action, viewer, pdf_renders
):
    client.force_login(viewer)
    client.get(_pdf_url(plan))
    run_jobs()

    first = client.get(_pdf_url(plan))
    large = client.get(_pdf_url(plan, large_print=True))
    again = client.get(_pdf_url(plan))

    assert first.status_code == 200
    assert first["Content-Type"] == "application/pdf"
    assert first.content.startswith(b"%PDF")
    assert again.content == first.content
    assert large.content != first.content
    assert pdf_renders == [False, True]


def test_the_waiting_page_follows_to_the_pdf_once_it_is_ready(client, plan, action, viewer):
    client.force_login(viewer)
    client.get(_pdf_url(plan))
    waiting = client.get(_pdf_url(plan), headers={"HX-Request": "true"})
    run_jobs()

    ready = client.get(_pdf_url(plan), headers={"HX-Request": "true"})

    assert waiting.status_code == 200
    assert "being made" in waiting.text
    assert ready.status_code == 204
    assert ready["HX-Redirect"] == _pdf_url(plan)


def test_an_edit_makes_the_prepared_pdf_stale(client, plan, action, viewer):
    client.force_login(viewer)
    first = get_prepared(client, _pdf_url(plan))
    Action.objects.filter(pk=action.pk).update(text="A new action text.")

    waiting = client.get(_pdf_url(plan))
    fresh = get_prepared(client, _pdf_url(plan))

    assert waiting.status_code == 202
    assert fresh.status_code == 200
    assert fresh.content != first.content


def test_a_member_reading_a_changed_draft_queues_its_pdfs_for_a_little_later(
    client, plan, action, viewer, settings
):
    client.force_login(viewer)
    before = timezone.now()

    client.get(plan.get_absolute_url())
    client.get(plan.get_absolute_url())

    job = Job.objects.get(plan=plan, kind=Job.Kind.DRAFT_PDFS)
    delay = datetime.timedelta(seconds=settings.DRAFT_PDF_DELAY_SECONDS)
    assert before + delay <= job.run_after <= timezone.now() + delay
    run_jobs()
    assert DraftFile.objects.filter(plan=plan).count() == 2
    client.get(plan.get_absolute_url())
    assert Job.objects.filter(plan=plan, kind=Job.Kind.DRAFT_PDFS).count() == 1


def test_a_burst_of_edits_makes_one_preparation(plan, action):
    for text in ("One", "Two", "Three"):
        Action.objects.filter(pk=action.pk).update(text=text)
        draft_pdfs_soon(plan=Plan.objects.select_related("content_version").get(pk=plan.pk))

    assert Job.objects.filter(plan=plan, kind=Job.Kind.DRAFT_PDFS).count() == 1


def test_an_older_rendering_never_replaces_a_newer_one(plan, action):
    job = job_enqueue(kind=Job.Kind.DRAFT_PDFS, plan=plan)
    current = plan.content_version.version
    DraftFile.objects.create(
        plan=plan,
        content_version=current + 5,
        content=b"%PDF newer",
        sha256="x" * 64,
        rendered_at=timezone.now(),
    )

    job_run(job_id=job.pk)

    assert bytes(DraftFile.objects.get(plan=plan).content) == b"%PDF newer"


def test_a_draft_pdf_too_slow_to_make_says_so_and_is_not_tried_on_every_request(
    client, plan, action, viewer, monkeypatch
):
    def too_slow(document, *, large_print=False):
        raise PdfRenderTimeout(60)

    monkeypatch.setattr(publication, "plan_pdf", too_slow)
    client.force_login(viewer)
    client.get(_pdf_url(plan))
    run_jobs()

    first = client.get(_pdf_url(plan))
    second = client.get(_pdf_url(plan))

    assert first.status_code == 503
    assert "The PDF could not be made" in first.text
    assert "took too long" in first.text
    assert second.status_code == 503
    assert Job.objects.filter(plan=plan, kind=Job.Kind.DRAFT_PDFS).count() == 1


def test_while_the_worker_is_down_the_download_renders_in_the_request(
    client, plan, action, viewer, settings
):
    client.force_login(viewer)
    client.get(_pdf_url(plan))
    Job.objects.update(
        run_after=timezone.now()
        - datetime.timedelta(seconds=settings.TASK_WORKER_GRACE_SECONDS + 1)
    )

    response = client.get(_pdf_url(plan))

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_publishing_with_a_deleted_requester_is_refused_in_words(plan, action):
    requester = User.objects.create_user("gone")
    job = Job.objects.create(
        kind=Job.Kind.PUBLISH,
        plan=_approved(plan),
        requested_by=requester,
        run_after=timezone.now(),
        created_at=timezone.now(),
    )
    User.objects.filter(pk=requester.pk).delete()

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert "does not allow" in job.error


def test_plan_move_still_publishes_at_once_for_callers_that_hold_no_request(
    plan, action, administrator
):
    plan_move(plan=_approved(plan), to_status=Status.PUBLISHED, user=administrator)

    assert plan.published_copies.count() == 1


def test_while_it_is_being_published_the_plan_page_links_to_the_progress_not_the_button(
    client, plan, action, administrator
):
    client.force_login(administrator)
    job = publication_request(plan=_approved(plan), user=administrator)

    page = client.get(plan.get_absolute_url())

    assert "This plan is being published" in page.text
    assert _progress_url(plan, job) in page.text
    assert _publish_url(plan) not in page.text


def test_checking_while_the_pdfs_are_being_made_queues_no_second_preparation(
    client, plan, action, viewer
):
    client.force_login(viewer)
    client.get(_pdf_url(plan))
    Job.objects.update(status=Job.Status.RUNNING, started_at=timezone.now())

    response = client.get(_pdf_url(plan), headers={"HX-Request": "true"})

    assert "being made" in response.text
    assert Job.objects.count() == 1
