"""The public face of plans: the index, each plan's page and its PDFs."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from plans import public_cache, review
from plans.cover import cover_stylesheet_url
from plans.document import PUBLIC_STATUSES, plan_document
from plans.models import Plan
from plans.pdf_render import PDF_TOO_SLOW_ADVICE, PdfRenderTimeout
from plans.permissions import Access, access_for
from plans.plan_index import plan_index
from plans.publication import draft_pdfs_soon
from plans.publication_views import draft_pdf_response
from plans.publishing import (
    cached_draft,
    draft_cache_key,
    plan_page_html,
    published_pdf_file,
    published_versions,
    serves_copy,
)


def get_readable_plan(request: HttpRequest, partnership_slug: str, plan_slug: str) -> Plan:
    """Anyone may read a public plan (one being corrected as last published); a draft only its
    partnership's members (others 404)."""
    return get_object_or_404(
        Plan.objects.readable_by(request.user)
        .with_correction()
        .select_related("partnership", "content_version"),
        partnership__slug=partnership_slug,
        slug=plan_slug,
    )


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """Never kept in the public cache: its page and search are in the query string."""
    found = plan_index(request.user, request.GET.get("q", ""), request.GET.get("page", "1"))
    return render(request, "plans/index.html", {"index": found})


@require_safe
def plan_detail(request: HttpRequest, partnership_slug: str, plan_slug: str) -> HttpResponse:
    plan = get_readable_plan(request, partnership_slug, plan_slug)
    try:
        response = _plan_page(request, plan)
    except PdfRenderTimeout as stopped:
        # A public plan with no stored copy yet (imported, or made public in the admin) makes
        # its copy, PDFs included, on first read.
        return _too_slow(request, plan, stopped)
    if response.status_code == 200 and plan.published_as_copy:
        public_cache.remember(request, response)
    return response


def _plan_page(request: HttpRequest, plan: Plan) -> HttpResponse:
    """The document, and for the partnership's members the workflow beside it; while the plan
    is reviewed, members see the comment threads in place in the document. While a published
    plan is corrected, members work on the draft and everyone else reads the last version."""
    access = access_for(request.user, plan.partnership)
    plan.published_as_copy = serves_copy(plan, is_member=access.can_read)
    if access.can_read and plan.status in review.COMMENTING_STATUSES:
        html = review_document_html(request, plan, access)
        copy = None
    else:
        html, copy = plan_page_html(plan, from_copy=plan.published_as_copy)
    # After the page: a public plan with no copy yet has just been given its first. A draft
    # never published has none, and is spared the query.
    has_versions = plan.status in PUBLIC_STATUSES or plan.taken_back_for_correction
    versions = published_versions(plan) if has_versions else []
    is_draft = not plan.published_as_copy
    if is_draft:
        # A member reading the draft after a change: its PDFs will be ready when asked for.
        draft_pdfs_soon(plan=plan)
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "is_draft": is_draft,
            # A member's draft of a published plan: the public still reads the last version.
            "correcting": versions[0] if is_draft and versions else None,
            "versions": versions,
            # Sanitised and escaped when the document was rendered.
            "document_html": mark_safe(html),  # noqa: S308
            "published_copy": copy,
            # A copy keeps the colour it was published with; a draft shows the current one.
            "cover_stylesheet_url": cover_stylesheet_url(
                copy.cover_colour if copy is not None else plan.partnership.colour
            ),
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


def _pdf_response(
    request: HttpRequest, plan: Plan, *, large_print: bool, from_copy: bool
) -> HttpResponse:
    try:
        if from_copy:
            pdf = published_pdf_file(plan, large_print=large_print)
        else:
            pdf = draft_pdf_response(request, plan, large_print=large_print)
    except PdfRenderTimeout as stopped:
        return _too_slow(request, plan, stopped)
    if isinstance(pdf, HttpResponse):
        return pdf
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
    from_copy = plan.status in PUBLIC_STATUSES or serves_copy(
        plan, is_member=access_for(request.user, plan.partnership).can_read
    )
    response = _pdf_response(request, plan, large_print=large_print, from_copy=from_copy)
    if from_copy:
        public_cache.remember(request, response)
    return response


def _get_version(request: HttpRequest, partnership_slug: str, plan_slug: str, version: int):
    """One published version of a plan anyone may read; 404 for a version it never had."""
    plan = get_readable_plan(request, partnership_slug, plan_slug)
    copy = get_object_or_404(plan.published_copies.defer("pdf", "large_print_pdf"), version=version)
    copy.plan = plan
    return copy


@require_safe
def plan_version(
    request: HttpRequest, partnership_slug: str, plan_slug: str, version: int
) -> HttpResponse:
    """A version of the plan exactly as it was published, kept readable after a correction."""
    copy = _get_version(request, partnership_slug, plan_slug, version)
    response = render(
        request,
        "plans/plan_version.html",
        {
            "plan": copy.plan,
            "copy": copy,
            "cover_stylesheet_url": cover_stylesheet_url(copy.cover_colour),
            # Sanitised and escaped when the version was published.
            "document_html": mark_safe(copy.html),  # noqa: S308
        },
    )
    public_cache.remember(request, response)
    return response


def _version_pdf(
    request: HttpRequest, partnership_slug: str, plan_slug: str, version: int, *, large_print: bool
) -> HttpResponse:
    """A version's stored PDF: it never changes, so its hash is its ETag."""
    copy = _get_version(request, partnership_slug, plan_slug, version)
    part = "large_print_pdf" if large_print else "pdf"
    etag = f'"{getattr(copy, f"{part}_sha256")}"'
    if request.headers.get("If-None-Match") == etag:
        return HttpResponseNotModified(headers={"ETag": etag})
    content = bytes(copy.plan.published_copies.values_list(part, flat=True).get(pk=copy.pk))
    plan = copy.plan
    suffix = "-large-print" if large_print else ""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="{plan.partnership.slug}-{plan.slug}-version-{version}{suffix}.pdf"'
    )
    response["ETag"] = etag
    public_cache.remember(request, response)
    return response


@require_safe
def plan_version_pdf(
    request: HttpRequest, partnership_slug: str, plan_slug: str, version: int
) -> HttpResponse:
    return _version_pdf(request, partnership_slug, plan_slug, version, large_print=False)


@require_safe
def plan_version_large_print_pdf(
    request: HttpRequest, partnership_slug: str, plan_slug: str, version: int
) -> HttpResponse:
    return _version_pdf(request, partnership_slug, plan_slug, version, large_print=True)
