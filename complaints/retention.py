"""Retention: a complaint's record and answer are kept for the legal period, then its personal data goes.

What stays is what the statistics and the register's continuity need: the number, dates, channel,
module, state and outcome. Names, addresses, texts, files and e-mails are removed; the deletion log
(PurgeLogEntry) says which complaint lost what, and when.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone

from complaints.models import (
    Answer,
    Complaint,
    ComplaintEvent,
    ComplaintMessage,
    InvestigationEntry,
    Proposal,
    PurgeLogEntry,
    redact_events,
)

REMOVED = "—"


def due_for_purge(now: dt.datetime) -> Any:
    return Complaint.objects.filter(retain_until__lte=now, purged_at__isnull=True)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Anonymise every complaint whose retention period is over. Safe to run again; returns how many."""
    now = now or timezone.now()
    ids = list(due_for_purge(now).order_by("retain_until", "id").values_list("pk", flat=True))
    for pk in ids:
        purge_one(pk, now)
    return len(ids)


def purge_one(pk: int, now: dt.datetime) -> PurgeLogEntry | None:
    files: list[Any] = []
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().get(pk=pk)
        if complaint.purged_at is not None or complaint.retain_until is None or complaint.retain_until > now:
            return None
        entries = InvestigationEntry.objects.filter(complaint=complaint)
        files = [entry.file for entry in entries if entry.file]
        removed = {
            "complainant": bool(complaint.complainant_name or complaint.complainant_email),
            "entries": entries.count(),
            "files": len(files),
            "proposals": Proposal.objects.filter(complaint=complaint).count(),
            "answers": Answer.objects.filter(complaint=complaint).count(),
            "messages": ComplaintMessage.objects.filter(complaint=complaint).count(),
            "events": ComplaintEvent.objects.filter(complaint=complaint).count(),
        }
        for field in (
            "complainant_name",
            "complainant_address",
            "complainant_email",
            "complainant_phone",
            "place_received",
            "evidence",
            "immediate_statement",
        ):
            setattr(complaint, field, "")
        complaint.subject = REMOVED
        complaint.description = REMOVED
        complaint.customer = complaint.contact = None
        complaint.purged_at = now
        complaint.save()
        complaint.concerned.clear()
        entries.update(text=REMOVED, file="", original_name="")
        Proposal.objects.filter(complaint=complaint).update(
            resolution=REMOVED, reasons=REMOVED, decision_reason=REMOVED, final_resolution=""
        )
        Answer.objects.filter(complaint=complaint).update(text=REMOVED, reasons=REMOVED, email="", postal_address="")
        ComplaintMessage.objects.filter(complaint=complaint).update(
            to="removed@invalid", subject=REMOVED, body="", last_error=""
        )
        redact_events(ComplaintEvent.objects.filter(complaint=complaint))
        ComplaintEvent.objects.create(
            complaint=complaint,
            actor=None,
            action="purged",
            at=now,
            from_state=complaint.state,
            to_state=complaint.state,
        )
        log = PurgeLogEntry.objects.create(
            complaint=complaint,
            number=complaint.number,
            retained_until=complaint.retain_until,
            purged_at=now,
            removed=removed,
        )
        if hasattr(complaint, "record"):
            complaint.record.place = REMOVED
            complaint.record.save(update_fields=["place"])
    for stored in files:  # after the commit: a rolled-back purge keeps its files
        stored.storage.delete(stored.name)
    return log
