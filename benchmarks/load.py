"""Fifty people at once on two app servers for a minute, with the database's connections cut
and one server restarted part-way: errors, and p50/p95 per kind of request beside a static file
from the same servers; then every progress update the servers said they recorded is looked for.

Run from the project root, with PostgreSQL and Redis:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/13 \
        python benchmarks/load.py [--users 50] [--seconds 60] [--no-faults] [--keep]

DATABASE_URL names the server; the script creates its own scratch database on it
(cspplan_load_bench), migrates it and loads the demo, then starts two gunicorn servers
(cspplan/gunicorn.conf.py, WEB_CONCURRENCY default 3) on free loopback ports and one
`manage.py run_worker`, all with DEBUG=false as in production, but plain HTTP as in
scripts/two-servers. The Redis database in REDIS_URL is emptied: give the script its own.

Each user signs in through /sign-in/ (the demo's administrator or editor) before the timed
window, then asks, one request after another with no pause, for a mix of: the public page of a
published plan and its PDF (anonymous, without the session cookie), a static file, the action
plan of its own action's priority, and a progress update on its own action (a unique note, so
no two users edit the same thing). Requests alternate between the two servers, as a load
balancer without health checks would send them.

Faults (unless --no-faults): at a third of the window every connection to the scratch
database is ended with pg_terminate_backend; at two thirds the second server is stopped with
SIGTERM (gunicorn's graceful stop: in-flight requests finish) and started again on its port.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from load_client import MIX, Person, Result, Target, fetch
from scratch_database import ScratchDatabase

BASE_DIR = Path(__file__).resolve().parent.parent
SCRATCH_DATABASE = "cspplan_load_bench"
STATIC_PATH = "/static/css/cspplan.css"

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--users", type=int, default=50)
parser.add_argument("--seconds", type=float, default=60)
parser.add_argument("--no-faults", action="store_true", help="No connection cut, no restart.")
parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")
ARGS = parser.parse_args()

REDIS_URL = os.environ.get("REDIS_URL", "")
if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not REDIS_URL.startswith(
    "redis"
):
    sys.exit(
        "Set DATABASE_URL to a PostgreSQL server and REDIS_URL to a Redis database of its own, "
        "as in the example at the top of benchmarks/load.py"
    )
SCRATCH = ScratchDatabase(SCRATCH_DATABASE)
SCRATCH_URL = SCRATCH.url
WORK_DIR = Path(tempfile.mkdtemp(prefix="cspplan-load-"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


PORTS = [_free_port(), _free_port()]
# What production sets, except HTTPS: loopback has no TLS, so the HTTPS warnings are silenced
# as compose.yaml does. SESSION_COOKIE_SECURE stays on; this client sends the cookie anyway.
os.environ.update(
    {
        "DATABASE_URL": SCRATCH_URL,
        "REDIS_URL": REDIS_URL,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "SITE_URL": f"http://127.0.0.1:{PORTS[0]}",
        "SILENCED_SYSTEM_CHECKS": "security.W004,security.W008",
        "MEDIA_ROOT": str(WORK_DIR / "media"),
        "MAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend",
        "DJANGO_SETTINGS_MODULE": "cspplan.settings",
    }
)
os.environ.setdefault("WEB_CONCURRENCY", "3")
sys.path.insert(0, str(BASE_DIR))

import psycopg2  # noqa: E402

SCRATCH.create()

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core.cache import caches  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connections  # noqa: E402
from django.urls import reverse  # noqa: E402

from plans.demo_users import DEMO_PARTNERSHIP_SLUG, DEMO_PASSWORD  # noqa: E402
from plans.models import Partnership, Plan  # noqa: E402
from plans.permissions import access_for  # noqa: E402
from priorities.models import Action, ProgressUpdate  # noqa: E402

# --- The servers ------------------------------------------------------------------------------


class Servers:
    """Two gunicorn servers and a worker, each in its own session so that Ctrl-C reaches
    only this script, which then stops them itself."""

    def __init__(self) -> None:
        self.web: list[subprocess.Popen] = []
        self.worker: subprocess.Popen | None = None

    def _start(self, command: list[str], name: str, **env: str) -> subprocess.Popen:
        with (WORK_DIR / f"{name}.log").open("ab") as output:
            return subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=os.environ | env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def start_web(self, index: int) -> subprocess.Popen:
        process = self._start(
            [sys.executable, "-m", "gunicorn", "--config", "cspplan/gunicorn.conf.py"],
            f"server-{index + 1}",
            BIND=f"127.0.0.1:{PORTS[index]}",
        )
        if index < len(self.web):
            self.web[index] = process
        else:
            self.web.append(process)
        return process

    def start_all(self) -> None:
        for index in range(len(PORTS)):
            self.start_web(index)
        self.worker = self._start(
            [sys.executable, "manage.py", "run_worker", "--no-reload"], "worker"
        )
        for port in PORTS:
            wait_until_serving(port)

    def stop_web(self, index: int) -> None:
        process = self.web[index]
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    def stop_all(self) -> None:
        processes = [*self.web, *([self.worker] if self.worker else [])]
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def logged_errors() -> Counter[str]:
    """The app's own error lines (JSON, cspplan/log.py) by message and exception."""
    found: Counter[str] = Counter()
    for log in sorted(WORK_DIR.glob("*.log")):
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("{"):
                try:
                    entry = json.loads(line)
                except ValueError:
                    continue
                if entry.get("level") in ("ERROR", "CRITICAL"):
                    # The exception's own line: the last one not indented.
                    lines = (entry.get("traceback") or "").splitlines()
                    cause = [line for line in lines if line[:1] not in ("", " ", "\t")][-1:]
                    found[f"{log.stem}: {entry['message']} | {''.join(cause)[:120]}"] += 1
    return found


