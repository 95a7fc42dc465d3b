"""Incoming mail → the registry. One entry point, ``message_ingest``, for IMAP, the mail server's pipe
(``manage.py mailgate``) and tests alike.

A message is stored with its raw bytes in the same transaction as the ticket, reply or feedback it
becomes, so it is never lost half-way; the same message delivered again (same Message-ID, or the same
bytes when it has none) is recognised and changes nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import system_user
from common import filetypes
from customers.choices import CustomerKind, NotificationChannel
from customers.models import Contact, Customer, phone_digits
from mail.choices import InboundStatus, MailboxPurpose, OutboundStatus
from mail.models import InboundMessage, Mailbox, OutboundMessage
from mail.outbound import acknowledgement_queue, fax_acknowledgement_queue
from mail.parsing import ParsedAttachment, ParsedMessage, parse
from search.indexing import reindex_once
from tickets import workflow
from tickets.choices import Channel
from tickets.models import Ticket

SUBJECT_LIMIT = 250


def desk_text(message: Any, **values: Any) -> str:
    """Text stored for agents to read, in the service desk's language (it is data, not a page)."""
    with translation.override(settings.LANGUAGE_CODE):
        return str(message) % values if values else str(message)


@dataclass
class IngestResult:
    message: InboundMessage
    duplicate: bool


def message_ingest(*, raw: bytes, mailbox: Mailbox | None = None) -> IngestResult:
    """Store `raw` and make it a new ticket, a reply on its ticket, feedback, or a set-aside message."""
    parsed = parse(raw)
    existing = _already_stored(parsed)
    if existing is not None:
        return IngestResult(existing, duplicate=True)
    try:
        with transaction.atomic(), reindex_once():
            message = _store(raw, parsed, mailbox)
            _route(message, parsed, mailbox)
            message.save()
    except IntegrityError:
        # Delivered twice at the same moment: the other delivery won the unique Message-ID or hash.
        existing = _already_stored(parsed)
        if existing is None:
            raise
        return IngestResult(existing, duplicate=True)
    return IngestResult(message, duplicate=False)


def _already_stored(parsed: ParsedMessage) -> InboundMessage | None:
    """The same bytes, or the same Message-ID with the same content (delivered again by another way). A
    different message that reuses a Message-ID (some programs do) is not a duplicate: it is registered."""
    condition = Q(content_hash=parsed.content_hash)
    if parsed.message_id:
        condition |= Q(message_id=parsed.message_id, content_key=parsed.content_key)
    return InboundMessage.objects.filter(condition).first()


def _store(raw: bytes, parsed: ParsedMessage, mailbox: Mailbox | None) -> InboundMessage:
    return InboundMessage.objects.create(
        mailbox=mailbox,
        raw=raw,
        size=len(raw),
        content_hash=parsed.content_hash,
        content_key=parsed.content_key,
        message_id=parsed.message_id,
        subject=parsed.subject[:1000],
        sender_name=parsed.sender_name[:250],
        sender_address=parsed.sender_address[:250],
        sent_at=parsed.date,
        text=parsed.text,
        html=parsed.html,
        status=InboundStatus.SET_ASIDE,  # until routed below, in the same transaction
        problems="\n".join(parsed.problems),
    )


