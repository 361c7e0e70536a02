"""Hardening: the Content-Security-Policy, HTTPS from the environment, no caching of personal
pages, a clean deployment check, and server errors that leave a traceback (and an email)."""

from __future__ import annotations

import io
import json
import logging
import re
import secrets
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from cspplan.tasks import send_password_reset
from plans.models import Plan
from plans.workflow import plan_move
from tests.background import get_prepared

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
Status = Plan.Status


def _plan_page(plan: Plan) -> str:
    return reverse("plans:plan_detail", args=[plan.partnership.slug, plan.slug])


def _plan_pdf(plan: Plan) -> str:
    return reverse("plans:plan_pdf", args=[plan.partnership.slug, plan.slug])


@pytest.fixture
def published(plan, action, superuser) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=Status.APPROVED)
    plan.refresh_from_db()
    plan_move(plan=plan, to_status=Status.PUBLISHED, user=superuser)
    return plan


# Content-Security-Policy


def _directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.S)


def _inline_scripts_without_the_nonce(response) -> list[str]:
    """Inline scripts a browser would run that do not carry this response's nonce."""
    nonces = [
        value.removeprefix("'nonce-").removesuffix("'")
        for value in _directives(response).get("script-src", [])
        if value.startswith("'nonce-")
    ]
    offending = []
    for attributes, body in _SCRIPT.findall(response.content.decode()):
        if "src=" in attributes or "application/json" in attributes or not body.strip():
            continue
        if not any(f'nonce="{nonce}"' in attributes for nonce in nonces):
            offending.append(body.strip()[:60])
    return offending


def test_every_page_carries_a_strict_content_security_policy(client, editor, priority):
    client.force_login(editor)

    response = client.get(reverse("priorities:action_plan", args=[priority.pk]))

    assert _directives(response) == {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }


@pytest.mark.parametrize(
    "which", ["home", "sign in", "action plan", "action form", "plan", "admin", "admin change"]
)
def test_no_page_runs_an_inline_script_the_policy_would_refuse(client, superuser, action, which):
    client.force_login(superuser)
    priority = action.priority
    url = {
        "home": reverse("home"),
        "sign in": reverse("login"),
        "action plan": reverse("priorities:action_plan", args=[priority.pk]),
        "action form": reverse("priorities:action_edit", args=[action.pk]),
        "plan": _plan_page(priority.plan),
        "admin": reverse("admin:index"),
        "admin change": reverse("admin:priorities_action_change", args=[action.pk]),
    }[which]
    if which == "sign in":
        client.logout()

    response = client.get(url)

    assert response.status_code == 200
    assert "Content-Security-Policy" in response.headers
    assert _inline_scripts_without_the_nonce(response) == []


def test_a_nonce_in_a_template_is_the_one_the_policy_allows(rf, settings):
    """An inline script that must stay inline gets {{ csp_nonce }}; the header names it."""
    from django.middleware.csp import ContentSecurityPolicyMiddleware
    from django.template import engines

    template = engines["django"].from_string('<script nonce="{{ csp_nonce }}">go()</script>')

    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({}, request))

    response = ContentSecurityPolicyMiddleware(view)(rf.get("/"))

    assert _inline_scripts_without_the_nonce(response) == []
    assert any(v.startswith("'nonce-") for v in _directives(response)["script-src"])


def test_a_public_page_replayed_from_the_cache_carries_the_policy(client, published):
    client.get(_plan_page(published))

    repeat = client.get(_plan_page(published))

    assert _directives(repeat)["default-src"] == ["'self'"]
    assert _inline_scripts_without_the_nonce(repeat) == []


def test_htmx_is_told_to_add_no_inline_styles(client, editor, priority):
    client.force_login(editor)

    response = client.get(reverse("priorities:action_plan", args=[priority.pk]))

    assert '"includeIndicatorStyles": false' in response.text


# HTTPS from the environment


