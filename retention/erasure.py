"""Erasure of a person (GDPR Art. 17): their identifying data goes from everywhere it appears.

What stays is what the registry and the statistics need: ticket numbers, states, dates, channels, modules,
priorities, the events' actions and (staff) actors, counts and sizes. The person's contact row stays as
"Törölt személy #<id>", so every foreign key still holds and the tickets still count for their customer.

Erasure is refused while the law requires the data: a complaint within its retention period (or not yet
answered), a legal hold on the contact, or an open ticket of theirs.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from customers.models import Contact
from retention.choices import DeletionKind, Record
from retention.models import DeletionLogEntry
from retention.redaction import (
    ERASED_EMAIL,
    PLACEHOLDER,
    Identifiers,
    scrub_rows,
    triggers_suspended,
)
from search.indexing import reindex_tickets

ERASED_NAME = "Törölt személy #{id}"
ERASED_RAW = "[Az eredeti üzenetet adatvédelmi törlés miatt eltávolítottuk: {at}]"


class ErasureRefused(Exception):
    """The person may not be erased now; `message` says why (translated)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class ErasureReport:
    contact_id: int
    counts: Counter[str] = field(default_factory=Counter)
    tickets: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def erased_name(contact: Contact) -> str:
    return ERASED_NAME.format(id=contact.pk)


def is_erased(contact: Contact) -> bool:
    return contact.name == erased_name(contact) and not contact.is_active


def erasure_refusal(contact: Contact, *, now: dt.datetime | None = None) -> str | None:
    """Why `contact` may not be erased now (a translated sentence), or None."""
    from tickets.choices import State
    from tickets.models import Ticket

    now = now or timezone.now()
    if is_erased(contact):
        return _("This person has already been erased.")
    if contact.legal_hold:
        reason = contact.legal_hold_reason or _("no reason given")
        return _("A legal hold is set on this person (%(reason)s); their data must be kept.") % {"reason": reason}
    complaints = _complaints_of(contact).filter(purged_at__isnull=True)
    pending = complaints.filter(retain_until__isnull=True).order_by("received_at").first()
    if pending is not None:
        return _(
            "Complaint %(number)s of this person is not yet answered; the law requires keeping it "
            "until its retention period ends."
        ) % {"number": pending.number}
    kept = complaints.filter(retain_until__gt=now).order_by("-retain_until").first()
    if kept is not None and kept.retain_until is not None:
        return _(
            "Complaint %(number)s of this person must be kept until %(date)s (the legal retention period of "
            "complaints)."
        ) % {
            "number": kept.number,
            "date": formats.date_format(timezone.localtime(kept.retain_until), "SHORT_DATE_FORMAT"),
        }
    open_numbers = list(
        Ticket.objects.filter(contact=contact)
        .exclude(state__in=[State.CLOSED, State.REJECTED])
        .order_by("number")
        .values_list("number", flat=True)
    )
    if open_numbers:
        return _("This person has open tickets (%(numbers)s); close them before erasing.") % {
            "numbers": ", ".join(open_numbers)
        }
    return None


def identifiers_of(contact: Contact) -> Identifiers:
    names = [contact.name]
    emails = [contact.email]
    user = _portal_user(contact)
    if user is not None:
        names += [f"{user.last_name} {user.first_name}", f"{user.first_name} {user.last_name}"]
        emails += [user.email, user.username]
    return Identifiers.build(
        names=names,
        emails=emails,
        phones=[contact.phone, contact.fax] + ([user.phone] if user is not None else []),
        addresses=[contact.postal_address],
    )


