"""Reads of tickets, always scoped to what the user may see."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, F, OuterRef, QuerySet
from django.http import Http404

from common.dates import end_of_day, start_of_day
from tickets.choices import OPEN_STATES, ConsultationKind, FeedbackOutcome, NotificationOutcome, State, actions_of
from tickets.models import Consultation, Feedback, Notification, Ticket, TicketEvent


def visible_to(user: Any) -> QuerySet[Ticket]:
    """Every ticket `user` may see: all for agents, managers and dispatchers; the assigned ones for executors."""
    tickets = Ticket.objects.all()
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return tickets.none()
    if user.has_perm("tickets.view_all_tickets"):
        return tickets
    if user.has_perm("tickets.work_on_ticket"):
        return tickets.filter(assignee=user)
    return tickets.none()


def get_for(user: Any, *, year: int, sequence: int) -> Ticket:
    """The ticket `year/sequence` if `user` may see it; otherwise 404, as if it did not exist."""
    ticket = (
        visible_to(user)
        .select_related("customer", "contact", "module", "assignee", "registered_by")
        .filter(year=year, sequence=sequence)
        .first()
    )
    if ticket is None:
        raise Http404("No such ticket.")
    return ticket


def with_list_columns(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    return tickets.select_related("customer", "contact", "module", "assignee")


# What a row of the ticket list or of a start-page queue shows (ticket_tags.ticket_rows, mini_items): the
# list pages read these columns alone, not the descriptions and every joined row's every column.
ROW_FIELDS = (
    *("year", "sequence", "number", "subject", "state", "channel", "received_at", "updated_at"),
    *("due_at", "warn_at", "waiting_since", "open_questions", "reopen_count", "solved_at", "completed_at"),
    *("customer__name", "contact__name", "module__name"),
    *("assignee__username", "assignee__first_name", "assignee__last_name"),
)


def for_rows(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`tickets` with the columns and joined rows a list row shows, and nothing else."""
    return with_list_columns(tickets).only(*ROW_FIELDS)


# A start-page queue item (ticket_tags.mini_items): number, subject, deadline, customer, state, received,
# assignee. Two joins instead of four: the planner's time grows with every table joined to the tickets.
ITEM_FIELDS = (
    *("year", "sequence", "number", "subject", "state", "received_at", "due_at", "warn_at", "waiting_since"),
    *("customer__name", "assignee__username", "assignee__first_name", "assignee__last_name"),
)


def for_items(tickets: QuerySet[Ticket]) -> QuerySet[Ticket]:
    """`tickets` with what a start-page queue item shows, and nothing else."""
    return tickets.select_related(None).select_related("customer", "assignee").only(*ITEM_FIELDS)


@dataclass
class TicketFilter:
    states: list[str]
    channels: list[str]
    customer_id: int | None = None
    contact_id: int | None = None
    module_id: int | None = None
    assignee_id: int | None = None
    received_from: dt.date | None = None
    received_to: dt.date | None = None
    text: str = ""
    deadline: str = ""  # one of DEADLINE_FILTERS


DEADLINE_FILTERS = ("overdue", "today", "soon", "waiting")


def end_of_today(now: dt.datetime) -> dt.datetime:
    from django.utils import timezone

    return end_of_day(timezone.localtime(now).date())


def with_deadline(tickets: QuerySet[Ticket], deadline: str, now: dt.datetime) -> QuerySet[Ticket]:
    """Overdue, due before the end of today, past the warning time, or waiting on the user (indexed columns)."""
    if deadline == "overdue":
        return tickets.filter(due_at__lte=now)
    if deadline == "today":
        return tickets.filter(due_at__gt=now, due_at__lt=end_of_today(now))
    if deadline == "soon":
        return tickets.filter(warn_at__lte=now, due_at__gt=now)
    if deadline == "waiting":
        return tickets.filter(waiting_since__isnull=False)
    return tickets


