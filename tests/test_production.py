"""The two-server production set-up, for real: two gunicorn servers (DEBUG off) and the task
worker share the test's PostgreSQL database and a Redis cache. A plan published through the
first server (the worker renders it) is read back, page and PDF, through the second; a worker
killed mid-publication is replaced and the plan is published all the same.

Selected with `-m production`; skipped unless DATABASE_URL is PostgreSQL (SQLite is one file on
one machine, not the set-up this checks).
"""

import http.client
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection
from django.urls import reverse

from plans.jobs import job_enqueue
from plans.models import Job, Plan
from tests.conftest import PASSWORD
from tests.plan_builders import add_actions

ROOT = Path(__file__).resolve().parent.parent
START_SECONDS = 60
REQUEST_SECONDS = 60
# The servers' own Redis database, apart from the one REDIS_URL may give other tests.
REDIS_URL = os.environ.get("PRODUCTION_TEST_REDIS_URL", "redis://127.0.0.1:6379/14")

pytestmark = [
    pytest.mark.production,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="Two servers share one database only on PostgreSQL: set DATABASE_URL to one.",
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """One gunicorn server, started as scripts/serve starts it, and a visitor's cookies."""

    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.cookies: dict[str, str] = {}
        self.log = log
        self.process = subprocess.Popen(  # noqa: S603 - this project's own server
            [sys.executable, "-m", "gunicorn", "--config", "cspplan/gunicorn.conf.py"],
            cwd=ROOT,
            env={**env, "BIND": f"127.0.0.1:{self.port}", "WEB_CONCURRENCY": "2"},
            stdout=log.open("wb"),
            stderr=subprocess.STDOUT,
        )

    def wait_until_healthy(self) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn stopped:\n{self.log.read_text()}")
            try:
                if self.request("GET", "/health/?format=json")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise TimeoutError(f"The server on port {self.port} was not healthy in time.")

    def request(self, method: str, path: str, fields: dict | None = None):
        """Status, headers and body; cookies the server sets are sent back, as a browser
        would (the Secure flag aside: this is plain HTTP on loopback)."""
        headers = {"Host": "127.0.0.1"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if fields is not None:
            body = urllib.parse.urlencode(fields)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=REQUEST_SECONDS)
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            content = response.read()
        finally:
            conn.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response.status, response.headers, content

    def post_form(self, path: str, fields: dict[str, str]):
        _, _, page = self.request("GET", path)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1].decode()
        return self.request("POST", path, {"csrfmiddlewaretoken": token, **fields})

    def follow_until(self, path: str, limit: float) -> str:
        """Where a waiting page (202) sends its reader once the work is done."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline:
            status, headers, _ = self.request("GET", path)
            if status == 302:
                return headers["Location"]
            assert status == 202, status
            time.sleep(0.5)
        raise TimeoutError(f"{path} was still waiting after {limit} s.")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def worker(env: dict[str, str], log: Path) -> subprocess.Popen:
    """`manage.py run_worker`, as production runs it, in its own process group."""
    return subprocess.Popen(  # noqa: S603 - this project's own worker
        [sys.executable, "manage.py", "run_worker", "--no-reload", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_worker(process: subprocess.Popen, sig: int = signal.SIGTERM) -> None:
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(check, limit: float) -> None:
    deadline = time.monotonic() + limit
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError
        time.sleep(0.05)


@pytest.fixture
def production_env(transactional_db) -> dict[str, str]:
    database = connection.settings_dict
    credentials = urllib.parse.quote(database["USER"] or "")
    if database["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(database["PASSWORD"])
    env = {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": f"production-smoke-test-{uuid.uuid4().hex}{uuid.uuid4().hex}",
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": (
            f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:"
            f"{database['PORT'] or 5432}/{database['NAME']}"
        ),
        "REDIS_URL": REDIS_URL,
    }
    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.ConnectionError:
        pytest.fail(f"The servers need Redis at {REDIS_URL} (PRODUCTION_TEST_REDIS_URL).")
    return env


@pytest.fixture
def two_servers(production_env, tmp_path) -> Iterator[tuple[Server, Server]]:
    """Both servers and a worker read the test database, so they see what the test commits;
    they stop before the test's data is flushed."""
    env = production_env
    background = worker(env, tmp_path / "worker.log")
    servers = (Server(env, tmp_path / "first.log"), Server(env, tmp_path / "second.log"))
    try:
        for server in servers:
            server.wait_until_healthy()
        yield servers
    finally:
        for server in servers:
            server.stop()
        stop_worker(background)


def test_a_plan_published_through_one_server_is_read_through_the_other(
    two_servers, plan, action, administrator
):
    first, second = two_servers
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    args = [plan.partnership.slug, plan.slug]
    page, pdf = reverse("plans:plan_detail", args=args), reverse("plans:plan_pdf", args=args)
    # The second server's visitor reads the plan first: not public yet.
    assert second.request("GET", page)[0] == 404

    # The servers know only the production hashers, not the tests' fast one.
    hasher = PBKDF2PasswordHasher()
    administrator.password = hasher.encode(PASSWORD, hasher.salt())
    administrator.save(update_fields=["password"])
    status, _, _ = first.post_form("/sign-in/", {"username": "administrator", "password": PASSWORD})
    assert status == 302
    status, headers, _ = first.post_form(
        reverse("plans:plan_move", args=[*args, "published"]), {"comment": ""}
    )
    job = Job.objects.get(plan=plan, kind=Job.Kind.PUBLISH)
    progress = reverse("plans:publication_progress", args=[*args, job.pk])
    assert (status, headers["Location"]) == (302, progress)
    # The worker publishes; the progress page then sends its reader to the public page.
    assert first.follow_until(progress, limit=120) == page

    status, _, body = second.request("GET", page)
    assert status == 200
    assert plan.title.encode() in body
    status, headers, body = second.request("GET", pdf)
    assert status == 200
    assert headers["Content-Type"] == "application/pdf"
    assert body.startswith(b"%PDF")
    # Both servers serve the same stored copy.
    assert first.request("GET", pdf)[2] == body


def test_a_worker_killed_mid_publication_is_replaced_and_the_plan_is_published(
    production_env, tmp_path, plan, priority, police, council, national_indicators, administrator
):
    # Enough actions that rendering outlasts the moment it takes to kill the worker.
    add_actions(
        priority,
        60,
        organisations=[police, council],
        indicators=list(national_indicators.indicators.all()),
    )
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.APPROVED)
    job = job_enqueue(kind=Job.Kind.PUBLISH, plan=plan, user=administrator)
    # Longer than a run of this plan takes, so recovery hands on only the killed run.
    env = {**production_env, "TASK_STALE_SECONDS": "15"}
    log = tmp_path / "worker.log"

    first = worker(env, log)
    try:
        wait_for(lambda: Job.objects.filter(pk=job.pk, status="running").exists(), 60)
    finally:
        stop_worker(first, signal.SIGKILL)
    job.refresh_from_db()
    assert job.status == Job.Status.RUNNING, log.read_text()
    second = worker(env, log)
    try:
        wait_for(lambda: Job.objects.filter(pk=job.pk, status__in=["done", "failed"]).exists(), 120)
    finally:
        stop_worker(second)

    job.refresh_from_db()
    assert (job.status, job.attempts) == (Job.Status.DONE, 2), log.read_text()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    copy = plan.published_copies.get()
    assert bytes(copy.pdf).startswith(b"%PDF")
    assert bytes(copy.large_print_pdf).startswith(b"%PDF")
