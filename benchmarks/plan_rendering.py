"""How fast the plan renders as a page and a PDF, next to the reference plans.

Run from the project root:  python benchmarks/plan_rendering.py [--runs N]

It builds a throw-away SQLite database, loads the demo plans, adds a synthetic plan of 10
priorities x 50 actions (three lead partners and four indicators each) and prints one line per
figure; every time is the median of several runs in this one process. Requests go through
Django's test client, so the plan page and the static file pass through the same handler and
middleware (WhiteNoise serves the static file, as in production).
"""

from __future__ import annotations

import argparse
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="cspplan-bench-"))
STATIC_DIR = WORK_DIR / "static"
STATIC_DIR.mkdir()

os.environ["DATABASE_URL"] = f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspplan.settings")
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

# WhiteNoise reads STATIC_ROOT when the first request builds the middleware.
settings.STATIC_ROOT = STATIC_DIR

import weasyprint  # noqa: E402

from indicators.models import Indicator  # noqa: E402
from plans.document import PUBLIC_STATUSES, plan_document  # noqa: E402
from plans.models import Organisation, Partnership, Plan  # noqa: E402
from plans.pdf import plan_pdf, print_html, static_roots  # noqa: E402
from plans.pdf_render import write_pdf  # noqa: E402
from plans.workflow import plan_move  # noqa: E402
from priorities.models import Action, ActionLeadPartner, Priority  # noqa: E402

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


CPU_SECONDS: dict[str, float] = {}


def median_seconds(function: Callable[[], object], runs: int, label: str = "") -> float:
    """Median wall-clock time; the median CPU time is kept under label, since on a shared
    machine the CPU time is the steadier figure."""
    timings, cpu_timings = [], []
    for _ in range(runs):
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        timings.append(time.perf_counter() - started)
        cpu_timings.append(time.process_time() - cpu_started)
    if label:
        CPU_SECONDS[label] = statistics.median(cpu_timings)
    return statistics.median(timings)


