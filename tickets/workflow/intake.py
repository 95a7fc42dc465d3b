"""Intake and verification: registering requests (seed b), verifying or rejecting them (seed c), and
correcting a ticket's data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.text import header_text
from customers.models import Contact, Module
from tickets import deadlines
from tickets.choices import Action, Channel, ConsultationKind, Priority, Stage, State
from tickets.models import Consultation, StageClock, Ticket, TicketEvent, TicketNumberSequence, format_ticket_number
from tickets.signals import ticket_events_recorded, tickets_created_in_bulk
from tickets.workflow.attachments import _store_attachment, files_discarded_on_error
from tickets.workflow.core import InvalidInput, NotAllowed, _announce, _apply, _required
from worktime.services import snapshot

# --- b) register ----------------------------------------------------------------------------------


def _take_numbers(year: int, count: int = 1) -> int:
    """The first of the next `count` numbers of `year`, taken under a row lock held until the caller's
    transaction ends (gap-free)."""
    TicketNumberSequence.objects.bulk_create([TicketNumberSequence(year=year, last_number=0)], ignore_conflicts=True)
    sequence = TicketNumberSequence.objects.select_for_update().get(year=year)
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return first


@dataclass(frozen=True)
class NewTicket:
    """One request to register: what `register_tickets` takes for each ticket of a batch."""

    contact: Contact
    subject: str
    description: str
    channel: Channel | str
    received_at: dt.datetime | None = None
    module: Module | None = None
    priority: Priority | str = Priority.NORMAL


BATCH_LIMIT = 100


def _may_register(actor: Any) -> None:
    if actor is None or not actor.is_active or not actor.has_perm("tickets.register_ticket"):
        raise NotAllowed(_("Your role does not allow registering requests."))


def _unsaved_ticket(actor: Any, new: NewTicket, now: dt.datetime) -> Ticket:
    """The checked, not yet numbered ticket of a request."""
    subject = _required(header_text(new.subject), _("The subject is required."))
    description = _required(new.description, _("The content of the request is required."))
    if new.channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."))
    received_at = new.received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise InvalidInput(_("The time of receipt cannot be in the future."))
    return Ticket(
        year=timezone.localtime(now).year,
        subject=subject,
        description=description,
        channel=new.channel,
        priority=new.priority,
        customer_id=new.contact.customer_id,
        contact=new.contact,
        module=new.module,
        received_at=received_at,
        registered_at=now,
        registered_by=actor,
    )


def _registration_event(ticket: Ticket, actor: Any, note: str = "") -> TicketEvent:
    return TicketEvent(
        ticket=ticket,
        actor=actor,
        at=ticket.registered_at,
        action=Action.REGISTER,
        from_state="",
        to_state=State.NEW,
        note=note,
        data={"channel": str(ticket.channel), "received_at": ticket.received_at.isoformat()},
    )


def register_ticket(
    *,
    actor: Any,
    contact: Contact,
    subject: str,
    description: str,
    channel: Channel | str,
    received_at: dt.datetime | None = None,
    module: Module | None = None,
    priority: Priority | str = Priority.NORMAL,
    attachments: Iterable[UploadedFile] = (),
    note: str = "",
) -> Ticket:
    """Seed b: record a request in the registry. The number is taken in the same transaction."""
    _may_register(actor)
    now = timezone.now()
    new = NewTicket(contact, subject, description, channel, received_at, module, priority)
    ticket = _unsaved_ticket(actor, new, now)
    clock = deadlines.planned_stage(ticket, Stage.VERIFY, min(ticket.received_at, now))
    with files_discarded_on_error() as stored, transaction.atomic():
        # The number's row lock is held until the commit: everything that can be worked out beforehand is.
        ticket.sequence = _take_numbers(ticket.year)
        ticket.number = format_ticket_number(ticket.year, ticket.sequence)
        ticket.save(force_insert=True)
        clock.save()
        registered = _registration_event(ticket, actor, note)
        registered.save()
        for upload in attachments:
            _store_attachment(ticket, actor, upload, description="", stored=stored)
        _announce(registered)
    return ticket


def register_tickets(*, actor: Any, requests: Sequence[NewTicket]) -> list[Ticket]:
    """Seed b for a batch of requests (an integration handing over what it collected): all of them are
    registered, in the order given, or none. Their numbers are one block, taken under one row lock, and the
    tickets, clocks, events and search entries are written with one INSERT each."""
    _may_register(actor)
    if not requests:
        raise InvalidInput(_("Send at least one request."))
    if len(requests) > BATCH_LIMIT:
        raise InvalidInput(_("At most %(limit)d requests at once.") % {"limit": BATCH_LIMIT})
    now = timezone.now()
    snap = snapshot()
    tickets, clocks = [], []
    for index, new in enumerate(requests, start=1):
        try:
            ticket = _unsaved_ticket(actor, new, now)
        except InvalidInput as error:
            raise InvalidInput(_("Request %(index)d: %(error)s") % {"index": index, "error": error}) from error
        tickets.append(ticket)
        clocks.append(deadlines.planned_stage(ticket, Stage.VERIFY, min(ticket.received_at, now), snap))
    year = tickets[0].year
    with transaction.atomic():
        first = _take_numbers(year, len(tickets))
        for offset, ticket in enumerate(tickets):
            ticket.sequence = first + offset
            ticket.number = format_ticket_number(year, ticket.sequence)
        Ticket.objects.bulk_create(tickets)
        for clock, ticket in zip(clocks, tickets, strict=True):
            clock.ticket = ticket  # now with its id
        StageClock.objects.bulk_create(clocks)
        events = TicketEvent.objects.bulk_create([_registration_event(ticket, actor) for ticket in tickets])
        tickets_created_in_bulk.send(sender=Ticket, tickets=tickets)
        transaction.on_commit(lambda: ticket_events_recorded.send(sender=TicketEvent, events=events))
    return tickets


# --- c) verify ------------------------------------------------------------------------------------


def verify_ticket(
    *,
    ticket: Ticket | int,
    actor: Any,
    note: str = "",
    call_summary: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Seed c: the request is genuine. A phone consultation with the user, if one was needed, is logged."""

    def change(locked: Ticket) -> dict[str, Any]:
        if call_summary.strip():
            Consultation.objects.create(
                ticket=locked,
                kind=ConsultationKind.USER_CALL,
                author=actor,
                contact=locked.contact,
                text=call_summary.strip(),
            )
            return {"call_summary": call_summary.strip()}
        return {}

    return _apply(
        ticket=ticket, actor=actor, step_name="verify", expected_version=expected_version, note=note, change=change
    )


