"""The one door for ticket state: one function per step of the seed's workflow (b–l).

Every step takes an explicit actor, runs in a transaction, locks the ticket row, checks the single
transition table below and the actor's permission, and writes one immutable TicketEvent. Nothing
else in Pult assigns ``Ticket.state``. An illegal step raises a WorkflowError and changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.services import is_system_actor
from common import filetypes
from common.text import header_text, lines, one_line
from customers.models import Contact, Module
from tickets import deadlines
from tickets.choices import (
    OPEN_STATES,
    Action,
    Channel,
    ConsultationKind,
    FeedbackOutcome,
    NotificationOutcome,
    Priority,
    RouteDecision,
    Stage,
    State,
    TestOutcome,
)
from tickets.models import (
    Attachment,
    Consultation,
    Feedback,
    Letter,
    Notification,
    SatisfactionRating,
    StageClock,
    TestLogEntry,
    Ticket,
    TicketEvent,
    TicketNumberSequence,
    WorkLogEntry,
    format_ticket_number,
)
from tickets.signals import ticket_event_recorded, ticket_events_recorded, tickets_created_in_bulk
from worktime.services import snapshot

User = get_user_model()


class WorkflowError(Exception):
    """A step was refused. ``message`` is translatable and safe to show to the user."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


class NotAllowed(WorkflowError):
    """The actor's role (or assignment) does not permit the step."""


class IllegalTransition(WorkflowError):
    """The ticket's state does not permit the step."""


