"""The transition core: the errors, the single transition table, the checks, and `_apply`, which every step runs.

`_apply` locks the ticket row, checks the expected version, the actor's permission and the ticket's state
against `TRANSITIONS`, lets the step do its own work, moves the state and writes one immutable TicketEvent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import is_system_actor, system_user
from common.errors import ChangedMeanwhile, DomainError, IllegalTransition, InvalidInput, NotAllowed
from tickets import deadlines
from tickets.choices import OPEN_STATES, Action, State
from tickets.models import Ticket, TicketEvent
from tickets.signals import ticket_event_recorded

# The refusals are the shared family (common.errors); WorkflowError is its name in the ticket workflow.
WorkflowError = DomainError


class TicketChangedMeanwhile(ChangedMeanwhile):
    """Someone else acted on the ticket after the form was shown."""

    code = "ticket_changed"

    def __init__(self) -> None:
        super().__init__(
            _(
                "The ticket changed meanwhile: someone else acted on it after you opened it. "
                "Review the ticket below; what you typed is kept in the form."
            )
        )


@dataclass(frozen=True)
class Step:
    """One row of the transition table."""

    action: Action
    from_states: frozenset[State]
    to_state: State | None  # None: the step leaves the state as it is
    permission: str
    assignee_only: bool = False  # only the ticket's assignee may take it
    label: Any = ""
    # A condition on the ticket beyond its state, with the message that explains a refusal.
    condition: Callable[[Ticket], bool] | None = None
    unmet: Any = ""


_S = State


NOTIFICATION_ON_ITS_WAY = _(
    "A notification is on its way to the user: wait until the mail server accepts it, or it fails."
)


def _no_notification_on_its_way(ticket: Ticket) -> bool:
    return ticket.notification_sending_since is None


_ACTIVE = frozenset({_S.NEW, _S.VERIFIED, _S.DISPATCHING, _S.ASSIGNED, _S.IN_PROGRESS, _S.COMPLETED, _S.SOLVED})


_ALL = frozenset(State)


# The single transition table. Keys are the step names the UI and API use.
TRANSITIONS: dict[str, Step] = {
    "verify": Step(Action.VERIFY, frozenset({_S.NEW}), _S.VERIFIED, "tickets.verify_ticket", label=_("Verify")),
    "reject": Step(
        Action.REJECT, frozenset({_S.NEW}), _S.REJECTED, "tickets.verify_ticket", label=_("Reject as not genuine")
    ),
    "route_personally": Step(
        Action.ROUTE_PERSONALLY,
        frozenset({_S.VERIFIED}),
        _S.IN_PROGRESS,
        "tickets.route_ticket",
        label=_("Solve personally"),
    ),
    "route_to_executor": Step(
        Action.ROUTE_TO_EXECUTOR,
        frozenset({_S.VERIFIED}),
        _S.ASSIGNED,
        "tickets.route_ticket",
        label=_("Assign to executor"),
    ),
    "route_to_dispatcher": Step(
        Action.ROUTE_TO_DISPATCHER,
        frozenset({_S.VERIFIED}),
        _S.DISPATCHING,
        "tickets.route_ticket",
        label=_("Pass to the dispatcher"),
    ),
    "dispatch": Step(
        Action.DISPATCH,
        frozenset({_S.DISPATCHING}),
        _S.ASSIGNED,
        "tickets.dispatch_ticket",
        label=_("Dispatch to executor"),
    ),
    "start": Step(
        Action.START,
        frozenset({_S.ASSIGNED}),
        _S.IN_PROGRESS,
        "tickets.work_on_ticket",
        assignee_only=True,
        label=_("Start work"),
    ),
    "log_work": Step(
        Action.LOG_WORK,
        frozenset({_S.IN_PROGRESS}),
        None,
        "tickets.work_on_ticket",
        assignee_only=True,
        label=_("Log work"),
    ),
    "ask_agent": Step(
        Action.ASK_AGENT,
        frozenset({_S.ASSIGNED, _S.IN_PROGRESS}),
        None,
        "tickets.work_on_ticket",
        assignee_only=True,
        label=_("Ask the agent"),
    ),
    # A question can be answered whatever happened to the ticket since, so none stays open for ever.
    "answer_executor": Step(
        Action.ANSWER_EXECUTOR,
        _ALL,
        None,
        "tickets.answer_question",
        label=_("Answer the executor"),
        condition=lambda ticket: ticket.open_questions > 0,
        unmet=_("There is no open question from the executor."),
    ),
    "complete": Step(
        Action.COMPLETE,
        frozenset({_S.IN_PROGRESS}),
        _S.COMPLETED,
        "tickets.work_on_ticket",
        assignee_only=True,
        label=_("Record completion"),
    ),
    "log_test": Step(
        Action.LOG_TEST,
        frozenset({_S.COMPLETED}),
        None,
        "tickets.test_ticket",
        label=_("Log test"),
    ),
    "return_to_executor": Step(
        Action.RETURN_TO_EXECUTOR,
        frozenset({_S.COMPLETED}),
        _S.IN_PROGRESS,
        "tickets.test_ticket",
        label=_("Return to the executor"),
    ),
    "consult_user": Step(
        Action.CONSULT_USER,
        _ACTIVE,
        None,
        "tickets.consult_user",
        label=_("Log a call with the user"),
    ),
    "accept_solved": Step(
        Action.ACCEPT_SOLVED,
        frozenset({_S.COMPLETED}),
        _S.SOLVED,
        "tickets.test_ticket",
        label=_("Judge solved"),
    ),
    "record_notification": Step(
        Action.RECORD_NOTIFICATION,
        frozenset({_S.SOLVED}),
        _S.NOTIFIED,
        "tickets.notify_user",
        label=_("Record notification"),
        condition=_no_notification_on_its_way,
        unmet=NOTIFICATION_ON_ITS_WAY,
    ),
    "prepare_letter": Step(
        Action.LETTER_PREPARED,
        frozenset({_S.SOLVED}),
        None,
        "tickets.notify_user",
        label=_("Prepare a letter to the user"),
        condition=_no_notification_on_its_way,
        unmet=NOTIFICATION_ON_ITS_WAY,
    ),
    "log_unanswered_call": Step(
        Action.CALL_NOT_REACHED,
        frozenset({_S.SOLVED}),
        None,
        "tickets.notify_user",
        label=_("Log a call that did not reach the user"),
    ),
    "close": Step(Action.CLOSE, frozenset({_S.NOTIFIED}), _S.CLOSED, "tickets.close_ticket", label=_("Close")),
    "record_feedback": Step(
        Action.RECORD_FEEDBACK,
        _ALL,
        None,
        "tickets.register_feedback",
        label=_("Record feedback only"),
    ),
    "reopen": Step(
        Action.REOPEN,
        frozenset({_S.CLOSED, _S.REJECTED}),
        _S.NEW,
        "tickets.register_feedback",
        label=_("Reopen on feedback"),
    ),
    "attach": Step(Action.ATTACH, _ALL, None, "tickets.attach_file", label=_("Attach a file")),
    "receive_message": Step(
        Action.MESSAGE_RECEIVED,
        _ACTIVE | {_S.NOTIFIED},
        None,
        "tickets.register_ticket",
        label=_("Record a message from the user"),
    ),
    "receive_feedback": Step(
        Action.FEEDBACK_RECEIVED,
        frozenset({_S.CLOSED, _S.REJECTED}),
        None,
        "tickets.register_feedback",
        label=_("Record feedback to review"),
    ),
    "email_user": Step(
        Action.EMAIL_QUEUED,
        _ACTIVE | {_S.NOTIFIED},
        None,
        "tickets.notify_user",
        label=_("Send an e-mail to the user"),
    ),
    "fax_user": Step(
        Action.FAX_QUEUED,
        frozenset({_S.SOLVED}),
        None,
        "tickets.notify_user",
        label=_("Send the notification by fax"),
        condition=_no_notification_on_its_way,
        unmet=NOTIFICATION_ON_ITS_WAY,
    ),
    # Written by the worker about mail it sent: whatever the ticket's state is by then.
    "email_sent": Step(Action.EMAIL_SENT, _ALL, None, "tickets.register_ticket", label=_("E-mail sent")),
    "email_failed": Step(
        Action.EMAIL_FAILED, _ALL, None, "tickets.register_ticket", label=_("E-mail could not be sent")
    ),
    "clarify": Step(
        Action.CLARIFY,
        _ACTIVE,
        None,
        "tickets.verify_ticket",
        label=_("Correct the ticket's data"),
    ),
    "ask_user": Step(
        Action.WAIT_FOR_USER,
        _ACTIVE,
        None,
        "tickets.consult_user",
        label=_("Ask the user and wait"),
        condition=lambda ticket: ticket.waiting_since is None,
        unmet=_("The ticket is already waiting for the user."),
    ),
    "user_answered": Step(
        Action.USER_ANSWERED,
        _ALL,
        None,
        "tickets.consult_user",
        label=_("Record the user's answer"),
        condition=lambda ticket: ticket.waiting_since is not None,
        unmet=_("The ticket is not waiting for the user."),
    ),
    "reassign": Step(
        Action.REASSIGN,
        frozenset({_S.ASSIGNED, _S.IN_PROGRESS}),
        _S.ASSIGNED,
        "tickets.dispatch_ticket",
        label=_("Reassign to another executor"),
    ),
    # The user's satisfaction rating of a closed ticket (the customer portal): recorded, the state stays.
    "rate": Step(
        Action.RATED,
        frozenset({_S.CLOSED}),
        None,
        "tickets.register_feedback",
        label=_("Record a satisfaction rating"),
    ),
}


# --- checks shared by the steps and by the pages that offer them ----------------------------------


def refusal(user: Any, ticket: Ticket, step_name: str) -> WorkflowError | None:
    """Why `user` may not take the named step on `ticket` now, or None if they may."""
    return _refusal(user, ticket, TRANSITIONS[step_name])


def _refusal(user: Any, ticket: Ticket, step: Step) -> WorkflowError | None:
    """Why `user` may not take `step` on `ticket` now, or None if they may."""
    if not _role_allows(user, step):
        return NotAllowed(_("Your role does not allow this step: %(step)s.") % {"step": step.label})
    if ticket.state not in step.from_states:
        return IllegalTransition(
            _("“%(step)s” is not possible while the ticket is “%(state)s”.")
            % {"step": step.label, "state": State(ticket.state).label}
        )
    if step.assignee_only and ticket.assignee_id != user.pk:
        return NotAllowed(_("Only the executor the ticket is assigned to can do this."))
    if step.condition is not None and not step.condition(ticket):
        return IllegalTransition(step.unmet)
    return None


def _role_allows(user: Any, step: Step) -> bool:
    return bool(user is not None and user.is_active and user.has_perm(step.permission))


def role_allows(user: Any, step_name: str) -> bool:
    """Whether the user's role may ever take the step (state and assignment aside)."""
    return _role_allows(user, TRANSITIONS[step_name])


