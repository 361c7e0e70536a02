"""Published copies: a plan's page and PDFs stored as they were when it was published.

Public addresses serve the stored copy, so editing a later draft never changes what was
published and a download never re-renders. Drafts are rendered on request and kept only
while their content version stands, so they are always current.

A published plan that is corrected is published again as the next version: the public page
serves the newest, and every version keeps its own address.
"""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.cache import cache
from django.db import transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.utils import timezone

from plans.document import PUBLIC_STATUSES, PlanDocument, plan_document, version_line
from plans.models import Plan, PlanContentVersion, PublishedCopy
from plans.pdf import plan_pdf

# The stored copy never changes, so a cached one is only dropped to make room.
COPY_CACHE_SECONDS = 24 * 60 * 60
# A draft's rendering is found only under its current content version, so an edit is never
# served stale; the timeout just frees the room of drafts nobody reads any more.
DRAFT_CACHE_SECONDS = 60 * 60


def sha256(content: str | bytes) -> str:
    if isinstance(content, str):
        content = content.encode()
    return hashlib.sha256(content).hexdigest()


def document_html(document: PlanDocument) -> str:
    return render_to_string("plans/_document.html", {"document": document})


@dataclass(frozen=True)
class PlanFile:
    content: bytes
    sha256: str


@dataclass(frozen=True)
class CopyRendering:
    """A plan's page and PDFs rendered as its next published version, before the plan is
    locked to store them (the worker renders first, then publishes)."""

    content_version: int | None
    version: int
    published_on: datetime.date
    html: str
    cover_colour: str
    pdf: bytes
    large_print_pdf: bytes

    def still_current(self, plan: Plan) -> bool:
        """Whether the plan, read now, would render the same: same content, version number
        and day of publication."""
        return (
            self.content_version is not None
            and self.content_version == current_content_version(plan)
            and self.version == next_version(plan)
            and self.published_on == timezone.localdate()
        )


def current_content_version(plan: Plan) -> int | None:
    return PlanContentVersion.objects.filter(plan=plan).values_list("version", flat=True).first()


def next_version(plan: Plan) -> int:
    return (plan.published_copies.aggregate(latest=Max("version"))["latest"] or 0) + 1


def copy_render(plan: Plan) -> CopyRendering:
    # The version is read before the document, so a change made in between makes the
    # rendering look older than it is (and rendered again), never newer.
    content_version = current_content_version(plan)
    version = next_version(plan)
    published_on = timezone.localdate()
    document = plan_document(plan)
    # As published, whatever the status it is rendered in (the worker renders it approved).
    document.is_draft = False
    document.cover.version = version_line(plan, version=version, published_on=published_on)
    return CopyRendering(
        content_version=content_version,
        version=version,
        published_on=published_on,
        html=document_html(document),
        # The page links its cover stylesheet by this colour; the logo's address in the HTML
        # names its hash. Neither changes when the partnership's cover does.
        cover_colour=document.plan.partnership.colour,
        pdf=plan_pdf(document),
        large_print_pdf=plan_pdf(document, large_print=True),
    )


def published_copy_create(
    *,
    plan: Plan,
    user: AbstractBaseUser | None,
    change_note: str = "",
    rendering: CopyRendering | None = None,
) -> PublishedCopy:
    """Keep the page and both PDFs as the plan's next version: those rendered beforehand
    (the caller has checked they are still current), otherwise rendered now. Callers hold a
    transaction with the plan's row locked."""
    if rendering is None:
        rendering = copy_render(plan)
    return PublishedCopy.objects.create(
        plan=plan,
        version=rendering.version,
        change_note=change_note,
        published_at=timezone.now(),
        published_by=user,
        html=rendering.html,
        html_sha256=sha256(rendering.html),
        cover_colour=rendering.cover_colour,
        pdf=rendering.pdf,
        pdf_sha256=sha256(rendering.pdf),
        large_print_pdf=rendering.large_print_pdf,
        large_print_pdf_sha256=sha256(rendering.large_print_pdf),
    )


