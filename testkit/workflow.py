"""Walk a ticket through the real workflow to any state, for tests that need one there."""

from __future__ import annotations

from typing import Any

from customers.choices import NotificationChannel
from tickets import workflow
from tickets.choices import Channel, RouteDecision, State
from tickets.models import Ticket

# How each state is reached from the one before it, on the executor path.
PATH = [
    State.NEW,
    State.VERIFIED,
    State.ASSIGNED,
    State.IN_PROGRESS,
    State.COMPLETED,
    State.SOLVED,
    State.NOTIFIED,
    State.CLOSED,
]


def register(users: dict[str, Any], contact: Any, **kwargs: Any) -> Ticket:
    data = {
        "subject": "Nem nyomtat a számlázó",
        "description": "A nyomtatás gomb nem működik.",
        "channel": Channel.PHONE,
    }
    data.update(kwargs)
    return workflow.register_ticket(actor=users["agent"], contact=contact, **data)


def advance(ticket: Ticket, target: State, users: dict[str, Any]) -> Ticket:
    """Take `ticket` along the seed's main path until it is in `target` (or rejected/dispatching)."""
    agent, executor = users["agent"], users["executor"]
    if target == State.REJECTED:
        return workflow.reject_ticket(ticket=ticket, actor=agent, reason="Kéretlen levél")
    if target == State.DISPATCHING:
        ticket = workflow.verify_ticket(ticket=ticket, actor=agent)
        return workflow.route_ticket(ticket=ticket, actor=agent, decision=RouteDecision.DISPATCHER)
    steps = {
        State.VERIFIED: lambda t: workflow.verify_ticket(ticket=t, actor=agent),
        State.ASSIGNED: lambda t: workflow.route_ticket(
            ticket=t, actor=agent, decision=RouteDecision.EXECUTOR, executor=executor
        ),
        State.IN_PROGRESS: lambda t: workflow.start_work(ticket=t, actor=executor),
        State.COMPLETED: lambda t: workflow.complete_work(ticket=t, actor=executor, note="Javítva."),
        State.SOLVED: lambda t: workflow.accept_solved(ticket=t, actor=agent, test_note="Nyomtatás rendben."),
        State.NOTIFIED: lambda t: workflow.record_notification(
            ticket=t,
            actor=agent,
            channel=NotificationChannel.PHONE,
            recipient=t.contact.phone,
            message="Közöltük, hogy a hiba javítva.",
        ),
        State.CLOSED: lambda t: workflow.close_ticket(ticket=t, actor=agent),
    }
    ticket.refresh_from_db()
    while ticket.state != target:
        position = PATH.index(State(ticket.state))
        ticket = steps[PATH[position + 1]](ticket)
    return ticket
