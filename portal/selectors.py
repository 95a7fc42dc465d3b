"""Reads of the customer portal, always scoped to the contact behind the portal account.

A contact sees their own requests, or all of their organisation's when the customer allows it
(`Customer.portal_shares_requests`); anything else answers 404, as if it did not exist. What a request
shows is only what is meant for the customer: never internal notes, work or test logs, executors'
questions, the assignee or any member of staff by name.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.services import SYSTEM_USERNAME
from tickets.choices import Action, State
from tickets.models import Attachment, Ticket, TicketEvent


def _contact_of(user: Any) -> Any:
    if not getattr(user, "is_authenticated", False) or not user.is_active or not getattr(user, "contact_id", None):
        return None
    contact = user.contact
    return contact if contact.is_active else None


def shares_requests(user: Any) -> bool:
    contact = _contact_of(user)
    return bool(contact is not None and contact.customer.portal_shares_requests)


def requests_for(user: Any) -> QuerySet[Ticket]:
    """The contact's own requests, or all of their customer's when the customer shares them in the portal."""
    contact = _contact_of(user)
    if contact is None:
        return Ticket.objects.none()
    if contact.customer.portal_shares_requests:
        return Ticket.objects.filter(customer_id=contact.customer_id)
    return Ticket.objects.filter(contact_id=contact.pk)


def request_list(user: Any) -> QuerySet[Ticket]:
    """The home page's rows, newest first, with their columns joined (one query)."""
    return requests_for(user).select_related("module", "contact").order_by("-received_at", "-id")


def get_request(user: Any, year: int, sequence: int) -> Ticket:
    """The request `year/sequence` if the contact may see it; otherwise 404."""
    ticket = (
        requests_for(user).select_related("module", "contact", "customer").filter(year=year, sequence=sequence).first()
    )
    if ticket is None:
        raise Http404("No such request.")
    return ticket


def customer_attachments(ticket: Ticket) -> QuerySet[Attachment]:
    """Files the customer's side sent: uploaded in the portal or arriving with their e-mails (the system actor
    stores both). Files the staff attached (scans, internal documents) are not shown."""
    return Attachment.objects.filter(ticket=ticket, uploaded_by__username=SYSTEM_USERNAME).order_by("uploaded_at", "id")


def get_attachment(user: Any, year: int, sequence: int, pk: int) -> Attachment:
    ticket = get_request(user, year, sequence)
    attachment = customer_attachments(ticket).filter(pk=pk).first()
    if attachment is None:
        raise Http404("No such file.")
    return attachment


# --- what the customer sees of the state and the timeline ------------------------------------------

PUBLIC_STATE_LABELS: dict[str, Any] = {
    State.NEW: pgettext_lazy("request state", "Received"),
    State.REJECTED: _("Rejected"),
    State.VERIFIED: _("Accepted"),
    State.DISPATCHING: _("Accepted"),
    State.ASSIGNED: _("Accepted"),
    State.IN_PROGRESS: _("In progress"),
    State.COMPLETED: _("In progress"),
    State.SOLVED: _("Solved"),
    State.NOTIFIED: _("Solved"),
    State.CLOSED: _("Closed"),
}
PUBLIC_STATE_CLASSES: dict[str, str] = {
    State.NEW: "received",
    State.REJECTED: "rejected",
    State.VERIFIED: "accepted",
    State.DISPATCHING: "accepted",
    State.ASSIGNED: "accepted",
    State.IN_PROGRESS: "in-progress",
    State.COMPLETED: "in-progress",
    State.SOLVED: "solved",
    State.NOTIFIED: "solved",
    State.CLOSED: "closed",
}


def open_questions_to_user(ticket: Ticket) -> list[str]:
    """What the desk asked the user and waits for (the service-level clock is paused meanwhile)."""
    from tickets.choices import ConsultationKind

    if ticket.waiting_since is None:
        return []
    return list(
        ticket.consultations.filter(kind=ConsultationKind.USER_QUESTION, answered_at__isnull=True)
        .order_by("occurred_at", "id")
        .values_list("text", flat=True)
    )


