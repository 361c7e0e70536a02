"""The pages and commands that must not slow down as the data grows, on the demo data and
then with 300 partnerships × 10 plans × 100 actions added (300,000 actions).

Run from the project root, with PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/scale.py \
        [--partnerships 300 --plans 10 --actions 100] [--runs 5] [--keep]

DATABASE_URL names the server; the script creates its own scratch database on it
(cspplan_scale_bench), loads the demo, measures, adds the synthetic data with make_synthetic
(bulk inserts, then ANALYZE), measures again, and drops the database (unless --keep). Every
figure is the median of --runs requests through Django's test client after one warm-up, with
the queries of one request; the last column is the time at scale over the time on the demo.
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from scratch_database import ScratchDatabase

BASE_DIR = Path(__file__).resolve().parent.parent
SCRATCH_DATABASE = "cspplan_scale_bench"

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--partnerships", type=int, default=300)
parser.add_argument("--plans", type=int, default=10)
parser.add_argument("--actions", type=int, default=100)
parser.add_argument("--runs", type=int, default=5)
parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
ARGS = parser.parse_args()

SCRATCH = ScratchDatabase(SCRATCH_DATABASE)
os.environ["DATABASE_URL"] = SCRATCH.url
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.pop("REDIS_URL", None)  # one process: the local memory cache
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspplan.settings")
sys.path.insert(0, str(BASE_DIR))

SCRATCH.create()

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from plans.models import Plan  # noqa: E402
from priorities.models import Action, Priority, ReviewReminder  # noqa: E402

settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
logging.disable(logging.INFO)  # sign-in notices
mail.outbox = []


def measure(run: Callable[[], object]) -> tuple[int, float]:
    """(queries of one run, median milliseconds over ARGS.runs runs) after one warm-up."""
    run()
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    # Not CaptureQueriesContext: each request empties the connection's query log.
    with connection.execute_wrapper(count):
        run()
    timings = []
    for _ in range(ARGS.runs):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return queries, statistics.median(timings) * 1000


def _get(client: Client, url: str, **params) -> Callable[[], object]:
    def run() -> None:
        response = client.get(url, params)
        assert response.status_code == 200, (url, response.status_code)

    return run


def _reminders() -> None:
    """A day's reminders, as cron runs them; what was recorded is forgotten after each run so
    every run sends the same digests."""
    before = set(ReviewReminder.objects.values_list("pk", flat=True))
    call_command("send_review_reminders", stdout=io.StringIO())
    ReviewReminder.objects.exclude(pk__in=before).delete()
    mail.outbox = []


def cases() -> dict[str, Callable[[], object]]:
    member, support, anonymous = Client(), Client(), Client()
    member.force_login(User.objects.get(username="administrator"))
    support.force_login(User.objects.get(username="support"))
    # The demo partnership's plan, as its administrator reads it.
    plan = (
        Plan.objects.filter(partnership__slug="carlisle-eden")
        .select_related("partnership")
        .order_by("-start_year")
        .first()
    )
    # The demo's longest action plan.
    priority = (
        Priority.objects.filter(plan__partnership__slug="carlisle-eden")
        .annotate(n=Count("actions"))
        .order_by("-n", "pk")
        .first()
    )
    changelist = reverse("admin:priorities_action_changelist")
    return {
        "home page (signed in)": _get(member, reverse("home")),
        "public plans index": _get(anonymous, reverse("plans:index")),
        "admin action changelist": _get(support, changelist),
        'admin action search "burglary"': _get(support, changelist, q="burglary"),
        "admin overdue filter": _get(support, changelist, review="overdue"),
        "reminders command": _reminders,
        "plan page (member)": _get(member, plan.get_absolute_url()),
        "action plan page": _get(member, reverse("priorities:action_plan", args=[priority.pk])),
    }


def measure_all() -> dict[str, tuple[int, float]]:
    return {name: measure(run) for name, run in cases().items()}


def main() -> None:
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0)
        call_command("load_demo", "--with-users", stdout=io.StringIO())
        actions = Action.objects.count()
        print(f"Demo loaded in {time.perf_counter() - started:.0f} s: {actions} actions")
        demo = measure_all()
        started = time.perf_counter()
        call_command(
            "make_synthetic",
            "--partnerships", str(ARGS.partnerships),
            "--plans", str(ARGS.plans),
            "--actions", str(ARGS.actions),
            stdout=io.StringIO(),
        )  # fmt: skip
        print(
            f"make_synthetic {ARGS.partnerships}×{ARGS.plans}×{ARGS.actions} in "
            f"{time.perf_counter() - started:.0f} s: {Action.objects.count()} actions"
        )
        scale = measure_all()
        print()
        print(f"{'':34} {'demo':>18} {'at scale':>18} {'ratio':>6}")
        for name, (queries, ms) in demo.items():
            scale_queries, scale_ms = scale[name]
            print(
                f"{name:34} {queries:>4} q {ms:>9.1f} ms {scale_queries:>4} q {scale_ms:>9.1f} ms "
                f"{scale_ms / ms:>5.1f}×"
            )
    finally:
        connections.close_all()
        if not ARGS.keep:
            SCRATCH.drop()


if __name__ == "__main__":
    main()
