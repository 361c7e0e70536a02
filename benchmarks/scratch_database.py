"""A throw-away PostgreSQL database for a benchmark, made on the server DATABASE_URL names.

Imported by the benchmark scripts, which run from the project root as `python benchmarks/x.py`
(so this directory is on sys.path) before Django is set up.
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

import psycopg2

NEEDS_POSTGRES = (
    "Set DATABASE_URL to a PostgreSQL server, e.g. postgres://postgres@127.0.0.1:5432/postgres"
)


class ScratchDatabase:
    def __init__(self, name: str) -> None:
        server_url = os.environ.get("DATABASE_URL", "")
        if not server_url.startswith("postgres"):
            sys.exit(NEEDS_POSTGRES)
        parts = urlsplit(server_url)
        self.name = name
        self.url = urlunsplit(parts._replace(path=f"/{name}"))
        self._maintenance_url = urlunsplit(parts._replace(path="/postgres"))

    def create(self) -> None:
        """Empty: dropped first if an earlier run kept it."""
        self.drop()
        self._run(f"CREATE DATABASE {self.name}")

    def drop(self) -> None:
        self._run(f"DROP DATABASE IF EXISTS {self.name}")

    def _run(self, sql: str) -> None:
        server = psycopg2.connect(self._maintenance_url)
        server.autocommit = True  # CREATE and DROP DATABASE refuse a transaction
        try:
            with server.cursor() as cursor:
                cursor.execute(sql)
        finally:
            server.close()