def wait_until_serving(port: int, limit: float = 60) -> float:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        try:
            if fetch(port, "GET", STATIC_PATH).status == 200:
                return time.perf_counter() - started
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"The server on port {port} did not answer within {limit:.0f} s")


# --- Setting up and checking ------------------------------------------------------------------


def prepare() -> tuple[dict[str, str], list[Target]]:
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    call_command("collectstatic", "--no-input", verbosity=0)
    call_command("load_demo", "--with-users", stdout=io.StringIO())
    # The Redis database is the script's own: no cached page from an earlier run may answer.
    caches["default"].clear()
    caches["limits"].clear()
    plan = (
        Plan.objects.filter(status=Plan.Status.PUBLISHED)
        .select_related("partnership")
        .order_by("pk")
        .first()
    )
    args = [plan.partnership.slug, plan.slug]
    paths = {
        "public page": reverse("plans:plan_detail", args=args),
        "public PDF": reverse("plans:plan_pdf", args=args),
        "static file": STATIC_PATH,
        "run": secrets.token_hex(4),
    }
    actions = list(
        Action.objects.filter(priority__plan__partnership__slug=DEMO_PARTNERSHIP_SLUG)
        .exclude(status=Action.Status.REMOVED)
        .exclude(priority__plan__status=Plan.Status.SUPERSEDED)
        .select_related("priority")
        .order_by("pk")
    )
    editor = access_for(
        User.objects.get(username="editor"), Partnership.objects.get(slug=DEMO_PARTNERSHIP_SLUG)
    )
    own = {"editor": [a for a in actions if editor.may_change_priority(a.priority)]}
    own["administrator"] = [a for a in actions if a not in own["editor"]]
    # Every other user is the editor, on its task group's actions, the rest the administrator
    # on the others. Each user records progress on an action of its own while there are
    # enough; progress updates are only ever added, so two users on one action never clash.
    targets = []
    for index in range(ARGS.users):
        username = ("administrator", "editor")[index % 2]
        action = own[username][index // 2 % len(own[username])]
        targets.append(
            Target(
                username,
                action.pk,
                reverse("priorities:action_plan", args=[action.priority_id]),
                reverse("priorities:progress_add", args=[action.pk]),
            )
        )
    connections.close_all()  # the faults below end it otherwise
    print(
        f"Scratch database ready in {time.perf_counter() - started:.0f} s: "
        f"{len({t.action_pk for t in targets})} actions for {ARGS.users} users, "
        f"public plan {paths['public page']}"
    )
    return paths, targets


def cut_database_connections() -> int:
    database = psycopg2.connect(SCRATCH_URL)
    database.autocommit = True
    try:
        with database.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()) AS ended",
                [SCRATCH_DATABASE],
            )
            return cursor.fetchone()[0]
    finally:
        database.close()


