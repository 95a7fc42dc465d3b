"""Background work of webhooks. Tasks take ids, are safe to run twice, and are queued on commit."""

from __future__ import annotations

import math

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task
from huey.exceptions import RetryTask

from webhooks.choices import DeliveryStatus
from webhooks.services import deliveries_requeue_due, delivery_attempt


@db_task(context=False)
def deliver_webhook_task(delivery_id: int) -> None:
    delivery = delivery_attempt(delivery_id)
    if delivery is not None and delivery.status == DeliveryStatus.FAILED and delivery.next_attempt_at:
        delay = max(1, math.ceil((delivery.next_attempt_at - timezone.now()).total_seconds()))
        raise RetryTask(f"webhook delivery failed ({delivery.error}); trying again", delay=delay)


@db_periodic_task(crontab(minute="*"))
def requeue_due_webhook_deliveries() -> None:
    deliveries_requeue_due()
