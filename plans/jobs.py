"""Background jobs: queued, claimed once, retried with backoff, recovered when a worker dies.

The task queue (django-tasks-db, run by `manage.py db_worker`) carries only a job's number; the
Job row says what happened. A job is claimed by one conditional UPDATE, so the worker, a second
worker and a web request standing in for a stopped worker never run it twice at once.

What each kind of job does lives with its concern (HANDLERS); they are imported by name when a
job runs, so this module stays below them and they may queue jobs of their own.
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, close_old_connections, connection, transaction
from django.db.models import F
from django.tasks import task
from django.utils import timezone
from django.utils.module_loading import import_string

from plans.models import Job, Plan

logger = logging.getLogger(__name__)

HANDLERS: dict[str, str] = {
    Job.Kind.PUBLISH: "plans.publication.publication_run",
    Job.Kind.DRAFT_PDFS: "plans.publication.draft_pdfs_render",
    Job.Kind.EMAIL: "plans.emails.email_send",
}
# Backoff stops growing here, so a long mail-server outage is still retried within the hour.
RETRY_CAP = datetime.timedelta(hours=1)
ZERO = datetime.timedelta(0)
DONE_JOBS_KEPT = datetime.timedelta(days=30)


class JobGaveUp(Exception):
    """A failure that trying again cannot mend (the plan moved on, a PDF too slow to make);
    the message is for the person who asked."""


def retry_delay(attempts: int) -> datetime.timedelta:
    """TASK_RETRY_SECONDS after the first failure, doubling with each one after."""
    delay = datetime.timedelta(seconds=settings.TASK_RETRY_SECONDS * 2 ** max(attempts - 1, 0))
    return min(delay, RETRY_CAP)


def _queue(job: Job) -> None:
    """Hand the job to the task queue; its row is written in the caller's transaction, so the
    worker never sees a task for a job that was rolled back."""
    run_job.using(run_after=job.run_after).enqueue(job_id=job.pk)


def job_enqueue(
    *,
    kind: str,
    plan: Plan | None = None,
    user: AbstractBaseUser | AnonymousUser | None = None,
    payload: dict | None = None,
    delay_seconds: int = 0,
) -> Job:
    now = timezone.now()
    with transaction.atomic():
        job = Job.objects.create(
            kind=kind,
            plan=plan,
            requested_by=user if user is not None and user.is_authenticated else None,
            payload=payload or {},
            run_after=now + datetime.timedelta(seconds=delay_seconds),
            created_at=now,
        )
        _queue(job)
    return job


def job_bring_forward(*, job: Job) -> None:
    """Someone is waiting for a job that was put off (a debounced draft PDF): queue it now.
    The earlier queued task finds it done and does nothing."""
    now = timezone.now()
    with transaction.atomic():
        if Job.objects.filter(pk=job.pk, status=Job.Status.WAITING, run_after__gt=now).update(
            run_after=now
        ):
            job.run_after = now
            _queue(job)


def job_claim(*, job_id: int) -> Job | None:
    """Mark the job running for this caller, or None when it is not due, already running or
    finished."""
    now = timezone.now()
    claimed = Job.objects.filter(pk=job_id, status=Job.Status.WAITING, run_after__lte=now).update(
        status=Job.Status.RUNNING, attempts=F("attempts") + 1, started_at=now
    )
    if not claimed:
        return None
    return Job.objects.select_related("plan__partnership", "requested_by").get(pk=job_id)


def job_run(*, job_id: int) -> Job | None:
    """Claim the job and do it; None when someone else has it or it is not due."""
    job = job_claim(job_id=job_id)
    if job is None:
        return None
    handler: Callable[[Job], None] = import_string(HANDLERS[job.kind])
    try:
        handler(job)
    except JobGaveUp as gave_up:
        _finish(job, Job.Status.FAILED, str(gave_up), for_people=True)
    except Exception as error:
        logger.exception("Job %s (%s) failed, attempt %s", job.pk, job.kind, job.attempts)
        # A lost database connection (the server restarted) is replaced before recording;
        # never inside a caller's transaction, which the connection still carries.
        if not connection.in_atomic_block:
            close_old_connections()
        _failed_attempt(job, f"{type(error).__name__}: {error}")
    else:
        _finish(job, Job.Status.DONE, "")
    return job


def _this_run(job: Job):
    """The job as long as it is still this run of it: recovery may have handed it to another
    worker (if TASK_STALE_SECONDS is shorter than a run), and a late finish must not undo that."""
    return Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING, started_at=job.started_at)


def _finish(job: Job, status: str, error: str, *, for_people: bool = False) -> bool:
    finished_at = timezone.now()
    if not _this_run(job).update(
        status=status, error=error, error_is_for_people=for_people, finished_at=finished_at
    ):
        logger.warning("Job %s was handed to another run before this one finished", job.pk)
        return False
    job.status, job.error, job.finished_at = status, error, finished_at
    job.error_is_for_people = for_people
    return True


def _failed_attempt(job: Job, error: str, *, backoff: bool = True) -> bool:
    """Queue the job again after its backoff, or fail it after its last attempt; False when
    it is no longer this run's to record."""
    if job.attempts >= settings.TASK_MAX_ATTEMPTS:
        return _finish(job, Job.Status.FAILED, f"Gave up after {job.attempts} attempts. {error}")
    run_after = timezone.now() + (retry_delay(job.attempts) if backoff else ZERO)
    with transaction.atomic():
        if not _this_run(job).update(
            status=Job.Status.WAITING, started_at=None, error=error, run_after=run_after
        ):
            logger.warning("Job %s was handed to another run before this one failed", job.pk)
            return False
        job.status, job.started_at, job.error, job.run_after = (
            Job.Status.WAITING,
            None,
            error,
            run_after,
        )
        _queue(job)
    return True