def public_state(ticket: Ticket) -> Any:
    """The state as the customer understands it; a ticket reopened on their feedback is being looked at
    again, not newly received."""
    if ticket.state == State.NEW and ticket.reopen_count:
        return _("Reopened, under review")
    return PUBLIC_STATE_LABELS[ticket.state]


def public_state_class(ticket: Ticket) -> str:
    if ticket.state == State.NEW and ticket.reopen_count:
        return "accepted"
    return PUBLIC_STATE_CLASSES[ticket.state]


@dataclass(frozen=True)
class PublicEntry:
    """One line of the customer's timeline."""

    at: dt.datetime
    kind: str
    label: Any
    text: str = ""
    title: str = ""
    score: int | None = None


# Events whose kind of entry does not depend on anything else; the note is shown only where it is the
# customer's own words or a text sent to them.
_FIXED: dict[str, tuple[str, Any, bool]] = {
    Action.REGISTER: ("registered", _("Request received"), False),
    Action.VERIFY: ("accepted", _("Accepted"), False),
    Action.REJECT: ("rejected", _("Rejected"), True),
    Action.ACCEPT_SOLVED: ("solved", _("Solved"), False),
    Action.RECORD_NOTIFICATION: ("notified", _("You were told the result"), True),
    Action.MESSAGE_RECEIVED: ("message", _("Message received"), True),
    Action.FEEDBACK_RECEIVED: ("feedback", _("Feedback received"), True),
    Action.RECORD_FEEDBACK: ("feedback", _("Feedback recorded"), False),
    Action.CLOSE: ("closed", _("Closed"), False),
    Action.REOPEN: ("reopened", _("Reopened"), False),
    Action.RATED: ("rated", _("Rated"), True),
    # The agent's question to the user is written for them ("Please send the exported file"), and so is
    # their answer taken down by phone; an open question is also shown above the reply form.
    Action.WAIT_FOR_USER: ("question", _("Question to you"), True),
    Action.USER_ANSWERED: ("answer", _("Your answer"), True),
}
_STARTS_WORK = (Action.ROUTE_PERSONALLY, Action.START)
PUBLIC_ACTIONS = [*_FIXED, *_STARTS_WORK, Action.EMAIL_SENT]


def public_timeline(ticket: Ticket) -> list[PublicEntry]:
    """What is meant for the customer, oldest first: two queries whatever the length of the history."""
    from mail.choices import OutboundKind
    from mail.models import OutboundMessage

    events = list(
        TicketEvent.objects.filter(ticket=ticket, action__in=PUBLIC_ACTIONS)
        .only("at", "action", "from_state", "to_state", "note", "data")
        .order_by("at", "id")
    )
    sent_ids = [
        event.data.get("outbound")
        for event in events
        if event.action == Action.EMAIL_SENT and isinstance(event.data.get("outbound"), int)
    ]
    sent = (
        {
            message.pk: message
            for message in OutboundMessage.objects.filter(ticket=ticket, pk__in=sent_ids)
            .exclude(kind=OutboundKind.STAFF_ALERT)
            .only("pk", "subject", "body", "channel")
        }
        if sent_ids
        else {}
    )

    entries: list[PublicEntry] = []
    for event in events:
        if event.action in _FIXED:
            kind, label, with_note = _FIXED[event.action]
            score = event.data.get("score") if event.action == Action.RATED else None
            entries.append(PublicEntry(event.at, kind, label, event.note if with_note else "", score=score))
        elif event.action in _STARTS_WORK:
            if event.from_state in (State.VERIFIED, State.ASSIGNED):
                entries.append(PublicEntry(event.at, "in-progress", _("Work started")))
        elif event.action == Action.EMAIL_SENT:
            message = sent.get(event.data.get("outbound"))
            # A notification that went out by e-mail is shown once, as the notification.
            if message is None or event.data.get("notified") == "yes" or event.data.get("notification"):
                continue
            label = _("Fax sent to you") if message.channel == "fax" else _("E-mail sent to you")
            entries.append(PublicEntry(event.at, "email", label, message.body, title=message.subject))
    return entries
