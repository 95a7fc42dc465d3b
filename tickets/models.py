"""The registry: tickets and everything recorded on them.

State lives on Ticket.state and changes only in tickets.workflow. The event log (TicketEvent) is
append-only: the model refuses updates and deletes, and a database trigger refuses them too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.append_only import AppendOnlyModel
from customers.choices import NotificationChannel
from tickets.choices import (
    OPEN_STATES,
    Action,
    Channel,
    ConsultationKind,
    FeedbackOutcome,
    NotificationOutcome,
    Priority,
    Stage,
    State,
    TestOutcome,
)

User = settings.AUTH_USER_MODEL


class TicketNumberSequence(models.Model):
    """The last ticket number given out in a year; locked while a number is taken, so numbers have no gaps."""

    year = models.PositiveIntegerField(primary_key=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("ticket number sequence")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Ticket(models.Model):
    """One entry of the registry (feladat)."""

    year = models.PositiveIntegerField(_("year"), editable=False)
    sequence = models.PositiveIntegerField(_("sequence"), editable=False)
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)

    subject = models.CharField(_("subject"), max_length=250)
    description = models.TextField(_("original content"))
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority, default=Priority.NORMAL)
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("customer")
    )
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.PROTECT, related_name="tickets", verbose_name=_("contact")
    )
    module = models.ForeignKey(
        "customers.Module",
        on_delete=models.PROTECT,
        related_name="tickets",
        null=True,
        blank=True,
        verbose_name=_("module"),
    )

    received_at = models.DateTimeField(_("received"))
    registered_at = models.DateTimeField(_("registered"), default=timezone.now, editable=False)
    registered_by = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("registered by")
    )

    state = models.CharField(_("state"), max_length=20, choices=State, default=State.NEW, editable=False)
    assignee = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="assigned_tickets",
        null=True,
        blank=True,
        verbose_name=_("assignee"),
        editable=False,
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True, editable=False)
    solved_at = models.DateTimeField(_("solved"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    reopen_count = models.PositiveIntegerField(_("times reopened"), default=0, editable=False)
    open_questions = models.PositiveIntegerField(_("open questions to the agent"), default=0, editable=False)
    # The running service-level clock (tickets.deadlines keeps these; None while paused or when none runs).
    sla_stage = models.CharField(_("service-level stage"), max_length=10, choices=Stage, blank=True, editable=False)
    due_at = models.DateTimeField(_("due"), null=True, blank=True, editable=False)
    warn_at = models.DateTimeField(_("warning from"), null=True, blank=True, editable=False)
    waiting_since = models.DateTimeField(_("waiting for the user since"), null=True, blank=True, editable=False)
    # A message from the user that no member of staff has acted on yet (the agent's "replies" queue).
    reply_waiting_since = models.DateTimeField(
        _("reply from the user waiting since"), null=True, blank=True, editable=False
    )
    # A notification e-mail or fax handed to the worker and not yet accepted by the mail server (or given
    # up): no second notification is offered meanwhile.
    notification_sending_since = models.DateTimeField(
        _("notification on its way since"), null=True, blank=True, editable=False
    )
    # Bumped by every workflow step; a form carries the version it was shown with (concurrent edits).
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(_("last change"), auto_now=True)

    class Meta:
        verbose_name = _("ticket")
        verbose_name_plural = _("tickets")
        ordering = ["-received_at", "-id"]
        constraints = [models.UniqueConstraint(fields=["year", "sequence"], name="ticket_number_unique_per_year")]
        indexes = [
            models.Index(fields=["state", "-received_at"]),
            models.Index(fields=["assignee", "state"]),
            models.Index(fields=["-received_at", "-id"]),
            models.Index(fields=["channel", "-received_at"]),
            models.Index(fields=["customer", "-received_at"]),
            models.Index(fields=["contact", "-received_at"]),
            models.Index(fields=["module", "-received_at"]),
            models.Index(fields=["due_at"], condition=models.Q(due_at__isnull=False), name="ticket_due_at"),
            models.Index(
                fields=["waiting_since"], condition=models.Q(waiting_since__isnull=False), name="ticket_waiting"
            ),
            models.Index(
                fields=["reply_waiting_since"],
                condition=models.Q(reply_waiting_since__isnull=False),
                name="ticket_reply_waiting",
            ),
            models.Index(fields=["updated_at"], condition=models.Q(open_questions__gt=0), name="ticket_open_questions"),
            # The overview's deadline counts over the open tickets alone, read from the index (no table pages).
            models.Index(
                fields=["due_at", "warn_at", "waiting_since"],
                condition=models.Q(state__in=OPEN_STATES),
                name="ticket_open_deadlines",
            ),
            # The start page's queues in their own order, without sorting every ticket in that state.
            models.Index(
                fields=["completed_at", "id"], condition=models.Q(state=State.COMPLETED), name="ticket_to_test"
            ),
            models.Index(fields=["solved_at", "id"], condition=models.Q(state=State.SOLVED), name="ticket_to_notify"),
            models.Index(fields=["updated_at", "id"], condition=models.Q(state=State.NOTIFIED), name="ticket_to_close"),
            # Each assignee's open tasks, oldest first (the start page's "My tasks").
            models.Index(
                fields=["assignee", "received_at", "id"],
                condition=models.Q(state__in=[State.ASSIGNED, State.IN_PROGRESS, State.COMPLETED]),
                name="ticket_on_desk",
            ),
        ]
        permissions = [
            ("view_all_tickets", _("Can see every ticket")),
            ("register_ticket", _("Can register requests")),
            ("verify_ticket", _("Can verify or reject requests")),
            ("route_ticket", _("Can route tickets")),
            ("dispatch_ticket", _("Can dispatch tickets to executors")),
            ("work_on_ticket", _("Can work on tickets assigned to them")),
            ("answer_question", _("Can answer executors' questions")),
            ("test_ticket", _("Can test completed work")),
            ("consult_user", _("Can log consultations with users")),
            ("notify_user", _("Can record notifications")),
            ("close_ticket", _("Can close tickets")),
            ("register_feedback", _("Can register feedback")),
            ("view_reports", _("Can see reports")),
            ("attach_file", _("Can attach files to the tickets they see")),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.subject}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.year and self.sequence and not self.number:
            self.number = format_ticket_number(self.year, self.sequence)
        super().save(*args, **kwargs)

    @property
    def is_open(self) -> bool:
        return self.state not in (State.REJECTED, State.CLOSED)


def format_ticket_number(year: int, sequence: int) -> str:
    return f"{year}/{sequence:06d}"


class StageClock(models.Model):
    """The service-level clock of one stage of one ticket: when it ran, its target, and whether it was met.

    The running segment starts at `running_since`; working time counted before a pause is in `counted`.
    `next_check_at` is the instant the periodic sweep must look at the clock next (the warning, then the
    deadline), so the sweep finds its work with one indexed range query.
    """

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="clocks", verbose_name=_("ticket"))
    stage = models.CharField(_("stage"), max_length=10, choices=Stage)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority)
    target_minutes = models.PositiveIntegerField(_("target (working minutes)"))
    warn_percent = models.PositiveSmallIntegerField(_("warn at (%)"), default=80)
    started_at = models.DateTimeField(_("started"))
    counted = models.DurationField(_("working time before the last pause"), default=dt.timedelta)
    running_since = models.DateTimeField(_("running since"), null=True, blank=True)
    paused_since = models.DateTimeField(_("paused since"), null=True, blank=True)
    pauses = models.PositiveIntegerField(_("pauses"), default=0)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    warn_at = models.DateTimeField(_("warning from"), null=True, blank=True)
    next_check_at = models.DateTimeField(null=True, blank=True)
    warned_at = models.DateTimeField(_("warning sent"), null=True, blank=True)
    breached_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    ended_at = models.DateTimeField(_("ended"), null=True, blank=True)
    used = models.DurationField(_("working time used"), null=True, blank=True)
    met = models.BooleanField(_("target met"), null=True, blank=True)

    class Meta:
        verbose_name = _("service-level clock")
        verbose_name_plural = _("service-level clocks")
        ordering = ["started_at", "id"]
        indexes = [
            models.Index(
                fields=["next_check_at"], condition=models.Q(next_check_at__isnull=False), name="clock_next_check"
            ),
            models.Index(fields=["ticket"], condition=models.Q(ended_at__isnull=True), name="clock_running"),
            models.Index(fields=["stage", "ended_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.stage}"

    @property
    def target(self) -> dt.timedelta:
        return dt.timedelta(minutes=self.target_minutes)


class TicketEvent(AppendOnlyModel):
    """One action on a ticket. Never edited, never deleted."""

    APPEND_ONLY_MESSAGE = "The ticket event log is append-only."

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events", verbose_name=_("ticket"))
    actor = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, verbose_name=_("by"))
    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=30, choices=Action)
    from_state = models.CharField(_("from state"), max_length=20, choices=State, blank=True)
    to_state = models.CharField(_("to state"), max_length=20, choices=State, blank=True)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["ticket", "at", "id"])]
        default_permissions = ("view",)

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action} {self.at:%Y-%m-%d %H:%M}"


class WorkLogEntry(models.Model):
    """The executor's continuous log (napló), with the minutes spent."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="work_logs")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    logged_at = models.DateTimeField(_("time"), default=timezone.now)
    minutes = models.PositiveIntegerField(_("minutes spent"))
    note = models.TextField(_("what was done"))

    class Meta:
        verbose_name = _("work-log entry")
        verbose_name_plural = _("work-log entries")
        ordering = ["logged_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.minutes} min"


class TestLogEntry(models.Model):
    """The agent's log of testing the executor's result (seed i)."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="test_logs")
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    logged_at = models.DateTimeField(_("time"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=10, choices=TestOutcome, default=TestOutcome.NOTE)
    note = models.TextField(_("what was tested"))

    class Meta:
        verbose_name = _("test-log entry")
        verbose_name_plural = _("test-log entries")
        ordering = ["logged_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.outcome}"


class Consultation(models.Model):
    """A phone call with the user, or a question from the executor to the agent and its answer."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="consultations")
    kind = models.CharField(_("kind"), max_length=20, choices=ConsultationKind)
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    contact = models.ForeignKey("customers.Contact", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    occurred_at = models.DateTimeField(_("time"), default=timezone.now)
    text = models.TextField(_("summary or question"))
    answer = models.TextField(_("answer"), blank=True)
    answered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["occurred_at", "id"]
        indexes = [models.Index(fields=["kind", "answered_at"])]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.kind}"

    @property
    def is_open_question(self) -> bool:
        return self.kind == ConsultationKind.EXECUTOR_QUESTION and self.answered_at is None


class Notification(models.Model):
    """The user was told the result (seed j): on which channel, to whom, what was said."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="notifications")
    channel = models.CharField(_("channel"), max_length=10, choices=NotificationChannel)
    contact = models.ForeignKey("customers.Contact", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    recipient = models.CharField(_("to (number, address or e-mail)"), max_length=300)
    message = models.TextField(_("what was said or sent"))
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=NotificationOutcome, default=NotificationOutcome.DELIVERED
    )
    notified_at = models.DateTimeField(_("time"), default=timezone.now)
    recorded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["notified_at", "id"]
        # The start page's "call back" queue: solved tickets with an unsuccessful attempt since solving.
        indexes = [
            models.Index(
                fields=["ticket", "notified_at"],
                condition=models.Q(outcome=NotificationOutcome.NOT_REACHED),
                name="notification_not_reached",
            )
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.channel} {self.recipient}"


class Feedback(models.Model):
    """A user's feedback on a ticket (seed l): it reopened the ticket, or was only recorded."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="feedback")
    contact = models.ForeignKey("customers.Contact", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel)
    received_at = models.DateTimeField(_("received"))
    content = models.TextField(_("feedback"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=FeedbackOutcome)
    registered_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)

    class Meta:
        verbose_name = _("feedback")
        verbose_name_plural = _("feedback")
        ordering = ["registered_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.outcome}"


def attachment_path(instance: Attachment, filename: str) -> str:
    # The stored name is not the user's: it cannot collide, traverse or be guessed from the ticket.
    import uuid

    return f"attachments/{instance.ticket.year}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    """A file kept with a ticket: a scanned letter, a fax, a screenshot."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=120, blank=True)
    size = models.PositiveBigIntegerField(_("size"))
    description = models.CharField(_("description"), max_length=250, blank=True)
    uploaded_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", null=True)
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name


class Letter(models.Model):
    """A notification by post (seed j): printed from the ticket, then marked posted, which records it."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="letters")
    address = models.TextField(_("postal address"))
    text = models.TextField(_("text"))
    prepared_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("by"))
    prepared_at = models.DateTimeField(_("prepared"), default=timezone.now)
    posted_at = models.DateTimeField(_("posted"), null=True, blank=True)
    # The editor starts with the salutation and the signature, so the text is printed as it is; letters
    # written before that got the signature added under the text, and still do when printed again.
    signed_in_text = models.BooleanField(default=True, editable=False)

    class Meta:
        verbose_name = _("letter")
        verbose_name_plural = _("letters")
        ordering = ["prepared_at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.prepared_at:%Y-%m-%d}"


class SatisfactionRating(models.Model):
    """The user's satisfaction with a closed ticket (1–5, with a comment): one per closing of the ticket."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("ticket"))
    contact = models.ForeignKey(
        "customers.Contact", on_delete=models.PROTECT, related_name="+", verbose_name=_("contact")
    )
    # The ticket's reopen count when it was rated: a ticket reopened and closed again may be rated again.
    reopen_count = models.PositiveIntegerField(_("closing"), default=0)
    score = models.PositiveSmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True)
    rated_at = models.DateTimeField(_("rated"), default=timezone.now)

    class Meta:
        verbose_name = _("satisfaction rating")
        verbose_name_plural = _("satisfaction ratings")
        ordering = ["rated_at", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(score__gte=1, score__lte=5), name="rating_score_1_to_5"),
            models.UniqueConstraint(fields=["ticket", "reopen_count"], name="rating_once_per_closing"),
        ]
        indexes = [models.Index(fields=["rated_at"])]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.score}"
