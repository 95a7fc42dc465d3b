"""Start pages: the agent's queues, the dispatcher's queue, the executor's tasks, the manager's overview."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.views.decorators.http import require_GET

from accounts.roles import Role, has_role
from common.csv_cells import csv_response
from common.forms import PeriodForm, errors_as_text
from common.htmx import render_fragment
from common.pagination import capped_count
from complaints.views import start_page_counts
from dashboard.reports import MAX_PERIOD_DAYS, BarChart, PeriodReport, bar_chart, csv_rows, period_report
from dashboard.selectors import LONG_QUEUE_LENGTH, QUEUE_COUNT_CAP, QUEUE_LENGTH, overview
from tickets import selectors
from tickets.selectors import EXECUTOR_OPEN_STATES
from tickets.templatetags.ticket_tags import minutes_as_hours


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    context: dict = {"queue_length": QUEUE_LENGTH}
    if user.has_perm("tickets.verify_ticket"):
        context["queues"] = [
            (key, selectors.for_items(queryset)[:QUEUE_LENGTH], queue_badge(queryset))
            for key, queryset in selectors.agent_queues(user).items()
        ]
    if user.has_perm("tickets.dispatch_ticket"):
        queue = selectors.dispatcher_queue(user)
        context["dispatch_queue"] = (selectors.for_items(queue)[:LONG_QUEUE_LENGTH], queue.count())
    if user.has_perm("tickets.work_on_ticket"):
        # Executors' work, and what an agent took to solve personally: the oldest first, the rest on the list.
        tasks = selectors.executor_tasks(user)
        context["my_tasks"] = (selectors.for_items(tasks)[:LONG_QUEUE_LENGTH], tasks.count())
        context["my_tasks_url"] = (
            reverse("tickets:list")
            + "?"
            + urlencode(
                [("assignee", user.pk), *(("state", state) for state in EXECUTOR_OPEN_STATES), ("sort", "received")]
            )
        )
    if _sees_overview(user):
        context["overview"] = overview(user, timezone.now())
    context["complaint_counts"] = start_page_counts(user)
    return render(request, "dashboard/home.html", context)


def queue_badge(queryset: Any) -> str:
    """A queue's length for its badge, counted up to QUEUE_COUNT_CAP: "999+" says a backlog is long without
    reading all of it on every start page (the overview has the exact figures)."""
    total = capped_count(queryset, QUEUE_COUNT_CAP)
    return f"{QUEUE_COUNT_CAP}+" if total > QUEUE_COUNT_CAP else str(total)


def _sees_overview(user: Any) -> bool:
    return bool(has_role(user, Role.MANAGER) or user.has_perm("tickets.verify_ticket"))


@require_GET
def live_overview(request: HttpRequest) -> HttpResponse:
    """The overview alone, for htmx to refresh every minute."""
    if not _sees_overview(request.user):
        raise PermissionDenied()
    return render_fragment(
        request, "dashboard/partials/_overview.html", {"overview": overview(request.user, timezone.now())}
    )


# --- the manager's period report -------------------------------------------------------------------


class ReportPeriodForm(PeriodForm):
    max_days = MAX_PERIOD_DAYS


def _report_form(request: HttpRequest) -> ReportPeriodForm:
    """The period asked for; without one, the current month up to today (Budapest time)."""
    if "start" in request.GET or "end" in request.GET:
        return ReportPeriodForm(request.GET)
    today = timezone.localdate()
    return ReportPeriodForm({"start": today.replace(day=1).isoformat(), "end": today.isoformat()})


def _check_report_access(user: Any) -> None:
    if not user.has_perm("tickets.view_reports"):
        raise PermissionDenied()


def _percent_text(value: float | None) -> str:
    return "—" if value is None else f"{floatformat(value, -1)} %"


def _charts(report: PeriodReport) -> dict[str, BarChart]:
    return {
        "received": bar_chart(
            [(str(row.channel.label), row.count) for row in report.received],
            fmt=lambda value: number_format(value or 0),
        ),
        "within_target": bar_chart(
            [(str(row.priority.label), row.percent) for row in report.within_target],
            maximum=100,
            fmt=_percent_text,
        ),
        "stage_times": bar_chart(
            [(str(row.stage.label), row.average_minutes) for row in report.stage_times],
            fmt=lambda value: "—" if value is None else minutes_as_hours(int(value)),
        ),
    }


@require_GET
def period_report_page(request: HttpRequest) -> HttpResponse:
    _check_report_access(request.user)
    form = _report_form(request)
    context: dict[str, Any] = {"form": form}
    if form.is_valid():
        report = period_report(form.cleaned_data["start"], form.cleaned_data["end"])
        context.update(
            report=report,
            charts=_charts(report),
            csv_query=urlencode({"start": report.start.isoformat(), "end": report.end.isoformat()}),
        )
    return render(request, "dashboard/report.html", context)


@require_GET
def period_report_csv(request: HttpRequest) -> HttpResponse:
    _check_report_access(request.user)
    form = _report_form(request)
    if not form.is_valid():
        return HttpResponseBadRequest(errors_as_text(form), content_type="text/plain; charset=utf-8")
    report = period_report(form.cleaned_data["start"], form.cleaned_data["end"])
    filename = f"pult-report-{report.start.isoformat()}-{report.end.isoformat()}.csv"
    return csv_response(csv_rows(report), filename=filename)
