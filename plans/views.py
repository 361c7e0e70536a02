"""The public face of plans: the index, each plan's page and its PDFs."""

from __future__ import annotations

from itertools import groupby

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from plans import public_cache, review
from plans.document import PUBLIC_STATUSES, plan_document
from plans.models import Plan
from plans.pdf_render import PDF_TOO_SLOW_ADVICE, PdfRenderTimeout
from plans.permissions import Access, access_for
from plans.publishing import cached_draft, draft_cache_key, plan_page_html, plan_pdf_file


def get_readable_plan(request: HttpRequest, partnership_slug: str, plan_slug: str) -> Plan:
    """Anyone may read a public plan; a draft only its partnership's members (others 404)."""
    return get_object_or_404(
        Plan.objects.readable_by(request.user).select_related("partnership", "content_version"),
        partnership__slug=partnership_slug,
        slug=plan_slug,
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    plans = (
        Plan.objects.readable_by(request.user)
        .select_related("partnership")
        .order_by("partnership__name", "-start_year", "title")
    )
    partnerships = [
        (partnership, list(partnership_plans))
        for partnership, partnership_plans in groupby(plans, key=lambda plan: plan.partnership)
    ]
    return render(request, "plans/index.html", {"partnerships": partnerships})


@require_safe
def plan_detail(request: HttpRequest, partnership_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_readable_plan(request, partnership_slug, plan_slug)
    try:
        response = _plan_page(request, plan)
    except PdfRenderTimeout as stopped:
        # A public plan with no stored copy yet (imported, or made public in the admin) makes
        # its copy, PDFs included, on first read.
        return _too_slow(request, plan, stopped)
    if plan.status in PUBLIC_STATUSES:
        public_cache.remember(request, response)
    return response


def _plan_page(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The document, and for the partnership's members the workflow beside it; while the plan
    is reviewed, members see the comment threads in place in the document."""
    access = access_for(request.user, plan.partnership)
    if access.can_read and plan.status in review.COMMENTING_STATUSES:
        html = review_document_html(request, plan, access)
        copy = None
    else:
        html, copy = plan_page_html(plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "is_draft": plan.status not in PUBLIC_STATUSES,
            # Sanitised and escaped when the document was rendered.
            "document_html": mark_safe(html),  # noqa: S308
            "published_at": copy.published_at if copy else None,
            "workflow": review.workflow_panel(plan, request.user, access)
            if access.can_read
            else None,
        },
    )


def review_document_html(request: HttpRequest, plan: Plan, access: Access) -> str:
    """The document with its comment threads in place, as this person may act on them.

    Kept for repeat views while the plan is unchanged, per person and per role (the buttons
    differ), and per CSRF secret, because the resolve forms carry a token.
    """

    def render() -> str:
        document = plan_document(plan)
        panel = review.review_panel(plan, access)
        review.attach_review(document, panel)
        return render_to_string(
            "plans/_document.html", {"document": document, "review": panel}, request=request
        )

    # A first visit has no CSRF secret yet: make it now, or the key would change next time.
    get_token(request)
    key = draft_cache_key(
        plan,
        "review",
        request.user.pk,
        access.is_superuser,
        access.membership.role if access.membership else None,
        sorted(access.task_group_ids),
        request.META.get("CSRF_COOKIE"),
    )
    return cached_draft(key, render)


def _too_slow(request: HttpRequest, plan: Plan, stopped: PdfRenderTimeout) -> HttpResponse:
    context = {
        "plan": plan,
        "stopped": stopped,
        "advice": PDF_TOO_SLOW_ADVICE,
        # The page itself is what failed when the plan's copy was being made on first read.
        "page_failed": request.resolver_match.url_name == "plan_detail",
    }
    return render(request, "plans/pdf_too_slow.html", context, status=503)


def _pdf_response(request: HttpRequest, plan: Plan, *, large_print: bool) -> HttpResponse:
    try:
        pdf = plan_pdf_file(plan, large_print=large_print)
    except PdfRenderTimeout as stopped:
        return _too_slow(request, plan, stopped)
    etag = f'"{pdf.sha256}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    suffix = "-large-print" if large_print else ""
    response = HttpResponse(pdf.content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{plan.partnership.slug}-{plan.slug}{suffix}.pdf"'
    )
    response["ETag"] = etag
    return response


@require_safe
def plan_pdf(request: HttpRequest, partnership_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_readable_plan(request, partnership_slug, plan_slug)
    return _public_pdf_response(request, plan, large_print=False)


@require_safe
def plan_large_print_pdf(
    request: HttpRequest, partnership_slug: str, plan_slug: str
) -> HttpResponse:
    plan = get_readable_plan(request, partnership_slug, plan_slug)
    return _public_pdf_response(request, plan, large_print=True)


def _public_pdf_response(request: HttpRequest, plan: Plan, *, large_print: bool) -> HttpResponse:
    response = _pdf_response(request, plan, large_print=large_print)
    if plan.status in PUBLIC_STATUSES:
        public_cache.remember(request, response)
    return response
