"""/health/ for monitors: the database, both caches and the task queue; 200 when all pass, 500
naming the failing check, and nothing secret either way. Also the start-up refusal of a
per-process cache when DEBUG is off."""

import datetime

import pytest
from django.core.checks import run_checks
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from cspplan.checks import shared_cache
from cspplan.tasks import send_password_reset

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: the connection is refused at once.
UNREACHABLE_REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
}
LIMITS_CACHE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "cspplan_limits_cache",
}


def health(client, **extra):
    return client.get(reverse("health"), **extra)


def test_a_healthy_site_answers_200_with_every_check_ok_in_json(client):
    response = health(client, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "Database(alias='default')": "OK",
        "Cache(alias='default')": "OK",
        "Cache(alias='limits')": "OK",
        "TaskQueue(max_wait_minutes=10)": "OK",
    }
    assert "no-cache" in response["Cache-Control"]


def test_format_json_in_the_address_gives_json_too(client):
    response = health(client, QUERY_STRING="format=json")

    assert response.status_code == 200
    assert set(response.json().values()) == {"OK"}


def test_the_page_needs_no_sign_in_and_shows_the_checks_to_a_browser(client):
    response = health(client, HTTP_ACCEPT="text/html")

    assert response.status_code == 200
    assert "Every check passed." in response.text
    assert '<th scope="row" class="govuk-table__header">TaskQueue(max_wait_minutes=10)</th>' in (
        response.text
    )
    assert "_auth_user_id" not in client.session


def test_an_unreachable_cache_answers_500_naming_the_cache_and_nothing_secret(client):
    with override_settings(CACHES={"default": UNREACHABLE_REDIS, "limits": LIMITS_CACHE}):
        response = health(client, HTTP_ACCEPT="application/json")

    assert response.status_code == 500
    report = response.json()
    assert report["Cache(alias='default')"] == "Unexpected Result: Connection Error"
    assert report["Database(alias='default')"] == "OK"
    assert "127.0.0.1" not in response.text
    assert "Traceback" not in response.text


def test_an_unreachable_database_answers_500_without_the_servers_address(client):
    from django.db import connections

    if connections["default"].vendor != "postgresql":
        pytest.skip("Only a PostgreSQL server can be made unreachable by its port.")
    # The check opens its own connection in another thread, from this shared settings dict;
    # the test's open connection is not affected.
    settings_dict = connections["default"].settings_dict
    port = settings_dict["PORT"]
    settings_dict["PORT"] = "1"
    try:
        response = health(client, HTTP_ACCEPT="application/json")
    finally:
        settings_dict["PORT"] = port

    assert response.status_code == 500
    assert response.json()["Database(alias='default')"] == (
        "Unavailable: The database cannot be queried."
    )
    assert "127.0.0.1" not in response.text


def test_a_task_waiting_longer_than_the_limit_answers_500_naming_the_queue(client):
    send_password_reset.enqueue(email="a@example.org", domain="example.org", use_https=True)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=11))

    response = health(client, HTTP_ACCEPT="application/json")

    assert response.status_code == 500
    assert response.json()["TaskQueue(max_wait_minutes=10)"] == (
        "Unavailable: 1 task waited over 10 minutes: is the worker (run_worker) running?"
    )
    page = health(client, HTTP_ACCEPT="text/html")
    assert page.status_code == 500
    assert "1 of 4 checks failing." in page.text


def test_a_task_queued_just_now_is_not_a_fault(client):
    send_password_reset.enqueue(email="a@example.org", domain="example.org", use_https=True)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=9))

    assert health(client, HTTP_ACCEPT="application/json").status_code == 200


def test_a_task_due_to_run_later_is_not_counted_as_waiting(client):
    later = send_password_reset.using(run_after=timezone.now() + datetime.timedelta(hours=1))
    later.enqueue(email="a@example.org", domain="example.org", use_https=True)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(hours=2))

    assert health(client, HTTP_ACCEPT="application/json").status_code == 200


def test_the_wait_limit_is_a_setting(client, settings):
    settings.TASK_QUEUE_MAX_WAIT_MINUTES = 1
    send_password_reset.enqueue(email="a@example.org", domain="example.org", use_https=True)
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(minutes=2))

    response = health(client, HTTP_ACCEPT="application/json")

    assert response.status_code == 500
    assert "1 task waited over 1 minutes" in response.json()["TaskQueue(max_wait_minutes=1)"]


def test_behind_https_a_load_balancer_reads_health_over_plain_http(client, settings):
    settings.SECURE_SSL_REDIRECT = True

    assert health(client, HTTP_ACCEPT="application/json").status_code == 200
    assert client.get(reverse("home")).status_code == 301


def test_health_answers_only_get(client):
    assert client.post(reverse("health")).status_code == 405


# The shared cache required with several processes.


def test_a_per_process_cache_with_debug_off_is_refused_by_name():
    caches = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        "limits": LIMITS_CACHE,
    }
    with override_settings(DEBUG=False, CACHES=caches):
        errors = shared_cache(None)

    assert [error.id for error in errors] == ["cspplan.E001"]
    assert "'default' cache is kept in each process's memory" in errors[0].msg
    assert "REDIS_URL" in errors[0].hint


def test_the_check_command_fails_loudly_on_a_per_process_cache():
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with (
        override_settings(DEBUG=False, CACHES=caches),
        pytest.raises(SystemCheckError, match="cspplan.E001"),
    ):
        call_command("check")


def test_redis_or_the_database_cache_is_shared_and_accepted():
    caches = {"default": UNREACHABLE_REDIS, "limits": LIMITS_CACHE}
    with override_settings(DEBUG=False, CACHES=caches):
        assert shared_cache(None) == []
        assert [e for e in run_checks() if e.id == "cspplan.E001"] == []


def test_development_may_keep_its_memory_cache():
    caches = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    with override_settings(DEBUG=True, CACHES=caches):
        assert shared_cache(None) == []
