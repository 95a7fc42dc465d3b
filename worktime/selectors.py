"""Opening hours and closures as people read them (login page, later the customer portal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from worktime.calendar import closures, is_open, next_opening
from worktime.models import Weekday
from worktime.services import current_calendar

CLOSURES_AHEAD_DAYS = 60


@dataclass(frozen=True)
class DayHours:
    label: str
    hours: str  # "7:30–16:30", or "closed"


def _hours_text(hours: tuple[tuple[dt.time, dt.time], ...]) -> str:
    if not hours:
        return pgettext("opening hours", "closed")
    return ", ".join(f"{opens.hour}:{opens.minute:02d}–{closes.hour}:{closes.minute:02d}" for opens, closes in hours)


def weekly_hours() -> list[DayHours]:
    cal = current_calendar()
    return [DayHours(str(Weekday(day).label), _hours_text(cal.weekly[day])) for day in range(7)]


@dataclass(frozen=True)
class Closure:
    date: dt.date
    hours: str
    reason: str


def upcoming_closures(days: int = CLOSURES_AHEAD_DAYS) -> list[Closure]:
    """Holidays, closed days, shortened hours and moved working days in the coming weeks."""
    cal = current_calendar()
    result = []
    for info in closures(cal, timezone.localdate(), days):
        reason = _("working Saturday") if info.reason == "moved_workday" else info.name
        result.append(Closure(info.date, _hours_text(info.hours), reason))
    return result


def desk_status(now: dt.datetime | None = None) -> tuple[bool, dt.datetime]:
    """Whether the desk is open now, and (if not) when it opens."""
    cal = current_calendar()
    now = now or timezone.now()
    return is_open(cal, now), next_opening(cal, now)
