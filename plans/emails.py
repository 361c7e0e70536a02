"""Emails sent by the task worker, so a slow or absent mail server never holds up a page or
a command, and a failed send is retried (plans.jobs) rather than lost."""

from __future__ import annotations

from django.core.mail import EmailMultiAlternatives

from plans.jobs import job_enqueue
from plans.models import Job


def email_enqueue(*, message: EmailMultiAlternatives) -> Job:
    """Queue the message as written; called inside the transaction that records why it is
    sent, so the record and the email stand or fall together."""
    return job_enqueue(
        kind=Job.Kind.EMAIL,
        payload={
            "subject": message.subject,
            "body": message.body,
            "from_email": message.from_email,
            "to": list(message.to),
            "alternatives": [
                [alternative.content, alternative.mimetype] for alternative in message.alternatives
            ],
        },
    )


def email_send(job: Job) -> None:
    payload = job.payload
    message = EmailMultiAlternatives(
        subject=payload["subject"],
        body=payload["body"],
        from_email=payload["from_email"],
        to=payload["to"],
    )
    for content, mimetype in payload["alternatives"]:
        message.attach_alternative(content, mimetype)
    message.send()
