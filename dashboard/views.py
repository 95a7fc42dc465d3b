"""Start pages: the agent's queues, the dispatcher's queue, the executor's tasks, the manager's overview."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.roles import Role, has_role
from dashboard.selectors import QUEUE_LENGTH, executor_load
from tickets import selectors
from tickets.choices import State


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
    if has_role(user, Role.MANAGER):
        counts = selectors.state_counts(user)
        context["state_counts"] = [(state, counts.get(state.value, 0)) for state in State]
        context["executor_load"] = executor_load()
    return render(request, "dashboard/home.html", context)
