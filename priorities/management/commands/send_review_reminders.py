import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from priorities.reminders import REMINDER_WINDOW_DAYS, Digest, build_digests, review_reminders_send


def _date(value: str) -> datetime.date:
    return datetime.date.fromisoformat(value)


class Command(BaseCommand):
    help = (
        "Email each task group chair and editor a digest of their actions overdue for review "
        f"or due within {REMINDER_WINDOW_DAYS} days. Safe to run daily from cron: what was "
        "sent is recorded, and a second run the same day sends nothing new."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--date",
            type=_date,
            help="Act as if today were this date, YYYY-MM-DD (default: today).",
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get what; send and record nothing.",
        )

    def handle(self, *args, **options) -> None:
        today = options["date"] or timezone.localdate()
        if options["dry_run"]:
            digests = build_digests(today)
            for digest in digests:
                self._describe(digest, today)
            self._summary("Would send", digests)
            return
        result = review_reminders_send(today=today)
        # Queued for the worker (`manage.py db_worker`), which retries a failed send.
        self._summary("Queued", result.sent)
        if result.failed:
            for digest, error in result.failed:
                self.stderr.write(f"Not queued for {digest.email}: {error}")
            raise CommandError(
                f"{len(result.failed)} digest{'s' if len(result.failed) != 1 else ''} could "
                "not be queued and will be tried again on the next run."
            )

    def _describe(self, digest: Digest, today: datetime.date) -> None:
        self.stdout.write(f"{digest.email}:")
        for action in digest.actions:
            when = "overdue" if action.review_date < today else "due"
            self.stdout.write(
                f"  {when} {action.review_date:%Y-%m-%d}  {action.priority.plan}: "
                f"{action.text[:70]}"
            )

    def _summary(self, verb: str, digests: list[Digest]) -> None:
        actions = {action.pk for digest in digests for action in digest.actions}
        self.stdout.write(
            f"{verb} {len(digests)} digest{'s' if len(digests) != 1 else ''} about "
            f"{len(actions)} action{'s' if len(actions) != 1 else ''}."
        )
