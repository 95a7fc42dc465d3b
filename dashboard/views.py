"""Start pages: the agent's queues, the dispatcher's queue, the executor's tasks, the manager's overview."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.roles import Role, has_role
from dashboard.selectors import QUEUE_LENGTH, overview
from tickets import selectors


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {"queue_length": QUEUE_LENGTH}
    if user.has_perm("tickets.verify_ticket"):
        context["queues"] = [
            (key, queryset[:QUEUE_LENGTH], queryset.count()) for key, queryset in selectors.agent_queues(user).items()
        ]
    if user.has_perm("tickets.dispatch_ticket"):
        queue = selectors.dispatcher_queue(user)
        context["dispatch_queue"] = (queue[:50], queue.count())
    if user.has_perm("tickets.work_on_ticket"):
        # Executors' work, and what an agent took to solve personally.
        context["my_tasks"] = selectors.executor_tasks(user)
    if _sees_overview(user):
        context["overview"] = overview(user, timezone.now())
    return render(request, "dashboard/home.html", context)


def _sees_overview(user: Any) -> bool:
    return bool(has_role(user, Role.MANAGER) or user.has_perm("tickets.verify_ticket"))


@require_GET
def live_overview(request: HttpRequest) -> HttpResponse:
    """The overview alone, for htmx to refresh every minute."""
    if not _sees_overview(request.user):
        raise PermissionDenied()
    return render(request, "dashboard/partials/_overview.html", {"overview": overview(request.user, timezone.now())})
