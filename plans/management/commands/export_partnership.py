"""Write one partnership, its plans, their history and published copies to a file."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.models import Partnership
from plans.transfer import export_partnership


class Command(BaseCommand):
    help = (
        "Write a partnership whole (its districts, groups, members, plans with everything in "
        "them, published copies, logos and history) to a file that import_partnership reads "
        "into another instance. Invitations and passwords are left out."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("slug", help="The partnership's address, for example east-cambs.")
        parser.add_argument("--output", required=True, help="The file to write (a .zip).")

    def handle(self, *args, **options) -> None:
        try:
            partnership = Partnership.objects.get(slug=options["slug"])
        except Partnership.DoesNotExist:
            raise CommandError(f"There is no partnership {options['slug']!r}.") from None
        path = Path(options["output"])
        try:
            counts = export_partnership(partnership, path)
        except OSError as error:
            raise CommandError(f"Could not write {path}: {error.strerror or error}.") from None
        for model_label, count in sorted(counts.items()):
            self.stdout.write(f"{count:>8}  {model_label}")
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {partnership.name} to {path} ({sum(counts.values())} rows).")
        )
