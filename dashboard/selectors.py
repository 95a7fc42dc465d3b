"""What each role's start page shows. Every list is a fixed number of queries."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q

from accounts.models import User
from accounts.roles import Role
from tickets.choices import OPEN_STATES, State

QUEUE_LENGTH = 10


def executor_load() -> list[dict[str, Any]]:
    """Each executor's open tickets, for the manager's overview (one query)."""
    busy = [State.ASSIGNED, State.IN_PROGRESS, State.COMPLETED]
    rows = (
        User.objects.filter(is_active=True, groups__name=Role.EXECUTOR)
        .annotate(
            assigned=Count("assigned_tickets", filter=Q(assigned_tickets__state=State.ASSIGNED)),
            in_progress=Count("assigned_tickets", filter=Q(assigned_tickets__state=State.IN_PROGRESS)),
            open_total=Count("assigned_tickets", filter=Q(assigned_tickets__state__in=busy)),
        )
        .order_by("-open_total", "last_name")
    )
    return [
        {"user": user, "assigned": user.assigned, "in_progress": user.in_progress, "open_total": user.open_total}
        for user in rows
    ]


def open_state_values() -> list[str]:
    return [state.value for state in OPEN_STATES]