def erase_contact(*, contact: Contact, actor: Any, reason: str) -> ErasureReport:
    """Remove or replace the person's identifying data everywhere; refuse (ErasureRefused) when the law says no."""
    now = timezone.now()
    with transaction.atomic():
        contact = Contact.objects.select_for_update().select_related("customer").get(pk=contact.pk)
        refusal = erasure_refusal(contact, now=now)
        if refusal:
            raise ErasureRefused(refusal)
        identifiers = identifiers_of(contact)
        report = ErasureReport(contact_id=contact.pk)
        ticket_ids = _tickets_touching(contact)
        report.tickets = redact_tickets(ticket_ids, identifiers, report.counts, own_contact=contact, now=now)
        _erase_mail(contact, identifiers, ticket_ids, report.counts, now)
        _erase_intake_sheets(contact, identifiers, ticket_ids, report.counts)
        reindex_tickets(ticket_ids)  # the search index held the old texts (written with update(), no signals)
        _erase_complaints(contact, report.counts, now)
        _erase_access_log(contact, identifiers, report.counts)
        _erase_admin_log(contact, identifiers, report.counts)
        _erase_portal_account(contact, report.counts)
        _erase_customer(contact, identifiers, report.counts)
        _erase_contact_row(contact, report.counts)
        reference = _reference(contact, report.tickets)
        for what, count in sorted(report.counts.items()):
            if count:
                DeletionLogEntry.objects.create(
                    at=now,
                    actor=actor,
                    kind=DeletionKind.ERASURE,
                    what=what,
                    count=count,
                    reference=reference,
                    reason=reason,
                )
    return report


def _reference(contact: Contact, numbers: list[str]) -> str:
    text = f"contact #{contact.pk}"
    if numbers:
        text += "; " + ", ".join(numbers)
    return text


def _portal_user(contact: Contact) -> Any:
    from accounts.models import User

    return User.objects.filter(contact=contact).first()


def _complaints_of(contact: Contact) -> Any:
    from complaints.models import Complaint

    condition = Q(contact=contact)
    if contact.email:
        condition |= Q(complainant_email__iexact=contact.email)
    return Complaint.objects.filter(condition)


def _tickets_touching(contact: Contact) -> set[int]:
    """Tickets that are the person's, or hold a record about them (feedback, call, rating, e-mail)."""
    from intake.models import IntakeSheet
    from mail.models import InboundMessage, OutboundMessage
    from tickets.models import Consultation, Feedback, Notification, SatisfactionRating, Ticket

    ids = set(Ticket.objects.filter(contact=contact).values_list("pk", flat=True))
    for model in (Feedback, Consultation, Notification, SatisfactionRating):
        ids.update(model.objects.filter(contact=contact).values_list("ticket_id", flat=True))
    ids.update(
        pk for pk in IntakeSheet.objects.filter(contact=contact).values_list("ticket_id", flat=True) if pk is not None
    )
    if contact.email:
        ids.update(
            pk
            for pk in InboundMessage.objects.filter(sender_address__iexact=contact.email).values_list(
                "ticket_id", flat=True
            )
            if pk is not None
        )
        ids.update(OutboundMessage.objects.filter(to__iexact=contact.email).values_list("ticket_id", flat=True))
    return ids


