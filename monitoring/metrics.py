"""Prometheus metrics: what django-prometheus counts per request, plus Pult's own gauges read at scrape time.

Requests by view, method and status and their latency come from django-prometheus' middleware, in each process.
gunicorn runs several worker processes: with PROMETHEUS_MULTIPROC_DIR set (deploy/gunicorn.conf.py sets and
empties it), every process writes its numbers there and a scrape adds them up (prometheus_client's
multiprocess mode).

Pult's gauges describe the whole installation, not the process, so every web process answers the same: the
background queue's depth, the e-mails and webhook deliveries the worker failed to send, tasks that raised
(with Redis), and how long ago each active mailbox was last fetched. No personal data: counts, task names and
mailbox names only.
"""

from __future__ import annotations

import ipaddress
import logging
import os
import secrets
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from common.clients import client_ip
from monitoring import task_errors

logger = logging.getLogger(__name__)


class PultCollector(Collector):
    """Pult's gauges. A source that cannot be read (the database, the queue, the cache) leaves its metrics out
    and sets pult_metrics_source_up{source} to 0, so the request metrics still reach Prometheus."""

    def collect(self) -> Iterable[Metric]:
        up = GaugeMetricFamily(
            "pult_metrics_source_up",
            "1 if the source of Pult's gauges could be read at this scrape, else 0.",
            labels=["source"],
        )
        sources = [("queue", _queue_metrics), ("database", _database_metrics)]
        if task_errors.counted():
            sources.append(("cache", _task_error_metrics))
        for source, read in sources:
            try:
                metrics = list(read())
            except Exception:
                logger.warning("metrics source %s could not be read", source, exc_info=True)
                up.add_metric([source], 0)
            else:
                up.add_metric([source], 1)
                yield from metrics
        yield up


def _queue_metrics() -> Iterable[Metric]:
    from huey.contrib.djhuey import HUEY

    queue = GaugeMetricFamily(
        "pult_queue_tasks",
        "Background tasks waiting in the queue (pending) or for their time (scheduled).",
        labels=["state"],
    )
    queue.add_metric(["pending"], HUEY.pending_count())
    queue.add_metric(["scheduled"], HUEY.scheduled_count())
    yield queue


def _database_metrics() -> Iterable[Metric]:
    from mail.choices import OutboundStatus
    from mail.models import Mailbox, OutboundMessage
    from webhooks.choices import DeliveryStatus
    from webhooks.models import WebhookDelivery

    failed = GaugeMetricFamily(
        "pult_failed_deliveries",
        "Outgoing e-mails and webhook deliveries the worker could not complete: failed (to be retried) or given up.",
        labels=["kind", "status"],
    )
    mail_counts = dict.fromkeys([str(OutboundStatus.FAILED), str(OutboundStatus.GIVEN_UP)], 0)
    mail_counts |= dict(_count_by_status(OutboundMessage.objects.filter(status__in=list(mail_counts))))
    for status, count in mail_counts.items():
        failed.add_metric(["email", status], count)
    hook_counts = dict.fromkeys([str(DeliveryStatus.FAILED), str(DeliveryStatus.GAVE_UP)], 0)
    hook_counts |= dict(_count_by_status(WebhookDelivery.objects.filter(status__in=list(hook_counts))))
    for status, count in hook_counts.items():
        failed.add_metric(["webhook", status], count)
    yield failed

    lag = GaugeMetricFamily(
        "pult_mail_fetch_lag_seconds",
        "Seconds since the last successful fetch of each active IMAP mailbox (never fetched: since it was created).",
        labels=["mailbox", "name"],
    )
    now = timezone.now()
    mailboxes = Mailbox.objects.filter(is_active=True).exclude(imap_host="")
    for pk, name, last_fetch_at, created_at in mailboxes.values_list(
        "pk", "name", "last_fetch_at", "created_at"
    ).order_by("pk"):
        lag.add_metric([str(pk), name], max(0.0, (now - (last_fetch_at or created_at)).total_seconds()))
    yield lag


def _task_error_metrics() -> Iterable[Metric]:
    errors = CounterMetricFamily(
        "pult_task_errors",
        "Background task runs that raised an error, by task (each failed try counts).",
        labels=["task"],
    )
    for name, count in task_errors.task_error_counts().items():
        errors.add_metric([name], count)
    yield errors


def _count_by_status(queryset: QuerySet[Any]) -> list[tuple[str, int]]:
    return list(queryset.values_list("status").annotate(count=Count("pk")).order_by("status"))


def metrics_text() -> tuple[bytes, str]:
    """The exposition text and its content type: this process's (or with multiprocess mode, all of this
    machine's gunicorn workers') request metrics, then Pult's gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = REGISTRY
    own = CollectorRegistry(auto_describe=False)
    own.register(PultCollector())
    return generate_latest(process_registry) + generate_latest(own), CONTENT_TYPE_LATEST


def metrics_access_allowed(request: HttpRequest) -> bool:
    """With PULT_METRICS_TOKEN: exactly that bearer token. Without: a client on this machine that came
    directly, or through trusted proxies (PULT_TRUSTED_PROXIES) that name a loopback client."""
    token = settings.PULT_METRICS_TOKEN
    if token:
        given = str(request.headers.get("Authorization", ""))
        scheme, _, value = given.partition(" ")
        return scheme.lower() == "bearer" and secrets.compare_digest(value.strip().encode(), token.encode())
    if "HTTP_X_FORWARDED_FOR" in request.META and not settings.PULT_TRUSTED_PROXIES:
        return False  # a proxy on this machine forwarded it: the real client is somewhere else
    address = client_ip(request)
    return address is not None and ipaddress.ip_address(address).is_loopback