def jobs_recover(*, plan: Plan | None = None) -> int:
    """Run again the jobs whose worker died mid-way (still running past TASK_STALE_SECONDS);
    a job past its last attempt is failed instead. Returns how many were recovered."""
    stale_before = timezone.now() - datetime.timedelta(seconds=settings.TASK_STALE_SECONDS)
    stale = Job.objects.filter(status=Job.Status.RUNNING, started_at__lt=stale_before)
    if plan is not None:
        stale = stale.filter(plan=plan)
    # At once, no backoff: the job did not fail, its worker did. Each is recorded only if its
    # run is still the stale one (the worker may have finished it meanwhile).
    return sum(
        _failed_attempt(job, "The worker running it stopped before it finished.", backoff=False)
        for job in stale
    )


def jobs_prune(*, now: datetime.datetime | None = None) -> int:
    """Forget done jobs after DONE_JOBS_KEPT (a draft's PDFs make one per burst of edits);
    failed ones stay for administrators to see. Returns how many were deleted."""
    finished_before = (now or timezone.now()) - DONE_JOBS_KEPT
    deleted, _ = Job.objects.filter(
        status=Job.Status.DONE, finished_at__lt=finished_before
    ).delete()
    return deleted


def worker_seems_down(job: Job) -> bool:
    """Due for longer than TASK_WORKER_GRACE_SECONDS and still not started."""
    grace = datetime.timedelta(seconds=settings.TASK_WORKER_GRACE_SECONDS)
    return job.status == Job.Status.WAITING and job.run_after < timezone.now() - grace


def job_wait_on(*, job: Job) -> Job:
    """What someone waiting on a job sees next: recovered if its worker died, done in their
    own request if no worker has taken it (the fallback while the worker is down)."""
    if job.status == Job.Status.RUNNING:
        jobs_recover(plan=job.plan)
    job.refresh_from_db()
    if worker_seems_down(job):
        logger.warning("No worker took job %s: running it in the request", job.pk)
        job_run(job_id=job.pk)
        job.refresh_from_db()
    return job


def job_enqueue_once(*, kind: str, plan: Plan, delay_seconds: int = 0) -> Job:
    """The plan's waiting job of this kind, or a new one; two requests at once make one."""
    waiting = Job.objects.filter(plan=plan, kind=kind, status=Job.Status.WAITING).first()
    if waiting is not None:
        return waiting
    try:
        return job_enqueue(kind=kind, plan=plan, delay_seconds=delay_seconds)
    except IntegrityError:
        return Job.objects.get(plan=plan, kind=kind, status=Job.Status.WAITING)


@task
def run_job(*, job_id: int) -> None:
    job_run(job_id=job_id)
