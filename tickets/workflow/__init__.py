"""The one door for ticket state: one function per step of the seed's workflow (b–l).

Every step takes an explicit actor, runs in a transaction, locks the ticket row, checks the single
transition table (`core.TRANSITIONS`) and the actor's permission, and writes one immutable TicketEvent.
Nothing else in Pult assigns ``Ticket.state``. An illegal step raises a WorkflowError and changes nothing.

`core` holds the errors, the table, the checks and `_apply`, which every step runs; the steps live in one
module per phase: `intake` (register, verify, reject, clarify), `routing` (route, dispatch, reassign, the
executor's work), `testing` (test log, return, judge solved), `notification` (consultations, waiting on the
user, notifying the result, letters), `closing` (close, feedback, reopen, rating), `messages` (what the mail
channel brings and sends) and `attachments`. Callers import the package (`from tickets import workflow`) and
use the names re-exported here.
"""

from tickets.workflow.attachments import attach_files, files_discarded_on_error
from tickets.workflow.closing import close_ticket, rate_ticket, register_feedback
from tickets.workflow.core import (
    NOTED_ACTIONS,
    NOTIFICATION_ON_ITS_WAY,
    TRANSITIONS,
    IllegalTransition,
    InvalidInput,
    NotAllowed,
    Step,
    TicketChangedMeanwhile,
    WorkflowError,
    allowed_steps,
    can,
    note_event,
    refusal,
    role_allows,
)
from tickets.workflow.intake import (
    BATCH_LIMIT,
    NewTicket,
    clarify_ticket,
    register_ticket,
    register_tickets,
    reject_ticket,
    verify_ticket,
)
from tickets.workflow.messages import receive_feedback, receive_message, record_email
from tickets.workflow.notification import (
    ask_user,
    consult_user,
    letter_posted,
    prepare_letter,
    record_notification,
    user_answered,
)
from tickets.workflow.routing import (
    answer_executor,
    ask_agent,
    complete_work,
    dispatch_ticket,
    log_work,
    reassign_ticket,
    route_ticket,
    start_work,
)
from tickets.workflow.testing import accept_solved, log_test, return_to_executor

__all__ = [
    "BATCH_LIMIT",
    "NOTED_ACTIONS",
    "NOTIFICATION_ON_ITS_WAY",
    "TRANSITIONS",
    "IllegalTransition",
    "InvalidInput",
    "NewTicket",
    "NotAllowed",
    "Step",
    "TicketChangedMeanwhile",
    "WorkflowError",
    "accept_solved",
    "allowed_steps",
    "answer_executor",
    "ask_agent",
    "ask_user",
    "attach_files",
    "can",
    "clarify_ticket",
    "close_ticket",
    "complete_work",
    "consult_user",
    "dispatch_ticket",
    "files_discarded_on_error",
    "letter_posted",
    "log_test",
    "log_work",
    "note_event",
    "prepare_letter",
    "rate_ticket",
    "reassign_ticket",
    "receive_feedback",
    "receive_message",
    "record_email",
    "record_notification",
    "refusal",
    "register_feedback",
    "register_ticket",
    "register_tickets",
    "reject_ticket",
    "return_to_executor",
    "role_allows",
    "route_ticket",
    "start_work",
    "user_answered",
    "verify_ticket",
]
