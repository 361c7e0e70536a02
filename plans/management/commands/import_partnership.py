"""Read a partnership written by export_partnership into this instance."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.transfer import ImportRefused, TransferFileError, import_partnership


class Command(BaseCommand):
    help = (
        "Create the partnership in a file written by export_partnership, with everything in "
        "it, under new keys, all or nothing. People are matched by username; those this "
        "instance does not have are created inactive, with no password."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="The file export_partnership wrote.")

    def handle(self, *args, **options) -> None:
        path = Path(options["file"])
        try:
            result = import_partnership(path)
        except (TransferFileError, ImportRefused) as refused:
            raise CommandError(str(refused)) from None
        for model_label, count in sorted(result.counts.items()):
            self.stdout.write(f"{count:>8}  {model_label}")
        if result.people_created:
            self.stdout.write(
                f"Created {len(result.people_created)} people this instance did not have, "
                "inactive and with no password (activate them in the admin; they then set a "
                f"password through “Forgotten your password?”): "
                f"{', '.join(result.people_created)}."
            )
        for kind, names in (
            ("organisations", result.organisations_created),
            ("indicators", result.indicators_created),
        ):
            if names:
                self.stdout.write(f"Created {len(names)} {kind}: {', '.join(names)}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.partnership.name} at {result.partnership.slug!r} "
                f"({sum(result.counts.values())} rows)."
            )
        )
