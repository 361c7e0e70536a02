"""Running background jobs inside a test, as `manage.py run_worker` would run them."""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client
from django.utils import timezone

from plans.jobs import job_run
from plans.models import Job


def run_jobs(*, rounds: int = 1) -> list[Job]:
    """Run every waiting job now, those put off for later included; with more rounds, the
    jobs they queue and the retries of failed ones too."""
    ran: list[Job] = []
    for _ in range(rounds):
        waiting = list(Job.objects.filter(status=Job.Status.WAITING).order_by("pk"))
        Job.objects.filter(pk__in=[job.pk for job in waiting]).update(run_after=timezone.now())
        for job in waiting:
            done = job_run(job_id=job.pk)
            if done is not None:
                ran.append(done)
    return ran


def get_prepared(client: Client, url: str, **extra) -> HttpResponse:
    """A draft's PDF as a member downloads it once the worker has prepared it."""
    response = client.get(url, **extra)
    if response.status_code == 202:
        run_jobs()
        response = client.get(url, **extra)
    return response