def latest_copy(plan: Plan, *fields: str) -> PublishedCopy:
    """The copy a public plan is served from, loading only the fields asked for.

    A plan made public without plan_move (imported, or set in the admin) gets its copy the
    first time it is read, and keeps that one from then on. Many first readers at once make
    one copy: each waits for the plan's lock and looks again, so only the first one renders.
    """
    shown = ("plan", "version", "published_at", *fields)
    copy = plan.published_copies.only(*shown).first()
    if copy is not None:
        return copy
    with transaction.atomic():
        Plan.objects.select_for_update().filter(pk=plan.pk).first()
        copy = plan.published_copies.only(*shown).first()
        if copy is None:
            copy = published_copy_create(plan=plan, user=None)
    return copy


def _cache_key(plan: Plan, part: str) -> str:
    """Under the plan's last change of status, so a newly published version is read at once."""
    return f"plans:published:{plan.pk}:{plan.updated_at.timestamp()}:{part}"


def draft_cache_key(plan: Plan, *parts: object) -> str | None:
    """Where a rendering of a draft is kept while nothing it shows changes: under the plan's
    content version, which database triggers bump on every such change (plans 0005).

    None (render, do not cache) for a plan without a version. The parts are hashed because
    they may hold a person's CSRF secret, which has no business in a cache key.
    """
    try:
        version = plan.content_version.version
    except PlanContentVersion.DoesNotExist:
        return None
    return f"plans:draft:{plan.pk}:{version}:{sha256(repr(parts))}"


def cached_draft[T](key: str | None, render: Callable[[], T]) -> T:
    if key is None:
        return render()
    cached = cache.get(key)
    if cached is None:
        cached = render()
        cache.set(key, cached, DRAFT_CACHE_SECONDS)
    return cached


def published_versions(plan: Plan) -> list[PublishedCopy]:
    """Every version of the plan as published, newest first, without their files."""
    return list(
        plan.published_copies.only("plan", "version", "published_at", "change_note").order_by(
            "-version"
        )
    )


def serves_copy(plan: Plan, *, is_member: bool) -> bool:
    """Whether this reader gets the plan as last published rather than as it stands now.

    Everyone reads a published or superseded plan as published. A published plan being
    corrected is a draft again: its partnership's members work on the draft, and everyone
    else keeps reading the version published last.
    """
    return plan.status in PUBLIC_STATUSES or not is_member


def plan_page_html(
    plan: Plan, *, from_copy: bool | None = None
) -> tuple[str, PublishedCopy | None]:
    """The document for the plan page, and the copy it came from when read as published.

    from_copy defaults to whether the plan's status is public (see serves_copy)."""
    if from_copy is None:
        from_copy = plan.status in PUBLIC_STATUSES
    if not from_copy:
        html = cached_draft(
            draft_cache_key(plan, "html"), lambda: document_html(plan_document(plan))
        )
        return html, None
    key = _cache_key(plan, "page")
    cached = cache.get(key)
    if cached is None:
        copy = latest_copy(plan, "html", "cover_colour")
        cached = (copy.html, copy.published_at, copy.version, copy.cover_colour)
        cache.set(key, cached, COPY_CACHE_SECONDS)
    html, published_at, version, cover_colour = cached
    return html, PublishedCopy(
        plan=plan, published_at=published_at, version=version, cover_colour=cover_colour
    )


def plan_pdf_file(
    plan: Plan, *, large_print: bool = False, from_copy: bool | None = None
) -> PlanFile:
    """A public plan's stored PDF, or a draft's rendered now (for `render_plan`; members'
    downloads of a draft are prepared by the worker, see plans.publication);
    from_copy as plan_page_html."""
    if from_copy is None:
        from_copy = plan.status in PUBLIC_STATUSES
    if not from_copy:
        content = plan_pdf(plan_document(plan), large_print=large_print)
        return PlanFile(content=content, sha256=sha256(content))
    return published_pdf_file(plan, large_print=large_print)


def published_pdf_file(plan: Plan, *, large_print: bool) -> PlanFile:
    part = "large_print_pdf" if large_print else "pdf"
    key = _cache_key(plan, part)
    cached = cache.get(key)
    if cached is None:
        copy = latest_copy(plan, part, f"{part}_sha256")
        cached = PlanFile(
            content=bytes(getattr(copy, part)), sha256=getattr(copy, f"{part}_sha256")
        )
        cache.set(key, cached, COPY_CACHE_SECONDS)
    return cached
