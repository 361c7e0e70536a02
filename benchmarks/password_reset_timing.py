"""How long a password reset request takes for an address with an account and for one without.

Run from the project root:  python benchmarks/password_reset_timing.py [--runs N]

It builds a throw-away SQLite database with one account (its password hashed by the production
hasher), lifts the reset request limits for the run, and sends the two kinds of request in
turn through Django's test client in this one process, printing the median of each side by
side. The emails themselves are sent afterwards by the queued tasks, outside any request.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = Path(tempfile.mkdtemp(prefix="cspplan-bench-"))

os.environ["DATABASE_URL"] = f"sqlite:///{WORK_DIR / 'bench.sqlite3'}"
os.environ["DEBUG"] = "false"
os.environ.setdefault("SECRET_KEY", "benchmark-only-secret-key-" + "x" * 40)
os.environ["ALLOWED_HOSTS"] = "testserver"
os.environ["MAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
os.environ["RESET_REQUESTS_PER_ADDRESS"] = "100000/h"
os.environ["RESET_REQUESTS_PER_EMAIL"] = "100000/h"
os.environ.pop("REDIS_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cspplan.settings")
sys.path.insert(0, str(BASE_DIR))

import django  # noqa: E402

django.setup()

from django.contrib.auth.models import User  # noqa: E402
from django.core import mail  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

EXISTING = "owner@example.org"
UNKNOWN = "nobody@example.org"


def timed_request(client: Client, email: str) -> float:
    started = time.perf_counter()
    response = client.post("/password-reset/", {"email": email})
    elapsed = time.perf_counter() - started
    assert response.status_code == 302, response.status_code
    return elapsed * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="requests of each kind")
    runs = parser.parse_args().runs
    try:
        call_command("migrate", verbosity=0)
        call_command("createcachetable", verbosity=0)
        User.objects.create_user("owner", EXISTING, "a-long-passphrase-for-the-benchmark")
        mail.outbox = []
        client = Client()
        timed_request(client, UNKNOWN)  # warm up: the first request builds the middleware
        existing, unknown = [], []
        for _ in range(runs):
            existing.append(timed_request(client, EXISTING))
            unknown.append(timed_request(client, UNKNOWN))
        print(f"password reset request, median of {runs} each (ms):")
        print(f"  account exists       {statistics.median(existing):7.1f}")
        print(f"  no such account      {statistics.median(unknown):7.1f}")
        print(f"  emails sent during the requests: {len(mail.outbox)}")
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)


if __name__ == "__main__":
    main()
