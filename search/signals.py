"""The index follows every write: each record kept on a ticket, the ticket's own text, library documents.

The handlers run in the writer's transaction (post_save is sent inside it), so the entry commits or rolls
back with the write. A ticket saved without a change to its subject or description (every workflow step
saves the ticket) is not reindexed for that; the record the step created is.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_init, post_save
from django.dispatch import receiver

from library.models import Document
from mail.models import InboundMessage, OutboundMessage
from search import indexing
from tickets.models import Consultation, Feedback, TestLogEntry, Ticket, WorkLogEntry
from tickets.signals import tickets_created_in_bulk

TICKET_RECORDS = (WorkLogEntry, TestLogEntry, Consultation, Feedback, InboundMessage, OutboundMessage)
_INDEXED_FIELDS = ("subject", "description")


@receiver(post_init, sender=Ticket)
def _remember_ticket_text(sender: Any, instance: Ticket, **kwargs: Any) -> None:
    instance.__dict__["_search_indexed"] = tuple(instance.__dict__.get(field) for field in _INDEXED_FIELDS)


@receiver(post_save, sender=Ticket)
def _ticket_saved(sender: Any, instance: Ticket, created: bool, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    current = tuple(instance.__dict__.get(field) for field in _INDEXED_FIELDS)
    if created:
        indexing.index_new_ticket(instance)
    elif current != instance.__dict__.get("_search_indexed"):
        indexing.reindex_ticket(instance)
    instance.__dict__["_search_indexed"] = current


@receiver(tickets_created_in_bulk, dispatch_uid="search_tickets_created_in_bulk")
def _tickets_created(sender: Any, tickets: Any, **kwargs: Any) -> None:
    indexing.index_new_tickets(tickets)


def _record_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw or getattr(instance, "ticket_id", None) is None:
        return
    indexing.reindex_ticket(instance.ticket_id)


@receiver(post_save, sender=OutboundMessage, dispatch_uid="search_OutboundMessage_saved")
def _outbound_saved(sender: Any, instance: OutboundMessage, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """An e-mail's text is fixed when it is written: later saves (sending, retries, bounces) change only its
    state, and acknowledgements and staff alerts are not indexed at all (the deadline sweep writes many)."""
    if created and instance.kind not in indexing.UNINDEXED_OUTBOUND:
        _record_changed(sender, instance, raw=raw)


for _model in TICKET_RECORDS:
    if _model is OutboundMessage:
        post_delete.connect(_record_changed, sender=_model, dispatch_uid=f"search_{_model.__name__}_deleted")
        continue
    post_save.connect(_record_changed, sender=_model, dispatch_uid=f"search_{_model.__name__}_saved")
    post_delete.connect(_record_changed, sender=_model, dispatch_uid=f"search_{_model.__name__}_deleted")


@receiver(post_save, sender=Document)
def _document_saved(sender: Any, instance: Document, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        indexing.reindex_document(instance)
