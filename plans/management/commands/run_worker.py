"""The task worker: django-tasks-db's `db_worker`, plus a look every minute for jobs whose
worker died mid-way (killed, out of memory, its machine restarted), which are run again, and
for done jobs old enough to forget.

Without that look a job nobody waits on (an email) would stay "running" for ever: the dead
worker's queue entry is never picked up again.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connection
from django_tasks_db.management.commands import db_worker

from plans.jobs import jobs_prune, jobs_recover

logger = logging.getLogger(__name__)


def recovery_interval() -> int:
    """Every minute, or more often when a job is stale sooner than that (as in trials)."""
    return max(1, min(60, settings.TASK_STALE_SECONDS))


def _recover_forever(stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            close_old_connections()
            recovered = jobs_recover()
            if recovered:
                logger.warning("Recovered %s job(s) whose worker stopped", recovered)
            jobs_prune()
        except Exception:
            # The database may be restarting; the next look tries again.
            logger.exception("Looking for stopped jobs failed")
        finally:
            connection.close()
        stop.wait(recovery_interval())


class Command(db_worker.Command):
    help = (
        "Run the background worker: publishing, draft PDFs and emails, with jobs whose "
        "worker stopped run again."
    )

    def handle(self, *args, **options) -> None:
        stop = threading.Event()
        # A daemon thread: it ends with the worker, whichever way the worker stops.
        threading.Thread(target=_recover_forever, args=(stop,), daemon=True).start()
        try:
            super().handle(*args, **options)
        finally:
            stop.set()
