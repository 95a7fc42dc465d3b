"""Registering requests and feedback at the desk: the intake sheet, then the workflow step."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from customers.models import Contact, Module
from customers.services import contact_create
from intake.choices import SheetKind
from intake.models import IntakeSheet
from tickets import workflow
from tickets.models import Feedback, Ticket


def _contact_for(actor: Any, contact: Contact | None, new_contact: dict[str, Any] | None) -> Contact:
    if contact is not None:
        return contact
    if not new_contact:
        raise workflow.InvalidInput(_("Choose the contact, or give the new contact's name."))
    return contact_create(actor=actor, **new_contact)


def _sheet(
    *,
    actor: Any,
    ticket: Ticket,
    kind: str,
    channel: str,
    received_at: dt.datetime,
    caller_name: str,
    caller_phone: str,
    caller_email: str,
    subject: str,
    content: str,
    module: Module | None,
    feedback: Feedback | None = None,
) -> IntakeSheet:
    return IntakeSheet.objects.create(
        kind=kind,
        channel=channel,
        received_at=received_at,
        caller_name=caller_name or ticket.contact.name,
        caller_phone=caller_phone,
        caller_email=caller_email,
        caller_organisation=ticket.customer.name,
        contact=ticket.contact,
        module=module,
        subject=subject,
        content=content,
        taken_by=actor,
        ticket=ticket,
        feedback=feedback,
    )


def oral_request_register(
    *,
    actor: Any,
    contact: Contact | None,
    new_contact: dict[str, Any] | None = None,
    channel: str,
    received_at: dt.datetime,
    caller_name: str,
    caller_phone: str,
    caller_email: str,
    subject: str,
    content: str,
    module: Module | None,
    priority: str,
) -> IntakeSheet:
    """Seed b, phone or in person: the intake sheet is kept as written, and the ticket registered from it."""
    with transaction.atomic():
        contact = _contact_for(actor, contact, new_contact)
        ticket = workflow.register_ticket(
            actor=actor,
            contact=contact,
            subject=subject,
            description=content,
            channel=channel,
            received_at=received_at,
            module=module,
            priority=priority,
        )
        return _sheet(
            actor=actor,
            ticket=ticket,
            kind=SheetKind.REQUEST,
            channel=channel,
            received_at=received_at,
            caller_name=caller_name,
            caller_phone=caller_phone,
            caller_email=caller_email,
            subject=subject,
            content=content,
            module=module,
        )


def written_request_register(
    *,
    actor: Any,
    contact: Contact | None,
    new_contact: dict[str, Any] | None = None,
    channel: str,
    received_at: dt.datetime,
    subject: str,
    content: str,
    module: Module | None,
    priority: str,
    attachments: Iterable[UploadedFile],
) -> Ticket:
    """Seed b, in writing (post, fax, e-mail typed in): the data goes straight into the registry."""
    with transaction.atomic():
        return workflow.register_ticket(
            actor=actor,
            contact=_contact_for(actor, contact, new_contact),
            subject=subject,
            description=content,
            channel=channel,
            received_at=received_at,
            module=module,
            priority=priority,
            attachments=attachments,
        )


def feedback_register(
    *,
    actor: Any,
    ticket: Ticket,
    expected_version: int | None,
    channel: str,
    received_at: dt.datetime,
    caller_name: str,
    caller_phone: str,
    caller_email: str,
    content: str,
    reopen: bool,
) -> tuple[Feedback, IntakeSheet]:
    """Seed l: fill in the intake sheet, find the original ticket, then reopen it or record only."""
    with transaction.atomic():
        feedback = workflow.register_feedback(
            ticket=ticket,
            actor=actor,
            content=content,
            reopen=reopen,
            channel=channel,
            received_at=received_at,
            expected_version=expected_version,
        )
        sheet = _sheet(
            actor=actor,
            ticket=ticket,
            kind=SheetKind.FEEDBACK,
            channel=channel,
            received_at=received_at,
            caller_name=caller_name,
            caller_phone=caller_phone,
            caller_email=caller_email,
            subject=ticket.subject,
            content=content,
            module=ticket.module,
            feedback=feedback,
        )
    return feedback, sheet
