"""Limits on failed sign-ins (per account at an address, and per address) and on reset requests,
including across two server processes that share the database."""

import datetime
import http.client
import os
import re
import socket
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cspplan.tasks import send_password_reset
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER = "203.0.113.7"
OWNER = "198.51.100.20"
ACCOUNT_LIMIT = settings.SIGN_IN_FAILURES_PER_ACCOUNT_AND_ADDRESS
ADDRESS_LIMIT = settings.SIGN_IN_FAILURES_PER_ADDRESS
LOCKED_MESSAGE = "too many attempts to sign in from your connection"


def sign_in(client, username: str, password: str, address: str, url: str | None = None):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_wrong_passwords_lock_the_account_at_that_address_even_for_the_right_password(
    client, viewer
):
    for _ in range(ACCOUNT_LIMIT - 1):
        response = sign_in(client, "viewer", "wrong", ATTACKER)
        assert response.status_code == 200
        assert "Please enter a correct username and password" in response.text
    response = sign_in(client, "viewer", "wrong", ATTACKER)
    assert response.status_code == 429

    response = sign_in(client, "viewer", PASSWORD, ATTACKER)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.text
    assert "Wait 15 minutes" in response.text
    assert "govuk-error-summary" in response.text
    assert "_auth_user_id" not in client.session


def test_the_right_password_from_another_address_still_signs_in(client, viewer):
    for _ in range(ACCOUNT_LIMIT + 3):
        sign_in(client, "viewer", "wrong", ATTACKER)
    assert sign_in(client, "viewer", PASSWORD, ATTACKER).status_code == 429

    response = sign_in(client, "viewer", PASSWORD, OWNER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(viewer.pk)


def test_signing_in_forgives_earlier_typos_for_that_account_only(client, viewer):
    for _ in range(ACCOUNT_LIMIT - 1):
        sign_in(client, "viewer", "wrong", OWNER)
    for n in range(3):
        sign_in(client, f"person{n}", "wrong", OWNER)
    assert sign_in(client, "viewer", PASSWORD, OWNER).status_code == 302
    client.logout()

    assert sign_in(client, "viewer", "typo", OWNER).status_code == 200
    assert AccessAttempt.objects.filter(username="viewer").get().failures_since_start == 1
    assert AccessAttempt.objects.exclude(username="viewer").count() == 3


def test_the_sign_in_page_can_still_be_read_while_locked_out(client, viewer):
    for _ in range(ACCOUNT_LIMIT):
        sign_in(client, "viewer", "wrong", ATTACKER)
    assert client.get(reverse("login"), REMOTE_ADDR=ATTACKER).status_code == 200


def test_one_address_trying_many_usernames_is_locked_out_at_the_higher_limit(client, viewer):
    usernames = [f"person{n}" for n in range(ADDRESS_LIMIT)]
    for username in usernames[:-1]:
        assert sign_in(client, username, "Summer2026!", ATTACKER).status_code == 200
    assert sign_in(client, usernames[-1], "Summer2026!", ATTACKER).status_code == 429

    assert sign_in(client, "viewer", PASSWORD, ATTACKER).status_code == 429
    assert sign_in(client, "viewer", PASSWORD, OWNER).status_code == 302


def test_a_lockout_ends_after_the_cool_off_time(client, viewer):
    for _ in range(ACCOUNT_LIMIT):
        sign_in(client, "viewer", "wrong", ATTACKER)

    def last_failure_was(minutes_ago: int) -> None:
        when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
        AccessAttempt.objects.update(attempt_time=when)

    last_failure_was(settings.SIGN_IN_COOL_OFF_MINUTES - 1)
    assert sign_in(client, "viewer", PASSWORD, ATTACKER).status_code == 429

    last_failure_was(settings.SIGN_IN_COOL_OFF_MINUTES + 1)
    response = sign_in(client, "viewer", PASSWORD, ATTACKER)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(viewer.pk)


def test_the_admin_sign_in_is_limited_the_same_way(client, superuser):
    admin_login = reverse("admin:login")
    username = superuser.username
    for _ in range(ACCOUNT_LIMIT - 1):
        assert sign_in(client, username, "wrong", ATTACKER, admin_login).status_code == 200
    assert sign_in(client, username, "wrong", ATTACKER, admin_login).status_code == 429

    response = sign_in(client, username, PASSWORD, ATTACKER, admin_login)
    assert response.status_code == 429
    assert LOCKED_MESSAGE in response.text
    assert "_auth_user_id" not in client.session

    response = sign_in(client, username, PASSWORD, OWNER, admin_login)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(superuser.pk)


def test_failures_at_the_admin_and_the_sign_in_page_add_up(client, viewer):
    for n in range(ACCOUNT_LIMIT - 1):
        sign_in(client, "viewer", "wrong", ATTACKER, reverse("admin:login") if n % 2 else None)
    assert sign_in(client, "viewer", "wrong", ATTACKER).status_code == 429


def test_behind_a_proxy_the_forwarded_address_is_counted_not_a_spoofed_one(
    client, viewer, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.1"
    for n in range(ACCOUNT_LIMIT):
        client.post(
            reverse("login"),
            {"username": "viewer", "password": "wrong"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {ATTACKER}",
        )
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ATTACKER}
    response = client.post(
        reverse("login"),
        {"username": "viewer", "password": PASSWORD},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR=OWNER,
    )
    assert response.status_code == 302


def reset_request(client, email: str, address: str):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_a_reset_request_does_the_same_work_whether_or_not_the_account_exists(client, viewer):
    queries = {}
    for email, address in [("viewer@example.org", ATTACKER), ("nobody@example.org", OWNER)]:
        with CaptureQueriesContext(connection) as captured:
            response = reset_request(client, email, address)
        assert response.status_code == 302
        assert response.url == reverse("password_reset_done")
        queries[email] = [query["sql"] for query in captured.captured_queries]

    existing, unknown = queries.values()
    assert len(existing) == len(unknown)
    assert not any("auth_user" in sql for sql in existing + unknown)
    assert mail.outbox == []
    queued = DBTaskResult.objects.order_by("enqueued_at")
    assert [task.task_path for task in queued] == ["cspplan.tasks.send_password_reset"] * 2
    assert [task.args_kwargs["kwargs"]["email"] for task in queued] == [
        "viewer@example.org",
        "nobody@example.org",
    ]


def test_the_reset_task_emails_only_an_active_account_with_that_address(viewer, editor):
    editor.is_active = False
    editor.save()
    for email in ["nobody@example.org", editor.email, "VIEWER@example.org"]:
        send_password_reset.call(email=email, domain="plans.example.org", use_https=True)

    [email] = mail.outbox
    assert email.to == ["viewer@example.org"]
    assert re.search(r"https://plans\.example\.org/password-reset/\S+/\S+/", email.body)


def test_reset_requests_are_limited_per_address(client):
    for n in range(10):
        assert reset_request(client, f"person{n}@example.org", ATTACKER).status_code == 302
    response = reset_request(client, "person10@example.org", ATTACKER)
    assert response.status_code == 429
    assert "too many requests to reset a password" in response.text
    assert reset_request(client, "person10@example.org", OWNER).status_code == 302


def test_reset_requests_are_limited_per_email_address_from_any_address(client, viewer):
    for n in range(3):
        assert reset_request(client, "viewer@example.org", f"192.0.2.{n}").status_code == 302
    assert reset_request(client, "Viewer@Example.org", "192.0.2.9").status_code == 429
    assert DBTaskResult.objects.count() == 3


# Two real server processes sharing one database file.

ROOT = Path(__file__).resolve().parent.parent
SERVER_START_SECONDS = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str) -> None:
    command = [sys.executable, "manage.py", *args]
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=120)  # noqa: S603 - our own


