from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    """How a request reached the service desk (seed a)."""

    POST = "post", _("Post")
    FAX = "fax", _("Fax")
    IN_PERSON = "in_person", _("In person")
    EMAIL = "email", _("E-mail")
    PHONE = "phone", _("Phone")
    WEB = "web", _("Web")


ORAL_CHANNELS = (Channel.PHONE, Channel.IN_PERSON)
WRITTEN_CHANNELS = (Channel.POST, Channel.FAX, Channel.EMAIL)


class State(models.TextChoices):
    """Where a ticket stands in the seed's workflow (b–l)."""

    NEW = "new", _("To verify")
    REJECTED = "rejected", _("Rejected")
    VERIFIED = "verified", _("To route")
    DISPATCHING = "dispatching", _("With the dispatcher")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    COMPLETED = "completed", _("To test")
    SOLVED = "solved", _("To notify")
    NOTIFIED = "notified", _("User notified")
    CLOSED = "closed", _("Closed")


OPEN_STATES = tuple(s for s in State if s not in (State.REJECTED, State.CLOSED))


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")
    URGENT = "urgent", _("Urgent")


class Action(models.TextChoices):
    """What an event on the timeline records. One value per workflow step (and per route decision)."""

    REGISTER = "register", _("Registered")
    VERIFY = "verify", _("Verified")
    REJECT = "reject", _("Rejected as not genuine")
    ROUTE_PERSONALLY = "route_personally", _("Taken to solve personally")
    ROUTE_TO_EXECUTOR = "route_to_executor", _("Assigned to executor")
    ROUTE_TO_DISPATCHER = "route_to_dispatcher", _("Passed to the dispatcher")
    DISPATCH = "dispatch", _("Dispatched to executor")
    START = "start", _("Work started")
    LOG_WORK = "log_work", _("Work logged")
    ASK_AGENT = "ask_agent", _("Question to the agent")
    ANSWER_EXECUTOR = "answer_executor", _("Answer to the executor")
    COMPLETE = "complete", _("Work completed")
    LOG_TEST = "log_test", _("Test logged")
    RETURN_TO_EXECUTOR = "return_to_executor", _("Returned to the executor")
    CONSULT_USER = "consult_user", _("Consultation with the user")
    ACCEPT_SOLVED = "accept_solved", _("Judged solved")
    RECORD_NOTIFICATION = "record_notification", _("User notified")
    CLOSE = "close", _("Closed")
    RECORD_FEEDBACK = "record_feedback", _("Feedback recorded")
    REOPEN = "reopen", _("Reopened on feedback")
    ATTACH = "attach", _("File attached")
    CLARIFY = "clarify", _("Data clarified")
    MESSAGE_RECEIVED = "message_received", _("Message from the user")
    FEEDBACK_RECEIVED = "feedback_received", _("Feedback received, to review")
    CALL_NOT_REACHED = "call_not_reached", _("Called the user: not reached")
    LETTER_PREPARED = "letter_prepared", _("Letter prepared")
    EMAIL_QUEUED = "email_queued", _("E-mail to the user queued")
    FAX_QUEUED = "fax_queued", _("Fax to the user queued")
    EMAIL_SENT = "email_sent", _("E-mail sent")
    EMAIL_FAILED = "email_failed", _("E-mail could not be sent")
    REASSIGN = "reassign", _("Reassigned")
    WAIT_FOR_USER = "wait_for_user", _("Asked the user: clock paused")
    USER_ANSWERED = "user_answered", _("The user answered: clock resumed")
    SLA_WARNING = "sla_warning", _("Deadline near: warning sent")
    SLA_BREACH = "sla_breach", _("Deadline missed: escalated")
    RATED = "rated", _("Satisfaction rated")
    DOCUMENT_LINKED = "document_linked", _("Library document linked")
    DOCUMENT_UNLINKED = "document_unlinked", _("Library document link removed")


class TimelineKind(models.TextChoices):
    """What the ticket page's timeline can be narrowed to."""

    STEPS = "steps", _("Procedure steps")
    WORK = "work", _("Work and tests")
    MESSAGES = "messages", _("Messages and calls")
    FILES = "files", _("Files and documents")
    DEADLINES = "deadlines", _("Deadlines")


TIMELINE_KINDS: dict[str, TimelineKind] = {
    **dict.fromkeys(
        (Action.LOG_WORK, Action.LOG_TEST, Action.ASK_AGENT, Action.ANSWER_EXECUTOR, Action.COMPLETE),
        TimelineKind.WORK,
    ),
    **dict.fromkeys(
        (
            Action.CONSULT_USER,
            Action.MESSAGE_RECEIVED,
            Action.FEEDBACK_RECEIVED,
            Action.CALL_NOT_REACHED,
            Action.LETTER_PREPARED,
            Action.EMAIL_QUEUED,
            Action.FAX_QUEUED,
            Action.EMAIL_SENT,
            Action.EMAIL_FAILED,
            Action.WAIT_FOR_USER,
            Action.USER_ANSWERED,
            Action.RECORD_NOTIFICATION,
            Action.RECORD_FEEDBACK,
            Action.RATED,
        ),
        TimelineKind.MESSAGES,
    ),
    **dict.fromkeys((Action.ATTACH, Action.DOCUMENT_LINKED, Action.DOCUMENT_UNLINKED), TimelineKind.FILES),
    **dict.fromkeys((Action.SLA_WARNING, Action.SLA_BREACH), TimelineKind.DEADLINES),
}


def actions_of(kinds: list[str]) -> list[str]:
    """The actions the timeline shows for `kinds` (every action not listed above is a procedure step)."""
    return [action for action in Action.values if TIMELINE_KINDS.get(action, TimelineKind.STEPS) in kinds]


class RouteDecision(models.TextChoices):
    """Seed step d: the agent's three choices."""

    PERSONALLY = "personally", _("Solve it personally")
    EXECUTOR = "executor", _("Assign to an executor")
    DISPATCHER = "dispatcher", _("Pass to the dispatcher")


class ConsultationKind(models.TextChoices):
    USER_CALL = "user_call", _("Phone call with the user")
    EXECUTOR_QUESTION = "executor_question", _("Executor's question to the agent")
    USER_QUESTION = "user_question", _("Question to the user, waiting for the answer")


class TestOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    FAILED = "failed", _("Failed")
    NOTE = "note", _("Note")


class NotificationOutcome(models.TextChoices):
    """How a notification attempt went. Only a phone call can fail to reach the user or leave a message."""

    DELIVERED = "delivered", _("Told the user / sent")
    MESSAGE_LEFT = "message_left", _("Left a message")
    NOT_REACHED = "not_reached", _("Could not reach the user")


class FeedbackOutcome(models.TextChoices):
    REOPENED = "reopened", _("Ticket reopened")
    RECORDED = "recorded", _("Recorded only")
    PENDING = "pending", _("Waiting for an agent's review")


class Stage(models.TextChoices):
    """The stages a service-level target is counted for, each with its own clock."""

    VERIFY = "verify", _("Verification")
    ROUTE = "route", _("Routing")
    RESOLVE = "resolve", _("Resolution")
    NOTIFY = "notify", _("Notification")


STAGE_OF_STATE: dict[str, Stage] = {
    State.NEW: Stage.VERIFY,
    State.VERIFIED: Stage.ROUTE,
    State.DISPATCHING: Stage.ROUTE,
    State.ASSIGNED: Stage.RESOLVE,
    State.IN_PROGRESS: Stage.RESOLVE,
    State.COMPLETED: Stage.RESOLVE,
    State.SOLVED: Stage.NOTIFY,
}
