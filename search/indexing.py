"""Keeping the search index: one ticket or document at a time on every write, everything on demand.

`reindex_ticket` runs inside the writer's transaction (from the signal handlers in `search.signals`, or from
`retention.erasure`), so a write that rolls back takes its index text with it. `rebuild_all` walks the
tickets by primary-key ranges with bulk writes, so its memory does not grow with the registry.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import connection, transaction
from django.db.models import QuerySet

from search import text
from search.choices import EntryKind
from search.models import MAX_BODY_CHARS, SearchEntry

Progress = Callable[[str], None]
# Automatic e-mails say nothing a search should find (and the deadline sweep writes many staff alerts).
UNINDEXED_OUTBOUND = ("acknowledgement", "staff_alert")


def _uses_terms() -> bool:
    """SQLite indexes words stemmed here; PostgreSQL stems them itself (generated tsvector columns)."""
    return connection.vendor != "postgresql"


def _entry_values(title: str, parts: Iterable[str]) -> dict[str, str]:
    body = "\n".join(part for part in parts if part)[:MAX_BODY_CHARS].replace("\x00", "")
    title = (title or "")[:250].replace("\x00", "")
    values = {"title": title, "body": body, "title_terms": "", "body_terms": ""}
    if _uses_terms():
        values["title_terms"] = text.index_text(title)
        values["body_terms"] = text.index_text(body)
    return values


def _ticket_text_sources(where: dict[str, Any]) -> list[QuerySet[Any, Any]]:
    """(ticket id, text) of everything written on the tickets: logs, consultations, feedback, e-mails."""
    from mail.models import InboundMessage, OutboundMessage
    from tickets.models import Consultation, Feedback, TestLogEntry, WorkLogEntry

    def of(queryset: QuerySet[Any], field: str) -> QuerySet[Any, Any]:
        return queryset.filter(**where).exclude(**{field: ""}).order_by().values_list("ticket_id", field)

    outbound = OutboundMessage.objects.exclude(kind__in=UNINDEXED_OUTBOUND)
    return [
        of(WorkLogEntry.objects.all(), "note"),
        of(TestLogEntry.objects.all(), "note"),
        of(Consultation.objects.all(), "text"),
        of(Consultation.objects.all(), "answer"),
        of(Feedback.objects.all(), "content"),
        of(InboundMessage.objects.all(), "subject"),
        of(InboundMessage.objects.all(), "text"),
        of(outbound, "subject"),
        of(outbound, "body"),
    ]


def _texts_by_ticket(where: dict[str, Any]) -> dict[int, list[str]]:
    """One UNION ALL query for all the tickets' records."""
    first, *rest = _ticket_text_sources(where)
    texts: dict[int, list[str]] = defaultdict(list)
    for ticket_id, value in first.union(*rest, all=True):
        texts[ticket_id].append(value)
    return texts


def _ticket_values(ticket: Any, texts: list[str]) -> dict[str, Any]:
    return {"kind": EntryKind.TICKET, **_entry_values(ticket.subject, [ticket.description, *texts])}


_deferred: ContextVar[set[int] | None] = ContextVar("search_deferred_tickets", default=None)


@contextmanager
def reindex_once() -> Iterator[None]:
    """Inside the block, tickets whose text changes are noted and reindexed once, when the block ends.

    For writes that touch one ticket's text several times in one transaction (an e-mail becomes a ticket,
    its attachments, and the stored message: three reindexes otherwise). Use it inside the transaction, so
    the entries still commit or roll back with the write; when the block raises, nothing is reindexed.
    """
    if _deferred.get() is not None:  # an outer block reindexes
        yield
        return
    pending: set[int] = set()
    token = _deferred.set(pending)
    try:
        yield
    finally:
        _deferred.reset(token)
    reindex_tickets(pending)


def reindex_ticket(ticket: Any) -> None:
    """Write the ticket's entry from its current text (a Ticket or its id); in the caller's transaction."""
    from tickets.models import Ticket

    pending = _deferred.get()
    if pending is not None:
        pending.add(ticket if isinstance(ticket, int) else ticket.pk)
        return
    if not isinstance(ticket, Ticket):
        ticket = Ticket.objects.only("subject", "description").filter(pk=ticket).first()
        if ticket is None:
            return
    values = _ticket_values(ticket, _texts_by_ticket({"ticket_id": ticket.pk}).get(ticket.pk, []))
    if not SearchEntry.objects.filter(ticket_id=ticket.pk).update(**values):
        SearchEntry.objects.create(ticket_id=ticket.pk, **values)


