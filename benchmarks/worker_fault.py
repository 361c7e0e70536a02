"""Kill the worker mid-render: the publication is run again and the published copy appears.

Run from the project root, with PostgreSQL:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres python benchmarks/worker_fault.py \
        [--runs 3] [--stale-seconds 15] [--keep]

Redis at BENCHMARK_REDIS_URL (default redis://127.0.0.1:6379/11) is the worker's cache.

DATABASE_URL names the server; the script makes its own scratch database on it
(cspplan_worker_fault_bench), loads the demo, and for each run: approves a demo plan, asks for
its publication as the "Publish" button does, starts `manage.py run_worker`, kills it with
SIGKILL once the job is running (mid-render: no chance to finish or record anything), starts a
new worker, and waits until the plan is published. It prints, per run and as medians, how long
the job ran before the kill, how long until the new worker's recovery look put it back in the
queue (TASK_STALE_SECONDS, set here to --stale-seconds, plus up to a minute's look) and until
the copy was stored, and checks the copy: one version, both PDFs present.
"""

from __future__ import annotations

import argparse
import io
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scratch_database import ScratchDatabase

BASE_DIR = Path(__file__).resolve().parent.parent
SCRATCH_DATABASE = "cspplan_worker_fault_bench"
# Bounded: a run that has not published by then is reported as a failure.
RUN_LIMIT_SECONDS = 300

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--runs", type=int, default=3)
parser.add_argument("--stale-seconds", type=int, default=15)
parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
ARGS = parser.parse_args()

SCRATCH = ScratchDatabase(SCRATCH_DATABASE)
os.environ["DATABASE_URL"] = SCRATCH.url
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["TASK_STALE_SECONDS"] = str(ARGS.stale_seconds)
# The worker is the only one running jobs: the benchmark never stands in for it.
os.environ["TASK_WORKER_GRACE_SECONDS"] = "100000"
# The worker's settings refuse a per-process cache with DEBUG off.
os.environ["REDIS_URL"] = os.environ.get("BENCHMARK_REDIS_URL", "redis://127.0.0.1:6379/11")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspplan.settings")
sys.path.insert(0, str(BASE_DIR))

SCRATCH.create()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402

from plans.models import Job, Plan, PublishedCopy  # noqa: E402
from plans.publication import publication_request  # noqa: E402

WORKER_LOG = Path(tempfile.gettempdir()) / "cspplan-worker-fault.log"


def _worker() -> subprocess.Popen:
    """A worker whose output goes to WORKER_LOG, shown if it stops by itself."""
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval", "0.2"],
        cwd=BASE_DIR,
        stdout=WORKER_LOG.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _alive(worker: subprocess.Popen) -> None:
    if worker.poll() is not None:
        sys.exit(f"The worker stopped by itself:\n{WORKER_LOG.read_text()[-3000:]}")


def _wait_for(check, limit: float, worker: subprocess.Popen) -> float:
    """Seconds until check() is true; raises once past the limit."""
    started = time.monotonic()
    while not check():
        _alive(worker)
        if time.monotonic() - started > limit:
            raise TimeoutError
        time.sleep(0.1)
    return time.monotonic() - started


def one_run(plan: Plan, administrator: User) -> dict[str, float]:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    PublishedCopy.objects.filter(plan=plan).delete()
    job = publication_request(plan=plan, user=administrator)
    worker = _worker()
    try:
        started = time.monotonic()
        _wait_for(
            lambda: Job.objects.filter(pk=job.pk, status=Job.Status.RUNNING).exists(),
            RUN_LIMIT_SECONDS,
            worker,
        )
        # Let it get into WeasyPrint before killing it.
        time.sleep(1.0)
        ran_for = time.monotonic() - started
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
    assert Job.objects.get(pk=job.pk).status == Job.Status.RUNNING, "finished before the kill"
    worker = _worker()
    try:
        killed = time.monotonic()
        requeued = _wait_for(
            lambda: (
                Job.objects.filter(pk=job.pk, attempts__gte=2).exists()
                or Job.objects.filter(pk=job.pk, status=Job.Status.WAITING).exists()
            ),
            RUN_LIMIT_SECONDS,
            worker,
        )
        _wait_for(
            lambda: Job.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists(),
            RUN_LIMIT_SECONDS,
            worker,
        )
        published = time.monotonic() - killed
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait()
    job.refresh_from_db()
    plan.refresh_from_db()
    copies = list(PublishedCopy.objects.filter(plan=plan))
    ok = (
        job.status == Job.Status.DONE
        and plan.status == Plan.Status.PUBLISHED
        and len(copies) == 1
        and bytes(copies[0].pdf).startswith(b"%PDF")
        and bytes(copies[0].large_print_pdf).startswith(b"%PDF")
    )
    print(
        f"  job {job.pk}: killed after {ran_for:.1f} s running; back in the queue "
        f"{requeued:.1f} s later; published {published:.1f} s after the kill; attempts "
        f"{job.attempts}; {'copy stored' if ok else 'NOT PUBLISHED: ' + job.error}"
    )
    return {"ran": ran_for, "requeued": requeued, "published": published, "ok": float(ok)}


def main() -> None:
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("load_demo", "--with-users", stdout=io.StringIO())
    administrator = User.objects.get(username="administrator")
    plan = Plan.objects.select_related("partnership").order_by("pk").first()
    print(
        f"Killing the worker mid-publication of {plan} ({ARGS.runs} runs, "
        f"TASK_STALE_SECONDS={ARGS.stale_seconds}):"
    )
    results = [one_run(plan, administrator) for _ in range(ARGS.runs)]
    print(
        f"Median: back in the queue {statistics.median(r['requeued'] for r in results):.1f} s "
        f"and published {statistics.median(r['published'] for r in results):.1f} s after the "
        f"kill; {sum(int(r['ok']) for r in results)} of {len(results)} runs published."
    )


try:
    main()
finally:
    connections.close_all()
    if not ARGS.keep:
        SCRATCH.drop()
