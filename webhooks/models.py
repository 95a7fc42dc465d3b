"""Webhooks: URLs an administrator registers for ticket events, and the history of every delivery to them."""

from __future__ import annotations

import secrets
import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tickets.choices import Action
from webhooks import targets
from webhooks.choices import DeliveryStatus


def new_secret() -> str:
    """32 random bytes, URL-safe base64 (43 characters): the key of the hook's HMAC signatures."""
    return secrets.token_urlsafe(32)


def validate_events(value: Any) -> None:
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise ValidationError(_("Give the events as a list of event names."))
    unknown = sorted(set(value) - set(Action.values))
    if unknown:
        raise ValidationError(_("Unknown events: %(events)s."), params={"events": ", ".join(unknown)})


def validate_target(value: str) -> None:
    """The URL's host may not be (or resolve to) an address inside the network (webhooks.targets)."""
    refusal = targets.save_refusal(value) if value else None
    if refusal:
        raise ValidationError(refusal, code="internal_address")


class Webhook(models.Model):
    """A receiver's URL and the ticket events it wants (none listed: all of them)."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(
        _("URL"),
        max_length=500,
        validators=[
            URLValidator(schemes=["http", "https"], message=_("Give an http:// or https:// address.")),
            validate_target,
        ],
        help_text=_("Pult POSTs the events here as JSON."),
    )
    secret = models.CharField(_("signing secret"), max_length=100, default=new_secret, editable=False)
    events = models.JSONField(
        _("events"),
        default=list,
        blank=True,
        validators=[validate_events],
        help_text=_("Leave every box empty to receive every event."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("webhook")
        verbose_name_plural = _("webhooks")
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    def wants(self, event: str) -> bool:
        return not self.events or event in self.events


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one hook, with the outcome of its latest attempt."""

    uuid = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    webhook = models.ForeignKey(Webhook, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("webhook"))
    event = models.CharField(_("event"), max_length=40)
    # Plain values rather than foreign keys: the history stays readable whatever happens to the registry.
    ticket_event_id = models.PositiveBigIntegerField(_("ticket event id"), null=True, blank=True)
    ticket_number = models.CharField(_("ticket"), max_length=20, blank=True)
    payload = models.JSONField(_("payload"))
    status = models.CharField(_("status"), max_length=10, choices=DeliveryStatus, default=DeliveryStatus.PENDING)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    # When the next attempt is due; None once the delivery succeeded or was given up (partial index).
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True, default=timezone.now)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    response_status = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    response_body = models.TextField(_("response (first 2 KB)"), blank=True)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    delivered_at = models.DateTimeField(_("delivered"), null=True, blank=True)

    class Meta:
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["webhook", "-created_at"], name="webhooks_delivery_history"),
            models.Index(fields=["-created_at"], name="webhooks_delivery_recent"),
            models.Index(
                fields=["next_attempt_at"], name="webhooks_delivery_due", condition=Q(next_attempt_at__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} {self.ticket_number} ({str(self.uuid)[:8]})".replace("  ", " ")


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: the history shows every try, not only the last."""

    delivery = models.ForeignKey(
        WebhookDelivery, on_delete=models.CASCADE, related_name="attempt_log", verbose_name=_("delivery")
    )
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("time"))
    response_status = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="webhooks_attempt_number_unique"),
        ]

    def __str__(self) -> str:
        return f"#{self.number}"
