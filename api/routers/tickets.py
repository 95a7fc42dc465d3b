"""Tickets over the JSON API: register, list, detail with timeline, and one operation per workflow step.

Reads go through tickets.selectors (the pages' scope: a ticket the caller may not see answers 404);
writes go through tickets.workflow, the one door for state, each with the caller as the actor.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from pydantic import AfterValidator, model_validator

from api.auth import caller
from api.errors import with_errors
from api.pagination import MAX_LIMIT, Keyset, page
from api.schemas import Day, Id, LongText, Moment, Page, Ref, ShortText, Text, UserRef, Version
from customers.choices import NotificationChannel
from customers.models import Contact, Module
from privacy.choices import AccessAction
from privacy.services import record_access
from tickets import selectors, workflow
from tickets.choices import Channel, NotificationOutcome, Priority, RouteDecision, State, TestOutcome
from tickets.models import Ticket

router = Router(tags=["tickets"])

YearPath = Path(
    ..., ge=2000, le=2999, examples=[2026], description="The year of the ticket number (2026 in 2026/000123)."
)
SequencePath = Path(
    ..., ge=1, le=10**9, examples=[1], description="The sequence of the ticket number (123 in 2026/000123)."
)


# --- output ---------------------------------------------------------------------------------------


class TicketOut(Schema):
    number: str = Field(description="The registry number, e.g. 2026/000123.")
    year: int
    sequence: int
    subject: str
    state: State
    channel: Channel
    priority: Priority
    customer: Ref
    contact: Ref
    module: Ref | None
    assignee: UserRef | None
    received_at: dt.datetime
    due_at: dt.datetime | None = Field(description="The running service-level deadline, if a clock runs.")
    waiting_since: dt.datetime | None = Field(description="Set while the ticket waits for the user's answer.")
    updated_at: dt.datetime
    version: int = Field(description="Bumped by every step; send it back as expected_version.")


class TicketPage(Page):
    items: list[TicketOut]


class EventOut(Schema):
    id: int
    at: dt.datetime
    action: str
    from_state: str
    to_state: str
    actor: UserRef | None
    note: str
    data: dict[str, Any]


class WorkLogOut(Schema):
    id: int
    author: UserRef
    logged_at: dt.datetime
    minutes: int
    note: str


class TestLogOut(Schema):
    id: int
    author: UserRef
    logged_at: dt.datetime
    outcome: TestOutcome
    note: str


class ConsultationOut(Schema):
    id: int
    kind: str
    author: UserRef
    occurred_at: dt.datetime
    text: str
    answer: str
    answered_at: dt.datetime | None


class NotificationOut(Schema):
    id: int
    channel: str
    recipient: str
    message: str
    outcome: str
    notified_at: dt.datetime
    recorded_by: UserRef


class LetterOut(Schema):
    id: int
    address: str
    text: str
    prepared_at: dt.datetime
    prepared_by: UserRef
    posted_at: dt.datetime | None = Field(description="Null until marked posted: POST …/letters/{id}/posted.")


class AttachmentOut(Schema):
    id: int
    original_name: str
    content_type: str
    size: int
    description: str
    uploaded_at: dt.datetime
    download_url: str

    @staticmethod
    def resolve_download_url(obj: Any) -> str:
        return f"/api/v1/attachments/{obj.id}/download"


class TicketDetailOut(TicketOut):
    description: str
    registered_at: dt.datetime
    registered_by: UserRef | None
    rejection_reason: str
    completed_at: dt.datetime | None
    solved_at: dt.datetime | None
    closed_at: dt.datetime | None
    reopen_count: int
    open_questions: int = Field(description="Executors' questions waiting for an answer (answer_executor).")
    minutes_total: int = Field(description="Minutes on the work log.")
    allowed_steps: list[str] = Field(description="The steps the caller may take now: POST …/steps/{step}.")
    timeline: list[EventOut]
    work_logs: list[WorkLogOut]
    test_logs: list[TestLogOut]
    consultations: list[ConsultationOut]
    notifications: list[NotificationOut]
    letters: list[LetterOut]
    attachments: list[AttachmentOut]


def detail(user: Any, ticket: Ticket, *, just_registered: bool = False) -> dict[str, Any]:
    """The ticket page's content for `user`, in a fixed number of queries.

    A ticket `just_registered` has no logs, messages or files yet, and only its registration event: its
    answer is built without asking the database for them (registration is the API's busiest write).
    """
    if just_registered:
        lists = ("work_logs", "test_logs", "consultations", "notifications", "letters", "attachments")
        empty: dict[str, Any] = {name: [] for name in lists}
        return _ticket_fields(user, ticket, minutes_total=0) | empty | {"timeline": list(selectors.timeline(ticket))}
    return _ticket_fields(
        user, ticket, minutes_total=ticket.work_logs.aggregate(total=Sum("minutes"))["total"] or 0
    ) | {
        "timeline": list(selectors.timeline(ticket)),
        "work_logs": list(ticket.work_logs.select_related("author")),
        "test_logs": list(ticket.test_logs.select_related("author")),
        "consultations": list(ticket.consultations.select_related("author")),
        "notifications": list(ticket.notifications.select_related("recorded_by")),
        "letters": list(ticket.letters.select_related("prepared_by")),
        "attachments": list(ticket.attachments.all()),
    }


def _ticket_fields(user: Any, ticket: Ticket, *, minutes_total: int) -> dict[str, Any]:
    data = {name: getattr(ticket, name) for name in TicketOut.model_fields}
    return data | {
        "description": ticket.description,
        "registered_at": ticket.registered_at,
        "registered_by": ticket.registered_by,
        "rejection_reason": ticket.rejection_reason,
        "completed_at": ticket.completed_at,
        "solved_at": ticket.solved_at,
        "closed_at": ticket.closed_at,
        "reopen_count": ticket.reopen_count,
        "open_questions": ticket.open_questions,
        "minutes_total": minutes_total,
        "allowed_steps": [name for name in workflow.allowed_steps(user, ticket) if name in STEPS],
    }


def fresh(request: HttpRequest, ticket: Ticket) -> dict[str, Any]:
    return detail(caller(request), selectors.get_for(caller(request), year=ticket.year, sequence=ticket.sequence))


# --- list -----------------------------------------------------------------------------------------

KEYSETS = {
    "-received": Keyset("-received", ("received_at", "id"), (dt.datetime, int), descending=True),
    "received": Keyset("received", ("received_at", "id"), (dt.datetime, int)),
    "-number": Keyset("-number", ("year", "sequence"), (int, int), descending=True),
    "number": Keyset("number", ("year", "sequence"), (int, int)),
}


class TicketFilters(Schema):
    """The ticket list page's filters."""

    state: list[State] = Field(default_factory=list, description="Any of these states (repeatable).")
    channel: list[Channel] = Field(default_factory=list, description="Any of these channels (repeatable).")
    customer: Id | None = None
    contact: Id | None = None
    module: Id | None = None
    assignee: Id | None = Field(None, description="The assigned executor's user id.")
    received_from: Day | None = None
    received_to: Day | None = None
    deadline: Literal["overdue", "today", "soon", "waiting"] | None = None
    q: Text = Field(
        "",
        max_length=200,
        description=(
            "Full-text search: words of the subject, description, e-mails and logs (accents and Hungarian"
            " word endings aside), or the number."
        ),
    )
    sort: Literal["-received", "received", "-number", "number"] = "-received"
    cursor: Text | None = Field(None, max_length=500, description="next_cursor of the previous page.")
    limit: int = Field(25, ge=1, le=MAX_LIMIT)

    @model_validator(mode="after")
    def _period(self) -> TicketFilters:
        if self.received_from and self.received_to and self.received_from > self.received_to:
            raise ValueError("received_from is after received_to")
        return self


def _require_list(user: Any) -> None:
    if not (user.has_perm("tickets.view_all_tickets") or user.has_perm("tickets.work_on_ticket")):
        raise PermissionDenied(_("Your role does not allow listing tickets."))


@router.get("", response=with_errors({200: TicketPage}), summary="List tickets")
def list_tickets(request: HttpRequest, filters: Query[TicketFilters]) -> dict[str, Any]:
    """The tickets the caller may see, with the list page's filters, newest received first by default.

    Cursor pagination: follow `next_cursor` (same filters) until it is null.
    """
    _require_list(caller(request))
    ticket_filter = selectors.TicketFilter(
        states=[str(s) for s in filters.state],
        channels=[str(c) for c in filters.channel],
        customer_id=filters.customer,
        contact_id=filters.contact,
        module_id=filters.module,
        assignee_id=filters.assignee,
        received_from=filters.received_from,
        received_to=filters.received_to,
        text=filters.q,
        deadline=filters.deadline or "",
    )
    tickets = selectors.ticket_list(user=caller(request), filters=ticket_filter, sort=filters.sort)
    items, next_cursor = page(tickets, KEYSETS[filters.sort], cursor=filters.cursor, limit=filters.limit)
    return {"items": items, "next_cursor": next_cursor}


# --- register -------------------------------------------------------------------------------------


class RegisterIn(Schema):
    contact_id: Id = Field(description="The contact (user at a customer) who made the request.")
    subject: ShortText
    description: LongText
    channel: Channel
    module_id: Id | None = None
    priority: Priority = Priority.NORMAL
    received_at: Moment | None = Field(None, description="When the request arrived; default: now.")


@router.post("", response=with_errors({201: TicketDetailOut}), summary="Register a ticket")
def register_ticket(request: HttpRequest, body: RegisterIn) -> Status[dict[str, Any]]:
    """Seed b: record a request in the registry. It starts in state `new` (to verify)."""
    user = caller(request)
    if not user.has_perm("tickets.register_ticket"):
        raise PermissionDenied(_("Your role does not allow registering requests."))
    contact = Contact.objects.filter(pk=body.contact_id, is_active=True).first()
    if contact is None:
        raise workflow.InvalidInput(_("Choose an active contact."))
    module = _module(body.module_id)
    ticket = workflow.register_ticket(
        actor=user,
        contact=contact,
        subject=body.subject,
        description=body.description,
        channel=body.channel,
        module=module,
        priority=body.priority,
        received_at=body.received_at,
    )
    return Status(201, detail(user, ticket, just_registered=True))


class RegisterBatchIn(Schema):
    tickets: list[RegisterIn] = Field(
        min_length=1,
        max_length=workflow.BATCH_LIMIT,
        description=f"1 to {workflow.BATCH_LIMIT} requests, registered in this order with consecutive numbers.",
    )


class RegisteredOut(Schema):
    number: str = Field(description="The registry number, e.g. 2026/000123.")
    year: int
    sequence: int
    state: State
    due_at: dt.datetime | None = Field(description="The verification's service-level deadline.")


class RegisteredBatchOut(Schema):
    items: list[RegisteredOut]


@router.post("/batch", response=with_errors({201: RegisteredBatchOut}), summary="Register several tickets at once")
def register_tickets(request: HttpRequest, body: RegisterBatchIn) -> Status[dict[str, Any]]:
    """Seed b for a batch: an integration hands over the requests it collected. Either every request is
    registered or none is; an error names the request by its place in the list (1 is the first). The batch
    counts as one request against the rate limit."""
    user = caller(request)
    if not user.has_perm("tickets.register_ticket"):
        raise PermissionDenied(_("Your role does not allow registering requests."))
    contacts = Contact.objects.filter(pk__in={item.contact_id for item in body.tickets}, is_active=True).in_bulk()
    module_ids = {item.module_id for item in body.tickets if item.module_id is not None}
    modules = Module.objects.filter(pk__in=module_ids, is_active=True).in_bulk() if module_ids else {}
    requests = []
    for index, item in enumerate(body.tickets, start=1):
        contact = contacts.get(item.contact_id)
        module = modules.get(item.module_id) if item.module_id is not None else None
        if contact is None or (item.module_id is not None and module is None):
            error = _("Choose an active contact.") if contact is None else _("Choose an active module.")
            raise workflow.InvalidInput(_("Request %(index)d: %(error)s") % {"index": index, "error": error})
        requests.append(
            workflow.NewTicket(
                contact=contact,
                subject=item.subject,
                description=item.description,
                channel=item.channel,
                received_at=item.received_at,
                module=module,
                priority=item.priority,
            )
        )
    tickets = workflow.register_tickets(actor=user, requests=requests)
    return Status(201, {"items": [{name: getattr(t, name) for name in RegisteredOut.model_fields} for t in tickets]})


def _module(module_id: int | None) -> Module | None:
    if module_id is None:
        return None
    module = Module.objects.filter(pk=module_id, is_active=True).first()
    if module is None:
        raise workflow.InvalidInput(_("Choose an active module."))
    return module


@router.get("/{year}/{sequence}", response=with_errors({200: TicketDetailOut}), summary="Get a ticket")
def get_ticket(request: HttpRequest, year: int = YearPath, sequence: int = SequencePath) -> dict[str, Any]:
    """The ticket with its timeline, logs, attachments and the steps the caller may take now."""
    ticket = selectors.get_for(caller(request), year=year, sequence=sequence)
    record_access(request, action=AccessAction.API_VIEW, obj=ticket, contact=ticket.contact)
    return detail(caller(request), ticket)


# --- steps ----------------------------------------------------------------------------------------


class StepIn(Schema):
    expected_version: Version | None = Field(
        None, description="The ticket's version you acted on; 409 ticket_changed if someone acted since."
    )


class NoteIn(StepIn):
    note: LongText = ""


class VerifyIn(NoteIn):
    call_summary: LongText = Field("", description="A phone consultation with the user, if there was one.")


class ReasonIn(StepIn):
    reason: LongText


class ExecutorIn(NoteIn):
    executor_id: Id = Field(description="An active user of the executor role.")


class ReassignIn(StepIn):
    executor_id: Id
    reason: LongText


class LogWorkIn(StepIn):
    minutes: int = Field(ge=1, le=24 * 60)
    note: LongText


class QuestionIn(StepIn):
    question: LongText


class AnswerExecutorIn(StepIn):
    consultation_id: Id = Field(description="The open question's id (consultations in the ticket detail).")
    answer: LongText


class CompleteIn(StepIn):
    note: LongText


class LogTestIn(StepIn):
    note: LongText
    outcome: TestOutcome = TestOutcome.NOTE


class SummaryIn(StepIn):
    summary: LongText


class AcceptSolvedIn(NoteIn):
    test_note: LongText = Field("", description="Logged as a passed test before judging solved.")


class NotificationIn(StepIn):
    channel: NotificationChannel
    recipient: Text = Field(max_length=300, description="Phone number, postal address, fax number or e-mail.")
    message: LongText
    outcome: NotificationOutcome = NotificationOutcome.DELIVERED


def _email_address(value: str) -> str:
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(value)
    except ValidationError:
        raise ValueError("not a valid e-mail address") from None
    return value


class EmailUserIn(StepIn):
    to: Annotated[Text, Field(max_length=254), AfterValidator(_email_address)] = Field(
        description="The recipient's e-mail address (usually the contact's)."
    )
    subject: ShortText
    body: LongText
    as_notification: bool = Field(
        False, description="True: this e-mail tells the result (seed j); the server's acceptance records it."
    )


class FaxUserIn(StepIn):
    fax_number: Text = Field(max_length=40, description="The recipient's fax number.")
    text: LongText


class LetterIn(StepIn):
    text: LongText
    address: Text = Field("", max_length=500, description="Empty: the contact's postal address.")


class RatingIn(StepIn):
    score: int = Field(ge=1, le=5, description="5: very satisfied … 1: not at all.")
    comment: LongText = ""


class FeedbackIn(StepIn):
    content: LongText
    channel: Channel = Channel.PHONE
    received_at: Moment | None = None


class ClarifyIn(StepIn):
    subject: ShortText
    module_id: Id | None = None
    priority: Priority
    contact_id: Id
    note: LongText = ""


class AnswerIn(StepIn):
    answer: LongText


def _executor(executor_id: int) -> Any:
    from tickets.forms import executors

    return executors().filter(pk=executor_id).first()  # None: the workflow refuses with a clear message


def _clarify(ticket: Ticket, actor: Any, body: ClarifyIn) -> Ticket:
    contact = Contact.objects.filter(pk=body.contact_id).first()
    if contact is None:
        raise workflow.InvalidInput(_("The contact must belong to the ticket's customer."))
    return workflow.clarify_ticket(
        ticket=ticket,
        actor=actor,
        subject=body.subject,
        module=_module(body.module_id),
        priority=body.priority,
        contact=contact,
        note=body.note,
        expected_version=body.expected_version,
    )


def _outbound() -> Any:
    from mail import outbound

    return outbound


def _email_user(ticket: Ticket, actor: Any, body: EmailUserIn) -> Any:
    return _outbound().email_user(
        ticket=ticket,
        actor=actor,
        to=body.to,
        subject=body.subject,
        body=body.body,
        as_notification=body.as_notification,
        expected_version=body.expected_version,
    )


def _feedback(reopen: bool) -> Callable[[Ticket, Any, FeedbackIn], Any]:
    def call(ticket: Ticket, actor: Any, body: FeedbackIn) -> Any:
        return workflow.register_feedback(
            ticket=ticket,
            actor=actor,
            content=body.content,
            reopen=reopen,
            channel=body.channel,
            received_at=body.received_at,
            expected_version=body.expected_version,
        )

    return call


def _v(body: Any) -> dict[str, Any]:
    return {"expected_version": body.expected_version}


# step name → (body schema, call(ticket, actor, body), summary). Every call goes through tickets.workflow.
STEPS: dict[str, tuple[type[StepIn], Callable[[Ticket, Any, Any], Any], str]] = {
    "verify": (
        VerifyIn,
        lambda t, a, b: workflow.verify_ticket(ticket=t, actor=a, note=b.note, call_summary=b.call_summary, **_v(b)),
        "Verify (c): the request is genuine",
    ),
    "reject": (
        ReasonIn,
        lambda t, a, b: workflow.reject_ticket(ticket=t, actor=a, reason=b.reason, **_v(b)),
        "Reject (c): not genuine",
    ),
    "route_personally": (
        NoteIn,
        lambda t, a, b: workflow.route_ticket(
            ticket=t, actor=a, decision=RouteDecision.PERSONALLY, note=b.note, **_v(b)
        ),
        "Route (d): solve it personally",
    ),
    "route_to_executor": (
        ExecutorIn,
        lambda t, a, b: workflow.route_ticket(
            ticket=t, actor=a, decision=RouteDecision.EXECUTOR, executor=_executor(b.executor_id), note=b.note, **_v(b)
        ),
        "Route (d): assign to an executor",
    ),
    "route_to_dispatcher": (
        NoteIn,
        lambda t, a, b: workflow.route_ticket(
            ticket=t, actor=a, decision=RouteDecision.DISPATCHER, note=b.note, **_v(b)
        ),
        "Route (d): pass to the dispatcher",
    ),
    "dispatch": (
        ExecutorIn,
        lambda t, a, b: workflow.dispatch_ticket(
            ticket=t, actor=a, executor=_executor(b.executor_id), note=b.note, **_v(b)
        ),
        "Dispatch (e) to an executor",
    ),
    "reassign": (
        ReassignIn,
        lambda t, a, b: workflow.reassign_ticket(
            ticket=t, actor=a, executor=_executor(b.executor_id), reason=b.reason, **_v(b)
        ),
        "Reassign to another executor",
    ),
    "start": (
        NoteIn,
        lambda t, a, b: workflow.start_work(ticket=t, actor=a, note=b.note, **_v(b)),
        "Start work (f)",
    ),
    "log_work": (
        LogWorkIn,
        lambda t, a, b: workflow.log_work(ticket=t, actor=a, minutes=b.minutes, note=b.note, **_v(b)),
        "Log work (f)",
    ),
    "ask_agent": (
        QuestionIn,
        lambda t, a, b: workflow.ask_agent(ticket=t, actor=a, question=b.question, **_v(b)),
        "Ask the agent (f)",
    ),
    "answer_executor": (
        AnswerExecutorIn,
        lambda t, a, b: workflow.answer_executor(
            ticket=t, actor=a, consultation=b.consultation_id, answer=b.answer, **_v(b)
        ),
        "Answer the executor's question",
    ),
    "complete": (
        CompleteIn,
        lambda t, a, b: workflow.complete_work(ticket=t, actor=a, note=b.note, **_v(b)),
        "Record completion (f)",
    ),
    "log_test": (
        LogTestIn,
        lambda t, a, b: workflow.log_test(ticket=t, actor=a, note=b.note, outcome=b.outcome, **_v(b)),
        "Log a test (i)",
    ),
    "return_to_executor": (
        ReasonIn,
        lambda t, a, b: workflow.return_to_executor(ticket=t, actor=a, reason=b.reason, **_v(b)),
        "Return to the executor (h)",
    ),
    "consult_user": (
        SummaryIn,
        lambda t, a, b: workflow.consult_user(ticket=t, actor=a, summary=b.summary, **_v(b)),
        "Log a call with the user (h)",
    ),
    "accept_solved": (
        AcceptSolvedIn,
        lambda t, a, b: workflow.accept_solved(ticket=t, actor=a, test_note=b.test_note, note=b.note, **_v(b)),
        "Judge solved (h): needs a test-log entry since completion",
    ),
    "record_notification": (
        NotificationIn,
        lambda t, a, b: workflow.record_notification(
            ticket=t,
            actor=a,
            channel=b.channel,
            recipient=b.recipient,
            message=b.message,
            outcome=b.outcome,
            **_v(b),
        ),
        "Record the user's notification (j)",
    ),
    "prepare_letter": (
        LetterIn,
        lambda t, a, b: workflow.prepare_letter(ticket=t, actor=a, text=b.text, address=b.address, **_v(b)),
        "Prepare a letter to the user (j by post); marking it posted records the notification",
    ),
    "email_user": (EmailUserIn, _email_user, "E-mail the user; as a notification (j) once the mail server accepts it"),
    "fax_user": (
        FaxUserIn,
        lambda t, a, b: _outbound().fax_user(ticket=t, actor=a, fax_number=b.fax_number, text=b.text, **_v(b)),
        "Fax the user (j): a letterhead PDF through the fax gateway",
    ),
    "close": (
        NoteIn,
        lambda t, a, b: workflow.close_ticket(ticket=t, actor=a, note=b.note, **_v(b)),
        "Close (k): after the notification",
    ),
    "record_feedback": (FeedbackIn, _feedback(reopen=False), "Record feedback only (l)"),
    "reopen": (FeedbackIn, _feedback(reopen=True), "Reopen on feedback (l)"),
    "clarify": (ClarifyIn, _clarify, "Correct the ticket's data"),
    "ask_user": (
        QuestionIn,
        lambda t, a, b: workflow.ask_user(ticket=t, actor=a, question=b.question, **_v(b)),
        "Ask the user and wait (the clock pauses)",
    ),
    "user_answered": (
        AnswerIn,
        lambda t, a, b: workflow.user_answered(ticket=t, actor=a, answer=b.answer, **_v(b)),
        "Record the user's answer (the clock resumes)",
    ),
    "rate": (
        RatingIn,
        lambda t, a, b: workflow.rate_ticket(ticket=t, actor=a, contact=t.contact, score=b.score, comment=b.comment),
        "Record the user's satisfaction with a closed ticket (1–5), e.g. from a phone survey",
    ),
}


def _require_role(user: Any, name: str) -> None:
    """403 when the caller's role never takes the step (state and assignment are the workflow's to judge)."""
    if not workflow.role_allows(user, name):
        raise PermissionDenied(
            _("Your role does not allow this step: %(step)s.") % {"step": workflow.TRANSITIONS[name].label}
        )


def take_step(request: HttpRequest, year: int, sequence: int, name: str, body: Any) -> dict[str, Any]:
    """The ticket page's step: 404 if not visible, 403 if the role never takes it, else the workflow decides."""
    user = caller(request)
    ticket = selectors.get_for(user, year=year, sequence=sequence)
    _require_role(user, name)
    _schema, call, _summary = STEPS[name]
    call(ticket, user, body)
    return fresh(request, ticket)


def _add_step_operation(name: str, schema: type[StepIn], summary: str) -> None:
    def view(request: HttpRequest, body: Any, year: int = YearPath, sequence: int = SequencePath) -> dict[str, Any]:
        return take_step(request, year, sequence, name, body)

    view.__annotations__ = {**view.__annotations__, "body": schema}
    view.__name__ = view.__qualname__ = f"step_{name}"
    view.__doc__ = f"{summary}. Answers the ticket as it is after the step."
    router.post(
        f"/{{year}}/{{sequence}}/steps/{name}",
        response=with_errors({200: TicketDetailOut}),
        summary=summary,
        operation_id=f"step_{name}",
    )(view)


for _name, (_schema, _call, _summary) in STEPS.items():
    _add_step_operation(_name, _schema, _summary)


@router.post(
    "/{year}/{sequence}/letters/{letter_id}/posted",
    response=with_errors({200: TicketDetailOut}),
    summary="Mark a prepared letter posted: that records the notification (j)",
    operation_id="letter_posted",
)
def letter_posted(
    request: HttpRequest,
    body: StepIn,
    year: int = YearPath,
    sequence: int = SequencePath,
    letter_id: int = Path(..., ge=1, le=2**62),
) -> dict[str, Any]:
    """The printed letter went into the post. Answers the ticket as it is afterwards."""
    user = caller(request)
    ticket = selectors.get_for(user, year=year, sequence=sequence)
    letter = ticket.letters.filter(pk=letter_id).first()
    if letter is None:
        raise Http404()
    _require_role(user, "record_notification")
    workflow.letter_posted(letter=letter, actor=user, expected_version=body.expected_version)
    return fresh(request, ticket)