def percentile(values: list[float], share: int) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def report(users: list[Person], window: float, faults: list[tuple[float, str]]) -> None:
    results = [result for user in users for result in user.results]
    by_kind: dict[str, list[Result]] = {kind: [] for kind in MIX}
    for result in results:
        by_kind[result.kind].append(result)
    timings = {
        kind: [r.seconds * 1000 for r in rows if r.outcome == "ok"]
        for kind, rows in by_kind.items()
    }
    static_p50 = percentile(timings["static file"], 50)
    static_p95 = percentile(timings["static file"], 95)
    print()
    print(
        f"{'':12} {'requests':>8} {'refused':>7} {'errors':>6} {'req/s':>6} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p50/static':>10} {'p95/static':>10}"
    )
    for kind, rows in by_kind.items():
        ok = timings[kind]
        errors = sum(r.outcome not in ("ok", "refused") for r in rows)
        refused = sum(r.outcome == "refused" for r in rows)
        p50, p95 = percentile(ok, 50), percentile(ok, 95)
        print(
            f"{kind:12} {len(rows):>8} {refused:>7} {errors:>6} {len(ok) / window:>6.1f} "
            f"{p50:>8.1f} {p95:>8.1f} {p50 / static_p50:>9.1f}x {p95 / static_p95:>9.1f}x"
        )
    total_ok = sum(len(ok) for ok in timings.values())
    print(f"{'all':12} {len(results):>8} {'':>7} {'':>6} {total_ok / window:>6.1f}")
    plan_rows = timings["action plan"]
    print(
        f"\nSigned-in action plan pages: {len(plan_rows) / window:.1f} req/s answered, "
        f"p95 {percentile(plan_rows, 95) / 1000:.2f} s (issue #13 baseline: 40 req/s, p95 1.4 s)"
    )
    # Errors by kind and by phase: before the first fault, then after each.
    bounds = [(0.0, "before faults")] + faults
    phases = [name for _, name in bounds]
    errors: Counter[tuple[str, str]] = Counter()
    for result in results:
        if result.outcome in ("ok", "refused"):
            continue
        # By when it failed: a request in flight when a fault began fails after it.
        ended = result.started + result.seconds
        phase = [name for start, name in bounds if ended >= start][-1]
        errors[(f"{result.kind}: {result.outcome}", phase)] += 1
    print("\nErrors" + ("" if errors else ": none"))
    if errors:
        print(f"{'':36}" + "".join(f"{name:>18}" for name in phases))
        for what in sorted({what for what, _ in errors}):
            print(f"{what:36}" + "".join(f"{errors[(what, name)]:>18}" for name in phases))
        # What a proxy in front would have sent to the other server instead: any request it
        # could not connect for, and a GET whose connection failed (nginx's default
        # proxy_next_upstream error; a POST already sent is not sent twice).
        retried = sum(
            r.outcome == "connection refused"
            or (r.outcome == "connection reset" and r.kind != "edit")
            for r in results
        )
        print(f"A proxy retrying the other server would have answered {retried} of them")


