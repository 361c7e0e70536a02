import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from plans.synthetic import SyntheticDataExists, SyntheticSize, make_synthetic


class Command(BaseCommand):
    help = (
        "Build synthetic partnerships × plans × actions by bulk inserts, to measure the app at "
        "scale (then ANALYZE on PostgreSQL). Public plans get a small placeholder copy, not "
        "rendered PDFs. Run it once, in a database kept for measuring."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--partnerships", type=int, default=300)
        parser.add_argument("--plans", type=int, default=10, help="Plans per partnership.")
        parser.add_argument("--actions", type=int, default=100, help="Actions per plan.")

    def handle(self, *args, **options) -> None:
        size = SyntheticSize(options["partnerships"], options["plans"], options["actions"])
        if min(size.partnerships, size.plans, size.actions) < 1:
            raise CommandError("Give at least one partnership, one plan and one action.")
        if size.plans > 50:
            raise CommandError("At most 50 plans per partnership (one a year from 2000).")
        started = time.perf_counter()
        try:
            make_synthetic(size)
        except SyntheticDataExists as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            f"Made {size.partnerships} partnerships, {size.partnerships * size.plans} plans and "
            f"{size.total_actions} actions in {time.perf_counter() - started:.1f} s."
        )
