"""The production start (scripts/serve, cspplan/gunicorn.conf.py), the Dockerfile and
compose.yaml, checked without Docker: this machine has no Docker daemon, so the files are read
and their settings started the way the containers would start them."""

import os
import re
import runpy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ImproperlyConfigured

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES = COMPOSE["services"]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
# What settings.py requires with DEBUG off (SECRET_KEY), and what scripts/serve and the
# shared-cache check (cspplan.E001) require on top.
REQUIRED = {"DEBUG", "SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "REDIS_URL"}


def settings_issues(environment: dict[str, str]) -> list[str]:
    """The deployment and cache checks' unsilenced issues, for settings read from exactly this
    environment, in a fresh process as a container would start."""
    code = (
        "import django; django.setup()\n"
        "from django.core.checks import run_checks\n"
        "issues = run_checks(include_deployment_checks=True, tags=['security', 'caches'])\n"
        "print(' '.join(i.id for i in issues if not i.is_silenced()))\n"
    )
    env = {
        "PATH": os.environ["PATH"],
        "DJANGO_SETTINGS_MODULE": "cspplan.settings",
        **{name: str(value) for name, value in environment.items()},
    }
    result = subprocess.run(  # noqa: S603 - this project's own settings
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_compose_runs_two_app_servers_a_worker_postgresql_15_and_redis_7():
    assert set(SERVICES) == {"app1", "app2", "worker", "postgres", "redis"}
    assert SERVICES["postgres"]["image"] == "postgres:15"
    assert SERVICES["redis"]["image"] == "redis:7"
    assert SERVICES["app1"]["ports"] == ["8001:8000"]
    assert SERVICES["app2"]["ports"] == ["8002:8000"]
    assert SERVICES["worker"]["command"] == ["python", "manage.py", "run_worker", "--no-reload"]
    for name in ("app1", "app2", "worker"):
        assert SERVICES[name]["build"] == "."
    assert "command" not in SERVICES["app1"]  # the image's own: scripts/serve


def test_only_the_first_server_migrates_before_the_others_start():
    assert SERVICES["app2"]["depends_on"] == {"app1": {"condition": "service_healthy"}}
    assert SERVICES["worker"]["depends_on"] == {"app1": {"condition": "service_healthy"}}
    assert "/health/" in " ".join(SERVICES["app1"]["healthcheck"]["test"])


@pytest.mark.parametrize("name", ["app1", "app2", "worker"])
def test_every_variable_the_app_requires_is_set_for_each_app_container(name):
    environment = SERVICES[name]["environment"]

    assert environment.keys() >= REQUIRED
    assert environment["DEBUG"] == "false"
    assert environment["DATABASE_URL"].startswith("postgres://")
    assert "@postgres:5432/" in environment["DATABASE_URL"]
    assert environment["REDIS_URL"] == "redis://redis:6379/0"


def test_the_compose_environment_passes_the_deployment_check_with_only_https_silenced():
    environment = SERVICES["app1"]["environment"]
    secret = re.fullmatch(r"\$\{SECRET_KEY:-(.+)\}", environment["SECRET_KEY"])[1]

    assert settings_issues({**environment, "SECRET_KEY": secret}) == []
    assert environment["SILENCED_SYSTEM_CHECKS"] == "security.W004,security.W008"


def test_without_redis_the_compose_environment_is_refused_for_its_per_process_cache():
    environment = dict(SERVICES["app1"]["environment"])
    del environment["REDIS_URL"]
    environment["SECRET_KEY"] = "a-long-enough-test-only-secret-key-" + "x" * 30

    assert settings_issues(environment) == ["cspplan.E001"]


def test_the_production_settings_with_https_have_no_deployment_warnings_at_all():
    environment = {
        "DEBUG": "false",
        "SECRET_KEY": "a-long-enough-test-only-secret-key-" + "x" * 30,
        "ALLOWED_HOSTS": "plans.example.org",
        "DATABASE_URL": "postgres://cspplan@db.example.org:5432/cspplan",
        "REDIS_URL": "redis://cache.example.org:6379/0",
        "HTTPS": "true",
    }
    assert settings_issues(environment) == []
    assert settings_issues({**environment, "HTTPS": "false"}) == ["security.W004", "security.W008"]


def test_the_dockerfile_installs_the_hashed_lock_and_runs_scripts_serve_as_a_plain_user():
    assert DOCKERFILE.startswith("#") and "\nFROM python:3.12-slim-bookworm\n" in DOCKERFILE
    assert "RUN pip install --require-hashes -r requirements.lock\n" in DOCKERFILE
    assert "COPY requirements.lock ." in DOCKERFILE
    assert re.search(r"^USER cspplan$", DOCKERFILE, re.MULTILINE)
    assert DOCKERFILE.rstrip().endswith('CMD ["scripts/serve"]')


def test_the_dockerfile_installs_the_fonts_and_libraries_pdfs_are_drawn_with():
    packages = set(re.findall(r"[a-z0-9][a-z0-9.+-]+", DOCKERFILE.split("install -y")[1]))
    test_script = (ROOT / "scripts/test").read_text()
    fonts = set(re.search(r"for package in ([^;]+);", test_script)[1].split())

    assert fonts <= packages
    assert {"libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0"} <= packages


def test_the_dockerfiles_stamp_keeps_scripts_from_reinstalling_over_the_image():
    """scripts/_env.sh reinstalls when .venv/.lock-installed differs from the lock."""
    env_script = (ROOT / "scripts/_env.sh").read_text()
    assert 'STAMP="$VENV/.lock-installed"' in env_script
    assert "cp requirements.lock .venv/.lock-installed" in DOCKERFILE


# gunicorn's settings and scripts/serve's refusals.


def gunicorn_settings(monkeypatch, **environment: str) -> dict:
    for name in ("WEB_CONCURRENCY", "BIND", "GUNICORN_TIMEOUT", "PDF_RENDER_TIMEOUT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(ROOT / "cspplan/gunicorn.conf.py"))


def test_gunicorn_defaults_to_loopback_two_workers_a_cpu_and_a_timeout_above_the_pdfs(
    monkeypatch,
):
    config = gunicorn_settings(monkeypatch)

    assert config["wsgi_app"] == "cspplan.wsgi:application"
    assert config["bind"] == ["127.0.0.1:8000"]
    assert config["workers"] == 2 * os.cpu_count() + 1
    assert config["timeout"] == 75
    assert config["accesslog"] == "-"
    assert config["secure_scheme_headers"] == {}


def test_gunicorn_reads_its_workers_address_and_timeout_from_the_environment(monkeypatch):
    config = gunicorn_settings(
        monkeypatch, WEB_CONCURRENCY="3", BIND="0.0.0.0:9000", GUNICORN_TIMEOUT="120"
    )

    assert (config["workers"], config["bind"], config["timeout"]) == (3, ["0.0.0.0:9000"], 120)


def test_a_gunicorn_timeout_not_above_the_pdf_limit_is_refused(monkeypatch):
    with pytest.raises(ImproperlyConfigured, match="GUNICORN_TIMEOUT \\(30\\) must be above"):
        gunicorn_settings(monkeypatch, GUNICORN_TIMEOUT="30", PDF_RENDER_TIMEOUT="30")


def run_serve(**environment: str) -> subprocess.CompletedProcess:
    env = {"PATH": os.environ["PATH"], **environment}
    return subprocess.run(  # noqa: S603 - this project's own script
        [str(ROOT / "scripts/serve")], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )


def test_serve_refuses_to_start_without_debug_off():
    result = run_serve()

    assert result.returncode == 1
    assert "set DEBUG=false (scripts/start is for development)" in result.stderr


def test_serve_names_every_missing_production_setting():
    result = run_serve(DEBUG="false", SECRET_KEY="s" * 50)

    assert result.returncode == 1
    assert "scripts/serve needs ALLOWED_HOSTS DATABASE_URL set" in result.stderr