def _settings_from(**environment: str) -> dict:
    script = (
        "import json, cspplan.settings as s; print(json.dumps({name: getattr(s, name) for name "
        "in ['SECURE_SSL_REDIRECT', 'SECURE_HSTS_SECONDS', 'SECURE_HSTS_INCLUDE_SUBDOMAINS', "
        "'SECURE_HSTS_PRELOAD', 'SECURE_PROXY_SSL_HEADER', 'SESSION_COOKIE_SECURE', "
        "'CSRF_COOKIE_SECURE', 'ADMINS', 'LOG_LEVEL']}))"
    )
    result = subprocess.run(  # noqa: S603 (a fixed script)
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def test_https_turns_on_the_redirect_hsts_and_secure_cookies():
    values = _settings_from(HTTPS="true", PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")

    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True


def test_without_https_development_stays_on_plain_http():
    values = _settings_from()

    assert values["SECURE_SSL_REDIRECT"] is False
    assert values["SECURE_HSTS_SECONDS"] == 0
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["SESSION_COOKIE_SECURE"] is False


def test_the_hsts_lifetime_can_be_shortened_while_trying_https_out():
    values = _settings_from(HTTPS="true", HSTS_SECONDS="300")

    assert values["SECURE_HSTS_SECONDS"] == 300


@pytest.fixture
def behind_tls_proxy(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["testserver", "plans.example.org"]


def test_plain_http_is_redirected_to_https(client, behind_tls_proxy):
    response = client.get("/")

    assert response.status_code == 301
    assert response["Location"] == "https://testserver/"


def test_a_request_the_proxy_received_over_tls_is_answered_with_hsts(client, behind_tls_proxy):
    response = client.get("/", headers={"X-Forwarded-Proto": "https"})

    assert response.status_code == 200
    assert response["Strict-Transport-Security"] == ("max-age=31536000; includeSubDomains; preload")


def test_password_reset_links_behind_the_tls_proxy_are_https(client, behind_tls_proxy, editor):
    client.post(
        reverse("password_reset"),
        {"email": editor.email},
        headers={"X-Forwarded-Proto": "https", "Host": "plans.example.org"},
    )
    # The request queues the email with the address it was made at; the worker sends it.
    [queued] = DBTaskResult.objects.all()
    send_password_reset.call(**queued.args_kwargs["kwargs"])

    assert len(mail.outbox) == 1
    assert "https://plans.example.org/password-reset/" in mail.outbox[0].body
    assert "http://" not in mail.outbox[0].body


# No caching of what a signed-in person sees


def test_a_signed_in_page_is_private_and_not_stored(client, editor):
    client.force_login(editor)

    response = client.get("/")

    assert response["Cache-Control"] == "private, no-store"


def test_a_draft_pdf_is_private_and_not_stored(client, editor, plan, action):
    client.force_login(editor)

    response = get_prepared(client, _plan_pdf(plan))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Cache-Control"] == "private, no-store"


def test_a_public_plan_keeps_its_public_caching(client, published):
    for url in (_plan_page(published), _plan_pdf(published)):
        response = client.get(url)

        assert response.status_code == 200
        assert "private" not in response.get("Cache-Control", "")
        assert "no-store" not in response.get("Cache-Control", "")
    assert response.has_header("ETag")


# The deployment check


def test_the_deployment_check_is_clean_with_https_on():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "plans.example.org",
            "HTTPS": "true",
            "PROXY_SSL_HEADER": "HTTP_X_FORWARDED_PROTO",
            "REDIS_URL": "redis://127.0.0.1:6379/0",
        },
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


# Errors are logged


@pytest.fixture
def stderr_log():
    """What the stderr handler writes, caught where it writes it."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "stderr")
    caught = io.StringIO()
    previous = handler.setStream(caught)
    yield caught
    handler.setStream(previous)


def _failing_home(client: Client, user, settings):
    settings.DEBUG = False
    client.raise_request_exception = False
    client.force_login(user)
    with mock.patch("cspplan.views._member_home", side_effect=RuntimeError("the database fell")):
        return client.get("/?from=test")


def test_a_server_error_is_logged_to_stderr_with_its_traceback(
    client, editor, settings, stderr_log
):
    response = _failing_home(client, editor, settings)

    assert response.status_code == 500
    records = [json.loads(line) for line in stderr_log.getvalue().splitlines()]
    errors = [r for r in records if r["logger"] == "django.request"]
    assert len(errors) == 1
    assert errors[0]["level"] == "ERROR"
    assert errors[0]["status_code"] == 500
    assert errors[0]["path"] == "/?from=test"
    assert "Traceback (most recent call last)" in errors[0]["traceback"]
    assert "RuntimeError: the database fell" in errors[0]["traceback"]


def test_a_server_error_is_mailed_to_the_admins_when_there_are_any(
    client, editor, settings, stderr_log
):
    settings.ADMINS = ["Ann Admin <ann@example.org>"]

    _failing_home(client, editor, settings)

    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["Ann Admin <ann@example.org>"]
    assert "RuntimeError" in mail.outbox[0].subject + mail.outbox[0].body


def test_no_mail_is_sent_without_admins(client, editor, settings, stderr_log):
    settings.ADMINS = []

    _failing_home(client, editor, settings)

    assert mail.outbox == []