class TicketChangedMeanwhile(WorkflowError):
    """Someone else acted on the ticket after the form was shown."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The ticket changed meanwhile: someone else acted on it after you opened it. "
                "Review the ticket below; what you typed is kept in the form."
            )
        )


class InvalidInput(WorkflowError):
    """A value the step needs is missing or wrong."""


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


# --- checks shared by the steps and by the pages that offer them ---------------------------------


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


# --- b) register -----------------------------------------------------------------------------------


def _take_numbers(year: int, count: int = 1) -> int:
    """The first of the next `count` numbers of `year`, taken under a row lock held until the caller's
    transaction ends (gap-free)."""
    TicketNumberSequence.objects.bulk_create([TicketNumberSequence(year=year, last_number=0)], ignore_conflicts=True)
    sequence = TicketNumberSequence.objects.select_for_update().get(year=year)
    first = sequence.last_number + 1
    sequence.last_number += count
    sequence.save(update_fields=["last_number"])
    return first


@dataclass(frozen=True)
class NewTicket:
    """One request to register: what `register_tickets` takes for each ticket of a batch."""

    contact: Contact
    subject: str
    description: str
    channel: Channel | str
    received_at: dt.datetime | None = None
    module: Module | None = None
    priority: Priority | str = Priority.NORMAL


BATCH_LIMIT = 100


def _may_register(actor: Any) -> None:
    if actor is None or not actor.is_active or not actor.has_perm("tickets.register_ticket"):
        raise NotAllowed(_("Your role does not allow registering requests."))


def _unsaved_ticket(actor: Any, new: NewTicket, now: dt.datetime) -> Ticket:
    """The checked, not yet numbered ticket of a request."""
    subject = _required(header_text(new.subject), _("The subject is required."))
    description = _required(new.description, _("The content of the request is required."))
    if new.channel not in Channel.values:
        raise InvalidInput(_("Unknown channel."))
    received_at = new.received_at or now
    if received_at > now + dt.timedelta(minutes=5):
        raise InvalidInput(_("The time of receipt cannot be in the future."))
    return Ticket(
        year=timezone.localtime(now).year,
        subject=subject,
        description=description,
        channel=new.channel,
        priority=new.priority,
        customer_id=new.contact.customer_id,
        contact=new.contact,
        module=new.module,
        received_at=received_at,
        registered_at=now,
        registered_by=actor,
    )


def _registration_event(ticket: Ticket, actor: Any, note: str = "") -> TicketEvent:
    return TicketEvent(
        ticket=ticket,
        actor=actor,
        at=ticket.registered_at,
        action=Action.REGISTER,
        from_state="",
        to_state=State.NEW,
        note=note,
        data={"channel": str(ticket.channel), "received_at": ticket.received_at.isoformat()},
    )


def register_ticket(
    *,
    actor: Any,
    contact: Contact,
    subject: str,
    description: str,
    channel: Channel | str,
    received_at: dt.datetime | None = None,
    module: Module | None = None,
    priority: Priority | str = Priority.NORMAL,
    attachments: Iterable[UploadedFile] = (),
    note: str = "",
) -> Ticket:
    """Seed b: record a request in the registry. The number is taken in the same transaction."""
    _may_register(actor)
    now = timezone.now()
    new = NewTicket(contact, subject, description, channel, received_at, module, priority)
    ticket = _unsaved_ticket(actor, new, now)
    clock = deadlines.planned_stage(ticket, Stage.VERIFY, min(ticket.received_at, now))
    with files_discarded_on_error() as stored, transaction.atomic():
        # The number's row lock is held until the commit: everything that can be worked out beforehand is.
        ticket.sequence = _take_numbers(ticket.year)
        ticket.number = format_ticket_number(ticket.year, ticket.sequence)
        ticket.save(force_insert=True)
        clock.save()
        registered = _registration_event(ticket, actor, note)
        registered.save()
        for upload in attachments:
            _store_attachment(ticket, actor, upload, description="", stored=stored)
        _announce(registered)
    return ticket


def register_tickets(*, actor: Any, requests: Sequence[NewTicket]) -> list[Ticket]:
    """Seed b for a batch of requests (an integration handing over what it collected): all of them are
    registered, in the order given, or none. Their numbers are one block, taken under one row lock, and the
    tickets, clocks, events and search entries are written with one INSERT each."""
    _may_register(actor)
    if not requests:
        raise InvalidInput(_("Send at least one request."))
    if len(requests) > BATCH_LIMIT:
        raise InvalidInput(_("At most %(limit)d requests at once.") % {"limit": BATCH_LIMIT})
    now = timezone.now()
    snap = snapshot()
    tickets, clocks = [], []
    for index, new in enumerate(requests, start=1):
        try:
            ticket = _unsaved_ticket(actor, new, now)
        except InvalidInput as error:
            raise InvalidInput(_("Request %(index)d: %(error)s") % {"index": index, "error": error}) from error
        tickets.append(ticket)
        clocks.append(deadlines.planned_stage(ticket, Stage.VERIFY, min(ticket.received_at, now), snap))
    year = tickets[0].year
    with transaction.atomic():
        first = _take_numbers(year, len(tickets))
        for offset, ticket in enumerate(tickets):
            ticket.sequence = first + offset
            ticket.number = format_ticket_number(year, ticket.sequence)
        Ticket.objects.bulk_create(tickets)
        for clock, ticket in zip(clocks, tickets, strict=True):
            clock.ticket = ticket  # now with its id
        StageClock.objects.bulk_create(clocks)
        events = TicketEvent.objects.bulk_create([_registration_event(ticket, actor) for ticket in tickets])
        tickets_created_in_bulk.send(sender=Ticket, tickets=tickets)
        transaction.on_commit(lambda: ticket_events_recorded.send(sender=TicketEvent, events=events))
    return tickets


# --- c) verify -------------------------------------------------------------------------------------


def verify_ticket(
    *,
    ticket: Ticket | int,
    actor: Any,
    note: str = "",
    call_summary: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Seed c: the request is genuine. A phone consultation with the user, if one was needed, is logged."""

    def change(locked: Ticket) -> dict[str, Any]:
        if call_summary.strip():
            Consultation.objects.create(
                ticket=locked,
                kind=ConsultationKind.USER_CALL,
                author=actor,
                contact=locked.contact,
                text=call_summary.strip(),
            )
            return {"call_summary": call_summary.strip()}
        return {}

    return _apply(
        ticket=ticket, actor=actor, step_name="verify", expected_version=expected_version, note=note, change=change
    )


