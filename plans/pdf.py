"""The plan as a PDF: the same document partials as the web page, laid out by WeasyPrint."""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from plans.cover import cover_css
from plans.document import PlanDocument
from plans.governance import GovernanceChart, governance_chart, stacked_parts
from plans.models import PartnershipLogo, Plan
from plans.pdf_render import PdfRenderTimeout, write_pdf_within

logger = logging.getLogger(__name__)

PRINT_STYLESHEETS = ["css/plan-document.css", "css/plan-print.css", "css/plan-pdf.css"]
# The width a page's text may take (A4 less plan-print.css's 18 mm margins), in points.
TEXT_WIDTH_PT = (210 - 2 * 18) * 72 / 25.4
POINTS_PER_CSS_PIXEL = 0.75
# The governance chart's labels are 13 units of its drawing; printed at least this size.
CHART_LABEL_UNITS = 13
CHART_LABEL_MIN_PT = 9
CHART_LABEL_MIN_PT_LARGE = 16
# A stacked chart is cut into parts no taller than this, so its heading fits with the first
# and each part on a page (A4 less the margins is about 720pt).
CHART_PART_MAX_PT = 480


@cache
def print_stylesheet() -> SafeString:
    """The stylesheets inlined, so the printable HTML stands alone: WeasyPrint fetches nothing,
    and the same file can be handed to any other renderer."""
    css = "\n".join(Path(finders.find(name)).read_text() for name in PRINT_STYLESHEETS)
    # Action tables' column widths (plans.document.column_widths), as classes: one rule per
    # whole percentage.
    css += "\n" + "".join(f".plan-col-{n} {{ width: {n}%; }}" for n in range(1, 101))
    return mark_safe(css)  # noqa: S308 -- our own stylesheets, not user text


def cover_stylesheet(colour: str) -> SafeString:
    """The cover stylesheet of a colour (plans.cover), built only from a checked #rrggbb."""
    return mark_safe(cover_css(colour))  # noqa: S308


def print_governance(document: PlanDocument, *, large_print: bool) -> list[GovernanceChart]:
    """The governance chart as printed: the tree where it fits the page with its labels at
    9pt or more; otherwise, and in large print (labels 16pt or more), the groups stacked one
    under another, which is narrow enough to print at full size, in parts that each fit on
    a page."""
    chart = document.governance
    if chart is None:
        return []
    if large_print:
        scale = CHART_LABEL_MIN_PT_LARGE / (CHART_LABEL_UNITS * POINTS_PER_CSS_PIXEL) * 1.04
    else:
        fitted = min(1.0, TEXT_WIDTH_PT / (chart.display_width * POINTS_PER_CSS_PIXEL))
        if CHART_LABEL_UNITS * POINTS_PER_CSS_PIXEL * fitted >= CHART_LABEL_MIN_PT:
            return [chart]
        scale = 1.0
    stacked = governance_chart(chart.groups, stacked=True, scale=scale)
    return stacked_parts(stacked, CHART_PART_MAX_PT / (scale * POINTS_PER_CSS_PIXEL))


def print_html(document: PlanDocument, *, large_print: bool = False) -> str:
    return render_to_string(
        "plans/plan_print.html",
        {
            "document": document,
            "plan": document.plan,
            "is_draft": document.is_draft,
            "large_print": large_print,
            "print_charts": print_governance(document, large_print=large_print),
            "stylesheet": print_stylesheet(),
            "cover_stylesheet": cover_stylesheet(document.plan.partnership.colour),
            # The logo is fetched from the bytes plan_pdf hands the renderer, not a web address.
            "for_print": True,
        },
    )


def published_print_html(plan: Plan, document_html: SafeString, *, cover_colour: str) -> str:
    """A published copy's stored document in the printable page, for scripts, in the cover
    colour the copy was published with."""
    return render_to_string(
        "plans/plan_print.html",
        {
            "plan": plan,
            "is_draft": False,
            "document_html": document_html,
            "stylesheet": print_stylesheet(),
            "cover_stylesheet": cover_stylesheet(cover_colour),
        },
    )


@cache
def static_roots() -> list[str]:
    """The folders the static files are found in, for the renderer's `static:` addresses."""
    roots = []
    for finder in finders.get_finders():
        roots += [storage.location for storage in getattr(finder, "storages", {}).values()]
    return roots


def html_to_pdf(html: str, embedded: dict[str, bytes] | None = None) -> bytes:
    """A4 and tagged (PDF/UA-1) so screen readers can follow the headings and tables.

    Made in a child process stopped after PDF_RENDER_TIMEOUT seconds, so a plan that takes too
    long is refused with a message rather than holding a web worker.
    """
    try:
        return write_pdf_within(
            html, static_roots(), settings.PDF_RENDER_TIMEOUT, embedded=embedded
        )
    except PdfRenderTimeout:
        logger.error(
            "PDF render stopped after %s seconds (%s characters of HTML)",
            settings.PDF_RENDER_TIMEOUT,
            len(html),
        )
        raise


def embedded_files(document: PlanDocument) -> dict[str, bytes]:
    """The files the printed document names by `embedded:` address: the partnership's logo."""
    if not document.cover.logo_sha256:
        return {}
    content = (
        PartnershipLogo.objects.filter(
            partnership_id=document.plan.partnership_id, sha256=document.cover.logo_sha256
        )
        .values_list("content", flat=True)
        .first()
    )
    return {"logo": bytes(content)} if content is not None else {}


def plan_pdf(document: PlanDocument, *, large_print: bool = False) -> bytes:
    html = print_html(document, large_print=large_print)
    embedded = embedded_files(document)
    # Without a logo, the one-argument call other callers (and tests' stand-ins) make.
    return html_to_pdf(html, embedded) if embedded else html_to_pdf(html)