def can(user: Any, ticket: Ticket, step_name: str) -> bool:
    return _refusal(user, ticket, TRANSITIONS[step_name]) is None


def allowed_steps(user: Any, ticket: Ticket) -> list[str]:
    """The step names `user` may take on `ticket` in its current state, in table order."""
    return [name for name, step in TRANSITIONS.items() if _refusal(user, ticket, step) is None]


def _apply(
    *,
    ticket: Ticket | int,
    actor: Any,
    step_name: str,
    expected_version: int | None,
    note: str = "",
    change: Callable[[Ticket], dict[str, Any] | None] | None = None,
) -> Ticket:
    """Lock the ticket, check the step, let `change` do the step's own work, then record the event."""
    step = TRANSITIONS[step_name]
    ticket_id = ticket.pk if isinstance(ticket, Ticket) else ticket
    with transaction.atomic():
        locked = Ticket.objects.select_for_update().get(pk=ticket_id)
        if expected_version is not None and locked.version != expected_version:
            raise TicketChangedMeanwhile()
        refused = _refusal(actor, locked, step)
        if refused is not None:
            raise refused
        from_state = locked.state
        now = timezone.now()
        data = (change(locked) if change else None) or {}
        if step.to_state is not None:
            locked.state = step.to_state
        if step.action == Action.MESSAGE_RECEIVED:
            locked.reply_waiting_since = locked.reply_waiting_since or now
        elif not is_system_actor(actor) or locked.state not in OPEN_STATES:
            locked.reply_waiting_since = None  # someone acted after the user's message (attaching its files does not)
        clock = deadlines.on_state_change(locked, from_state, locked.state, now)
        if clock:
            data = {**data, "clock": clock}
        locked.version += 1
        locked.save()
        _announce(
            TicketEvent.objects.create(
                ticket=locked,
                actor=actor,
                at=now,
                action=step.action,
                from_state=from_state,
                to_state=locked.state,
                note=note,
                data=data,
            )
        )
    return locked