def reject_ticket(*, ticket: Ticket | int, actor: Any, reason: str, expected_version: int | None = None) -> Ticket:
    """Seed c: not genuine (spam, duplicate, mistaken). It stays in the registry with the reason."""
    reason = _required(reason, _("Give the reason for the rejection."))

    def change(locked: Ticket) -> None:
        locked.rejection_reason = reason

    return _apply(
        ticket=ticket, actor=actor, step_name="reject", expected_version=expected_version, note=reason, change=change
    )


# --- d) route, e) dispatch -------------------------------------------------------------------------


def route_ticket(
    *,
    ticket: Ticket | int,
    actor: Any,
    decision: RouteDecision | str,
    executor: Any = None,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Seed d: solve personally, assign to an executor, or pass to the dispatcher."""
    if decision == RouteDecision.PERSONALLY:
        return _apply(
            ticket=ticket,
            actor=actor,
            step_name="route_personally",
            expected_version=expected_version,
            note=note,
            change=_assign_to(actor),
        )
    if decision == RouteDecision.EXECUTOR:
        _check_executor(executor)

        return _apply(
            ticket=ticket,
            actor=actor,
            step_name="route_to_executor",
            expected_version=expected_version,
            note=note,
            change=_assign_to(executor),
        )
    if decision == RouteDecision.DISPATCHER:
        return _apply(
            ticket=ticket, actor=actor, step_name="route_to_dispatcher", expected_version=expected_version, note=note
        )
    raise InvalidInput(_("Choose how the ticket is routed."))


def dispatch_ticket(
    *, ticket: Ticket | int, actor: Any, executor: Any, note: str = "", expected_version: int | None = None
) -> Ticket:
    """Seed e: the dispatcher assigns the ticket to an executor."""
    _check_executor(executor)

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="dispatch",
        expected_version=expected_version,
        note=note,
        change=_assign_to(executor),
    )


def reassign_ticket(
    *, ticket: Ticket | int, actor: Any, executor: Any, reason: str, expected_version: int | None = None
) -> Ticket:
    """The dispatcher gives an assigned or started ticket to another executor (absence, wrong person)."""
    _check_executor(executor)
    reason = _required(reason, _("Give the reason for the reassignment."))

    def change(locked: Ticket) -> dict[str, Any]:
        if locked.assignee_id == executor.pk:
            raise InvalidInput(_("The ticket is already assigned to this executor."))
        previous = locked.assignee.display_name if locked.assignee else ""
        return {**_assign_to(executor)(locked), "previous_assignee": previous}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="reassign",
        expected_version=expected_version,
        note=reason,
        change=change,
    )


# --- f) execute ------------------------------------------------------------------------------------


def start_work(*, ticket: Ticket | int, actor: Any, note: str = "", expected_version: int | None = None) -> Ticket:
    return _apply(ticket=ticket, actor=actor, step_name="start", expected_version=expected_version, note=note)


def log_work(
    *, ticket: Ticket | int, actor: Any, minutes: int, note: str, expected_version: int | None = None
) -> Ticket:
    """Seed f: an entry of the executor's continuous log, with the time spent."""
    note = _required(note, _("Describe the work done."))
    if not isinstance(minutes, int) or minutes < 1 or minutes > 24 * 60:
        raise InvalidInput(_("Minutes spent must be a whole number between 1 and 1440."))

    def change(locked: Ticket) -> dict[str, Any]:
        WorkLogEntry.objects.create(ticket=locked, author=actor, minutes=minutes, note=note)
        return {"minutes": minutes}

    return _apply(
        ticket=ticket, actor=actor, step_name="log_work", expected_version=expected_version, note=note, change=change
    )


def ask_agent(*, ticket: Ticket | int, actor: Any, question: str, expected_version: int | None = None) -> Ticket:
    """Seed f: the executor consults the agent about a problem. The agent sees it in their queue."""
    question = _required(question, _("Write the question."))

    def change(locked: Ticket) -> dict[str, Any]:
        consultation = Consultation.objects.create(
            ticket=locked, kind=ConsultationKind.EXECUTOR_QUESTION, author=actor, text=question
        )
        locked.open_questions += 1
        return {"consultation": consultation.pk}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="ask_agent",
        expected_version=expected_version,
        note=question,
        change=change,
    )


