"""Signals other apps listen to instead of reaching into the workflow (webhooks, for one)."""

from __future__ import annotations

from django.dispatch import Signal

# Sent after the transaction that wrote a TicketEvent has committed; keyword argument: event.
ticket_event_recorded = Signal()

# Sent instead of ticket_event_recorded for the events of a batch (one per ticket registered together),
# after their transaction has committed; keyword argument: events. A listener of one listens to both.
ticket_events_recorded = Signal()

# Sent inside the transaction that wrote several new tickets at once with bulk_create, which sends no
# post_save (the search index listens); keyword argument: tickets.
tickets_created_in_bulk = Signal()
