"""What each role's start page shows. Every list is a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db.models import Count, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from accounts.models import User
from accounts.roles import Role
from common.collation import hungarian
from tickets.choices import OPEN_STATES, State
from tickets.models import Ticket

QUEUE_LENGTH = 10
# An agent's queue badge counts this many at most, then says "999+".
QUEUE_COUNT_CAP = 999
# The dispatcher's queue and one's own tasks show this many, oldest first; the ticket list has the rest.
LONG_QUEUE_LENGTH = 50


def _assigned_count(*states: State) -> Coalesce:
    """How many of the outer executor's tickets are in `states`: through the (assignee, state) index, so
    the executor's closed tickets, however many, are never read."""
    tickets = (
        Ticket.objects.filter(assignee=OuterRef("pk"), state__in=states)
        .order_by()
        .values("assignee")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(tickets), 0)


def executor_load() -> list[dict[str, Any]]:
    """Each executor's open tickets, for the manager's overview (one query)."""
    rows = (
        User.objects.filter(is_active=True, groups__name=Role.EXECUTOR)
        .annotate(
            assigned=_assigned_count(State.ASSIGNED),
            in_progress=_assigned_count(State.IN_PROGRESS),
            open_total=_assigned_count(State.ASSIGNED, State.IN_PROGRESS, State.COMPLETED),
        )
        .order_by("-open_total", hungarian("last_name"))
    )
    return [
        {"user": user, "assigned": user.assigned, "in_progress": user.in_progress, "open_total": user.open_total}
        for user in rows
    ]


def deadline_counts(user: Any, now: Any) -> dict[str, int]:
    """Overdue, due today, past the warning time, waiting on the user: one aggregate query."""
    from tickets.selectors import end_of_today, visible_to

    # Only open tickets have deadlines or wait on the user: the closed bulk of the registry is never read,
    # and the open ones are counted from the `ticket_open_deadlines` index alone: every column named here is
    # in it (COUNT(due_at) is COUNT(*) where the filter needs a due_at; COUNT(waiting_since) skips the nulls).
    return (
        visible_to(user)
        .filter(state__in=OPEN_STATES)
        .aggregate(
            overdue=Count("due_at", filter=Q(due_at__lte=now)),
            today=Count("due_at", filter=Q(due_at__gt=now, due_at__lt=end_of_today(now))),
            soon=Count("due_at", filter=Q(warn_at__lte=now, due_at__gt=now)),
            waiting=Count("waiting_since"),
        )
    )


OVERVIEW_CACHE_KEY = "pult:overview:all-tickets"


def overview(user: Any, now: Any) -> dict[str, Any]:
    """The live overview for agents and managers (a fixed number of queries).

    Its counts read every open ticket's index entry: at a million tickets, tens of thousands of entries on
    every start page of every agent. Those who see every ticket see the same figures, so they are kept in
    the shared cache for PULT_OVERVIEW_CACHE_SECONDS (the page says "as of" the time they were counted, and
    refreshes itself every minute); anyone else's are counted for them alone.
    """
    seconds = settings.PULT_OVERVIEW_CACHE_SECONDS
    if not seconds or not user.has_perm("tickets.view_all_tickets"):
        return count_overview(user, now)
    cached = cache.get(OVERVIEW_CACHE_KEY)
    if cached is None:
        cached = count_overview(user, now)
        cache.set(OVERVIEW_CACHE_KEY, cached, seconds)
    return dict(cached)


def count_overview(user: Any, now: Any) -> dict[str, Any]:
    from tickets.selectors import EXECUTOR_OPEN_STATES, for_items, open_state_counts, visible_to

    counts = open_state_counts(user)
    open_tickets = for_items(visible_to(user)).filter(state__in=OPEN_STATES)
    return {
        "deadline_counts": deadline_counts(user, now),
        "state_counts": [(state, counts.get(state.value, 0)) for state in OPEN_STATES],
        "executor_load": executor_load(),
        "oldest": list(open_tickets.order_by("received_at", "id")[:QUEUE_LENGTH]),
        "waiting": list(
            open_tickets.filter(waiting_since__isnull=False).order_by("waiting_since", "id")[:QUEUE_LENGTH]
        ),
        "busy_states": [state.value for state in EXECUTOR_OPEN_STATES],
        "refreshed_at": now,
    }


def open_state_values() -> list[str]:
    return [state.value for state in OPEN_STATES]
