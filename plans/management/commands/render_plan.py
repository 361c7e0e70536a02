"""Write a plan's page or PDF to a file, for scripts and scheduled jobs."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.safestring import mark_safe

from plans.document import PUBLIC_STATUSES, plan_document
from plans.models import Plan
from plans.pdf import print_html, published_print_html
from plans.pdf_render import PDF_TOO_SLOW_ADVICE, PdfRenderTimeout
from plans.publishing import plan_page_html, plan_pdf_file

FORMATS = ["html", "pdf", "large-print"]


class Command(BaseCommand):
    help = (
        "Write a plan as standalone HTML, a PDF or a large-print PDF. A published plan is "
        "written as it was published; any other plan as it stands now, marked DRAFT."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("partnership_slug")
        parser.add_argument("plan_slug")
        parser.add_argument("--format", choices=FORMATS, default="pdf")
        parser.add_argument(
            "--output",
            required=True,
            help="The file to write, or - for standard output.",
        )

    def handle(self, *args, **options) -> None:
        try:
            plan = Plan.objects.select_related("partnership").get(
                partnership__slug=options["partnership_slug"], slug=options["plan_slug"]
            )
        except Plan.DoesNotExist:
            raise CommandError(
                f"No plan {options['plan_slug']!r} in partnership {options['partnership_slug']!r}."
            ) from None
        output_format = options["format"]
        try:
            content = self._render(plan, output_format)
        except PdfRenderTimeout as stopped:
            raise CommandError(f"{stopped} {PDF_TOO_SLOW_ADVICE}") from None
        if options["output"] == "-":
            sys.stdout.buffer.write(content)
            return
        path = Path(options["output"])
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Could not write {path}: {error.strerror}.") from None
        self.stdout.write(f"Wrote {path} ({len(content):,} bytes).")

    def _render(self, plan: Plan, output_format: str) -> bytes:
        if output_format != "html":
            return plan_pdf_file(plan, large_print=output_format == "large-print").content
        if plan.status in PUBLIC_STATUSES:
            html, copy = plan_page_html(plan)
            return published_print_html(
                plan,
                mark_safe(html),  # noqa: S308
                cover_colour=copy.cover_colour,
            ).encode()
        return print_html(plan_document(plan)).encode()
