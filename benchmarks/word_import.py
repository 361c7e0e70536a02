"""How fast a long Word document is previewed and saved as a new draft plan.

Run from the project root:  python benchmarks/word_import.py [--runs N]

It builds a throw-away SQLite database, loads the demo data (Carlisle and Eden's organisations,
groups and the national indicators), and writes with python-docx a document of about 60 pages:
20 sections of prose with subsections and a kept table, then 10 priorities each with an action
table of 40 actions (Activity | Lead Partner | Linked Indicators | Review date), two or three
lead partners (one the partnership does not know) and three indicators each. It prints the
median time of the preview (read, match, check) and of the save (read again, match, write
every row with its history, in one transaction), and the peak memory of each: Python's own
allocations (tracemalloc) and the process's resident-set high-water mark, measured in a forked
child so one step's peak does not hide the next.
"""

from __future__ import annotations

import argparse
import datetime
import io
import os
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

import docx  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from plans.models import ImportSource, Partnership, PendingImport  # noqa: E402
from plans.word.importing import word_import_confirm, word_import_preview  # noqa: E402
from priorities.models import Action  # noqa: E402

SECTIONS = 20
PARAGRAPHS_A_SECTION = 12
PRIORITIES = 10
ACTIONS_A_PRIORITY = 40
SENTENCE = (
    "The partnership will work with residents, businesses and partner agencies to reduce "
    "crime and disorder, using the strategic assessment to target its resources where the "
    "evidence shows they are needed most. "
)
LEADS = ["CDRP", "Cumbria Police", "Carlisle City Council", "Eden District Council", "Let Go"]
CODES = ["NI15", "NI16", "NI17", "NI20", "NI21", "NI27", "NI32", "NI33", "NI41"]


def long_document() -> bytes:
    document = docx.Document()
    document.add_paragraph("Partnership Plan", style="Title")
    for number in range(1, SECTIONS + 1):
        document.add_heading(f"Section {number}: Working together", level=1)
        for paragraph in range(PARAGRAPHS_A_SECTION):
            if paragraph == PARAGRAPHS_A_SECTION // 2:
                document.add_heading(f"{number}.1 Our approach", level=2)
            document.add_paragraph(SENTENCE * 4)
        document.add_paragraph("What we found:", style="List Bullet")
        table = document.add_table(rows=4, cols=3)
        for r, row in enumerate(table.rows):
            for c, cell in enumerate(row.cells):
                cell.text = ["Crime", "2008/09", "2009/10"][c] if r == 0 else f"{r * c * 17}"
    document.add_heading("Tackling the Priorities", level=1)
    for number in range(1, PRIORITIES + 1):
        document.add_heading(f"Priority {number}: Reducing harm", level=2)
        document.add_paragraph(SENTENCE * 3)
        document.add_paragraph("Aim – " + SENTENCE)
        table = document.add_table(rows=1 + ACTIONS_A_PRIORITY, cols=4)
        for cell, heading in zip(
            table.rows[0].cells,
            ["Activity", "Lead Partner", "Linked Indicators", "Review date"],
            strict=True,
        ):
            cell.text = heading
        for index, row in enumerate(table.rows[1:]):
            leads = [LEADS[index % 5], LEADS[(index + 2) % 5], f"Officer {index % 7}"]
            codes = [CODES[(index + k) % len(CODES)] for k in range(3)]
            row.cells[0].text = f"Action {index + 1}: " + SENTENCE
            row.cells[1].text = " / ".join(leads[: 2 + index % 2])
            row.cells[2].text = ", ".join(codes)
            row.cells[3].text = f"Q{index % 4 + 1} 2010/11"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def median_seconds(function: Callable[[], object], runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def peak_memory_mb(function: Callable[[], object]) -> tuple[float, float]:
    """(Python allocations at their peak, the process's resident-set high-water mark), in MB,
    of one call in a forked child."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        connection.close()  # the child opens its own connection
        tracemalloc.start()
        function()
        traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        with open("/proc/self/status") as status:
            rss_kb = int(next(line for line in status if line.startswith("VmHWM:")).split()[1])
        os.write(write, f"{traced} {rss_kb}".encode())
        os._exit(0)
    os.close(write)
    traced, rss_kb = (int(part) for part in os.read(read, 64).decode().split())
    os.waitpid(pid, 0)
    return traced / 1024 / 1024, rss_kb / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    options = parser.parse_args()

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    partnership = Partnership.objects.get(slug="carlisle-eden")
    user = User.objects.create_superuser("benchmark", "bench@example.org", "x")
    content = long_document()

    preview = word_import_preview(
        plan=None, partnership=partnership, content=content, file_name="long.docx"
    )
    choices = {name.key: "" for name in preview.unmatched}

    def previewed() -> None:
        word_import_preview(plan=None, partnership=partnership, content=content, file_name="x")

    def saved() -> None:
        pending = PendingImport.objects.create(
            partnership=partnership,
            new_plan_title="Long plan",
            new_plan_start_year=2010,
            new_plan_end_year=2011,
            source=ImportSource.WORD,
            file_name="long.docx",
            content=content,
            uploaded_by=user,
        )
        word_import_confirm(pending=pending, user=user, choices=choices)

    print(
        f"cspplan Word import benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"medians of {options.runs} runs\n"
    )
    words = sum(len(p.text.split()) for p in docx.Document(io.BytesIO(content)).paragraphs)
    print(
        f"Document: {len(content) / 1024:.0f} KiB, {words:,} words outside tables (about "
        f"{words / 500:.0f} pages of prose) and {preview.action_count} actions in "
        f"{len(preview.priorities)} action tables; {len(preview.sections)} sections, "
        f"{len(preview.unmatched)} names to map"
    )
    preview_seconds = median_seconds(previewed, options.runs)
    save_seconds = median_seconds(saved, options.runs)
    preview_traced, preview_rss = peak_memory_mb(previewed)
    save_traced, save_rss = peak_memory_mb(saved)
    saved_actions = Action.objects.filter(priority__plan__title="Long plan").count()
    print(f"Actions saved over all runs: {saved_actions:,}\n")
    print("| Step | Median | Peak Python allocations | Peak RSS (process) |")
    print("|---|---|---|---|")
    print(
        f"| Preview (read, match, check) | {preview_seconds:.2f} s | {preview_traced:.0f} MB "
        f"| {preview_rss:.0f} MB |"
    )
    print(
        f"| Save as a new draft (read again, match, write with history) | "
        f"{save_seconds:.2f} s | {save_traced:.0f} MB | {save_rss:.0f} MB |"
    )


if __name__ == "__main__":
    main()
