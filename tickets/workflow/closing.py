"""Closing (seed k) and what comes after: the user's feedback, reopening (seed l), and the satisfaction rating."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.models import Contact
from tickets.choices import Channel, FeedbackOutcome, NotificationOutcome
from tickets.models import Feedback, Notification, SatisfactionRating, Ticket
from tickets.workflow.core import IllegalTransition, InvalidInput, _apply, _required

# --- k) close -------------------------------------------------------------------------------------


def close_ticket(*, ticket: Ticket | int, actor: Any, note: str = "", expected_version: int | None = None) -> Ticket:
    """Seed k: close, only after the user has been notified of the result."""

    def change(locked: Ticket) -> None:
        notified = Notification.objects.filter(ticket=locked).exclude(outcome=NotificationOutcome.NOT_REACHED)
        if locked.solved_at is not None:
            notified = notified.filter(notified_at__gte=locked.solved_at)
        if not notified.exists():
            raise IllegalTransition(_("The ticket cannot be closed before the user's notification is recorded."))
        locked.closed_at = timezone.now()

    return _apply(
        ticket=ticket, actor=actor, step_name="close", expected_version=expected_version, note=note, change=change
    )


# --- l) feedback ----------------------------------------------------------------------------------


def register_feedback(
    *,
    ticket: Ticket | int,
    actor: Any,
    content: str,
    reopen: bool,
    channel: Channel | str = Channel.PHONE,
    contact: Contact | None = None,
    received_at: dt.datetime | None = None,
    expected_version: int | None = None,
    pending: Feedback | None = None,
) -> Feedback:
    """Seed l: record the user's feedback on the original ticket, and reopen it or record it only.

    With `pending`, the agent decides on feedback that arrived by itself (a reply to a closed ticket).
    """
    content = _required(content, _("Write down the feedback."))
    if channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."))
    holder: dict[str, Feedback] = {}

    def change(locked: Ticket) -> dict[str, Any]:
        outcome = FeedbackOutcome.REOPENED if reopen else FeedbackOutcome.RECORDED
        if pending is not None:
            feedback = Feedback.objects.select_for_update().get(pk=pending.pk, ticket=locked)
            if feedback.outcome != FeedbackOutcome.PENDING:
                raise InvalidInput(_("This feedback has already been reviewed."))
            feedback.outcome = outcome
            feedback.save(update_fields=["outcome"])
        else:
            feedback = Feedback.objects.create(
                ticket=locked,
                contact=contact or locked.contact,
                channel=channel,
                received_at=received_at or timezone.now(),
                content=content,
                outcome=outcome,
                registered_by=actor,
            )
        holder["feedback"] = feedback
        if reopen:
            locked.reopen_count += 1
            locked.completed_at = locked.solved_at = locked.closed_at = None
            locked.rejection_reason = ""
        return {"feedback": feedback.pk, "channel": str(channel)}

    _apply(
        ticket=ticket,
        actor=actor,
        step_name="reopen" if reopen else "record_feedback",
        expected_version=expected_version,
        note=content,
        change=change,
    )
    return holder["feedback"]


def rate_ticket(
    *, ticket: Ticket | int, actor: Any, contact: Contact, score: int, comment: str = ""
) -> SatisfactionRating:
    """The user's satisfaction with a closed ticket, 1–5 with a comment: once per closing."""
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise InvalidInput(_("The rating must be a whole number from 1 to 5."))
    comment = (comment or "").strip()
    holder: dict[str, SatisfactionRating] = {}

    def change(locked: Ticket) -> dict[str, Any]:
        if contact.customer_id != locked.customer_id:
            raise InvalidInput(_("The contact must belong to the ticket's customer."))
        if SatisfactionRating.objects.filter(ticket=locked, reopen_count=locked.reopen_count).exists():
            raise InvalidInput(_("This ticket has already been rated."))
        holder["rating"] = SatisfactionRating.objects.create(
            ticket=locked,
            contact=contact,
            reopen_count=locked.reopen_count,
            score=score,
            comment=comment,
            rated_at=timezone.now(),
        )
        return {"rating": holder["rating"].pk, "score": score}

    _apply(ticket=ticket, actor=actor, step_name="rate", expected_version=None, note=comment, change=change)
    return holder["rating"]
