"""Background jobs: retried with backoff, given up on in words, recovered when their worker
dies, listed for administrators, and forgotten once done."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from plans import jobs
from plans.jobs import job_claim, job_enqueue, job_run, jobs_prune, jobs_recover, retry_delay
from plans.models import Job, Plan
from plans.publication import publication_request
from tests.background import run_jobs

pytestmark = pytest.mark.django_db
Status = Plan.Status


def _approved(plan: Plan) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=Status.APPROVED)
    plan.refresh_from_db()
    return plan


def _progress_url(plan: Plan, job: Job) -> str:
    return reverse("plans:publication_progress", args=[plan.partnership.slug, plan.slug, job.pk])


def _failing_email() -> Job:
    return job_enqueue(kind=Job.Kind.EMAIL, payload={"subject": "s", "to": ["a@example.org"]})


def test_a_failed_job_is_retried_later_with_backoff(monkeypatch, settings):
    settings.TASK_RETRY_SECONDS = 30

    def broken(job):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(jobs, "import_string", lambda path: broken)
    job = _failing_email()

    before = timezone.now()
    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == Job.Status.WAITING
    assert job.attempts == 1
    assert "mail server down" in job.error
    assert before + datetime.timedelta(seconds=29) < job.run_after
    assert job.run_after < before + datetime.timedelta(seconds=32)
    # Queued again for then: a second task, due at the new time.
    assert DBTaskResult.objects.filter(args_kwargs__kwargs__job_id=job.pk).count() == 2
    # Not due yet: a worker leaves it.
    assert job_run(job_id=job.pk) is None


def test_backoff_doubles_and_is_capped():
    assert [retry_delay(n).total_seconds() for n in (1, 2, 3, 4)] == [30, 60, 120, 240]
    assert retry_delay(30) == datetime.timedelta(hours=1)


def test_a_job_gives_up_after_its_last_attempt_and_shows_why(monkeypatch, settings):
    settings.TASK_MAX_ATTEMPTS = 3

    def broken(job):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr(jobs, "import_string", lambda path: broken)
    job = _failing_email()

    run_jobs(rounds=5)

    job.refresh_from_db()
    assert job.status == Job.Status.FAILED
    assert job.attempts == 3
    assert job.error.startswith("Gave up after 3 attempts.")
    assert list(Job.objects.failed()) == [job]


def test_a_job_whose_worker_died_is_run_again(plan, action, administrator, settings):
    job = publication_request(plan=_approved(plan), user=administrator)
    started = timezone.now() - datetime.timedelta(seconds=settings.TASK_STALE_SECONDS + 1)
    # As a worker killed mid-render leaves it.
    Job.objects.filter(pk=job.pk).update(status=Job.Status.RUNNING, attempts=1, started_at=started)

    assert jobs_recover() == 1

    job.refresh_from_db()
    assert job.status == Job.Status.WAITING
    assert job.error == "The worker running it stopped before it finished."
    assert job.run_after <= timezone.now()  # its worker failed, not the job: no backoff
    run_jobs()
    job.refresh_from_db()
    assert job.status == Job.Status.DONE
    assert job.attempts == 2
    assert plan.published_copies.count() == 1


def test_a_job_running_within_its_time_is_not_taken_from_its_worker(plan, action, administrator):
    job = publication_request(plan=_approved(plan), user=administrator)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=1, started_at=timezone.now()
    )

    assert jobs_recover() == 0
    assert job_run(job_id=job.pk) is None


def test_the_queued_task_runs_the_job(plan, action, administrator):
    job = publication_request(plan=_approved(plan), user=administrator)
    queued = DBTaskResult.objects.get(args_kwargs__kwargs__job_id=job.pk)

    queued.task.call(**queued.args_kwargs["kwargs"])

    job.refresh_from_db()
    assert job.status == Job.Status.DONE


def test_failed_jobs_are_listed_for_administrators_and_can_be_tried_again(admin_client, plan):
    job = job_enqueue(kind=Job.Kind.DRAFT_PDFS, plan=plan)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.FAILED, started_at=timezone.now(), error="Gave up after 5 attempts."
    )

    listed = admin_client.get(reverse("admin:plans_job_changelist") + "?status=failed")
    again = admin_client.post(
        reverse("admin:plans_job_changelist"),
        {"action": "try_again", "_selected_action": [job.pk]},
        follow=True,
    )

    assert "Gave up after 5 attempts." in listed.text
    assert "1 failed job queued again" in again.text
    assert Job.objects.filter(plan=plan, status=Job.Status.WAITING).count() == 1


def test_done_jobs_are_forgotten_after_thirty_days_and_failed_ones_kept():
    now = timezone.now()
    old, recent, failed = (_failing_email() for _ in range(3))
    Job.objects.update(started_at=now)
    Job.objects.filter(pk=old.pk).update(
        status=Job.Status.DONE, finished_at=now - datetime.timedelta(days=31)
    )
    Job.objects.filter(pk=recent.pk).update(
        status=Job.Status.DONE, finished_at=now - datetime.timedelta(days=29)
    )
    Job.objects.filter(pk=failed.pk).update(
        status=Job.Status.FAILED, finished_at=now - datetime.timedelta(days=90)
    )

    assert jobs_prune(now=now) == 1

    assert set(Job.objects.values_list("pk", flat=True)) == {recent.pk, failed.pk}


def test_a_fault_that_outlasts_its_retries_is_told_in_plain_words_not_its_details(
    client, plan, action, administrator, monkeypatch, settings
):
    settings.TASK_MAX_ATTEMPTS = 1

    def broken(job):
        raise RuntimeError("connection to server at 10.0.0.5 failed")

    monkeypatch.setattr(jobs, "import_string", lambda path: broken)
    client.force_login(administrator)
    job = publication_request(plan=_approved(plan), user=administrator)
    run_jobs()

    page = client.get(_progress_url(plan, job))

    job.refresh_from_db()
    assert "10.0.0.5" in job.error  # for the administrators, in the admin
    assert page.status_code == 503
    assert "Something went wrong while it was being made" in page.text
    assert "10.0.0.5" not in page.text


def test_a_run_handed_on_by_recovery_does_not_overwrite_the_run_that_took_it(monkeypatch):
    """As when TASK_STALE_SECONDS is shorter than a run: the first run ends after recovery
    handed the job to a second, and leaves the second's record alone."""
    job = _failing_email()

    def slow_run(running):
        Job.objects.filter(pk=running.pk).update(
            started_at=timezone.now() - datetime.timedelta(days=1)
        )
        running.refresh_from_db()
        jobs_recover()
        assert job_claim(job_id=running.pk) is not None  # the second run

    monkeypatch.setattr(jobs, "import_string", lambda path: slow_run)

    job_run(job_id=job.pk)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.RUNNING, 2)
