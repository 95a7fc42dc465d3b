"""The service-desk manager's period report: what came in, what was solved in time, how long each step took.

`period_report` runs five aggregate queries whatever the number of tickets. A period is whole days in the
current time zone (Europe/Budapest): [start 00:00, the day after end 00:00).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Avg, Count, Q
from django.utils.translation import gettext_lazy as _

from common.dates import day_span
from tickets.choices import Action, Channel, Priority, Stage
from tickets.models import SatisfactionRating, StageClock, Ticket, TicketEvent

MAX_PERIOD_DAYS = 366


@dataclass(frozen=True)
class ChannelRow:
    channel: Channel
    count: int


@dataclass(frozen=True)
class TargetRow:
    """Resolution clocks of one priority ended in the period: how many, how many within target."""

    priority: Priority
    total: int
    met: int

    @property
    def percent(self) -> float | None:
        return round(self.met * 100 / self.total, 1) if self.total else None


@dataclass(frozen=True)
class StageRow:
    """Clocks of one stage ended in the period, and their average working time."""

    stage: Stage
    count: int
    average: dt.timedelta | None

    @property
    def average_minutes(self) -> int | None:
        return None if self.average is None else round(self.average / dt.timedelta(minutes=1))


@dataclass(frozen=True)
class SatisfactionRow:
    """How many ratings of the period gave this score (1–5)."""

    score: int
    count: int


@dataclass(frozen=True)
class PeriodReport:
    start: dt.date
    end: dt.date
    received: list[ChannelRow]
    within_target: list[TargetRow]
    stage_times: list[StageRow]
    returns_to_executor: int
    reopen_events: int
    reopened_tickets: int
    satisfaction: list[SatisfactionRow]

    @property
    def ratings_total(self) -> int:
        return sum(row.count for row in self.satisfaction)

    @property
    def rating_average(self) -> float | None:
        """The average score of the period's ratings, to two decimals; None without ratings."""
        total = self.ratings_total
        return round(sum(row.score * row.count for row in self.satisfaction) / total, 2) if total else None

    @property
    def received_total(self) -> int:
        return sum(row.count for row in self.received)

    @property
    def resolved_total(self) -> int:
        return sum(row.total for row in self.within_target)

    @property
    def resolved_met(self) -> int:
        return sum(row.met for row in self.within_target)

    @property
    def resolved_percent(self) -> float | None:
        total = self.resolved_total
        return round(self.resolved_met * 100 / total, 1) if total else None


