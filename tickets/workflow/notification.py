"""Talking with the user: phone consultations, questions that pause the clock, and the notification of the
result (seed j), by any channel or by letter.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.text import lines, one_line
from customers.choices import NotificationChannel
from customers.models import Contact
from tickets import deadlines
from tickets.choices import ConsultationKind, NotificationOutcome
from tickets.models import Consultation, Letter, Notification, Ticket
from tickets.workflow.core import InvalidInput, _apply, _required

# --- consultations with the user (seeds c and h) --------------------------------------------------


def consult_user(
    *,
    ticket: Ticket | int,
    actor: Any,
    summary: str,
    contact: Contact | None = None,
    expected_version: int | None = None,
) -> Ticket:
    """Seeds c and h: a phone consultation with the user, logged on the ticket."""
    summary = _required(summary, _("Summarise the call."))

    def change(locked: Ticket) -> dict[str, Any]:
        Consultation.objects.create(
            ticket=locked,
            kind=ConsultationKind.USER_CALL,
            author=actor,
            contact=contact or locked.contact,
            text=summary,
        )
        return {"contact": str((contact or locked.contact).name)}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="consult_user",
        expected_version=expected_version,
        note=summary,
        change=change,
    )


# --- waiting on the user (the service-level clock pauses) -----------------------------------------


def ask_user(*, ticket: Ticket | int, actor: Any, question: str, expected_version: int | None = None) -> Ticket:
    """The agent asked the user for something the ticket cannot go on without: the clock pauses until they answer."""
    question = _required(question, _("Write what the user was asked."))

    def change(locked: Ticket) -> dict[str, Any]:
        consultation = Consultation.objects.create(
            ticket=locked, kind=ConsultationKind.USER_QUESTION, author=actor, contact=locked.contact, text=question
        )
        deadlines.pause(locked, timezone.now())
        return {"consultation": consultation.pk}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="ask_user",
        expected_version=expected_version,
        note=question,
        change=change,
    )


def _answer_user_questions(locked: Ticket, actor: Any, answer: str) -> dict[str, Any]:
    """Record `answer` on the open questions to the user and restart the clock."""
    now = timezone.now()
    Consultation.objects.filter(ticket=locked, kind=ConsultationKind.USER_QUESTION, answered_at__isnull=True).update(
        answer=answer, answered_by=actor, answered_at=now
    )
    waited = deadlines.resume(locked, now)
    return {"clock_resumed": True, "waited_minutes": round(waited / dt.timedelta(minutes=1))}


def user_answered(*, ticket: Ticket | int, actor: Any, answer: str, expected_version: int | None = None) -> Ticket:
    """The user's answer arrived (by phone, in person, by post): it is recorded and the clock runs again."""
    answer = _required(answer, _("Write down the user's answer."))
    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="user_answered",
        expected_version=expected_version,
        note=answer,
        change=lambda locked: _answer_user_questions(locked, actor, answer),
    )


# --- j) notify ------------------------------------------------------------------------------------


def record_notification(
    *,
    ticket: Ticket | int,
    actor: Any,
    channel: str,
    recipient: str,
    message: str,
    contact: Contact | None = None,
    outcome: NotificationOutcome | str = NotificationOutcome.DELIVERED,
    expected_version: int | None = None,
) -> Ticket:
    """Seed j: the user was told the result — which channel, to whom, what was said.

    A phone call that did not reach the user is logged too, but the ticket keeps waiting for notification
    (the agent's call-back list); a message left on the phone counts as notified.
    """
    if channel not in NotificationChannel.values:
        raise InvalidInput(_("Choose how the user was notified."))
    if outcome not in NotificationOutcome.values:
        raise InvalidInput(_("Unknown outcome."))
    if outcome != NotificationOutcome.DELIVERED and channel != NotificationChannel.PHONE:
        raise InvalidInput(_("Only a phone call can leave a message or fail to reach the user."))
    recipient = _required(recipient, _("Say to whom (phone number, address, fax number or e-mail)."))
    message = _required(message, _("Write what the user was told."))

    def change(locked: Ticket) -> dict[str, Any]:
        Notification.objects.create(
            ticket=locked,
            channel=channel,
            contact=contact or locked.contact,
            recipient=recipient,
            message=message,
            outcome=outcome,
            recorded_by=actor,
        )
        return {"channel": channel, "recipient": recipient, "notification_outcome": str(outcome)}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="log_unanswered_call" if outcome == NotificationOutcome.NOT_REACHED else "record_notification",
        expected_version=expected_version,
        note=message,
        change=change,
    )


def prepare_letter(
    *, ticket: Ticket | int, actor: Any, text: str, address: str = "", expected_version: int | None = None
) -> Letter:
    """Seed j by post: the letter is prepared for printing; posting it records the notification."""
    text = _required(text, _("Write the text of the letter."))
    holder: dict[str, Letter] = {}

    def change(locked: Ticket) -> dict[str, Any]:
        contact = locked.contact
        if not (address.strip() or contact.postal_address.strip()):
            raise InvalidInput(_("The contact has no postal address: add it, or write it on the letter."))
        to = "\n".join(lines(address)) or f"{contact.name}\n{contact.postal_address.strip()}"
        holder["letter"] = Letter.objects.create(ticket=locked, address=to, text=text, prepared_by=actor)
        return {"letter": holder["letter"].pk, "recipient": to}

    _apply(
        ticket=ticket,
        actor=actor,
        step_name="prepare_letter",
        expected_version=expected_version,
        note=text,
        change=change,
    )
    return holder["letter"]


def letter_posted(*, letter: Letter, actor: Any, expected_version: int | None = None) -> Ticket:
    """The printed letter went into the post: that is the notification (seed j)."""
    with transaction.atomic():
        locked_letter = Letter.objects.select_for_update().get(pk=letter.pk)
        if locked_letter.posted_at is not None:
            raise InvalidInput(_("This letter has already been marked as posted."))
        ticket = record_notification(
            ticket=locked_letter.ticket_id,
            actor=actor,
            channel=NotificationChannel.LETTER,
            recipient=one_line(locked_letter.address),
            message=locked_letter.text,
            expected_version=expected_version,
        )
        locked_letter.posted_at = timezone.now()
        locked_letter.save(update_fields=["posted_at"])
    return ticket