class Server:
    """One `runserver` process; requests can come from any 127.x address."""

    def __init__(self, env: dict) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(  # noqa: S603 - this project's own server
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def wait_until_up(self) -> None:
        deadline = time.monotonic() + SERVER_START_SECONDS
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.2)
        raise TimeoutError(f"The server on port {self.port} did not start.")

    def request(self, method: str, path: str, source: str, body: str = "", headers=None):
        conn = http.client.HTTPConnection(
            "127.0.0.1", self.port, timeout=30, source_address=(source, 0)
        )
        try:
            conn.request(method, path, body=body, headers=headers or {})
            response = conn.getresponse()
            return response.status, response.read().decode(), response.getheader("Set-Cookie")
        finally:
            conn.close()

    def post_form(self, path: str, fields: dict, source: str) -> int:
        """Read the form's page for a CSRF token, then post the fields; the answer's status."""
        _, page, cookie = self.request("GET", path, source)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]
        csrf_cookie = re.search(r"csrftoken=([^;]+)", cookie)[1]
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **fields})
        status, _, _ = self.request(
            "POST",
            path,
            source,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": f"csrftoken={csrf_cookie}",
            },
        )
        return status

    def sign_in(self, username: str, password: str, source: str) -> int:
        return self.post_form("/sign-in/", {"username": username, "password": password}, source)

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory) -> Iterator[tuple[Server, Server]]:
    """Started once for the module: migrating a fresh database takes several seconds. Each test
    uses its own client addresses and account, so they do not see each other's counts."""
    database = tmp_path_factory.mktemp("two_servers") / "shared.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    env.pop("REDIS_URL", None)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "createcachetable")
    manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        f"User.objects.create_user('owner', 'owner@example.org', '{PASSWORD}')",
    )
    servers = (Server(env), Server(env))
    try:
        for server in servers:
            server.wait_until_up()
        yield servers
    finally:
        for server in servers:
            server.stop()


def test_the_limit_is_reached_at_the_same_count_across_two_server_processes(two_servers):
    first, second = two_servers
    attacker, owner = "127.0.0.2", "127.0.0.3"
    statuses = [
        (first, second)[n % 2].sign_in("owner", "wrong", attacker) for n in range(ACCOUNT_LIMIT)
    ]
    assert statuses == [200] * (ACCOUNT_LIMIT - 1) + [429]

    assert first.sign_in("owner", PASSWORD, attacker) == 429
    assert second.sign_in("owner", PASSWORD, attacker) == 429
    assert second.sign_in("owner", PASSWORD, owner) == 302


def test_reset_requests_for_one_email_are_limited_across_two_server_processes(two_servers):
    first, second = two_servers
    statuses = [
        (first, second)[n % 2].post_form(
            "/password-reset/", {"email": "owner@example.org"}, f"127.0.0.{n + 2}"
        )
        for n in range(4)
    ]
    assert statuses == [302, 302, 302, 429]
