"""Signed-in action plan throughput under gunicorn, beside a static file, with many clients.

Run from the project root, with PostgreSQL and Redis:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres REDIS_URL=redis://127.0.0.1:6379/0 \
        python benchmarks/action_plan_throughput.py [--clients 50] [--seconds 20] [--rounds 3] \
        [--workers 3] [--user administrator] [--compare GIT-REF] [--database NAME] [--keep]

DATABASE_URL names the server; the script creates its own scratch database on it, loads the
demo with its users, and starts one gunicorn (cspplan/gunicorn.conf.py, DEBUG off, plain HTTP
on a free loopback port). Each client signs in through the real sign-in form (password hashing
is outside the timed window), then every client requests, as fast as answers come back, the
action plan of the demo priority with the most actions for --seconds, then the same for a static
file. With --compare, the code of GIT-REF (`git archive`, into a temporary directory) is served
by a second gunicorn on the same database (so GIT-REF must have the same migrations), and its
action plan is timed in the same rounds: before and after side by side on the same machine state.

The load is generated here, in Python (processes of threads, http.client, a new connection per
request as gunicorn's sync workers close each one), on the same CPUs as the server: figures are
a floor, compared with each other rather than with a separate load generator's. Requests/s, p50
and p95 are medians over --rounds; the last column is the static file's requests/s over the
page's.
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from scratch_database import ScratchDatabase

BASE_DIR = Path(__file__).resolve().parent.parent
HOST = "127.0.0.1"
STATIC_PATH = "/static/js/htmx.min.js"
# The demo users' password (plans/demo_users.py).
DEMO_PASSWORD = "cspplan-demo"  # noqa: S105
FIND_PRIORITY = """
from django.db.models import Count, Q
from django.urls import reverse
from priorities.models import Action, Priority
priority = (
    Priority.objects.filter(plan__partnership__slug="carlisle-eden")
    .annotate(n=Count("actions", filter=~Q(actions__status=Action.Status.REMOVED)))
    .order_by("-n", "pk")
    .first()
)
print(reverse("priorities:action_plan", args=[priority.pk]), priority.n)
"""

parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
parser.add_argument("--clients", type=int, default=50)
parser.add_argument("--seconds", type=float, default=20, help="Timed load per page per round.")
parser.add_argument("--rounds", type=int, default=3)
parser.add_argument("--workers", type=int, default=3, help="gunicorn's WEB_CONCURRENCY.")
parser.add_argument("--user", default="administrator", help="The demo user the clients are.")
parser.add_argument("--compare", metavar="GIT-REF", help="Also serve and time this commit.")
parser.add_argument("--database", default="cspplan_throughput_bench")
parser.add_argument("--keep", action="store_true", help="Keep the scratch database.")


@dataclass
class Server:
    name: str
    directory: Path
    port: int
    process: subprocess.Popen | None = None


@dataclass
class Result:
    requests_per_second: float
    p50_ms: float
    p95_ms: float
    failures: int


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def manage(env: dict[str, str], directory: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=directory,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        sys.exit(f"manage.py {' '.join(args)} failed in {directory}:\n{done.stderr}")
    return done.stdout


def start(server: Server, env: dict[str, str]) -> None:
    server.process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "cspplan/gunicorn.conf.py"],
        cwd=server.directory,
        env={**env, "BIND": f"{HOST}:{server.port}"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            sys.exit(f"gunicorn for {server.name} stopped:\n{server.process.stderr.read()}")
        try:
            status, _, _ = request(server.port, "GET", STATIC_PATH)
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn for {server.name} did not answer within 60 s")


def stop(server: Server) -> None:
    if server.process and server.process.poll() is None:
        server.process.terminate()
        try:
            server.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


def request(
    port: int, method: str, path: str, headers: dict[str, str] | None = None, body: str = ""
) -> tuple[int, http.client.HTTPMessage, bytes]:
    connection = http.client.HTTPConnection(HOST, port, timeout=60)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def cookies_from(headers: http.client.HTTPMessage) -> dict[str, str]:
    found = {}
    for header in headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        found[name.strip()] = rest.split(";", 1)[0]
    return found


def cookie_header(cookies: dict[str, str]) -> str:
    return "; ".join(f"{name}={value}" for name, value in cookies.items())


def sign_in(port: int, username: str) -> str:
    """The Cookie header of a session signed in through /sign-in/, as a browser would."""
    status, headers, body = request(port, "GET", "/sign-in/")
    assert status == 200, f"sign-in page answered {status}"
    cookies = cookies_from(headers)
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
    form = urlencode(
        {"csrfmiddlewaretoken": token, "username": username, "password": DEMO_PASSWORD}
    )
    status, headers, _ = request(
        port,
        "POST",
        "/sign-in/",
        {
            "Cookie": cookie_header(cookies),
            "Content-Type": "application/x-www-form-urlencoded",
        },
        form,
    )
    cookies |= cookies_from(headers)
    if status != 302 or "sessionid" not in cookies:
        sys.exit(f"signing in as {username} answered {status}, not a redirect with a session")
    return cookie_header(cookies)


def _client(port: int, path: str, cookie: str, deadline: float, times: list, failures: list):
    headers = {"Cookie": cookie} if cookie else {}
    while time.monotonic() < deadline:
        started = time.perf_counter()
        try:
            status, _, _ = request(port, "GET", path, headers)
        except OSError:
            status = 0
        if status == 200:
            times.append(time.perf_counter() - started)
        else:
            failures.append(status)


def _load_process(job: tuple[int, str, list[str], float]) -> tuple[list[float], int]:
    """One load process: a thread per client, each requesting until the deadline."""
    port, path, cookies, deadline = job
    times: list[float] = []
    failures: list[int] = []
    threads = [
        threading.Thread(target=_client, args=(port, path, cookie, deadline, times, failures))
        for cookie in cookies
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return times, len(failures)


def hammer(
    pool, processes: int, port: int, path: str, cookies: list[str], seconds: float
) -> Result:
    """Every client requests path until --seconds have passed; only answers within the window
    count."""
    deadline = time.monotonic() + seconds
    jobs = [(port, path, cookies[i::processes], deadline) for i in range(processes)]
    times: list[float] = []
    failures = 0
    for process_times, process_failures in pool.map(_load_process, jobs):
        times += process_times
        failures += process_failures
    times.sort()
    return Result(
        requests_per_second=len(times) / seconds,
        p50_ms=statistics.median(times) * 1000,
        p95_ms=times[int(len(times) * 0.95)] * 1000,
        failures=failures,
    )


def main() -> None:
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres") or not redis_url:
        sys.exit("Set DATABASE_URL to a PostgreSQL server and REDIS_URL, as in the docstring.")
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", args.database):
        sys.exit("--database: lower-case letters, digits and underscores")
    database = ScratchDatabase(args.database)
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "REDIS_URL": redis_url,
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"http://{HOST}",
        "WEB_CONCURRENCY": str(args.workers),
        "DJANGO_SETTINGS_MODULE": "cspplan.settings",
    }
    servers = [Server("this tree", BASE_DIR, free_port())]
    scratch = None
    database.create()
    try:
        if args.compare:
            scratch = Path(tempfile.mkdtemp(prefix="cspplan-compare-"))
            archive = subprocess.run(
                ["git", "archive", args.compare], cwd=BASE_DIR, capture_output=True, check=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", scratch], input=archive, check=True)
            servers.append(Server(args.compare, scratch, free_port()))
        started = time.perf_counter()
        manage(env, BASE_DIR, "migrate", "--no-input")
        manage(env, BASE_DIR, "createcachetable")
        manage(env, BASE_DIR, "load_demo", "--with-users")
        for server in servers:
            manage(env, server.directory, "collectstatic", "--no-input", "--verbosity", "0")
        found = manage(env, BASE_DIR, "shell", "--no-imports", "-c", FIND_PRIORITY)
        path, action_count = found.split()
        print(f"Demo loaded in {time.perf_counter() - started:.0f} s")
        for server in servers:
            start(server, env)
        # Password hashing makes signing in slow on purpose: done before, not in, the timing.
        with ThreadPoolExecutor(max_workers=args.workers * 2) as signing_in:
            sessions = {
                server.name: list(
                    signing_in.map(
                        partial(sign_in, username=args.user), [server.port] * args.clients
                    )
                )
                for server in servers
            }
        print(
            f"{args.clients} clients signed in as {args.user}; {args.workers} gunicorn workers; "
            f"{os.cpu_count()} CPUs; load average {os.getloadavg()[0]:.2f}"
        )
        print(f"Action plan {path} ({action_count} actions); static file {STATIC_PATH}")
        targets = [
            (f"action plan ({server.name})", server.port, path, sessions[server.name])
            for server in servers
        ]
        targets.append(("static file", servers[0].port, STATIC_PATH, [""] * args.clients))
        # A few load processes, so the load generator is not held back by one interpreter lock.
        results: dict[str, list[Result]] = {name: [] for name, *_ in targets}
        processes = min(4, args.clients)
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            for _name, port, target, cookies in targets:
                for cookie in cookies[: args.workers]:
                    request(port, "GET", target, {"Cookie": cookie} if cookie else {})
            for _ in range(args.rounds):
                for name, port, target, cookies in targets:
                    timed = hammer(pool, processes, port, target, cookies, args.seconds)
                    results[name].append(timed)
        report(results, args)
    finally:
        for server in servers:
            stop(server)
        if scratch:
            shutil.rmtree(scratch, ignore_errors=True)
        if not args.keep:
            database.drop()


def report(results: dict[str, list[Result]], args: argparse.Namespace) -> None:
    static = statistics.median(r.requests_per_second for r in results["static file"])
    print()
    print(f"{args.rounds} rounds of {args.seconds:g} s, medians")
    print(f"{'':30} {'requests/s':>10} {'p50 ms':>8} {'p95 ms':>8} {'failed':>7} {'static ×':>9}")
    for name, rounds in results.items():
        rate = statistics.median(r.requests_per_second for r in rounds)
        print(
            f"{name:30} {rate:>10.1f} {statistics.median(r.p50_ms for r in rounds):>8.1f} "
            f"{statistics.median(r.p95_ms for r in rounds):>8.1f} "
            f"{sum(r.failures for r in rounds):>7} {static / rate:>8.1f}×"
        )
    print(f"Load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
