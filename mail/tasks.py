"""Background work of the mail channel. Tasks take ids, are safe to run twice, and are queued on commit."""

from __future__ import annotations

from huey.contrib.djhuey import db_task
from huey.exceptions import RetryTask

from mail.models import OutboundMessage
from mail.outbound import TRANSIENT_ERRORS, outbound_send, retry_delay


@db_task(context=False)
def send_outbound_task(outbound_id: int) -> None:
    try:
        outbound_send(outbound_id)
    except TRANSIENT_ERRORS as exc:
        attempts = OutboundMessage.objects.filter(pk=outbound_id).values_list("attempts", "status").first()
        if attempts is not None and attempts[1] == "failed":
            raise RetryTask(f"sending failed ({exc}); trying again", delay=retry_delay(attempts[0])) from exc
