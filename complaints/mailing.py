"""E-mail about complaints: the acknowledgement, the answer (with its PDF and the record), staff alerts.

Each message is queued with its own Message-ID and handed to the worker after commit; `send` is safe to
run again. The answer counts as sent when the mail server accepted it; that moment, the Message-ID and
the server's reply are recorded on the complaint's timeline (the proof of sending).
"""

from __future__ import annotations

import logging
import secrets
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from common.text import header_text
from complaints.choices import Action, MessageKind, MessageStatus
from complaints.models import Answer, Complaint, ComplaintMessage
from mail.outbound import TRANSIENT_ERRORS

logger = logging.getLogger(__name__)


def _message_id(complaint: Complaint) -> str:
    return f"pult.panasz.{complaint.year}.{complaint.sequence}.{secrets.token_hex(8)}@{settings.PULT_MAIL_DOMAIN}"


def _queue(message: ComplaintMessage) -> None:
    from complaints.tasks import send_complaint_message_task

    transaction.on_commit(lambda: send_complaint_message_task(message.pk))


def _subject(complaint: Complaint, text: str) -> str:
    return header_text(f"[{complaint.number}] {text}")[:300]


def acknowledgement_queue(complaint: Complaint) -> ComplaintMessage:
    """The immediate acknowledgement: the complaint's number and when the written answer is due at the latest."""
    from complaints.documents import record_is_sent_with_acknowledgement

    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "complaints/mail/acknowledgement.txt",
            {"complaint": complaint, "company_name": settings.PULT_COMPANY_NAME},
        )
        subject = _subject(complaint, _("Your complaint has been recorded"))
    message = ComplaintMessage.objects.create(
        complaint=complaint,
        kind=MessageKind.ACKNOWLEDGEMENT,
        to=complaint.complainant_email,
        subject=subject,
        body=body,
        message_id=_message_id(complaint),
        attach_record=record_is_sent_with_acknowledgement(complaint),
    )
    _queue(message)
    return message


def answer_queue(answer: Answer) -> ComplaintMessage:
    complaint = answer.complaint
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string(
            "complaints/mail/answer.txt", {"complaint": complaint, "company_name": settings.PULT_COMPANY_NAME}
        )
        subject = _subject(complaint, _("Our answer to your complaint"))
    message = ComplaintMessage.objects.create(
        complaint=complaint,
        kind=MessageKind.ANSWER,
        answer=answer,
        to=answer.email,
        subject=subject,
        body=body,
        message_id=_message_id(complaint),
        attach_record=hasattr(complaint, "record") and complaint.channel != "in_person",
    )
    _queue(message)
    return message


def staff_alert_queue(complaint: Complaint, people: list[Any], subject: str, body: str) -> list[str]:
    told = []
    for person in people:
        if person.email:
            message = ComplaintMessage.objects.create(
                complaint=complaint,
                kind=MessageKind.STAFF_ALERT,
                to=person.email,
                subject=subject[:300],
                body=body,
                message_id=_message_id(complaint),
            )
            _queue(message)
            told.append(person.display_name)
    return told


def _compose(message: ComplaintMessage) -> EmailMessage:
    from complaints import documents

    headers = {"Message-ID": f"<{message.message_id}>"}
    if message.kind == MessageKind.ACKNOWLEDGEMENT:
        headers |= {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    elif message.kind == MessageKind.STAFF_ALERT:
        headers |= {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}
    email = EmailMessage(
        subject=header_text(message.subject),
        body=message.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[header_text(message.to)],
        headers=headers,
    )
    complaint = message.complaint
    if message.answer is not None:
        email.attach(documents.answer_filename(message.answer), documents.answer_pdf(message.answer), "application/pdf")
    if message.attach_record and hasattr(complaint, "record"):
        email.attach(documents.record_filename(complaint), documents.record_pdf(complaint), "application/pdf")
    return email


def send(message_pk: int) -> ComplaintMessage:
    """Send one queued message. A transient failure is recorded and raised for the worker to retry."""
    from accounts.services import system_user
    from complaints import services

    message = ComplaintMessage.objects.select_related("complaint", "answer").get(pk=message_pk)
    if message.status in (MessageStatus.SENT, MessageStatus.GIVEN_UP, MessageStatus.BOUNCED):
        return message
    try:
        with translation.override(settings.LANGUAGE_CODE):
            email = _compose(message)
        email.send(fail_silently=False)
    except TRANSIENT_ERRORS as exc:
        _failed(message, exc)
        raise
    except Exception as exc:  # e.g. BadHeaderError: trying again cannot help
        logger.exception("complaint e-mail %s cannot be sent; given up", message.pk)
        _failed(message, exc, permanent=True)
        return message
    now = timezone.now()
    with transaction.atomic():
        message.status, message.sent_at = MessageStatus.SENT, now
        message.attempts += 1
        message.last_error = ""
        message.save(update_fields=["status", "sent_at", "attempts", "last_error"])
        details = {"message_id": message.message_id, "recipient": message.to}
        if message.kind == MessageKind.ANSWER and message.answer is not None:
            answer = message.answer
            answer.sent_at = now
            answer.save(update_fields=["sent_at"])
            services.answer_delivered(answer=answer, actor=system_user(), at=now, action=Action.ANSWER_SENT, **details)
        elif message.kind == MessageKind.ACKNOWLEDGEMENT:
            services._event(message.complaint, system_user(), Action.ACKNOWLEDGE, **details)
            if message.attach_record:
                message.complaint.record.sent_at = now
                message.complaint.record.save(update_fields=["sent_at"])
    return message


def _failed(message: ComplaintMessage, error: BaseException, *, permanent: bool = False) -> None:
    from accounts.services import system_user
    from complaints import services

    message.attempts += 1
    message.last_error = f"{type(error).__name__}: {error}"[:2000]
    given_up = permanent or message.attempts >= settings.PULT_EMAIL_SEND_ATTEMPTS
    message.status = MessageStatus.GIVEN_UP if given_up else MessageStatus.FAILED
    with transaction.atomic():
        message.save(update_fields=["attempts", "last_error", "status"])
        if given_up and message.kind != MessageKind.STAFF_ALERT:
            services._event(
                message.complaint,
                system_user(),
                Action.MAIL_FAILED,
                note=message.last_error,
                message_id=message.message_id,
                recipient=message.to,
            )


def bounced(message: ComplaintMessage, reason: str) -> None:
    """A delivery failure report came back for one of our complaint e-mails."""
    from accounts.services import system_user
    from complaints import services

    with transaction.atomic():
        message.status = MessageStatus.BOUNCED
        message.last_error = reason[:2000]
        message.save(update_fields=["status", "last_error"])
        services._event(
            message.complaint,
            system_user(),
            Action.MAIL_BOUNCED,
            note=reason,
            message_id=message.message_id,
            recipient=message.to,
        )


def bounce_received(message_id: str, reason: str) -> bool:
    """A bounce of one of our complaint e-mails: recorded on its complaint. False if it is not ours."""
    message = ComplaintMessage.objects.select_related("complaint").filter(message_id=message_id).first()
    if message is None:
        return False
    if message.status != MessageStatus.BOUNCED:
        bounced(message, reason)
    return True
