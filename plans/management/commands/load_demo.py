from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.demo import LoadResult, load_demo
from plans.demo_files import DemoDataError

SITE_URL = "http://127.0.0.1:8000/"


class Command(BaseCommand):
    help = (
        "Load the three reference plans and their partnerships from fixtures/. Safe to run "
        "again: nothing is duplicated, a plan whose file has changed is loaded again unless "
        "someone has edited it, and edited plans are kept as they are."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Replace the demo plans from the files, losing any edits made to them "
            "(organisations, indicators, groups and glossaries are kept as they are).",
        )
        parser.add_argument(
            "--with-users",
            action="store_true",
            help="Create the demo users even when DEBUG is off.",
        )
        parser.add_argument(
            "--fixtures-dir",
            type=Path,
            default=Path(settings.BASE_DIR) / "fixtures",
            help="Where the data files are (default: fixtures/ in the project).",
        )

    def handle(self, *args, **options) -> None:
        with_users = options["with_users"] or settings.DEBUG
        try:
            result = load_demo(
                fixtures_dir=options["fixtures_dir"],
                reset=options["reset"],
                with_users=with_users,
            )
        except DemoDataError as error:
            raise CommandError(f"Nothing was loaded. {error}") from error
        self._report(result)

    def _report(self, result: LoadResult) -> None:
        for label in result.plans_created:
            self.stdout.write(f"Loaded {label}")
        for label in result.plans_updated:
            self.stdout.write(f"Loaded {label} again from its file")
        for label in result.plans_current:
            self.stdout.write(f"{label} is already as its file gives it")
        for label in result.plans_kept:
            self.stdout.write(
                f"Kept {label} as it is: it has been edited since it was loaded "
                "(use --reset to reload it from its file)"
            )
        if not result.users:
            return
        width = max(len(user.username) for user in result.users)
        self.stdout.write("\nDemo users (sign in at " + SITE_URL + "sign-in/):")
        self.stdout.write(f"  {'username'.ljust(width)}  password      role")
        for user in result.users:
            self.stdout.write(f"  {user.username.ljust(width)}  {user.password}  {user.role}")
        self.stdout.write(f"\nThe site: {SITE_URL}\nAdministration: {SITE_URL}admin/")
