"""E-mail out: an agent's message or notification to the user, and the automatic acknowledgement.

A message is queued in the database with its own Message-ID (so replies find the ticket even when the
user deletes the number from the subject) and handed to the worker after commit. ``outbound_send`` does
the sending; it is safe to run again: a message already sent is not sent twice by it. The ticket is
recorded as notified only after a send that succeeded.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import secrets
import smtplib
import socket
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.services import system_user
from common.text import header_text
from customers.choices import NotificationChannel
from mail.choices import OutboundKind, OutboundStatus, TemplateKey
from mail.models import InboundMessage, OutboundMessage
from mail.templating import message_text
from tickets import workflow
from tickets.models import Ticket

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS = (smtplib.SMTPException, OSError, socket.timeout)


def subject_for(ticket: Ticket, subject: str) -> str:
    """The subject with the ticket number, so a reply finds its ticket; on one line, as a header must be."""
    subject = header_text(subject)
    return subject if f"[{ticket.number}]" in subject else f"[{ticket.number}] {subject}".strip()


def _new_message_id(ticket: Ticket) -> str:
    # Short enough never to be folded onto a second header line; random enough never to repeat.
    return f"pult.{ticket.year}.{ticket.sequence}.{secrets.token_hex(8)}@{settings.PULT_MAIL_DOMAIN}"


def _last_inbound_id(ticket: Ticket) -> str:
    last = InboundMessage.objects.filter(ticket=ticket).exclude(message_id="").order_by("-received_at", "-id")
    return last.values_list("message_id", flat=True).first() or ""


def recipient_address(to: str) -> str:
    """One e-mail address, checked before anything is queued: a message that could never leave is refused
    where it is written, not found stuck in the queue."""
    address = (to or "").strip()
    try:
        validate_email(address)
    except ValidationError as exc:
        raise workflow.InvalidInput(_("Give one valid e-mail address, e.g. kovacs.eva@example.com.")) from exc
    return address


def _queue(outbound: OutboundMessage) -> None:
    from mail.tasks import send_outbound_task

    transaction.on_commit(lambda: send_outbound_task(outbound.pk))


def email_user(
    *,
    ticket: Ticket,
    actor: Any,
    to: str,
    subject: str,
    body: str,
    as_notification: bool,
    expected_version: int | None = None,
) -> OutboundMessage:
    """An agent writes to the user from the ticket; with `as_notification`, a successful send notifies (seed j)."""
    to = recipient_address(to)
    with transaction.atomic():
        outbound = OutboundMessage.objects.create(
            ticket=ticket,
            kind=OutboundKind.NOTIFICATION if as_notification else OutboundKind.MESSAGE,
            to=to,
            subject=subject_for(ticket, subject)[:300],
            body=body,
            message_id=_new_message_id(ticket),
            in_reply_to=_last_inbound_id(ticket),
            requested_by=actor,
        )
        workflow.record_email(
            ticket=ticket,
            actor=actor,
            step_name="email_user",
            note=body,
            details={"outbound": outbound.pk, "recipient": outbound.to, "subject": outbound.subject}
            | ({"notification": True} if as_notification else {}),
            expected_version=expected_version,
        )
        _queue(outbound)
    return outbound


def fax_user(
    *, ticket: Ticket, actor: Any, fax_number: str, text: str, expected_version: int | None = None
) -> OutboundMessage:
    """Seed j by fax: a PDF on the letterhead, e-mailed to the fax gateway; a successful send notifies."""
    from customers.models import phone_digits

    digits = re.sub(r"\D", "", fax_number)
    if len(phone_digits(fax_number)) < 6:
        raise workflow.InvalidInput(_("Give the recipient's fax number."))
    with transaction.atomic():
        outbound = OutboundMessage(
            ticket=ticket,
            kind=OutboundKind.NOTIFICATION,
            channel=NotificationChannel.FAX,
            fax_number=fax_number.strip(),
            to=settings.PULT_FAX_GATEWAY_ADDRESS.format(number=digits),
            subject=subject_for(ticket, ticket.subject)[:300],
            body=text,
            message_id=_new_message_id(ticket),
            requested_by=actor,
            attachment_name=f"fax-{ticket.year}-{ticket.sequence:06d}.pdf",
        )
        outbound.attachment = _fax_pdf(ticket, text, outbound.fax_number, actor)
        outbound.save()
        workflow.record_email(
            ticket=ticket,
            actor=actor,
            step_name="fax_user",
            note=text,
            details={"outbound": outbound.pk, "recipient": outbound.fax_number, "notification": True},
            expected_version=expected_version,
        )
        _queue(outbound)
    return outbound


def _fax_pdf(ticket: Ticket, text: str, fax_number: str, author: Any) -> bytes:
    """The fax page on the letterhead, in the desk's language."""
    from common.pdf import letterhead, render_pdf

    with translation.override(settings.LANGUAGE_CODE):
        return render_pdf(
            "mail/pdf/fax.html",
            {"ticket": ticket, "text": text, "fax_number": fax_number, "author": author, "company": letterhead()},
        )


