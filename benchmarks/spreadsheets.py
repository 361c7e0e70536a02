"""How fast action plans go out as spreadsheets and come back in, for a 500-action plan.

Run from the project root:  python benchmarks/spreadsheets.py [--runs N]

It builds a throw-away SQLite database, loads the demo data (for the indicator sets and
organisations), adds a synthetic plan of 10 priorities x 50 actions (three lead partners, four
indicators and a progress update each) and prints the median time and the peak Python memory
(tracemalloc) of: the XLSX export, the CSV export, the preview of an import of a 500-action
XLSX in which 50 actions were edited, and that import saved (in a transaction rolled back
after each run, so every run saves the same changes). It also prints the process's peak
resident memory, Django and everything loaded included.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="cspplan-bench-"))

os.environ["DATABASE_URL"] = f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspplan.settings")
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from indicators.models import Indicator  # noqa: E402
from plans.models import Organisation, Partnership, PendingImport, Plan  # noqa: E402
from plans.uploads import Upload  # noqa: E402
from priorities.models import Action, ActionLeadPartner, Priority, ProgressUpdate  # noqa: E402
from priorities.spreadsheets.export import csv_bytes, xlsx_bytes  # noqa: E402
from priorities.spreadsheets.importing import spreadsheet_import  # noqa: E402
from priorities.spreadsheets.preview import import_preview  # noqa: E402
from priorities.spreadsheets.reading import read_sheet  # noqa: E402
from priorities.spreadsheets.rows import Scope  # noqa: E402

EDITED = 50


class RolledBack(Exception):
    """Raised inside a run's transaction so that its saves are undone."""


def measure(function: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Median wall-clock seconds and median CPU seconds over the runs, and the peak of Python
    memory (MB, tracemalloc) in one more run: tracing slows what it traces, so it is not
    timed."""
    timings, cpu = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - cpu_started)
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    tracemalloc.stop()
    return statistics.median(timings), statistics.median(cpu), peak


def synthetic_plan(priorities: int, actions_per_priority: int, user: User) -> Plan:
    partnership = Partnership.objects.create(
        slug="benchmark",
        name="Benchmark Community Safety Partnership",
        short_name="BCSP",
        area="Benchmark",
    )
    organisations = [
        Organisation.objects.get_or_create(name=f"Benchmark Organisation {n}")[0]
        for n in range(1, 7)
    ]
    for organisation in organisations:
        partnership.participations.create(organisation=organisation, role="not_stated")
    indicators = list(Indicator.objects.filter(indicator_set__is_national=True)[:40])
    plan = Plan.objects.create(
        partnership=partnership, title="Synthetic Plan", slug="500", start_year=2010, end_year=2011
    )
    for p in range(1, priorities + 1):
        priority = Priority.objects.create(plan=plan, order=p, title=f"Priority {p}")
        actions = Action.objects.bulk_create(
            Action(
                priority=priority,
                order=a,
                text=f"Action {p}.{a}: work with partners to deliver the agreed interventions "
                f"for this priority in the places that need them most.",
                review_date=datetime.date(2010, 9, 30),
                review_date_precision="month",
                status="in_progress",
                rag="green",
            )
            for a in range(1, actions_per_priority + 1)
        )
        ActionLeadPartner.objects.bulk_create(
            ActionLeadPartner(
                action=action,
                order=order,
                kind=ActionLeadPartner.Kind.ORGANISATION,
                organisation=organisations[(action.order + order) % len(organisations)],
            )
            for action in actions
            for order in range(1, 4)
        )
        Action.indicators.through.objects.bulk_create(
            Action.indicators.through(
                action=action, indicator=indicators[(action.order * 4 + i) % len(indicators)]
            )
            for action in actions
            for i in range(4)
        )
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                action=action,
                reported_on=datetime.date(2010, 7, 1),
                rag="green",
                note="On track.",
                author=user,
            )
            for action in actions
        )
    return Plan.objects.select_related("partnership").get(pk=plan.pk)


def edited_workbook(content: bytes) -> bytes:
    """The exported workbook with 50 actions edited: texts, review dates, lead partners,
    statuses and RAG ratings, ten of each."""
    book = load_workbook(io.BytesIO(content))
    sheet = book["Actions"]
    where = {cell.value: cell.column for cell in sheet[1]}
    edits = [
        ("Action", lambda old: f"{old} Reviewed."),
        ("Review date", lambda old: "Q3 2010/11"),
        ("Lead partners", lambda old: "BCSP / Benchmark Organisation 1"),
        ("Status", lambda old: "Complete"),
        ("RAG", lambda old: "Amber"),
    ]
    for number in range(EDITED):
        heading, edit = edits[number % len(edits)]
        cell = sheet.cell(row=2 + number * 10, column=where[heading])
        cell.value = edit(cell.value)
    edited = io.BytesIO()
    book.save(edited)
    return edited.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = User.objects.create_superuser("benchmark", "bench@example.org", "x")
    plan = synthetic_plan(10, 50, user)
    scope = Scope(plan=plan)
    print(
        f"cspplan spreadsheet benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"{Action.objects.filter(priority__plan=plan).count()} actions; medians of {runs} runs\n"
    )

    exported = xlsx_bytes(scope)
    content = edited_workbook(exported)
    upload = Upload(kind="xlsx", name="edited.xlsx", content=content)
    preview = import_preview(scope=scope, sheet=read_sheet(upload))
    assert len(preview.changed) == EDITED and not preview.errors, preview.errors[:3]
    pending = PendingImport.objects.create(
        partnership=plan.partnership,
        plan=plan,
        source="spreadsheet",
        file_name=upload.name,
        content=content,
        uploaded_by=user,
    )

    def save() -> None:
        try:
            with transaction.atomic():
                spreadsheet_import(
                    pending=PendingImport.objects.get(pk=pending.pk),
                    user=user,
                    fingerprint=preview.fingerprint,
                    mapped={},
                )
                raise RolledBack
        except RolledBack:
            pass

    figures = [
        (f"XLSX export ({len(exported) / 1024:.0f} KiB)", lambda: xlsx_bytes(scope)),
        (f"CSV export ({len(csv_bytes(scope)) / 1024:.0f} KiB)", lambda: csv_bytes(scope)),
        (
            f"Import preview, {EDITED} of 500 actions edited (XLSX read and compared)",
            lambda: import_preview(scope=scope, sheet=read_sheet(upload)),
        ),
        (f"Import save of those {EDITED} changes (preview worked out again, saved)", save),
    ]
    print(f"{'':78} {'median':>9} {'CPU':>9} {'peak Python memory':>19}")
    for label, function in figures:
        wall, cpu, peak = measure(function, runs)
        print(f"{label:78} {wall * 1000:7.0f} ms {cpu * 1000:6.0f} ms {peak:15.1f} MB")

    for label, function in [
        ("XLSX export", lambda: xlsx_bytes(scope)),
        ("import preview", lambda: import_preview(scope=scope, sheet=read_sheet(upload))),
    ]:
        with CaptureQueriesContext(connection) as queries:
            function()
        print(f"Queries for the {label}: {len(queries)}")
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak resident memory of this process, everything included: {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
