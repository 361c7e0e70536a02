"""How fast a plan is written out as a Word document (.docx), and in how much memory.

Run from the project root:  python benchmarks/word_export.py [--runs N] [--keep DIR]

It builds a throw-away SQLite database, loads the demo plans, adds the synthetic plan of 10
priorities x 50 actions that benchmarks/plan_rendering.py uses (three lead partners and four
indicators each), and prints for each plan the median time of the whole export (gathering the
document with its queries, writing the .docx, saving it) over N runs, the median CPU time,
the peak memory Python allocated during one export (tracemalloc), and the resident memory of a
forked process before it makes one export and at its peak (Django and everything loaded
included).
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
import tracemalloc
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="cspplan-bench-word-"))

os.environ["DATABASE_URL"] = f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspplan.settings")
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from benchmarks import plan_rendering  # noqa: E402
from plans.models import Plan  # noqa: E402
from plans.word.export import plan_word_file  # noqa: E402


def fetched(plan: Plan) -> Plan:
    return Plan.objects.select_related("partnership").get(pk=plan.pk)


def timings(plan: Plan, runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of the export, the plan fetched afresh each time."""
    wall, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        plan_word_file(fetched(plan))
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    return statistics.median(wall), statistics.median(cpu)


def traced_peak_mb(plan: Plan) -> float:
    """The most memory Python held for one export, beyond what was held before it."""
    plan = fetched(plan)
    tracemalloc.start()
    try:
        plan_word_file(plan)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return peak / 1024 / 1024


def peak_rss_mb(plan: Plan) -> tuple[float, float]:
    """Resident memory of a process before it makes one export, and its peak, in a forked
    child so one plan's peak does not hide the next. The peak counts what tracemalloc does
    not see: libxml2's own memory for the document's XML."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        connection.close()  # the child opens its own connection
        plan = fetched(plan)
        before_kb = memory_kb("VmRSS:")
        plan_word_file(plan)
        os.write(write, f"{before_kb} {memory_kb('VmHWM:')}".encode())
        os._exit(0)
    os.close(write)
    before_kb, peak_kb = (int(part) for part in os.read(read, 64).decode().split())
    os.waitpid(pid, 0)
    return before_kb / 1024, peak_kb / 1024


def memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith(field)).split()[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write each plan's .docx into this folder")
    options = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    # Importing it made a work folder of its own, which this script does not use.
    shutil.rmtree(plan_rendering.WORK_DIR, ignore_errors=True)
    large = plan_rendering.synthetic_plan("five-hundred-actions", 10, 50)
    plans = [
        *Plan.objects.select_related("partnership")
        .exclude(partnership__slug="benchmark")
        .order_by("partnership__slug"),
        fetched(large),
    ]
    print(
        f"cspplan Word export benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"medians of {options.runs} runs\n"
    )
    print(
        f"{'Plan':<40} {'actions':>7} {'size':>8} {'queries':>7} {'median':>8} {'CPU':>8} "
        f"{'traced peak':>11} {'RSS before':>10} {'peak RSS':>8}"
    )
    for plan in plans:
        with CaptureQueriesContext(connection) as queries:
            content = plan_word_file(fetched(plan))
        if options.keep:
            options.keep.mkdir(parents=True, exist_ok=True)
            (options.keep / f"{plan.partnership.slug}-{plan.slug}.docx").write_bytes(content)
        actions = sum(priority.actions.count() for priority in plan.priorities.all())
        wall, cpu = timings(plan, options.runs)
        before, peak = peak_rss_mb(plan)
        name = f"{plan.partnership.short_name} {plan.title} {plan.period_label}"[:39]
        print(
            f"{name:<40} {actions:>7} {len(content) / 1024:>5.0f} KiB {len(queries):>7} "
            f"{wall:>6.2f} s {cpu:>6.2f} s {traced_peak_mb(plan):>8.1f} MB "
            f"{before:>7.0f} MB {peak:>5.0f} MB"
        )
    shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