def _acknowledgements_exhausted(to: str) -> bool:
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    recent = OutboundMessage.objects.filter(
        to__iexact=to, kind=OutboundKind.ACKNOWLEDGEMENT, created_at__gte=hour_ago
    ).count()
    return recent >= settings.PULT_ACKNOWLEDGEMENTS_PER_SENDER_PER_HOUR


def fax_acknowledgement_queue(*, ticket: Ticket, fax_number: str) -> OutboundMessage | None:
    """A faxed request is acknowledged by fax (through the gateway), with the same text as an e-mail one."""
    from customers.models import phone_digits

    digits = phone_digits(fax_number)
    if len(digits) < 6:
        return None
    to = settings.PULT_FAX_GATEWAY_ADDRESS.format(number=re.sub(r"\D", "", fax_number))
    if _acknowledgements_exhausted(to):
        return None
    subject, body = template_text(TemplateKey.ACKNOWLEDGEMENT, ticket)
    outbound = OutboundMessage(
        ticket=ticket,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        channel=NotificationChannel.FAX,
        fax_number=fax_number.strip(),
        to=to,
        subject=subject_for(ticket, subject)[:300],
        body=body,
        message_id=_new_message_id(ticket),
        requested_by=system_user(),
        attachment_name=f"fax-{ticket.year}-{ticket.sequence:06d}.pdf",
    )
    outbound.attachment = _fax_pdf(ticket, body, outbound.fax_number, None)
    outbound.save()
    _queue(outbound)
    return outbound


def acknowledgement_queue(*, ticket: Ticket, to: str, in_reply_to: str) -> OutboundMessage | None:
    """One automatic acknowledgement of a new e-mail ticket, at most a few per sender per hour (mail loops)."""
    if _acknowledgements_exhausted(to):
        return None
    subject, body = template_text(TemplateKey.ACKNOWLEDGEMENT, ticket)
    subject = subject_for(ticket, subject)
    outbound = OutboundMessage.objects.create(
        ticket=ticket,
        kind=OutboundKind.ACKNOWLEDGEMENT,
        to=to,
        subject=subject[:300],
        body=body,
        message_id=_new_message_id(ticket),
        in_reply_to=in_reply_to,
        requested_by=system_user(),
    )
    _queue(outbound)
    return outbound


def staff_alert_queue(*, ticket: Ticket, to: str, subject: str, body: str) -> OutboundMessage:
    """A deadline warning or escalation to a member of staff, sent by the worker like any other mail."""
    outbound = OutboundMessage.objects.create(
        ticket=ticket,
        kind=OutboundKind.STAFF_ALERT,
        to=to,
        subject=subject_for(ticket, subject)[:300],
        body=body,
        message_id=_new_message_id(ticket),
        requested_by=system_user(),
    )
    _queue(outbound)
    return outbound


def template_text(key: str, ticket: Ticket) -> tuple[str, str]:
    """(subject, text) of an e-mail from the administrator's template, in the desk's language."""
    with translation.override(settings.LANGUAGE_CODE):
        handling = handling_note(ticket) if key == TemplateKey.ACKNOWLEDGEMENT else ""
    values = {
        "number": ticket.number,
        "subject": ticket.subject,
        "contact_name": ticket.contact.name,
        "company_name": settings.PULT_COMPANY_NAME,
        "handling": handling,
    }
    found = message_text(key, settings.LANGUAGE_CODE, values)
    if found is not None:
        subject, body = found
        if handling and handling not in body:  # an administrator's text without {{ handling }}: still say it
            body = f"{body.rstrip()}\n\n{handling}\n"
        return subject, body
    with translation.override(settings.LANGUAGE_CODE):  # the administrator deleted it: the built-in text
        body = render_to_string("mail/acknowledgement.txt", {"ticket": ticket, "handling": handling})
        return str(translation.gettext("Your request has been registered")), body