def _announce(event: TicketEvent) -> TicketEvent:
    """Tell listeners (webhooks) about the event once the transaction that wrote it has committed."""
    transaction.on_commit(lambda: ticket_event_recorded.send(sender=TicketEvent, event=event))
    return event


def _required(value: str, message: Any) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(message)
    return value


def _check_executor(executor: Any) -> None:
    if executor is None or not executor.is_active or not executor.has_perm("tickets.work_on_ticket"):
        raise InvalidInput(_("Choose an active executor."))


def _assign_to(user: Any) -> Callable[[Ticket], dict[str, Any]]:
    def assign(locked: Ticket) -> dict[str, Any]:
        locked.assignee = user
        return {"assignee": user.display_name}

    return assign


# --- events that do not act on the ticket ---------------------------------------------------------


NOTED_ACTIONS = (Action.SLA_WARNING, Action.SLA_BREACH, Action.DOCUMENT_LINKED, Action.DOCUMENT_UNLINKED)


def note_event(
    ticket: Ticket,
    action: Action,
    *,
    note: str = "",
    data: dict[str, Any] | None = None,
    actor: Any = None,
) -> TicketEvent:
    """Record something that happened to the ticket without acting on it (a deadline warning, an escalation,
    a library document linked by `actor`). The ticket itself is not changed, so nobody's open form goes stale.
    """
    if action not in NOTED_ACTIONS:
        raise ValueError(action)
    return _announce(
        TicketEvent.objects.create(
            ticket=ticket,
            actor=actor or system_user(),
            action=action,
            from_state=ticket.state,
            to_state=ticket.state,
            note=note,
            data=data or {},
        )
    )