def check_writes(users: list[Person]) -> None:
    acknowledged = {note for user in users for note in user.acknowledged}
    unacknowledged = {note for user in users for note in user.unacknowledged}
    stored = set(
        ProgressUpdate.objects.filter(note__in=acknowledged | unacknowledged).values_list(
            "note", flat=True
        )
    )
    lost = acknowledged - stored
    print(
        f"\nWrites: {len(acknowledged)} acknowledged, {len(acknowledged & stored)} found in the "
        f"database, {len(lost)} lost; {len(unacknowledged)} not acknowledged, "
        f"{len(unacknowledged & stored)} of which were recorded all the same"
    )
    for note in sorted(lost)[:10]:
        print(f"  lost: {note}")


def main() -> None:
    servers = Servers()
    # Stopped like Ctrl-C stops it: through the finally below, which stops the servers.
    signal.signal(signal.SIGTERM, lambda number, frame: sys.exit(128 + number))
    try:
        paths, targets = prepare()
        servers.start_all()
        users = [Person(index, target, PORTS) for index, target in enumerate(targets)]
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=len(users)) as pool:
            list(pool.map(lambda user: user.sign_in(reverse("login"), DEMO_PASSWORD), users))
        # Warm: the published page and PDF are rendered once, then replayed from Redis.
        for port in PORTS:
            for kind in ("public page", "public PDF"):
                fetch(port, "GET", paths[kind])
        print(
            f"{len(users)} users signed in, pages warmed in {time.perf_counter() - started:.0f} s"
        )
        load_before = os.getloadavg()[0]
        client_cpu = time.process_time()
        opened = time.perf_counter()
        closes = opened + ARGS.seconds
        threads = [
            threading.Thread(target=user.run, args=(paths, opened, closes), daemon=True)
            for user in users
        ]
        for thread in threads:
            thread.start()
        faults: list[tuple[float, str]] = []
        if not ARGS.no_faults:
            time.sleep(max(0.0, opened + ARGS.seconds / 3 - time.perf_counter()))
            faults.append((time.perf_counter() - opened, "after cut"))
            ended = cut_database_connections()
            print(f"{faults[-1][0]:5.1f} s: ended {ended} database connections")
            time.sleep(max(0.0, opened + 2 * ARGS.seconds / 3 - time.perf_counter()))
            faults.append((time.perf_counter() - opened, "after restart"))
            servers.stop_web(1)
            stopped = time.perf_counter() - opened
            servers.start_web(1)
            back = wait_until_serving(PORTS[1])
            print(
                f"{faults[-1][0]:5.1f} s: server 2 sent SIGTERM, stopped after "
                f"{stopped - faults[-1][0]:.1f} s, answering again {back:.1f} s after restart"
            )
        for thread in threads:
            thread.join()
        window = ARGS.seconds  # no request starts after it
        client_cpu = time.process_time() - client_cpu
        print(
            f"{len(users)} users for {window:.0f} s, load average {load_before:.1f} at the start, "
            f"{os.getloadavg()[0]:.1f} at the end; WEB_CONCURRENCY={os.environ['WEB_CONCURRENCY']}"
            f"; this client used {client_cpu / window:.2f} CPU"
        )
        report(users, window, faults)
        check_writes(users)
        worker = servers.worker
        print(
            "worker: "
            + ("still running" if worker.poll() is None else f"exited ({worker.returncode})")
        )
        logged = logged_errors()
        if logged:
            print("\nErrors logged by the servers and the worker:")
            for line, count in logged.most_common(12):
                print(f"{count:>5}  {line}")
    finally:
        servers.stop_all()
        connections.close_all()
        caches["default"].clear()
        if ARGS.keep:
            print(f"Kept the database {SCRATCH_DATABASE} and the servers' logs in {WORK_DIR}")
        else:
            SCRATCH.drop()
            shutil.rmtree(WORK_DIR)


if __name__ == "__main__":
    main()