def handling_note(ticket: Ticket) -> str:
    """For a request that arrived while the desk was closed: when it will be handled. Otherwise empty."""
    from worktime.calendar import is_open, next_opening
    from worktime.humanize import handling_sentence
    from worktime.services import current_calendar

    cal = current_calendar()
    if is_open(cal, ticket.received_at):
        return ""
    return handling_sentence(next_opening(cal, ticket.received_at))


def _compose(outbound: OutboundMessage) -> EmailMessage:
    headers = {"Message-ID": f"<{outbound.message_id}>"}
    if outbound.in_reply_to:
        headers |= {"In-Reply-To": f"<{outbound.in_reply_to}>", "References": f"<{outbound.in_reply_to}>"}
    if outbound.kind == OutboundKind.ACKNOWLEDGEMENT:
        headers |= {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    elif outbound.kind == OutboundKind.STAFF_ALERT:
        headers |= {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    email = EmailMessage(
        subject=header_text(outbound.subject),  # also for a message queued before subjects were cleaned
        body=outbound.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[header_text(outbound.to)],
        headers=headers,
    )
    if outbound.attachment:
        email.attach(outbound.attachment_name, bytes(outbound.attachment), "application/pdf")
    return email


def outbound_send(outbound_id: int) -> OutboundMessage:
    """Send one queued message. Raises a transient error (for the worker to retry) after recording it."""
    outbound = OutboundMessage.objects.select_related("ticket", "requested_by").get(pk=outbound_id)
    if outbound.status in (OutboundStatus.SENT, OutboundStatus.GIVEN_UP):
        return outbound
    try:
        _compose(outbound).send(fail_silently=False)
    except TRANSIENT_ERRORS as exc:
        _record_failure(outbound, exc)
        raise
    except Exception as exc:  # e.g. BadHeaderError: trying again cannot help
        logger.exception("outbound e-mail %s cannot be sent; given up", outbound.pk)
        _record_failure(outbound, exc, permanent=True)
        return outbound
    with transaction.atomic():
        outbound.status, outbound.sent_at = OutboundStatus.SENT, timezone.now()
        outbound.attempts += 1
        outbound.last_error = ""
        outbound.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        if outbound.kind == OutboundKind.STAFF_ALERT:
            return outbound  # the warning's own event names who was told; the ticket is not touched
        details: dict[str, Any] = {"outbound": outbound.pk, "recipient": outbound.to, "subject": outbound.subject}
        notification = outbound.kind == OutboundKind.NOTIFICATION
        if notification:
            details["notification"] = True  # the ticket no longer waits for it: then it is recorded as seed j
        workflow.record_email(
            ticket=outbound.ticket, actor=system_user(), step_name="email_sent", note="", details=details
        )
        if notification:
            _record_notification(outbound)
    return outbound


def _record_notification(outbound: OutboundMessage) -> str:
    """Seed j for a notification that went out: recorded in the name of the agent who wrote it (or, if the
    ticket moved on meanwhile, the refusal is returned and the e-mail stays on the timeline as sent)."""
    try:
        workflow.record_notification(
            ticket=outbound.ticket,
            actor=outbound.requested_by,
            channel=outbound.channel,
            recipient=outbound.fax_number or outbound.to,
            message=outbound.body,
        )
    except workflow.WorkflowError as refused:  # e.g. someone recorded a phone notification meanwhile
        return str(refused.message)
    return "yes"


def _record_failure(outbound: OutboundMessage, error: BaseException, *, permanent: bool = False) -> None:
    """A failed try: retried later, or given up (after the last try, or at once when no try can succeed), and
    then the ticket's timeline says so and a notification no longer counts as on its way."""
    outbound.attempts += 1
    outbound.last_error = f"{type(error).__name__}: {error}"[:2000]
    given_up = permanent or outbound.attempts >= settings.PULT_EMAIL_SEND_ATTEMPTS
    outbound.status = OutboundStatus.GIVEN_UP if given_up else OutboundStatus.FAILED
    with transaction.atomic():
        outbound.save(update_fields=["attempts", "last_error", "status"])
        if given_up and outbound.kind != OutboundKind.STAFF_ALERT:
            workflow.record_email(
                ticket=outbound.ticket,
                actor=system_user(),
                step_name="email_failed",
                note=outbound.last_error,
                details={"outbound": outbound.pk, "recipient": outbound.to, "subject": outbound.subject}
                | ({"notification": True} if outbound.kind == OutboundKind.NOTIFICATION else {}),
            )


def retry_delay(attempts: int) -> int:
    """Seconds before the next try: 1, 2, 4 … minutes, at most an hour."""
    return min(60 * 2 ** max(0, attempts - 1), 3600)
