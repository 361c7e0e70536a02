"""What /health/ checks: the database, both caches and the background task queue.

django-health-check runs them and answers 200 when all pass, 500 naming the failing check
otherwise; monitors ask for JSON (Accept: application/json or ?format=json). The answers name
checks and a short reason only: no address, password or traceback reaches the page (the
library logs the details).
"""

import dataclasses
import datetime

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max
from health_check import checks
from health_check.base import HealthCheck
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView


@dataclasses.dataclass
class Database(checks.Database):
    """The library's check, with a reason that never repeats the driver's message: it can
    name the database server's address."""

    def run(self) -> None:
        try:
            super().run()
        except ServiceUnavailable as failed:
            raise ServiceUnavailable("The database cannot be queried.") from failed


@dataclasses.dataclass
class TaskQueue(HealthCheck):
    """The django-tasks-db queue can be read, and no task due to run has waited longer than
    TASK_QUEUE_MAX_WAIT_MINUTES: a longer wait means no worker (`manage.py run_worker`) is
    running, or it cannot keep up."""

    max_wait_minutes: int = dataclasses.field(
        default_factory=lambda: settings.TASK_QUEUE_MAX_WAIT_MINUTES
    )

    async def run(self) -> None:
        cutoff = timezone.now() - datetime.timedelta(minutes=self.max_wait_minutes)
        # A task given a later start (run_after) waits from then, not from when it was queued.
        overdue = (
            DBTaskResult.objects.ready()
            .filter(enqueued_at__lt=cutoff)
            .filter(Q(run_after=get_date_max()) | Q(run_after__lt=cutoff))
        )
        try:
            waiting = await overdue.acount()
        except DatabaseError as failed:
            raise ServiceUnavailable("The task queue cannot be read.") from failed
        if waiting:
            raise ServiceUnavailable(
                f"{waiting} task{'' if waiting == 1 else 's'} waited over "
                f"{self.max_wait_minutes} minutes: is the worker (run_worker) running?"
            )


class SiteHealthView(HealthCheckView):
    # The site's own page rather than the library's, whose inline styles the site's Content
    # Security Policy would refuse.
    template_name = "health/status.html"
    checks = (
        Database,
        (checks.Cache, {"alias": "default"}),
        (checks.Cache, {"alias": "limits"}),
        TaskQueue,
    )

    def get_context_data(self, **kwargs) -> dict:
        rows = [
            (repr(result.check), str(result.error) if result.error else "OK")
            for result in self.results
        ]
        failing = sum(result != "OK" for _, result in rows)
        return {
            **super().get_context_data(**kwargs),
            "rows": rows,
            "summary": f"{failing} of {len(rows)} checks failing."
            if failing
            else "Every check passed.",
        }


health = SiteHealthView.as_view()