def _route(message: InboundMessage, parsed: ParsedMessage, mailbox: Mailbox | None) -> None:
    if parsed.bounce:
        message.reason = desk_text(_("bounce (delivery-status report)"))
        bounced = _bounce_of_ours(parsed)
        if bounced is None and _complaint_bounce(parsed):
            message.reason = desk_text(_("bounce of a complaint e-mail (recorded on the complaint)"))
            _keep_in_complaints_only(message)
        elif bounced is not None:
            message.ticket = bounced.ticket
            message.reason = desk_text(
                _("bounce of our message to %(to)s: %(reason)s"),
                to=bounced.to,
                reason=parsed.bounce_diagnostic or "—",
            )
        return
    if parsed.auto_reply:
        message.reason = desk_text(_("automatic message (%(why)s)"), why=parsed.auto_reply)
        return
    if not parsed.sender_address:
        message.reason = desk_text(_("no sender address"))
        return
    if _to_complaint_register(message, parsed, mailbox):
        return
    channel = mailbox.channel if mailbox else Channel.EMAIL
    actor = system_user()
    accepted, refused_note = _split_by_size(parsed)
    text = "\n\n".join(part for part in (parsed.text, refused_note) if part)
    ticket = _thread(parsed)
    details = {"inbound": message.pk, "subject": parsed.subject[:200]}
    if ticket is not None and ticket.is_open:
        workflow.receive_message(
            ticket=ticket, actor=actor, text=text, sender=parsed.sender_address, channel=channel, details=details
        )
        message.status, message.ticket = InboundStatus.REPLY, ticket
    elif ticket is not None:
        workflow.receive_feedback(
            ticket=ticket, actor=actor, text=text, channel=channel, received_at=message.received_at, details=details
        )
        message.status, message.ticket = InboundStatus.FEEDBACK, ticket
    else:
        message.ticket = _register(parsed, text, channel, mailbox, actor)
        message.status = InboundStatus.NEW_TICKET
        if channel == Channel.EMAIL:
            acknowledgement_queue(ticket=message.ticket, to=parsed.sender_address, in_reply_to=parsed.message_id)
        elif channel == Channel.FAX and mailbox is not None:
            # The gateway's address is not the sender's: the acknowledgement goes back as a fax to their number.
            fax_acknowledgement_queue(ticket=message.ticket, fax_number=fax_number_of(parsed, mailbox))
    if accepted and message.ticket is not None:
        workflow.attach_files(
            ticket=message.ticket,
            actor=actor,
            files=[SimpleUploadedFile(a.filename, a.content, content_type=a.content_type) for a in accepted],
            description=desk_text(_("E-mail: %(subject)s"), subject=parsed.subject[:200]),
        )


def _complaint_bounce(parsed: ParsedMessage) -> bool:
    from complaints.mailing import bounce_received

    return bool(parsed.bounced_message_id) and bounce_received(
        parsed.bounced_message_id, parsed.bounce_diagnostic or "—"
    )


def _to_complaint_register(message: InboundMessage, parsed: ParsedMessage, mailbox: Mailbox | None) -> bool:
    """A new message to the complaints mailbox, or a reply on a complaint, goes to the complaint register.

    The mail tables keep only a trace of it (for de-duplication): the message itself is stored with the
    complaint, out of sight of the employees the complaint may concern.
    """
    from complaints.intake import complaint_from_email

    complaint = complaint_from_email(
        raw=bytes(message.raw),
        parsed=parsed,
        received_at=message.received_at,
        new=mailbox is not None and mailbox.purpose == MailboxPurpose.COMPLAINTS,
    )
    if complaint is None:
        return False
    message.status = InboundStatus.COMPLAINT
    _keep_in_complaints_only(message)
    return True


def _keep_in_complaints_only(message: InboundMessage) -> None:
    message.raw, message.text, message.html, message.subject = b"", "", "", ""
    message.sender_name = message.sender_address = message.problems = ""


def _bounce_of_ours(parsed: ParsedMessage) -> OutboundMessage | None:
    """A bounce of a message we sent marks it returned, on its ticket's timeline."""
    if not parsed.bounced_message_id:
        return None
    outbound = OutboundMessage.objects.select_for_update().filter(message_id=parsed.bounced_message_id).first()
    if outbound is None:
        return None
    if outbound.status != OutboundStatus.BOUNCED:
        outbound.status = OutboundStatus.BOUNCED
        outbound.last_error = f"bounced: {parsed.bounce_diagnostic}"[:2000]
        outbound.save(update_fields=["status", "last_error"])
        workflow.record_email(
            ticket=outbound.ticket,
            actor=system_user(),
            step_name="email_failed",
            note=outbound.last_error,
            details={"outbound": outbound.pk, "recipient": outbound.to, "subject": outbound.subject},
        )
    return outbound


