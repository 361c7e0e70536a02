"""Pages of background work people wait on: a plan being published, a draft's PDF being
prepared. Each refreshes itself (htmx) until the work is done, and says so in words if it
failed; without JavaScript a "Check again" link does the same."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_safe

from plans.jobs import job_wait_on
from plans.models import Job, Plan
from plans.publication import draft_file, draft_pdfs_wait
from plans.publishing import PlanFile
from plans.review_views import get_plan_for_member

# Seconds between the progress page's checks.
POLL_SECONDS = 2


def _progress(
    request: HttpRequest, plan: Plan, job: Job, *, heading: str, waiting: str, failed: str
) -> HttpResponse:
    context = {
        "plan": plan,
        "job": job,
        "heading": heading,
        "waiting": waiting,
        "failed": failed,
        "check_url": request.get_full_path(),
        "poll_seconds": POLL_SECONDS,
    }
    if request.htmx:
        return render(request, "plans/being_prepared.html#progress", context)
    status = 503 if job.status == Job.Status.FAILED else 202
    return render(request, "plans/being_prepared.html", context, status=status)


def _done(request: HttpRequest, url: str) -> HttpResponse:
    """Off to the finished work: htmx follows HX-Redirect with a full page load."""
    if request.htmx:
        return HttpResponse(status=204, headers={"HX-Redirect": url})
    return redirect(url)


@require_safe
@login_required
def publication_progress(
    request: HttpRequest, partnership_slug: str, plan_slug: str, pk: int
) -> HttpResponse:
    plan = get_plan_for_member(request, partnership_slug, plan_slug)
    job = get_object_or_404(Job, pk=pk, plan=plan, kind=Job.Kind.PUBLISH)
    if not job.is_finished:
        job = job_wait_on(job=job)
    if job.status == Job.Status.DONE:
        # Shown on the public page, which htmx loads whole after HX-Redirect.
        messages.success(request, f"“{plan.title}” is now published.")
        return _done(request, plan.get_absolute_url())
    return _progress(
        request,
        plan,
        job,
        heading="Publishing the plan",
        waiting="The plan's page and its PDFs are being made. This usually takes under a "
        "minute; the public page appears as soon as they are stored.",
        failed="The plan was not published",
    )


def draft_pdf_response(
    request: HttpRequest, plan: Plan, *, large_print: bool
) -> PlanFile | HttpResponse:
    """The draft's prepared PDF, or the page to wait on while it is prepared."""
    pdf = draft_file(plan, large_print=large_print)
    if pdf is None:
        job = draft_pdfs_wait(plan=plan)
        if job.status != Job.Status.FAILED:
            pdf = draft_file(plan, large_print=large_print)
    if pdf is not None:
        # The waiting page's check opens the PDF with a full load; a plain request gets it.
        return _done(request, request.path) if request.htmx else pdf
    kind = "large-print PDF" if large_print else "PDF"
    return _progress(
        request,
        plan,
        job,
        heading=f"Your {kind} is being prepared",
        waiting=f"The {kind} of this draft is being made from the plan as it stands now. "
        "It opens here as soon as it is ready, usually within a minute.",
        failed=f"The {kind} could not be made",
    )
