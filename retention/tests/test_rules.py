"""The retention rules: a dry run lists and changes nothing; the real run changes and logs, once."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from mail.models import InboundMessage
from mail.services import message_ingest
from privacy.choices import AccessAction, AccessKind
from privacy.models import AccessLogEntry
from retention.choices import DeletionKind, Record
from retention.models import DeletionLogEntry
from retention.rules import apply_rules, plan
from retention.tasks import retention_task
from retention.tests.helpers import NAME, closed_phone_ticket, person, raw_mail
from search.selectors import search_tickets
from tickets.models import Attachment, Ticket, TicketEvent

pytestmark = pytest.mark.django_db

LONG_AGO = dt.timedelta(days=6 * 366)


@pytest.fixture
def old_records(users, django_capture_on_commit_callbacks) -> dict[str, Any]:
    """A ticket closed six years ago with a file, an e-mail received two years ago, an old access-log line."""
    contact = person()
    with django_capture_on_commit_callbacks(execute=True):
        ticket = closed_phone_ticket(users, contact)
        message_ingest(
            raw=raw_mail(subject="Hibás számla", body=f"Üdv: {NAME}", message_id="regi@kekvilag.example"),
        )
    Ticket.objects.filter(pk=ticket.pk).update(closed_at=timezone.now() - LONG_AGO)
    InboundMessage.objects.update(received_at=timezone.now() - dt.timedelta(days=800))
    AccessLogEntry.objects.create(
        at=timezone.now() - LONG_AGO, action=AccessAction.VIEW, kind=AccessKind.CONTACT, contact=contact, subject=NAME
    )
    recent = AccessLogEntry.objects.create(
        action=AccessAction.VIEW, kind=AccessKind.CONTACT, contact=contact, subject=NAME
    )
    return {"contact": contact, "ticket": ticket, "recent_log": recent}


def _state() -> list[Any]:
    ticket_texts = list(Ticket.objects.order_by("pk").values_list("subject", "description"))
    notes = list(TicketEvent.objects.order_by("pk").values_list("note", "data"))
    raws = [bytes(raw) for raw in InboundMessage.objects.order_by("pk").values_list("raw", flat=True)]
    files = list(Attachment.objects.order_by("pk").values_list("file", flat=True))
    logs = list(AccessLogEntry.objects.order_by("pk").values_list("pk", flat=True))
    return [ticket_texts, notes, raws, files, logs]


def _by_kind(findings: list[Any]) -> dict[str, int]:
    return {finding.what: finding.count for finding in findings}


def test_the_dry_run_lists_what_would_go_and_changes_nothing(old_records):
    before = _state()
    counts = _by_kind(plan())
    assert counts[Record.CLOSED_TICKET] == 1
    assert counts[Record.RAW_EMAIL] == 1  # the phone ticket's is not there; the mailed one is two years old
    assert counts[Record.ATTACHMENT] == 1
    assert counts[Record.ACCESS_LOG] == 1
    out = io.StringIO()
    call_command("retention", "--dry-run", stdout=out)
    assert old_records["ticket"].number in out.getvalue()
    assert "would go" in out.getvalue()
    assert _state() == before
    assert not DeletionLogEntry.objects.exists()


def test_the_real_run_changes_and_logs_and_a_second_run_changes_nothing_more(
    old_records, django_capture_on_commit_callbacks
):
    ticket = old_records["ticket"]
    attachment = Attachment.objects.get(ticket=ticket)
    storage, stored_name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        counts = _by_kind(apply_rules())
    assert counts[Record.CLOSED_TICKET] == 1 and counts[Record.ACCESS_LOG] == 1

    ticket.refresh_from_db()
    assert NAME not in ticket.description and "[törölve]" in ticket.description
    assert ticket.number and ticket.state == "closed"
    assert not search_tickets(Ticket.objects.filter(pk=ticket.pk), NAME).exists()  # nor does the search index
    assert bytes(InboundMessage.objects.get().raw) == b""
    assert not storage.exists(stored_name)
    assert list(AccessLogEntry.objects.values_list("pk", flat=True)) == [old_records["recent_log"].pk]
    logged = {entry.what: entry for entry in DeletionLogEntry.objects.all()}
    assert set(logged) == {Record.CLOSED_TICKET, Record.RAW_EMAIL, Record.ATTACHMENT, Record.ACCESS_LOG}
    assert all(entry.kind == DeletionKind.RETENTION and entry.actor is None for entry in logged.values())
    assert ticket.number in logged[Record.CLOSED_TICKET].reference

    after = _state()
    with django_capture_on_commit_callbacks(execute=True):
        again = _by_kind(apply_rules())
    assert again == dict.fromkeys(again, 0)
    assert _state() == after
    assert DeletionLogEntry.objects.count() == 4


def test_the_daily_task_runs_the_rules(old_records):
    retention_task.call_local()
    assert DeletionLogEntry.objects.filter(what=Record.CLOSED_TICKET).exists()


def test_a_legal_hold_keeps_everything(old_records):
    contact = old_records["contact"]
    contact.legal_hold, contact.legal_hold_reason = True, "Per"
    contact.save()
    counts = _by_kind(apply_rules())
    assert counts[Record.CLOSED_TICKET] == counts[Record.RAW_EMAIL] == counts[Record.ATTACHMENT] == 0
    old_records["ticket"].refresh_from_db()
    assert NAME in old_records["ticket"].description


def test_recent_records_are_kept(users, django_capture_on_commit_callbacks):
    contact = person()
    ticket = closed_phone_ticket(users, contact)
    assert all(count == 0 for count in _by_kind(apply_rules()).values())
    ticket.refresh_from_db()
    assert NAME in ticket.description
