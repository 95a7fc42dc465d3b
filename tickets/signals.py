"""Signals other apps listen to instead of reaching into the workflow (webhooks, for one)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the transaction that wrote a TicketEvent has committed; keyword argument: event.
ticket_event_recorded = Signal()
