"""Messages that arrive or leave by themselves (e-mail, fax): replies on open tickets, feedback on closed ones,
and the mail the outbox queued, sent or could not send.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from tickets.choices import Channel, FeedbackOutcome
from tickets.models import Feedback, Ticket
from tickets.workflow.core import NOTIFICATION_ON_ITS_WAY, IllegalTransition, _apply
from tickets.workflow.notification import _answer_user_questions


def receive_message(
    *, ticket: Ticket | int, actor: Any, text: str, sender: str, channel: Channel | str, details: dict[str, Any]
) -> Ticket:
    """A message from the user on an open ticket (a reply by e-mail or fax): logged and shown to the agent."""

    def change(locked: Ticket) -> dict[str, Any]:
        data = {"sender": sender, "channel": str(channel), **details}
        if locked.waiting_since is not None:
            data |= _answer_user_questions(locked, actor, text)
        return data

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="receive_message",
        expected_version=None,
        note=text,
        change=change,
    )


def receive_feedback(
    *,
    ticket: Ticket | int,
    actor: Any,
    text: str,
    channel: Channel | str,
    received_at: dt.datetime,
    details: dict[str, Any],
) -> Feedback:
    """A message on a closed ticket is feedback (seed l): recorded, waiting for an agent to reopen or file it."""
    holder: dict[str, Feedback] = {}

    def change(locked: Ticket) -> dict[str, Any]:
        holder["feedback"] = Feedback.objects.create(
            ticket=locked,
            contact=locked.contact,
            channel=channel,
            received_at=received_at,
            content=text or "—",
            outcome=FeedbackOutcome.PENDING,
            registered_by=actor,
        )
        return {"feedback": holder["feedback"].pk, "channel": str(channel), **details}

    _apply(
        ticket=ticket,
        actor=actor,
        step_name="receive_feedback",
        expected_version=None,
        note=text,
        change=change,
    )
    return holder["feedback"]


def record_email(
    *,
    ticket: Ticket | int,
    actor: Any,
    step_name: str,
    note: str,
    details: dict[str, Any],
    expected_version: int | None = None,
) -> Ticket:
    """An e-mail queued by a person (email_user), or sent or failed as the worker reports (email_sent, email_failed)."""
    if step_name not in ("email_user", "fax_user", "email_sent", "email_failed"):
        raise ValueError(step_name)

    def change(locked: Ticket) -> dict[str, Any]:
        if details.get("notification"):
            if step_name in ("email_user", "fax_user"):
                if locked.notification_sending_since is not None:
                    raise IllegalTransition(NOTIFICATION_ON_ITS_WAY)
                locked.notification_sending_since = timezone.now()
            else:  # the mail server accepted it, or the worker gave up
                locked.notification_sending_since = None
        return details

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name=step_name,
        expected_version=expected_version,
        note=note,
        change=change,
    )