def index_new_ticket(ticket: Any) -> None:
    """A ticket just created has nothing written on it yet: its entry is its subject and description alone
    (no query for its records, no update that finds no entry). Registration is the busiest write there is."""
    index_new_tickets([ticket])


def index_new_tickets(tickets: Sequence[Any]) -> None:
    """`index_new_ticket` for tickets created together (one INSERT)."""
    pending = _deferred.get()
    if pending is not None:
        pending.update(ticket.pk for ticket in tickets)
        return
    SearchEntry.objects.bulk_create([SearchEntry(ticket_id=t.pk, **_ticket_values(t, [])) for t in tickets])


def reindex_tickets(ticket_ids: Iterable[int]) -> None:
    """Write the entries of several tickets (e.g. after an erasure changed their text)."""
    for ticket_id in sorted(set(ticket_ids)):
        reindex_ticket(ticket_id)


def _document_values(document: Any) -> dict[str, Any]:
    parts = [document.summary]
    if document.module_id is not None:
        parts += [document.module.name, document.module.code]
    if document.current_id is not None:
        parts.append(document.current.extracted_text)
    return {"kind": EntryKind.DOCUMENT, **_entry_values(document.title, parts)}


def reindex_document(document: Any) -> None:
    """Write a library document's entry: title, summary, module and the current version's text."""
    values = _document_values(document)
    if not SearchEntry.objects.filter(document_id=document.pk).update(**values):
        SearchEntry.objects.create(document_id=document.pk, **values)


def _report(progress: Progress | None, what: str, done: int, total: int, started: float) -> None:
    if progress is None:
        return
    elapsed = max(time.monotonic() - started, 1e-6)
    rate = done / elapsed
    left = (total - done) / rate if rate > 0 else 0.0
    progress(f"search index: {what} {done:,}/{total:,} ({rate:,.0f} rows/s, about {left:,.0f} s left)")


def rebuild_all(*, batch_size: int = 2000, progress: Progress | None = None) -> int:
    """Rebuild every entry from the tickets and library documents; returns the number of entries written.

    Tickets go in primary-key ranges of `batch_size`, each range in its own transaction: its old entries
    deleted, the new ones bulk-inserted. `progress` (if given) receives a line of text after each range.
    """
    from library.models import Document
    from tickets.models import Ticket

    batch_size = max(1, batch_size)
    written = 0
    total = Ticket.objects.count()
    started = time.monotonic()
    done = 0
    last_id = 0
    while True:
        batch = list(
            Ticket.objects.filter(pk__gt=last_id).order_by("pk").only("pk", "subject", "description")[:batch_size]
        )
        if not batch:
            break
        low, high = batch[0].pk, batch[-1].pk
        texts = _texts_by_ticket({"ticket_id__gte": low, "ticket_id__lte": high})
        entries = [
            SearchEntry(ticket_id=ticket.pk, **_ticket_values(ticket, texts.get(ticket.pk, []))) for ticket in batch
        ]
        with transaction.atomic():
            SearchEntry.objects.filter(ticket_id__gte=low, ticket_id__lte=high).delete()
            SearchEntry.objects.bulk_create(entries, batch_size=500)
        written += len(entries)
        done += len(batch)
        last_id = high
        _report(progress, "tickets", done, max(total, done), started)
    # Entries of tickets that no longer exist cannot be left behind: tickets are never deleted, and an entry
    # goes with its ticket (CASCADE). Documents are few: one transaction.
    documents = Document.objects.select_related("module", "current").order_by("pk")
    with transaction.atomic():
        SearchEntry.objects.filter(kind=EntryKind.DOCUMENT).delete()
        count = 0
        chunk: list[SearchEntry] = []
        for document in documents.iterator(chunk_size=200):
            chunk.append(SearchEntry(document_id=document.pk, **_document_values(document)))
            if len(chunk) >= 200:
                SearchEntry.objects.bulk_create(chunk)
                count += len(chunk)
                chunk = []
        SearchEntry.objects.bulk_create(chunk)
        count += len(chunk)
    written += count
    _report(progress, "library documents", count, count, started)
    return written