def _split_by_size(parsed: ParsedMessage) -> tuple[list[ParsedAttachment], str]:
    """Attachments within the size limit, and a note naming the others (they stay in the raw message)."""
    limit = settings.PULT_MAX_ATTACHMENT_BYTES
    programs = [a for a in parsed.attachments if filetypes.is_executable(a.content[: filetypes.HEAD_BYTES])]
    accepted = [a for a in parsed.attachments if len(a.content) <= limit and a not in programs]
    refused = [a for a in parsed.attachments if len(a.content) > limit and a not in programs]
    notes = []
    if refused:
        names = ", ".join(f"{a.filename} ({len(a.content):,} B)" for a in refused)
        notes.append(
            desk_text(
                _("[Pult: over the size limit, not attached but kept in the raw message: %(names)s]"), names=names
            )
        )
    if programs:
        names = ", ".join(a.filename for a in programs)
        notes.append(desk_text(_("[Pult: programs, not attached but kept in the raw message: %(names)s]"), names=names))
    return accepted, "\n".join(notes)


def _thread(parsed: ParsedMessage) -> Ticket | None:
    """The ticket a reply belongs to: by the number in the subject, then by the messages it answers."""
    reference = parsed.ticket_reference
    if reference is not None:
        ticket = Ticket.objects.filter(year=reference[0], sequence=reference[1]).first()
        if ticket is not None:
            return ticket
    answered = [parsed.in_reply_to, *parsed.references]
    answered = [message_id for message_id in answered if message_id]
    if answered:
        ours = OutboundMessage.objects.filter(message_id__in=answered).select_related("ticket").first()
        if ours is not None:
            return ours.ticket
        earlier = (
            InboundMessage.objects.filter(message_id__in=answered, ticket__isnull=False)
            .select_related("ticket")
            .first()
        )
        if earlier is not None:
            return earlier.ticket
    return None


def _register(parsed: ParsedMessage, text: str, channel: str, mailbox: Mailbox | None, actor: Any) -> Ticket:
    subject = parsed.subject or parsed.text.strip().split("\n", 1)[0][:80] or desk_text(_("(no subject)"))
    fax = mailbox is not None and mailbox.channel == Channel.FAX
    return workflow.register_ticket(
        actor=actor,
        contact=_fax_contact(parsed, mailbox) if fax and mailbox else _contact_for(parsed),
        subject=subject[:SUBJECT_LIMIT],
        description=text or "—",
        channel=channel,
        received_at=min(parsed.date or timezone.now(), timezone.now()),
        module=mailbox.default_module if mailbox else None,
    )


def fax_number_of(parsed: ParsedMessage, mailbox: Mailbox) -> str:
    """The sender's fax number, found by the mailbox's pattern in its headers, in their order."""
    pattern = re.compile(mailbox.fax_number_pattern)
    for name in (part.strip().lower() for part in mailbox.fax_number_headers.split(",")):
        match = pattern.search(parsed.headers.get(name, ""))
        if match:
            return (match.group(1) if match.groups() else match.group(0)).strip()
    return ""


def _fax_contact(parsed: ParsedMessage, mailbox: Mailbox) -> Contact:
    """The contact with the sender's fax number, or a new one named after the number."""
    number = fax_number_of(parsed, mailbox)
    digits = phone_digits(number)
    if digits:
        contact = Contact.objects.filter(fax_digits=digits, is_active=True).first()
        if contact is not None:
            return contact
    name = f"Fax {number}" if number else desk_text(_("Unknown fax sender"))
    customer = Customer.objects.create(name=name, kind=CustomerKind.PRIVATE_PERSON)
    return Contact.objects.create(
        customer=customer,
        name=name,
        fax=number,
        preferred_channel=NotificationChannel.FAX,
        notes=desk_text(_("Created from an incoming fax.")),
    )


def _contact_for(parsed: ParsedMessage) -> Contact:
    """The contact with the sender's address, or a new one (a private person until an agent says otherwise)."""
    contact = Contact.objects.filter(email__iexact=parsed.sender_address, is_active=True).first()
    if contact is not None:
        return contact
    name = parsed.sender_name or parsed.sender_address
    customer = Customer.objects.create(name=name[:200], kind=CustomerKind.PRIVATE_PERSON, email=parsed.sender_address)
    return Contact.objects.create(
        customer=customer,
        name=name[:200],
        email=parsed.sender_address,
        preferred_channel=NotificationChannel.EMAIL,
        notes=desk_text(_("Created from an incoming e-mail.")),
    )