def answer_executor(
    *,
    ticket: Ticket | int,
    actor: Any,
    consultation: Consultation | int,
    answer: str,
    expected_version: int | None = None,
) -> Ticket:
    answer = _required(answer, _("Write the answer."))
    consultation_id = consultation.pk if isinstance(consultation, Consultation) else consultation

    def change(locked: Ticket) -> dict[str, Any]:
        question = (
            Consultation.objects.select_for_update()
            .filter(pk=consultation_id, ticket=locked, kind=ConsultationKind.EXECUTOR_QUESTION)
            .first()
        )
        if question is None or question.answered_at is not None:
            raise InvalidInput(_("This question does not exist or has already been answered."))
        question.answer = answer
        question.answered_by = actor
        question.answered_at = timezone.now()
        question.save(update_fields=["answer", "answered_by", "answered_at"])
        locked.open_questions = max(0, locked.open_questions - 1)
        return {"consultation": question.pk, "question": question.text}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="answer_executor",
        expected_version=expected_version,
        note=answer,
        change=change,
    )


def complete_work(*, ticket: Ticket | int, actor: Any, note: str, expected_version: int | None = None) -> Ticket:
    """Seed f: the executor records that the work is finished; the agent tests it next."""
    note = _required(note, _("Describe what was done."))

    def change(locked: Ticket) -> None:
        locked.completed_at = timezone.now()

    return _apply(
        ticket=ticket, actor=actor, step_name="complete", expected_version=expected_version, note=note, change=change
    )


# --- g)–i) test and decide -------------------------------------------------------------------------


def log_test(
    *,
    ticket: Ticket | int,
    actor: Any,
    note: str,
    outcome: TestOutcome | str = TestOutcome.NOTE,
    expected_version: int | None = None,
) -> Ticket:
    """Seed i: an entry of the agent's test log."""
    note = _required(note, _("Describe what was tested."))
    if outcome not in TestOutcome.values:
        raise InvalidInput(_("Unknown test outcome."))

    def change(locked: Ticket) -> dict[str, Any]:
        TestLogEntry.objects.create(ticket=locked, author=actor, note=note, outcome=outcome)
        return {"outcome": str(outcome)}

    return _apply(
        ticket=ticket, actor=actor, step_name="log_test", expected_version=expected_version, note=note, change=change
    )


def return_to_executor(*, ticket: Ticket | int, actor: Any, reason: str, expected_version: int | None = None) -> Ticket:
    """Seed h: the test failed; the ticket goes back to the executor (step f) with the reason."""
    reason = _required(reason, _("Give the reason for returning the ticket."))

    def change(locked: Ticket) -> None:
        locked.completed_at = None

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="return_to_executor",
        expected_version=expected_version,
        note=reason,
        change=change,
    )


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


def accept_solved(
    *, ticket: Ticket | int, actor: Any, test_note: str = "", note: str = "", expected_version: int | None = None
) -> Ticket:
    """Seed h: the agent judges the ticket solved. The testing must be on the test log (seed i)."""

    def change(locked: Ticket) -> None:
        if test_note.strip():
            TestLogEntry.objects.create(ticket=locked, author=actor, note=test_note.strip(), outcome=TestOutcome.PASSED)
        tested = TestLogEntry.objects.filter(ticket=locked)
        if locked.completed_at is not None:
            tested = tested.filter(logged_at__gte=locked.completed_at)
        if not tested.exists():
            raise InvalidInput(_("Log the testing of the result before judging the ticket solved."))
        locked.solved_at = timezone.now()

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="accept_solved",
        expected_version=expected_version,
        note=note or test_note,
        change=change,
    )


