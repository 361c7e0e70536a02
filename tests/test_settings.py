"""Settings read from the environment fail loudly on a bad value."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from cspplan.env import env_bool, env_int, env_list, env_str

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