def reject_ticket(*, ticket: Ticket | int, actor: Any, reason: str, expected_version: int | None = None) -> Ticket:
    """Seed c: not genuine (spam, duplicate, mistaken). It stays in the registry with the reason."""
    reason = _required(reason, _("Give the reason for the rejection."))

    def change(locked: Ticket) -> None:
        locked.rejection_reason = reason

    return _apply(
        ticket=ticket, actor=actor, step_name="reject", expected_version=expected_version, note=reason, change=change
    )


# --- the clarified data (seed b) ------------------------------------------------------------------


def clarify_ticket(
    *,
    ticket: Ticket | int,
    actor: Any,
    subject: str,
    module: Module | None,
    priority: Priority | str,
    contact: Contact,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Record the clarified data of a request: subject, module, priority, contact. The event keeps old and new."""
    subject = _required(header_text(subject), _("The subject is required."))
    if priority not in Priority.values:
        raise InvalidInput(_("Unknown priority."))

    def change(locked: Ticket) -> dict[str, Any]:
        if contact.customer_id != locked.customer_id:
            raise InvalidInput(_("The contact must belong to the ticket's customer."))
        changes = []
        for field, old, new in (
            ("subject", locked.subject, subject),
            ("module", locked.module.name if locked.module else "", module.name if module else ""),
            ("priority", Priority(locked.priority).label, Priority(priority).label),
            ("contact", locked.contact.name, contact.name),
        ):
            if str(old) != str(new):
                changes.append({"field": field, "from": str(old), "to": str(new)})
        if not changes:
            raise InvalidInput(_("Nothing was changed."))
        locked.subject, locked.module, locked.priority, locked.contact = subject, module, priority, contact
        if any(change["field"] in ("module", "priority") for change in changes):
            deadlines.retarget(locked)
        return {"changes": changes}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="clarify",
        expected_version=expected_version,
        note=note,
        change=change,
    )
