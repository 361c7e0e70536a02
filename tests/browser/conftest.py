"""Playwright against Debian's Chromium and Django's live server.

axe.min.js is axe-core 4.14.1 from npm (`npm pack axe-core`), vendored so the accessibility
check needs no network. No browser is downloaded: the tests use /usr/bin/chromium, fail in
CI when it is missing, and are skipped elsewhere with the reason.
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path("/usr/bin/chromium")
AXE = Path(__file__).with_name("axe.min.js")


@pytest.fixture(scope="session", autouse=True)
def chromium_installed() -> None:
    """Runs before the browser fixtures, so a missing Chromium gives this message."""
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"Browser tests need Chromium at {CHROMIUM}; install it with apt-get.")
    pytest.skip(f"Chromium is not installed at {CHROMIUM}")


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    return {
        "executable_path": str(CHROMIUM),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(autouse=True)
def quick_password_hashing(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def no_worker_beside_the_live_server(settings) -> None:
    """No task worker runs beside the live server: pages that wait on a job (publishing, a
    draft's PDF) do it at once in their own request, as they do while the worker is down."""
    settings.TASK_WORKER_GRACE_SECONDS = 0