def redact_tickets(
    ticket_ids: set[int],
    identifiers: Identifiers,
    counts: Counter[str],
    *,
    own_contact: Contact | None,
    now: dt.datetime,
    delete_files: bool = True,
) -> list[str]:
    """Replace the identifiers in the tickets' texts and in everything recorded on them; returns the numbers.

    On the tickets of `own_contact` the values that are wholly theirs go too: letters' addresses,
    notifications' recipients, attachments' files (deleted after the commit, the row kept for statistics).
    """
    from tickets.models import (
        Attachment,
        Consultation,
        Feedback,
        Letter,
        Notification,
        SatisfactionRating,
        TestLogEntry,
        Ticket,
        TicketEvent,
        WorkLogEntry,
    )
    from webhooks.models import WebhookDelivery

    tickets = Ticket.objects.filter(pk__in=ticket_ids).order_by("number")
    numbers = list(tickets.values_list("number", flat=True))
    own = set(tickets.filter(contact=own_contact).values_list("pk", flat=True)) if own_contact else set()
    counts[Record.TICKET] += scrub_rows(tickets, ["subject", "description", "rejection_reason"], identifiers)

    events = TicketEvent.objects.filter(ticket_id__in=ticket_ids).order_by("pk")
    with triggers_suspended("tickets_ticketevent", ["ticketevent_no_update"]):
        counts[Record.TICKET_EVENT] += scrub_rows(events, ["note", "data"], identifiers)

    records = 0
    records += scrub_rows(WorkLogEntry.objects.filter(ticket_id__in=ticket_ids), ["note"], identifiers)
    records += scrub_rows(TestLogEntry.objects.filter(ticket_id__in=ticket_ids), ["note"], identifiers)
    records += scrub_rows(Consultation.objects.filter(ticket_id__in=ticket_ids), ["text", "answer"], identifiers)
    records += scrub_rows(Feedback.objects.filter(ticket_id__in=ticket_ids), ["content"], identifiers)
    records += scrub_rows(SatisfactionRating.objects.filter(ticket_id__in=ticket_ids), ["comment"], identifiers)
    records += scrub_rows(Letter.objects.filter(ticket_id__in=own), ["text"], identifiers, address=PLACEHOLDER)
    records += scrub_rows(Letter.objects.filter(ticket_id__in=ticket_ids - own), ["address", "text"], identifiers)
    counts[Record.TICKET_RECORD] += records

    notifications = 0
    for notification in Notification.objects.filter(ticket_id__in=ticket_ids):
        theirs = notification.ticket_id in own or (
            own_contact is not None and notification.contact_id == own_contact.pk
        )
        fixed = {"recipient": PLACEHOLDER} if theirs or identifiers.found_in(notification.recipient) else {}
        notifications += scrub_rows([notification], ["recipient", "message"], identifiers, **fixed)
    counts[Record.NOTIFICATION] += notifications

    files: list[Any] = []
    attachments = 0
    for attachment in Attachment.objects.filter(ticket_id__in=ticket_ids):
        if attachment.ticket_id in own and delete_files and attachment.file:
            files.append(attachment.file)
            attachments += scrub_rows([attachment], [], identifiers, file="", original_name=PLACEHOLDER, description="")
        else:
            attachments += scrub_rows([attachment], ["original_name", "description"], identifiers)
    counts[Record.ATTACHMENT] += attachments
    _delete_after_commit(files)

    counts[Record.WEBHOOK_DELIVERY] += scrub_rows(
        WebhookDelivery.objects.filter(ticket_number__in=numbers), ["payload", "response_body", "error"], identifiers
    )
    return numbers


def _delete_after_commit(files: list[Any]) -> None:
    """Files go only once the database change is committed: a rolled-back erasure keeps them."""

    def delete() -> None:
        for stored in files:
            stored.storage.delete(stored.name)

    if files:
        transaction.on_commit(delete)


def _erase_mail(
    contact: Contact, identifiers: Identifiers, ticket_ids: set[int], counts: Counter[str], now: dt.datetime
) -> None:
    from mail.models import InboundMessage, OutboundMessage

    condition = Q(ticket_id__in=ticket_ids)
    if contact.email:
        condition |= Q(sender_address__iexact=contact.email)
    raw = ERASED_RAW.format(at=formats.date_format(timezone.localtime(now), "SHORT_DATETIME_FORMAT")).encode("utf-8")
    inbound = 0
    for message in InboundMessage.objects.filter(condition):
        inbound += scrub_rows(
            [message],
            ["message_id", "subject", "sender_name", "sender_address", "text", "html", "reason", "problems"],
            identifiers,
            raw=raw,
        )
    counts[Record.INBOUND_EMAIL] += inbound

    condition = Q(ticket_id__in=ticket_ids)
    if contact.email:
        condition |= Q(to__iexact=contact.email)
    outbound = 0
    for sent in OutboundMessage.objects.filter(condition).select_related("ticket"):
        theirs = sent.ticket.contact_id == contact.pk or identifiers.found_in(sent.to)
        fixed: dict[str, Any] = {}
        if theirs:
            fixed = {"attachment": None}
        if identifiers.found_in(sent.to):
            fixed["to"] = ERASED_EMAIL
        if identifiers.found_in(sent.fax_number):
            fixed["fax_number"] = ""
        outbound += scrub_rows(
            [sent], ["subject", "body", "attachment_name", "last_error", "in_reply_to"], identifiers, **fixed
        )
    counts[Record.OUTBOUND_EMAIL] += outbound


