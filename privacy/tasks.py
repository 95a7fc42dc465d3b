"""Background work of data-subject requests: building exports, the deadline sweep, deadline e-mails."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from common.text import header_text
from worker.leases import lease


@db_task(context=False)
def build_export_task(export_pk: int) -> None:
    from privacy.exports import produce

    produce(export_pk)


@db_task(context=False, retries=5, retry_delay=120)
def send_deadline_alert_task(to: str, subject: str, body: str) -> None:
    headers = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    email = EmailMessage(
        subject=header_text(subject), body=body, from_email=settings.DEFAULT_FROM_EMAIL, to=[to], headers=headers
    )
    email.send(fail_silently=False)  # a failure is retried by Huey (retries above)


@db_periodic_task(crontab(minute="*/5"))
def subject_request_sweep_task() -> None:
    """Every five minutes: deadline warnings for open requests, and expired exports deleted."""
    from privacy import deadlines, exports

    with lease("subject-request-sweep"):
        deadlines.sweep()
        exports.expire()
