"""Reads of webhooks and their deliveries."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from webhooks.models import Webhook, WebhookDelivery


def active_hooks() -> list[Webhook]:
    """Few rows: which events a hook wants is asked of each (`Webhook.wants`), the same on both databases."""
    return list(Webhook.objects.filter(is_active=True))


def due_delivery_ids(now: dt.datetime, limit: int = 500) -> list[int]:
    """Deliveries whose next attempt is due: one range query on the partial index of next_attempt_at."""
    due = WebhookDelivery.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at")
    return list(due.values_list("pk", flat=True)[:limit])


def deliveries_of(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """A hook's delivery history, newest first (the history index)."""
    return WebhookDelivery.objects.filter(webhook=webhook).order_by("-created_at", "-id")