def _erase_intake_sheets(
    contact: Contact, identifiers: Identifiers, ticket_ids: set[int], counts: Counter[str]
) -> None:
    from intake.models import IntakeSheet

    changed = 0
    for sheet in IntakeSheet.objects.filter(Q(contact=contact) | Q(ticket_id__in=ticket_ids)):
        fixed: dict[str, Any] = {}
        if sheet.contact_id == contact.pk or identifiers.found_in(sheet.caller_name):
            fixed = {"caller_name": PLACEHOLDER, "caller_phone": "", "caller_email": ""}
        changed += scrub_rows(
            [sheet], ["caller_name", "caller_phone", "caller_email", "subject", "content"], identifiers, **fixed
        )
    counts[Record.INTAKE_SHEET] += changed


def _erase_complaints(contact: Contact, counts: Counter[str], now: dt.datetime) -> None:
    """Only complaints past their retention period reach here (erasure_refusal): the purge anonymises them."""
    from complaints.retention import purge_one

    for pk in _complaints_of(contact).filter(purged_at__isnull=True).values_list("pk", flat=True):
        if purge_one(pk, now) is not None:
            counts[Record.COMPLAINT] += 1


def _erase_access_log(contact: Contact, identifiers: Identifiers, counts: Counter[str]) -> None:
    """The access log keeps who looked at what and when; the person it names becomes the placeholder."""
    from privacy.models import AccessLogEntry

    condition = Q(contact_id=contact.pk)
    for term in identifiers.search_terms():
        condition |= Q(subject__icontains=term) | Q(path__icontains=term)
    entries = list(AccessLogEntry.objects.filter(condition))
    changed = 0
    with triggers_suspended("privacy_accesslogentry", ["accesslogentry_no_update"]):
        for entry in entries:
            fixed = {"subject": PLACEHOLDER} if entry.contact_id == contact.pk and entry.subject else {}
            changed += scrub_rows([entry], ["subject", "path", "reference"], identifiers, **fixed)
    counts[Record.ACCESS_LOG] += changed


def _erase_admin_log(contact: Contact, identifiers: Identifiers, counts: Counter[str]) -> None:
    from django.contrib.admin.models import LogEntry

    condition = Q()
    for term in identifiers.search_terms():
        condition |= Q(object_repr__icontains=term) | Q(change_message__icontains=term)
    if not condition:
        return
    counts[Record.ADMIN_LOG] += scrub_rows(
        LogEntry.objects.filter(condition), ["object_repr", "change_message"], identifiers
    )


def _erase_portal_account(contact: Contact, counts: Counter[str]) -> None:
    from django.contrib.sessions.models import Session

    from accounts.models import TwoFactorDevice, UserSession

    user = _portal_user(contact)
    if user is None:
        return
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    TwoFactorDevice.objects.filter(user=user).delete()
    user.username = f"erased-{contact.pk}"
    user.first_name = user.last_name = user.email = user.phone = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
    counts[Record.PORTAL_ACCOUNT] += 1


def _erase_customer(contact: Contact, identifiers: Identifiers, counts: Counter[str]) -> None:
    """A private person's customer record is the person too: erased with its last contact."""
    from customers.choices import CustomerKind
    from customers.models import Customer

    customer = contact.customer
    others = Contact.objects.filter(customer=customer).exclude(pk=contact.pk)
    if customer.kind == CustomerKind.PRIVATE_PERSON and not any(not is_erased(other) for other in others):
        Customer.objects.filter(pk=customer.pk).update(
            name=ERASED_NAME.format(id=f"U{customer.pk}"),
            tax_number="",
            address="",
            phone="",
            email="",
            notes="",
            is_active=False,
        )
        counts[Record.CUSTOMER] += 1
    else:
        counts[Record.CUSTOMER] += scrub_rows([customer], ["address", "phone", "email", "notes"], identifiers)


def _erase_contact_row(contact: Contact, counts: Counter[str]) -> None:
    contact.name = erased_name(contact)
    contact.position = contact.phone = contact.email = contact.fax = contact.postal_address = contact.notes = ""
    contact.is_active = False
    contact.save()
    counts[Record.CONTACT] += 1