def period_bounds(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants [start 00:00, end + 1 day 00:00) in the current time zone."""
    return day_span(start, end)


def period_report(start: dt.date, end: dt.date) -> PeriodReport:
    """The figures of the period from `start` to `end` (both included): five queries."""
    since, until = period_bounds(start, end)

    received = dict(
        Ticket.objects.filter(received_at__gte=since, received_at__lt=until)
        .order_by()
        .values("channel")
        .annotate(n=Count("id"))
        .values_list("channel", "n")
    )

    ended = StageClock.objects.filter(ended_at__gte=since, ended_at__lt=until).order_by()
    resolution: dict[str, tuple[int, int]] = {
        priority: (total, met)
        for priority, total, met in ended.filter(stage=Stage.RESOLVE, met__isnull=False)
        .values("priority")
        .annotate(total=Count("id"), met_count=Count("id", filter=Q(met=True)))
        .values_list("priority", "total", "met_count")
    }
    stages: dict[str, tuple[int, dt.timedelta | None]] = {
        stage: (n, average)
        for stage, n, average in ended.filter(used__isnull=False)
        .values("stage")
        .annotate(n=Count("id"), average=Avg("used"))
        .values_list("stage", "n", "average")
    }

    events = (
        TicketEvent.objects.filter(at__gte=since, at__lt=until, action__in=[Action.RETURN_TO_EXECUTOR, Action.REOPEN])
        .order_by()
        .aggregate(
            returns=Count("id", filter=Q(action=Action.RETURN_TO_EXECUTOR)),
            reopens=Count("id", filter=Q(action=Action.REOPEN)),
            reopened_tickets=Count("ticket", filter=Q(action=Action.REOPEN), distinct=True),
        )
    )

    scores = dict(
        SatisfactionRating.objects.filter(rated_at__gte=since, rated_at__lt=until)
        .order_by()
        .values("score")
        .annotate(n=Count("id"))
        .values_list("score", "n")
    )

    return PeriodReport(
        start=start,
        end=end,
        received=[ChannelRow(channel, received.get(channel.value, 0)) for channel in Channel],
        within_target=[TargetRow(priority, *resolution.get(priority.value, (0, 0))) for priority in Priority],
        stage_times=[StageRow(stage, *stages.get(stage.value, (0, None))) for stage in Stage],
        returns_to_executor=events["returns"],
        reopen_events=events["reopens"],
        reopened_tickets=events["reopened_tickets"],
        satisfaction=[SatisfactionRow(score, scores.get(score, 0)) for score in range(1, 6)],
    )


CSV_SECTIONS = {
    "period": _("Period"),
    "received_per_channel": _("Requests received"),
    "resolved": _("Resolved"),
    "resolved_within_target": _("Resolved within target"),
    "resolved_within_target_percent": _("Resolved within target (%)"),
    "stage_clocks_ended": _("Stages completed"),
    "average_working_minutes": _("Average working minutes"),
    "returns_to_executor": _("Returns to the executor"),
    "reopen_events": _("Reopenings"),
    "reopened_tickets": _("Reopened tickets"),
    "satisfaction_ratings": _("Satisfaction ratings"),
    "satisfaction_average": _("Average satisfaction"),
}
CSV_KEYS = {"start": _("First day"), "end": _("Last day"), "total": _("Total")}


def csv_rows(report: PeriodReport) -> list[list[str]]:
    """The report for the CSV download: each figure with its section and item in the reader's language, then
    the same two as fixed codes (channel, priority, stage as stored), so a spreadsheet built on the codes
    keeps working in either language. Percentages have a decimal comma, as Hungarian Excel expects next to
    the `;` separator.
    """

    def percent(value: float | None) -> str:
        return "" if value is None else f"{value:.1f}".replace(".", ",")

    rows: list[tuple[str, Any, str]] = [("period", "start", report.start.isoformat())]
    rows.append(("period", "end", report.end.isoformat()))
    rows += [("received_per_channel", row.channel, str(row.count)) for row in report.received]
    rows.append(("received_per_channel", "total", str(report.received_total)))
    for row in report.within_target:
        rows.append(("resolved", row.priority, str(row.total)))
        rows.append(("resolved_within_target", row.priority, str(row.met)))
        rows.append(("resolved_within_target_percent", row.priority, percent(row.percent)))
    rows.append(("resolved", "total", str(report.resolved_total)))
    rows.append(("resolved_within_target", "total", str(report.resolved_met)))
    rows.append(("resolved_within_target_percent", "total", percent(report.resolved_percent)))
    for stage_row in report.stage_times:
        rows.append(("stage_clocks_ended", stage_row.stage, str(stage_row.count)))
        minutes = stage_row.average_minutes
        rows.append(("average_working_minutes", stage_row.stage, "" if minutes is None else str(minutes)))
    rows.append(("returns_to_executor", "total", str(report.returns_to_executor)))
    rows.append(("reopen_events", "total", str(report.reopen_events)))
    rows.append(("reopened_tickets", "total", str(report.reopened_tickets)))
    rows += [("satisfaction_ratings", str(row.score), str(row.count)) for row in report.satisfaction]
    rows.append(("satisfaction_ratings", "total", str(report.ratings_total)))
    average = report.rating_average
    rows.append(("satisfaction_average", "total", "" if average is None else f"{average:.2f}".replace(".", ",")))

    def key_label(key: Any) -> str:
        if isinstance(key, models.Choices):
            return str(key.label)
        return str(CSV_KEYS.get(key, key))

    header = [str(_("Section")), str(_("Item")), str(_("Value")), str(_("Section code")), str(_("Item code"))]
    return [header] + [
        [str(CSV_SECTIONS[section]), key_label(key), value, section, str(getattr(key, "value", key))]
        for section, key, value in rows
    ]


# --- bar charts for the page (inline SVG, drawn on the server) -------------------------------------

CHART_LABEL_WIDTH = 150
CHART_PLOT_WIDTH = 380
CHART_VALUE_WIDTH = 110
CHART_BAR_HEIGHT = 22
CHART_ROW_HEIGHT = 30


@dataclass(frozen=True)
class Bar:
    label: str
    value_text: str
    y: int
    width: int

    @property
    def text_y(self) -> int:
        return self.y + CHART_BAR_HEIGHT - 6

    @property
    def value_x(self) -> int:
        return CHART_LABEL_WIDTH + self.width + 6


@dataclass(frozen=True)
class BarChart:
    """A horizontal bar chart: one labelled bar per row, its value written after it. Whole pixels only."""

    bars: list[Bar]
    label_width: int = CHART_LABEL_WIDTH
    label_x: int = CHART_LABEL_WIDTH - 8
    bar_height: int = CHART_BAR_HEIGHT
    width: int = CHART_LABEL_WIDTH + CHART_PLOT_WIDTH + CHART_VALUE_WIDTH

    @property
    def height(self) -> int:
        return len(self.bars) * CHART_ROW_HEIGHT + 4


def bar_chart(
    rows: Sequence[tuple[str, float | None]], *, fmt: Callable[[float | None], str], maximum: float | None = None
) -> BarChart:
    """Bars scaled to `maximum` (default: the largest value); a row without a value has no bar."""
    top = maximum if maximum is not None else max((value or 0 for _label, value in rows), default=0)
    bars = []
    for index, (label, value) in enumerate(rows):
        width = round(CHART_PLOT_WIDTH * min(value, top) / top) if value and top else 0
        bars.append(Bar(label=label, value_text=fmt(value), y=index * CHART_ROW_HEIGHT + 4, width=width))
    return BarChart(bars)