SORTS = {
    "received": ("received_at", "id"),
    "-received": ("-received_at", "-id"),
    "number": ("year", "sequence"),
    "-number": ("-year", "-sequence"),
    "state": ("state", "-received_at", "-id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
    "due": (F("due_at").asc(nulls_last=True), "id"),
}


def ticket_list(*, user: Any, filters: TicketFilter, sort: str = "") -> QuerySet[Ticket]:
    """The ticket list page's rows: visible, filtered, sorted; columns joined in one query. With no `sort`
    (""), a search comes best match first and anything else newest received first."""
    from django.utils import timezone

    tickets = visible_to(user)
    if filters.states:
        tickets = tickets.filter(state__in=filters.states)
    if filters.channels:
        tickets = tickets.filter(channel__in=filters.channels)
    if filters.customer_id:
        tickets = tickets.filter(customer_id=filters.customer_id)
    if filters.contact_id:
        tickets = tickets.filter(contact_id=filters.contact_id)
    if filters.module_id:
        tickets = tickets.filter(module_id=filters.module_id)
    if filters.assignee_id:
        tickets = tickets.filter(assignee_id=filters.assignee_id)
    if filters.received_from:
        tickets = tickets.filter(received_at__gte=start_of_day(filters.received_from))
    if filters.received_to:
        tickets = tickets.filter(received_at__lt=end_of_day(filters.received_to))
    if filters.deadline:
        tickets = with_deadline(tickets, filters.deadline, timezone.now())
    if filters.text.strip():
        return with_list_columns(with_search(tickets, filters.text, sort))
    return with_list_columns(tickets).order_by(*SORTS.get(sort, SORTS["-received"]))


def with_search(tickets: QuerySet[Ticket], text: str, sort: str) -> QuerySet[Ticket]:
    """The tickets matching the search text (search app: full text, accents aside, Hungarian word forms; or
    the ticket number), by rank unless the user chose an order."""
    from search.selectors import order_by_rank, search_tickets

    found = search_tickets(tickets, text)
    if sort in SORTS:
        return found.order_by(*SORTS[sort])
    return order_by_rank(found, "-received_at", "-id")


def timeline(ticket: Ticket, *, newest_first: bool = False, kinds: list[str] | None = None) -> QuerySet[TicketEvent]:
    """The ticket's events (only those of `kinds`, if given), oldest or newest first, actors joined (one query)."""
    events = TicketEvent.objects.filter(ticket=ticket).select_related("actor")
    if kinds:
        events = events.filter(action__in=actions_of(kinds))
    return events.order_by("-at", "-id") if newest_first else events.order_by("at", "id")


def open_questions(ticket: Ticket) -> QuerySet[Consultation]:
    return Consultation.objects.filter(
        ticket=ticket, kind=ConsultationKind.EXECUTOR_QUESTION, answered_at__isnull=True
    ).select_related("author")


def dispatcher_queue(user: Any) -> QuerySet[Ticket]:
    return with_list_columns(visible_to(user)).filter(state=State.DISPATCHING).order_by("received_at", "id")


# The states in which a ticket is on its assignee's desk.
EXECUTOR_OPEN_STATES = (State.ASSIGNED, State.IN_PROGRESS, State.COMPLETED)


def executor_tasks(user: Any) -> QuerySet[Ticket]:
    return (
        with_list_columns(Ticket.objects.filter(assignee=user))
        .filter(state__in=EXECUTOR_OPEN_STATES)
        .order_by("received_at", "id")
    )


def open_state_counts(user: Any) -> dict[str, int]:
    """Open tickets per state. Closed and rejected ones are the registry's bulk and are not counted here:
    counting them would read every ticket ever received (the period report covers them)."""
    from django.db.models import Count

    # COUNT(*): read from the (state, received_at) index alone, not from the tickets' pages.
    rows = visible_to(user).filter(state__in=OPEN_STATES).values("state").annotate(n=Count("*")).order_by()
    return {row["state"]: row["n"] for row in rows}


def agent_queues(user: Any) -> dict[str, QuerySet[Ticket]]:
    """The agent's start page: what waits for the service desk, step by step."""
    tickets = with_list_columns(visible_to(user))
    return {
        "to_verify": tickets.filter(state=State.NEW).order_by("received_at", "id"),
        "to_route": tickets.filter(state=State.VERIFIED).order_by("received_at", "id"),
        "questions": tickets.filter(open_questions__gt=0).order_by("updated_at", "id"),
        "to_test": tickets.filter(state=State.COMPLETED).order_by("completed_at", "id"),
        "to_notify": tickets.filter(state=State.SOLVED).order_by("solved_at", "id"),
        # From the few unreached calls (a partial index), not from every solved ticket.
        "callbacks": tickets.filter(
            state=State.SOLVED,
            pk__in=Notification.objects.filter(outcome=NotificationOutcome.NOT_REACHED).values("ticket_id"),
        )
        .filter(
            Exists(
                Notification.objects.filter(
                    ticket=OuterRef("pk"),
                    outcome=NotificationOutcome.NOT_REACHED,
                    notified_at__gte=OuterRef("solved_at"),
                )
            )
        )
        .order_by("solved_at", "id"),
        "to_close": tickets.filter(state=State.NOTIFIED).order_by("updated_at", "id"),
        # Both through partial indexes or a small table: never a pass over the whole registry.
        "replies": tickets.filter(reply_waiting_since__isnull=False).order_by("reply_waiting_since", "id"),
        "feedback": tickets.filter(
            pk__in=Feedback.objects.filter(outcome=FeedbackOutcome.PENDING).values("ticket_id")
        ).order_by("updated_at", "id"),
    }
