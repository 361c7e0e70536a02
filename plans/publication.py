"""Publishing and draft PDFs as background jobs, so no web request waits for WeasyPrint.

Publishing: the button queues a job and the person watches its progress page; the worker
renders the page and both PDFs, then publishes through plan_move, which stores what was
rendered if the plan has not changed meanwhile.

A draft's PDFs: a member's view of the plan notices when the prepared PDFs are older than the
plan's content and queues their preparation a little later (DRAFT_PDF_DELAY_SECONDS), so a
burst of edits makes one; a download asks for them at once and waits on a "being prepared"
page while they are not ready.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, Q
from django.utils import timezone

from plans.document import plan_document
from plans.jobs import (
    JobGaveUp,
    job_bring_forward,
    job_enqueue,
    job_enqueue_once,
    job_wait_on,
)
from plans.models import DraftFile, Job, Plan, PlanContentVersion
from plans.pdf import plan_pdf
from plans.pdf_render import PDF_TOO_SLOW_ADVICE, PdfRenderTimeout
from plans.publishing import PlanFile, copy_render, current_content_version, sha256
from plans.workflow import MoveRefused, Status, move_check, plan_move


def publication_request(
    *, plan: Plan, user: AbstractBaseUser | AnonymousUser, comment: str = ""
) -> Job:
    """Check the move now, so a refusal is told at once, and queue the publication."""
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        comment, _ = move_check(locked, to_status=Status.PUBLISHED, user=user, comment=comment)
        if Job.objects.publishing().filter(plan=locked).exists():
            raise MoveRefused(f"“{locked.title}” is already being published.")
        try:
            return job_enqueue(
                kind=Job.Kind.PUBLISH, plan=locked, user=user, payload={"comment": comment}
            )
        except IntegrityError as error:
            raise MoveRefused(f"“{locked.title}” is already being published.") from error


def publication_run(job: Job) -> None:
    """Render outside the plan's lock, then publish; a plan that moved on meanwhile (sent back
    to draft, say) is not published, and the person who asked is told why."""
    plan = job.plan
    user = job.requested_by or AnonymousUser()
    try:
        rendering = copy_render(plan)
        plan_move(
            plan=plan,
            to_status=Status.PUBLISHED,
            user=user,
            comment=job.payload.get("comment", ""),
            rendering=rendering,
        )
    except MoveRefused as refused:
        raise JobGaveUp(f"The plan was not published. {refused.message}") from refused
    except PdfRenderTimeout as stopped:
        raise JobGaveUp(f"The plan was not published. {stopped} {PDF_TOO_SLOW_ADVICE}") from stopped


def _content_version(plan: Plan) -> int | None:
    """From the plan as fetched (the views select it with the plan)."""
    try:
        return plan.content_version.version
    except PlanContentVersion.DoesNotExist:
        return None


def draft_file(plan: Plan, *, large_print: bool) -> PlanFile | None:
    """The prepared PDF if it shows the plan as it stands now."""
    found = (
        DraftFile.objects.filter(
            plan=plan,
            large_print=large_print,
            content_version=_content_version(plan),
        )
        .values_list("content", "sha256")
        .first()
    )
    if found is None:
        return None
    return PlanFile(content=bytes(found[0]), sha256=found[1])


def draft_pdfs_soon(*, plan: Plan) -> None:
    """After a change, prepare the draft's PDFs once the burst of edits is likely over.

    One query when nothing needs doing (on every member's view of a draft): whether both PDFs
    show the current content, or a preparation is already waiting.
    """
    version = _content_version(plan)
    waiting = Job.objects.filter(plan=plan, kind=Job.Kind.DRAFT_PDFS, status=Job.Status.WAITING)
    state = (
        Plan.objects.filter(pk=plan.pk)
        .annotate(
            current=Count("draft_files", filter=Q(draft_files__content_version=version)),
            waiting=Exists(waiting),
        )
        .values_list("current", "waiting")
        .first()
    )
    if state is None or state[0] == 2 or state[1]:
        return
    job_enqueue_once(
        kind=Job.Kind.DRAFT_PDFS, plan=plan, delay_seconds=settings.DRAFT_PDF_DELAY_SECONDS
    )


def draft_pdfs_now(*, plan: Plan) -> Job:
    """Someone is waiting for the draft's PDFs: the one being prepared, the waiting one
    brought forward, or a new one. (A change made while one runs is seen once it is done:
    its PDFs are then stale, and the next check queues another.)"""
    running = Job.objects.filter(
        plan=plan, kind=Job.Kind.DRAFT_PDFS, status=Job.Status.RUNNING
    ).first()
    if running is not None:
        return running
    job = job_enqueue_once(kind=Job.Kind.DRAFT_PDFS, plan=plan)
    job_bring_forward(job=job)
    return job


def draft_pdfs_render(job: Job) -> None:
    plan = job.plan
    # Read before the document, as in copy_render: a change made in between is rendered again.
    version = current_content_version(plan)
    if version is None:
        raise JobGaveUp("The plan has no content version, so its PDFs cannot be kept.")
    # Kept on the job, so a PDF too slow to make is not tried again until the plan changes.
    job.payload = {"content_version": version}
    Job.objects.filter(pk=job.pk).update(payload=job.payload)
    document = plan_document(plan)
    rendered = {}
    try:
        for large_print in (False, True):
            rendered[large_print] = plan_pdf(document, large_print=large_print)
    except PdfRenderTimeout as stopped:
        raise JobGaveUp(f"{stopped} {PDF_TOO_SLOW_ADVICE}") from stopped
    now = timezone.now()
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        # Another job may have kept a newer rendering meanwhile: never replace it with this one.
        if DraftFile.objects.filter(plan=plan, content_version__gt=version).exists():
            return
        for large_print, content in rendered.items():
            DraftFile.objects.update_or_create(
                plan=plan,
                large_print=large_print,
                defaults={
                    "content_version": version,
                    "content": content,
                    "sha256": sha256(content),
                    "rendered_at": now,
                },
            )


def draft_pdfs_wait(*, plan: Plan) -> Job:
    """The job a member waiting for the draft's PDFs waits on: the failure for this very
    content (a PDF too slow to make), or one queued now and done in this request if no
    worker takes it."""
    failed = (
        Job.objects.failed()
        .filter(
            plan=plan,
            kind=Job.Kind.DRAFT_PDFS,
            payload__content_version=_content_version(plan),
        )
        .first()
    )
    if failed is not None:
        return failed
    return job_wait_on(job=draft_pdfs_now(plan=plan))
