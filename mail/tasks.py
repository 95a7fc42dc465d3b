"""Background work of the mail channel. Tasks take ids, are safe to run twice, and are queued on commit."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.exceptions import RetryTask

from mail.choices import OutboundStatus
from mail.models import Mailbox, OutboundMessage
from mail.outbound import TRANSIENT_ERRORS, outbound_send, retry_delay
from worker.leases import lease


@db_task(context=False)
def send_outbound_task(outbound_id: int) -> None:
    try:
        outbound_send(outbound_id)
    except TRANSIENT_ERRORS as exc:
        attempts = OutboundMessage.objects.filter(pk=outbound_id).values_list("attempts", "status").first()
        if attempts is not None and attempts[1] == "failed":
            raise RetryTask(f"sending failed ({exc}); trying again", delay=retry_delay(attempts[0])) from exc


@db_task(context=False)
def fetch_mailbox_task(mailbox_id: int) -> None:
    from mail.fetching import mailbox_fetch

    # One fetch per mailbox at a time, whichever worker process or machine runs it; a killed fetcher's lease
    # is taken over by the next run (worker.leases).
    with lease(f"fetch-mailbox-{mailbox_id}"):
        mailbox_fetch(mailbox_id)


@db_periodic_task(crontab(minute="*"))
def fetch_all_mailboxes() -> None:
    for mailbox_id in Mailbox.objects.filter(is_active=True).exclude(imap_host="").values_list("pk", flat=True):
        fetch_mailbox_task(mailbox_id)


STALE_AFTER = dt.timedelta(minutes=15)


@db_periodic_task(crontab(minute="*/10"))
def requeue_stale_outbound_task() -> None:
    """Every ten minutes: a message still waiting 15 minutes after it was queued lost its task (a worker killed
    mid-send, a queue emptied by hand): it is handed to the worker again. Sending twice is refused by
    outbound_send, which skips what is already sent or given up."""
    with lease("requeue-stale-outbound"):
        for outbound_id in stale_outbound_ids(timezone.now() - STALE_AFTER):
            send_outbound_task(outbound_id)


def stale_outbound_ids(before: dt.datetime) -> list[int]:
    return list(
        OutboundMessage.objects.filter(status=OutboundStatus.QUEUED, created_at__lt=before)
        .order_by("pk")
        .values_list("pk", flat=True)[:1000]
    )
