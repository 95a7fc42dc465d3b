"""Reads of webhooks and their deliveries."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet

from webhooks.models import Webhook, WebhookDelivery


def hooks_for_event(event: str) -> list[Webhook]:
    """The active hooks that want `event` (a hook listing no events wants all of them)."""
    # Few rows: filtering the JSON list in Python keeps the query the same on SQLite and PostgreSQL.
    return [hook for hook in Webhook.objects.filter(is_active=True) if hook.wants(event)]


def due_delivery_ids(now: dt.datetime, limit: int = 500) -> list[int]:
    """Deliveries whose next attempt is due: one range query on the partial index of next_attempt_at."""
    due = WebhookDelivery.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at")
    return list(due.values_list("pk", flat=True)[:limit])


def deliveries_of(webhook: Webhook) -> QuerySet[WebhookDelivery]:
    """A hook's delivery history, newest first (the history index)."""
    return WebhookDelivery.objects.filter(webhook=webhook).order_by("-created_at", "-id")
