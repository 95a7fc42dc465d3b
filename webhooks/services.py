"""Webhook deliveries: queue one per matching hook for every ticket event, and send them.

The payload (the JSON body, documented in webhooks/README.md)::

    {
      "id": "8d7c…",                      # the delivery's uuid, also in X-Pult-Delivery; same on every retry
      "event": "register",                # a tickets.choices.Action value, or "ping" for a test delivery
      "occurred_at": "2026-11-24T06:30:00+00:00",
      "ticket": {
        "number": "2026/000123", "subject": "…", "state": "new", "priority": "normal", "channel": "phone",
        "customer": "Ügyfél Kft.", "module": "szamlazo" | null,
        "url": "https://pult.example/tickets/2026/123/"
      },                                  # null for "ping"
      "from_state": "new", "to_state": "verified"
    }

Notes, work-log and test-log texts, e-mails and contact details are never sent: they may hold personal
data that the receiver has no reason to get.

``delivery_attempt`` makes one attempt and is safe to run twice or concurrently: it first claims the
delivery with a conditional UPDATE (due and still open), so a retry queued by Huey and the same delivery
re-queued by the periodic sweep send it once. The HTTP request runs outside any database transaction.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.client
import json
import logging
import socket
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from webhooks import selectors, targets
from webhooks.choices import OPEN_STATUSES, PING_EVENT, DeliveryStatus
from webhooks.models import Webhook, WebhookAttempt, WebhookDelivery, new_secret
from webhooks.signing import sign

logger = logging.getLogger(__name__)

RESPONSE_BODY_LIMIT = 2048
USER_AGENT = "Pult-Webhooks/1"


def retry_delay(attempts: int) -> int:
    """Seconds before the next try after `attempts` failed ones: 30 s, 2 min, 8 min, 32 min, then hourly."""
    return min(30 * 4 ** max(0, attempts - 1), 3600)


# The payload ------------------------------------------------------------------------------------------------


def ticket_payload(ticket: Any) -> dict[str, Any]:
    path = reverse("tickets:detail", args=[ticket.year, ticket.sequence])
    return {
        "number": ticket.number,
        "subject": ticket.subject,
        "state": ticket.state,
        "priority": ticket.priority,
        "channel": ticket.channel,
        "customer": ticket.customer.name,
        "module": ticket.module.code if ticket.module_id else None,
        "url": f"{settings.PULT_BASE_URL}{path}",
    }


def event_payload(event: Any, delivery_id: uuid.UUID) -> dict[str, Any]:
    """The JSON body for one ticket event (see the module docstring); nothing free-text from the timeline."""
    return {
        "id": str(delivery_id),
        "event": event.action,
        "occurred_at": event.at.astimezone(dt.UTC).isoformat(),
        "ticket": ticket_payload(event.ticket),
        "from_state": event.from_state or None,
        "to_state": event.to_state or None,
    }


def body_bytes(payload: dict[str, Any]) -> bytes:
    # Sorted keys: PostgreSQL's jsonb does not keep the order, and every retry must send the same bytes.
    return json.dumps(payload, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


# Queueing ---------------------------------------------------------------------------------------------------


def _queue(delivery: WebhookDelivery) -> None:
    from webhooks.tasks import deliver_webhook_task

    transaction.on_commit(lambda: deliver_webhook_task(delivery.pk))


def deliveries_queue_for_event(*, event: Any) -> list[WebhookDelivery]:
    """One delivery for every active hook that wants this event, handed to the worker after commit."""
    return deliveries_queue_for_events(events=[event])


def deliveries_queue_for_events(*, events: Sequence[Any]) -> list[WebhookDelivery]:
    """`deliveries_queue_for_event` for several events, with one look at the hooks."""
    hooks = selectors.active_hooks()
    if not hooks:
        return []
    created = []
    with transaction.atomic():
        for event in events:
            for hook in hooks:
                if not hook.wants(event.action):
                    continue
                delivery_id = uuid.uuid4()
                delivery = WebhookDelivery.objects.create(
                    uuid=delivery_id,
                    webhook=hook,
                    event=event.action,
                    ticket_event_id=event.pk,
                    ticket_number=event.ticket.number,
                    payload=event_payload(event, delivery_id),
                )
                _queue(delivery)
                created.append(delivery)
    return created


def on_ticket_event_recorded(sender: Any, event: Any, **kwargs: Any) -> None:
    """Receiver of tickets.signals.ticket_event_recorded (after the step's commit)."""
    on_ticket_events_recorded(sender, events=[event])


def on_ticket_events_recorded(sender: Any, events: Sequence[Any], **kwargs: Any) -> None:
    """Receiver of tickets.signals.ticket_events_recorded (after the batch's commit)."""
    try:
        deliveries_queue_for_events(events=events)
    except Exception:
        # The ticket step has already committed: a webhook problem must not turn it into an error page.
        logger.exception("Could not queue webhook deliveries for ticket events %s", [e.pk for e in events])


def webhook_ping(*, webhook: Webhook) -> WebhookDelivery:
    """A test delivery ("ping") to one hook, whatever events it is filtered to."""
    delivery_id = uuid.uuid4()
    with transaction.atomic():
        delivery = WebhookDelivery.objects.create(
            uuid=delivery_id,
            webhook=webhook,
            event=PING_EVENT,
            payload={
                "id": str(delivery_id),
                "event": PING_EVENT,
                "occurred_at": timezone.now().astimezone(dt.UTC).isoformat(),
                "ticket": None,
                "from_state": None,
                "to_state": None,
            },
        )
        _queue(delivery)
    return delivery


def delivery_resend(*, delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a failed or given-up delivery again, as a new delivery with a new id (the old one's history stays)."""
    delivery_id = uuid.uuid4()
    with transaction.atomic():
        again = WebhookDelivery.objects.create(
            uuid=delivery_id,
            webhook=delivery.webhook,
            event=delivery.event,
            ticket_event_id=delivery.ticket_event_id,
            ticket_number=delivery.ticket_number,
            payload={**delivery.payload, "id": str(delivery_id)},
        )
        _queue(again)
    return again


def webhook_rotate_secret(*, webhook: Webhook) -> Webhook:
    """A new signing secret; deliveries from now on (also retries of older ones) are signed with it."""
    with transaction.atomic():
        webhook.secret = new_secret()
        webhook.save(update_fields=["secret"])
    return webhook


def deliveries_requeue_due(*, now: dt.datetime | None = None) -> int:
    """Queue every delivery whose attempt is due, e.g. whose task was lost when a worker restarted.

    A delivery whose task is still queued is harmless to queue again: the attempt claims it first."""
    from webhooks.tasks import deliver_webhook_task

    due = selectors.due_delivery_ids(now or timezone.now())
    for delivery_id in due:
        deliver_webhook_task(delivery_id)
    return len(due)


# Sending ----------------------------------------------------------------------------------------------------


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer like any other non-2xx: it fails the attempt and is not followed."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _connect_to_checked(addresses: list[str]) -> Any:
    """A replacement for socket.create_connection that ignores the host name and tries only the addresses
    webhooks.targets checked (in the resolver's order); TLS still verifies the certificate for the name."""

    def create_connection(address: tuple[str, int], timeout: Any = None, source_address: Any = None) -> Any:
        port = address[1]
        error: OSError | None = None
        for ip in addresses:
            try:
                return socket.create_connection((ip, port), timeout, source_address)
            except OSError as exc:
                error = exc
        raise error or OSError("no address to connect to")

    return create_connection


class _CheckedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, addresses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_to_checked(addresses)


class _CheckedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, addresses: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._create_connection = _connect_to_checked(addresses)


class _CheckedHTTPHandler(urllib.request.HTTPHandler):
    def __init__(self, addresses: list[str]) -> None:
        super().__init__()
        self.addresses = addresses

    def http_open(self, req: Any) -> Any:
        return self.do_open(functools.partial(_CheckedHTTPConnection, addresses=self.addresses), req)


class _CheckedHTTPSHandler(urllib.request.HTTPSHandler):
    def __init__(self, addresses: list[str]) -> None:
        super().__init__()
        self.addresses = addresses

    def https_open(self, req: Any) -> Any:
        # No context given: http.client's default one, which verifies the certificate for the host name.
        return self.do_open(functools.partial(_CheckedHTTPSConnection, addresses=self.addresses), req)


def _opener_for(addresses: list[str]) -> urllib.request.OpenerDirector:
    """No proxy (it would resolve the name itself, past the check), no redirects, only the checked addresses."""
    return urllib.request.build_opener(
        urllib.request.ProxyHandler({}), _NoRedirects, _CheckedHTTPHandler(addresses), _CheckedHTTPSHandler(addresses)
    )


def _read_body(response: Any) -> str:
    try:
        return response.read(RESPONSE_BODY_LIMIT).decode("utf-8", errors="replace")
    except (OSError, http.client.HTTPException, ValueError):
        return ""


def _post(webhook: Webhook, delivery: WebhookDelivery) -> tuple[int | None, str, str]:
    """One signed POST. Returns (response status or None, the response's first 2 KB, error or "")."""
    body = body_bytes(delivery.payload)
    timestamp = str(int(time.time()))
    try:
        request = urllib.request.Request(  # noqa: S310 - only http(s) URLs are accepted (Webhook.url's validator)
            webhook.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                "X-Pult-Event": delivery.event,
                "X-Pult-Delivery": str(delivery.uuid),
                "X-Pult-Timestamp": timestamp,
                "X-Pult-Signature": sign(webhook.secret, timestamp, body),
            },
        )
    except ValueError:
        request = None
    if request is None or request.type not in ("http", "https"):
        return None, "", _desk_text(_("Not an http:// or https:// address: %(url)s"), url=webhook.url)
    try:
        with translation.override(settings.LANGUAGE_CODE):  # the refusal is kept in the desk's language
            _host, _port, addresses = targets.delivery_addresses(webhook.url)
    except targets.TargetRefused as refused:
        return None, "", str(refused.message)
    except (OSError, UnicodeError, ValueError) as exc:  # the name does not resolve, or no usable host or port
        return None, "", f"{type(exc).__name__}: {exc}"[:2000]
    try:
        with _opener_for(addresses).open(request, timeout=settings.PULT_WEBHOOK_TIMEOUT_SECONDS) as response:
            return response.status, _read_body(response), ""
    except urllib.error.HTTPError as answer:  # a non-2xx answer, redirects included
        text = _read_body(answer)
        answer.close()
        return answer.code, text, f"HTTP {answer.code} {answer.reason}".strip()
    except (OSError, http.client.HTTPException, ValueError) as exc:  # refused, timed out, TLS, garbled answer
        reason = getattr(exc, "reason", None) or exc
        return None, "", f"{type(exc).__name__}: {reason}"[:2000]


def _desk_text(message: Any, **params: Any) -> str:
    """A message kept in the history, in the desk's language (the worker has no request to take one from)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % params if params else str(message)


def _claim(delivery_id: int, now: dt.datetime) -> bool:
    """Take the due delivery for this attempt; while it runs, the sweep sees it as not due (a lease)."""
    lease = now + dt.timedelta(seconds=settings.PULT_WEBHOOK_TIMEOUT_SECONDS + 60)
    claimed = WebhookDelivery.objects.filter(pk=delivery_id, status__in=OPEN_STATUSES, next_attempt_at__lte=now)
    return claimed.update(next_attempt_at=lease) == 1


def delivery_attempt(delivery_id: int) -> WebhookDelivery | None:
    """Make the delivery's due attempt and record it; None if it was not due (done, given up, or being sent)."""
    if not _claim(delivery_id, timezone.now()):
        return None
    delivery = WebhookDelivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None:  # its hook was deleted meanwhile
        return None
    webhook = delivery.webhook
    started = time.monotonic()
    if webhook.is_active:
        status, text, error = _post(webhook, delivery)
    else:
        status, text, error = None, "", _desk_text(_("The webhook is switched off."))
    return _record_attempt(
        delivery_id,
        status=status,
        text=text,
        error=error,
        hook_active=webhook.is_active,
        duration_ms=int((time.monotonic() - started) * 1000),
    )


def _record_attempt(
    delivery_id: int, *, status: int | None, text: str, error: str, hook_active: bool, duration_ms: int
) -> WebhookDelivery | None:
    finished = timezone.now()
    succeeded = status is not None and 200 <= status < 300
    with transaction.atomic():
        # Read again under the row lock: counting from the fresh row keeps attempt numbers unique even if a
        # lease ran out and another worker tried the same delivery meanwhile.
        delivery = WebhookDelivery.objects.select_for_update().filter(pk=delivery_id).first()
        if delivery is None:
            return None
        delivery.attempts += 1
        error = "" if succeeded else error.replace("\x00", "\ufffd")  # PostgreSQL text holds no NUL
        if delivery.status != DeliveryStatus.SUCCEEDED:  # else another attempt delivered it: only logged below
            delivery.last_attempt_at = finished
            delivery.response_status, delivery.response_body = status, text.replace("\x00", "\ufffd")
            delivery.error = error
            if succeeded:
                delivery.status, delivery.delivered_at = DeliveryStatus.SUCCEEDED, finished
                delivery.next_attempt_at = None
            elif not hook_active or delivery.attempts >= settings.PULT_WEBHOOK_ATTEMPTS:
                delivery.status, delivery.next_attempt_at = DeliveryStatus.GAVE_UP, None
            else:
                delivery.status = DeliveryStatus.FAILED
                delivery.next_attempt_at = finished + dt.timedelta(seconds=retry_delay(delivery.attempts))
        delivery.save(
            update_fields=[
                "attempts",
                "last_attempt_at",
                "response_status",
                "response_body",
                "error",
                "status",
                "delivered_at",
                "next_attempt_at",
            ]
        )
        WebhookAttempt.objects.create(
            delivery=delivery,
            number=delivery.attempts,
            at=finished,
            response_status=status,
            error=error,
            duration_ms=duration_ms,
        )
    return delivery
