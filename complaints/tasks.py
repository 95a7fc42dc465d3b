"""Background work of the complaint register: sending its e-mails, the deadline sweep, the retention purge."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.exceptions import RetryTask

from complaints import deadlines, retention
from complaints.choices import MessageStatus
from complaints.models import ComplaintMessage
from mail.outbound import TRANSIENT_ERRORS, retry_delay
from worker.leases import lease


@db_task(context=False)
def send_complaint_message_task(message_pk: int) -> None:
    from complaints.mailing import send
    from complaints.models import ComplaintMessage

    try:
        send(message_pk)
    except TRANSIENT_ERRORS as exc:
        state = ComplaintMessage.objects.filter(pk=message_pk).values_list("attempts", "status").first()
        if state is not None and state[1] == "failed":
            raise RetryTask(f"sending failed ({exc}); trying again", delay=retry_delay(state[0])) from exc


@db_periodic_task(crontab(minute="*/5"))
def complaint_deadline_sweep_task() -> None:
    """Every five minutes: warnings before the answer deadline, escalations after it (each once)."""
    with lease("complaint-deadline-sweep"):
        deadlines.sweep()


@db_periodic_task(crontab(hour="2", minute="30"))
def complaint_retention_task() -> None:
    """Every night: complaints past their retention period lose their personal data (deletion log kept)."""
    with lease("complaint-retention"):
        retention.purge_expired()


@db_periodic_task(crontab(minute="*/10"))
def requeue_stale_complaint_messages_task() -> None:
    """Every ten minutes: a complaint e-mail still waiting 15 minutes after it was queued lost its task; it is
    handed to the worker again (`send` skips what is already sent)."""
    before = timezone.now() - dt.timedelta(minutes=15)
    with lease("requeue-stale-complaint-messages"):
        stale = ComplaintMessage.objects.filter(status=MessageStatus.QUEUED, created_at__lt=before)
        for message_pk in stale.order_by("pk").values_list("pk", flat=True)[:1000]:
            send_complaint_message_task(message_pk)
