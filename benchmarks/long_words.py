"""How long the draft PDF takes when actions are long unbroken words, beside ordinary words.

Run from the project root:  python benchmarks/long_words.py [--runs N] [--without-breaks]

It builds a throw-away SQLite database with two plans of 8 priorities x 20 actions, each
action 2,000 characters: in one plan ordinary words, in the other a single unbroken word of
the same letters. Both PDFs are made as a member's download makes them (plans.pdf.plan_pdf,
in its time-limited child process), alternately, and the medians are printed side by side.
--without-breaks also times WeasyPrint once on the long words as they were before break
opportunities were added (slow: about half a minute).
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plans.models import Plan

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.gettempdir()) / f"cspplan-bench-long-words-{os.getpid()}"


def setup() -> None:
    """A throw-away database and settings, then Django. Called from main() rather than at
    import, because the PDF renderer's forkserver imports this script too."""
    WORK_DIR.mkdir()
    os.environ["DATABASE_URL"] = f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
    os.environ["DEBUG"] = "false"
    os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspplan.settings")
    # Long enough for the figure without breaks; the app's default is lower.
    os.environ.setdefault("PDF_RENDER_TIMEOUT", "600")
    sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


PRIORITIES, ACTIONS_PER_PRIORITY, ACTION_LENGTH = 8, 20, 2000
WORD = "Diogelwch"
ORDINARY = ((WORD + " ") * ACTION_LENGTH)[:ACTION_LENGTH]
UNBROKEN = (WORD * ACTION_LENGTH)[:ACTION_LENGTH]


def plan_of(slug: str, text: str) -> Plan:
    from plans.models import Partnership, Plan
    from priorities.models import Action, Priority

    partnership, _ = Partnership.objects.get_or_create(
        slug="benchmark",
        defaults={"name": "Benchmark Community Safety Partnership", "short_name": "BCSP"},
    )
    plan = Plan.objects.create(
        partnership=partnership, title=f"Plan of {slug}", slug=slug, start_year=2010, end_year=2011
    )
    for p in range(1, PRIORITIES + 1):
        priority = Priority.objects.create(plan=plan, order=p, title=f"Priority {p}")
        Action.objects.bulk_create(
            Action(priority=priority, order=a, text=text)
            for a in range(1, ACTIONS_PER_PRIORITY + 1)
        )
    return Plan.objects.select_related("partnership").get(pk=plan.pk)


def seconds(function) -> float:
    started = time.perf_counter()
    function()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per PDF")
    parser.add_argument("--without-breaks", action="store_true")
    options = parser.parse_args()
    setup()
    import weasyprint
    from django.core.management import call_command

    from plans.document import plan_document
    from plans.pdf import plan_pdf, print_html

    call_command("migrate", verbosity=0)
    ordinary = plan_of("ordinary-words", ORDINARY)
    unbroken = plan_of("unbroken-words", UNBROKEN)
    plan_pdf(plan_document(ordinary))  # starts the renderer's forkserver
    timings: dict[str, list[float]] = {"ordinary": [], "unbroken": []}
    # Alternately, so a busy moment on a shared machine weighs on both alike.
    for _ in range(options.runs):
        for name, plan in (("ordinary", ordinary), ("unbroken", unbroken)):
            timings[name].append(seconds(lambda plan=plan: plan_pdf(plan_document(plan))))
    ordinary_s = statistics.median(timings["ordinary"])
    unbroken_s = statistics.median(timings["unbroken"])
    count = PRIORITIES * ACTIONS_PER_PRIORITY
    print(
        f"cspplan long words benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"medians of {options.runs} runs\n"
    )
    print(f"Draft PDF of {count} actions of {ACTION_LENGTH:,} characters:")
    print(f"  ordinary words        {ordinary_s:6.2f} s")
    print(
        f"  one unbroken word     {unbroken_s:6.2f} s   ({unbroken_s / ordinary_s:.2f}x ordinary)"
    )
    if options.without_breaks:
        html = print_html(plan_document(unbroken))
        alone = seconds(lambda: weasyprint.HTML(string=html).write_pdf(pdf_variant="pdf/ua-1"))
        print(
            f"  unbroken, no breaks   {alone:6.2f} s   ({alone / ordinary_s:.2f}x ordinary; "
            "WeasyPrint alone, one run)"
        )
    shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
