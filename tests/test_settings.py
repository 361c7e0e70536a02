"""Settings read from the environment fail loudly on a bad value."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cspplan.env import (
    env_addresses,
    env_bool,
    env_choice,
    env_header,
    env_int,
    env_list,
    env_str,
)

ROOT = Path(__file__).resolve().parent.parent


def test_env_bool_refuses_a_word_it_does_not_know(monkeypatch):
    monkeypatch.setenv("DEBUG", "maybe")

    with pytest.raises(ImproperlyConfigured, match="DEBUG must be true or false"):
        env_bool("DEBUG", default=True)


def test_env_bool_reads_false(monkeypatch):
    monkeypatch.setenv("DEBUG", "False")

    assert env_bool("DEBUG", default=True) is False


def test_env_int_refuses_a_word(monkeypatch):
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "ten")

    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("DATABASE_CONN_MAX_AGE", default=0)


def test_env_list_refuses_empty_items(monkeypatch):
    monkeypatch.setenv("ALLOWED_HOSTS", "example.org,,other.org")

    with pytest.raises(ImproperlyConfigured, match="no empty items"):
        env_list("ALLOWED_HOSTS", default=[])


def test_env_str_without_a_default_must_be_set(monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)

    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY must be set"):
        env_str("SECRET_KEY")


def _import_settings(**environment: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import cspplan.settings"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = _import_settings(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_start_with_a_secret_key_and_database_url():
    result = _import_settings(
        DEBUG="false", SECRET_KEY="a-real-secret", DATABASE_URL="postgres://u@localhost/db"
    )

    assert result.returncode == 0, result.stderr


def test_kept_database_connections_are_checked_before_use():
    """A kept connection the database ended (benchmarks/load.py cuts them all) is replaced,
    not used: otherwise each worker's next request fails and db_worker stops."""
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cspplan import settings; print(settings.DATABASES['default']['CONN_MAX_AGE'],"
            " settings.DATABASES['default']['CONN_HEALTH_CHECKS'])",
        ],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "DATABASE_CONN_MAX_AGE": "60"},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.split() == ["60", "True"]


def test_env_addresses_reads_names_and_quoted_commas(monkeypatch):
    monkeypatch.setenv("ADMINS", 'Ann Admin <ann@example.org>, "Ng, Mary" <mary@example.org>')

    assert env_addresses("ADMINS") == [
        "Ann Admin <ann@example.org>",
        '"Ng, Mary" <mary@example.org>',
    ]


def test_env_addresses_is_empty_when_unset(monkeypatch):
    monkeypatch.delenv("ADMINS", raising=False)

    assert env_addresses("ADMINS") == []


@pytest.mark.parametrize(
    "value", ["ann@example.org,,ops@example.org", "Ann <ann@>", "not an address", "a@b.org c@d.org"]
)
def test_env_addresses_refuses_anything_but_addresses(monkeypatch, value):
    monkeypatch.setenv("ADMINS", value)

    with pytest.raises(ImproperlyConfigured, match="ADMINS"):
        env_addresses("ADMINS")


def test_env_choice_refuses_an_unknown_log_level(monkeypatch):
    monkeypatch.setenv("LOG_LEVEL", "LOUD")

    with pytest.raises(ImproperlyConfigured, match="LOG_LEVEL must be one of DEBUG, INFO"):
        env_choice("LOG_LEVEL", ["DEBUG", "INFO"], default="INFO")


def test_env_header_wants_the_name_django_gives_the_header(monkeypatch):
    monkeypatch.setenv("PROXY_SSL_HEADER", "X-Forwarded-Proto")

    with pytest.raises(ImproperlyConfigured, match="HTTP_X_FORWARDED_PROTO"):
        env_header("PROXY_SSL_HEADER")


def test_env_header_reads_a_meta_name(monkeypatch):
    monkeypatch.setenv("PROXY_SSL_HEADER", "HTTP_X_FORWARDED_PROTO")

    assert env_header("PROXY_SSL_HEADER") == "HTTP_X_FORWARDED_PROTO"


def test_settings_refuse_to_start_with_a_mistyped_admins_address():
    result = _import_settings(ADMINS="ann@example.org; ops@example.org")

    assert result.returncode != 0
    assert "ADMINS" in result.stderr


def test_settings_refuse_to_start_with_a_mistyped_https_switch():
    result = _import_settings(HTTPS="yes please")

    assert result.returncode != 0
    assert "HTTPS must be true or false" in result.stderr


@pytest.mark.parametrize(
    ("redis_url", "engine"),
    [
        ("redis://127.0.0.1:6379/0", "django.contrib.sessions.backends.cache"),
        ("", "django.contrib.sessions.backends.db"),
    ],
)
def test_sessions_live_in_redis_when_there_is_one_and_in_the_database_otherwise(redis_url, engine):
    result = subprocess.run(
        [sys.executable, "-c", "from cspplan import settings; print(settings.SESSION_ENGINE)"],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", "REDIS_URL": redis_url},
        capture_output=True,
        text=True,
        check=True,
    )

    assert result.stdout.strip() == engine