# --- j) notify, k) close ---------------------------------------------------------------------------


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
    from customers.choices import NotificationChannel

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
    from customers.choices import NotificationChannel

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


# --- l) feedback -----------------------------------------------------------------------------------


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


# --- messages that arrive by themselves (e-mail, fax) ---------------------------------------------


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


# --- the clarified data (seed b) ------------------------------------------------------------------


def clarify_ticket(
    *,
    ticket: Ticket | int,
    actor: Any,
    subject: str,
    module: Module | None,
    priority: Priority | str,
    contact: Contact,
    note: str = "",
    expected_version: int | None = None,
) -> Ticket:
    """Record the clarified data of a request: subject, module, priority, contact. The event keeps old and new."""
    subject = _required(header_text(subject), _("The subject is required."))
    if priority not in Priority.values:
        raise InvalidInput(_("Unknown priority."))

    def change(locked: Ticket) -> dict[str, Any]:
        if contact.customer_id != locked.customer_id:
            raise InvalidInput(_("The contact must belong to the ticket's customer."))
        changes = []
        for field, old, new in (
            ("subject", locked.subject, subject),
            ("module", locked.module.name if locked.module else "", module.name if module else ""),
            ("priority", Priority(locked.priority).label, Priority(priority).label),
            ("contact", locked.contact.name, contact.name),
        ):
            if str(old) != str(new):
                changes.append({"field": field, "from": str(old), "to": str(new)})
        if not changes:
            raise InvalidInput(_("Nothing was changed."))
        locked.subject, locked.module, locked.priority, locked.contact = subject, module, priority, contact
        if any(change["field"] in ("module", "priority") for change in changes):
            deadlines.retarget(locked)
        return {"changes": changes}

    return _apply(
        ticket=ticket,
        actor=actor,
        step_name="clarify",
        expected_version=expected_version,
        note=note,
        change=change,
    )


# --- waiting on the user (the service-level clock pauses) ------------------------------------------


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
    from accounts.services import system_user

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


# --- attachments -----------------------------------------------------------------------------------


@contextmanager
def files_discarded_on_error() -> Iterator[list[str]]:
    """Files stored inside a transaction are deleted again if it fails (the rows roll back; files would not)."""
    stored: list[str] = []
    try:
        yield stored
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def _store_attachment(
    ticket: Ticket, actor: Any, upload: UploadedFile, *, description: str, stored: list[str]
) -> Attachment:
    from django.conf import settings

    size = upload.size or 0
    if size > settings.PULT_MAX_ATTACHMENT_BYTES:
        raise InvalidInput(
            _("The file “%(name)s” is larger than the limit of %(limit)s MB.")
            % {"name": upload.name, "limit": settings.PULT_MAX_ATTACHMENT_BYTES // (1024 * 1024)}
        )
    # The type comes from the bytes, not from the sender's word; programs are refused.
    try:
        content_type = filetypes.upload_type(upload)
    except ValueError as program:
        raise InvalidInput(str(program)) from None
    attachment = Attachment(
        ticket=ticket,
        original_name=(upload.name or "file")[:255],
        content_type=content_type,
        size=size,
        description=description,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    stored.append(attachment.file.name or "")
    attachment.save()
    return attachment


def attach_files(
    *,
    ticket: Ticket | int,
    actor: Any,
    files: Iterable[UploadedFile],
    description: str = "",
    expected_version: int | None = None,
) -> Ticket:
    uploads = list(files)
    if not uploads:
        raise InvalidInput(_("Choose a file to attach."))

    with files_discarded_on_error() as stored:

        def change(locked: Ticket) -> dict[str, Any]:
            names = [
                _store_attachment(locked, actor, upload, description=description, stored=stored).original_name
                for upload in uploads
            ]
            return {"files": names}

        return _apply(
            ticket=ticket,
            actor=actor,
            step_name="attach",
            expected_version=expected_version,
            note=description,
            change=change,
        )