def milliseconds(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _publish(plan: Plan, user: User) -> None:
    """Publish as the application does: an approved plan moved on through the workflow."""
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    plan.refresh_from_db()
    plan_move(plan=plan, to_status=Plan.Status.PUBLISHED, user=user)


def synthetic_plan(slug: str, priorities: int, actions_per_priority: int) -> Plan:
    partnership, _ = Partnership.objects.get_or_create(
        slug="benchmark",
        defaults={
            "name": "Benchmark Community Safety Partnership",
            "short_name": "BCSP",
            "area": "Benchmark",
        },
    )
    organisations = [
        Organisation.objects.get_or_create(name=f"Benchmark Organisation {n}")[0]
        for n in range(1, 7)
    ]
    indicators = list(Indicator.objects.all()[:40])
    plan = Plan.objects.create(
        partnership=partnership,
        title=f"Synthetic Plan {slug}",
        slug=slug,
        start_year=2010,
        end_year=2011,
    )
    for p in range(1, priorities + 1):
        priority = Priority.objects.create(
            plan=plan,
            order=p,
            title=f"Priority {p}",
            aim="To reduce crime and disorder.",
            background="Background to the priority. " * 20,
        )
        actions = Action.objects.bulk_create(
            Action(
                priority=priority,
                order=a,
                text=f"Action {p}.{a}: work with partners to deliver the agreed interventions "
                f"for this priority in the places that need them most.",
                review_date=datetime.date(2010, 9, 30),
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
    return Plan.objects.select_related("partnership").get(pk=plan.pk)


def rendered_in_process(plan: Plan) -> bytes:
    """What plan_pdf does, without the child process it renders in (whose CPU time and memory
    the measuring process would not see)."""
    return write_pdf(print_html(plan_document(plan)), static_roots())


def memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        return int(next(line for line in status if line.startswith(field)).split()[1])


def peak_rss_mb_rendering(plan: Plan) -> float:
    """Peak resident memory of a process that renders the PDF (Django and everything loaded
    included), measured in a forked child so one plan's peak does not hide the next."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read)
        connection.close()  # the child opens its own connection
        rendered_in_process(Plan.objects.select_related("partnership").get(pk=plan.pk))
        os.write(write, str(memory_kb("VmHWM:")).encode())
        os._exit(0)
    os.close(write)
    peak_kb = int(os.read(read, 64).decode())
    os.waitpid(pid, 0)
    return peak_kb / 1024


def chromium_seconds(html: str, runs: int) -> float:
    source = WORK_DIR / "chromium.html"
    source.write_text(html)
    output = WORK_DIR / "chromium.pdf"

    def run() -> None:
        subprocess.run(
            [
                CHROMIUM,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                f"--print-to-pdf={output}",
                "--no-pdf-header-footer",
                source.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=300,
        )

    return median_seconds(run, runs)


def size(content: bytes) -> str:
    return f"{len(content) / 1024:.0f} KiB" if len(content) >= 1024 else f"{len(content)} bytes"


def repeat_against_static(client: Client, url: str, name: str, label: str, runs: int) -> None:
    """Answer url once, then time repeat requests for it against the same bytes served as a
    static file called name."""
    content = client.get(url).content
    (STATIC_DIR / name).write_bytes(content)
    repeat = median_seconds(lambda: client.get(url), runs * 10)
    static = static_seconds(f"/static/{name}", runs * 10)
    print(
        f"{label} ({size(content)}): {milliseconds(repeat)}, static file "
        f"{milliseconds(static)} ({repeat / static:.1f}x)"
    )


def static_seconds(path: str, runs: int) -> float:
    """A new client builds a new handler, so WhiteNoise finds the file just written."""
    client = Client()
    assert client.get(path).status_code == 200
    return median_seconds(lambda: b"".join(client.get(path).streaming_content), runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per page figure (PDFs: 3)")
    parser.add_argument("--no-chromium", action="store_true")
    options = parser.parse_args()
    runs, pdf_runs = options.runs, max(3, options.runs // 2)

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    small = synthetic_plan("ten-actions", 1, 10)
    large = synthetic_plan("five-hundred-actions", 10, 50)
    superuser = User.objects.create_superuser("benchmark", "bench@example.org", "x")
    client = Client()
    client.force_login(superuser)
    anonymous = Client()
    print(
        f"cspplan plan rendering benchmark, {datetime.datetime.now():%Y-%m-%d %H:%M}, "
        f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}; "
        f"medians of {runs} runs (PDFs {pdf_runs})\n"
    )

    # Queries: the draft page as rendered after an edit, with nothing cached.
    counts = {}
    for plan in (small, large):
        client.get(plan.get_absolute_url())
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(plan.get_absolute_url()).status_code == 200
        counts[plan.slug] = len(queries)
    print(
        f"Queries for the plan page: {counts['ten-actions']} at 10 actions, "
        f"{counts['five-hundred-actions']} at 500 actions"
    )

    # The 500-action page, rendered on every request, against the same bytes as a static file.
    url = large.get_absolute_url()
    page = client.get(url).content
    (STATIC_DIR / "plan-page.html").write_bytes(page)
    # An empty cache each time: this is the first view after an edit.
    render = median_seconds(lambda: (cache.clear(), client.get(url)), runs, "page")
    static = static_seconds("/static/plan-page.html", runs * 10)
    print(
        f"Plan page at 500 actions ({len(page) / 1024:.0f} KiB): {milliseconds(render)} to "
        f"render (CPU {milliseconds(CPU_SECONDS['page'])}), {milliseconds(static)} as a "
        f"static file ({render / static:.0f}x)"
    )

    # Repeat view of the unchanged draft by the same member: the document comes from the cache
    # kept under the plan's content version; the page around it (the workflow panel) is new.
    repeat_against_static(
        client,
        url,
        "draft-page.html",
        "Repeat view of the unchanged 500-action draft, signed in",
        runs,
    )

    # The least any signed-in answer for a plan costs: the session, the user and the plan are
    # looked up, and the plan is not there.
    missing = "/plans/no-such-partnership/no-such-plan/"
    assert client.get(missing).status_code == 404
    repeat_against_static(
        client, missing, "missing.html", "Least a signed-in answer costs (a missing plan)", runs
    )

    # Repeat view of an unchanged (published) plan: served from its stored copy.
    _publish(large, superuser)
    large.refresh_from_db()
    anonymous.get(url)
    repeat_against_static(
        anonymous,
        url,
        "published-page.html",
        "Repeat view of the unchanged published 500-action page",
        runs,
    )

    # PDFs: the reference plans and the synthetic one.
    print(
        "\nPDF                                   pages   ours     peak RSS  WeasyPrint alone"
        "        Chromium --print-to-pdf"
    )
    references = list(
        Plan.objects.select_related("partnership").exclude(partnership__slug="benchmark")
    )
    for plan in [*references, Plan.objects.select_related("partnership").get(pk=large.pk)]:
        document_html = print_html(plan_document(plan))
        pages = len(weasyprint.HTML(string=document_html).render().pages)
        ours = median_seconds(lambda plan=plan: plan_pdf(plan_document(plan)), pdf_runs)
        # The app renders in a child process, whose CPU time this process's clock does not
        # count: the CPU figure times the same work (document, page, WeasyPrint) in process.
        median_seconds(lambda plan=plan: rendered_in_process(plan), pdf_runs, "ours")
        alone = median_seconds(
            lambda html=document_html: weasyprint.HTML(string=html).write_pdf(
                pdf_variant="pdf/ua-1"
            ),
            pdf_runs,
            "alone",
        )
        peak = peak_rss_mb_rendering(plan)
        if options.no_chromium:
            chromium = "skipped"
        else:
            chromium_time = chromium_seconds(document_html, pdf_runs)
            chromium = f"{chromium_time:.2f} s ({chromium_time / ours:.2f}x ours)"
        name = f"{plan.partnership.short_name} {plan.title} {plan.period_label}"[:36]
        print(
            f"{name:<37} {pages:>5}  {ours:6.2f} s  {peak:5.0f} MB  {alone:6.2f} s "
            f"(ours {ours / alone:.2f}x)  {chromium}"
        )
        print(
            f"{'':37} CPU time: ours {CPU_SECONDS['ours']:.2f} s, WeasyPrint alone "
            f"{CPU_SECONDS['alone']:.2f} s (ours {CPU_SECONDS['ours'] / CPU_SECONDS['alone']:.2f}x)"
        )

    # Repeat download of an unchanged draft's PDF by a member, kept under its content version.
    carlisle = Plan.objects.select_related("partnership").get(partnership__slug="carlisle-eden")
    assert carlisle.status not in PUBLIC_STATUSES
    pdf_url = f"{carlisle.get_absolute_url()}pdf/"
    print()
    repeat_against_static(
        client,
        pdf_url,
        "draft.pdf",
        "Repeat download of the unchanged draft Carlisle PDF, signed in",
        runs,
    )

    # Repeat download of an unchanged published PDF.
    _publish(carlisle, superuser)
    cache.clear()
    anonymous.get(pdf_url)
    repeat_against_static(
        anonymous,
        pdf_url,
        "plan.pdf",
        "Repeat download of the unchanged published Carlisle PDF",
        runs,
    )
    shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
