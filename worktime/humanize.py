"""Time left or overdue, in working time and plain words ("még 2 munkaóra", "1 munkanapja lejárt")."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext, ngettext

from worktime.calendar import WorkCalendar, working_time_between


@dataclass(frozen=True)
class Due:
    text: str
    level: str  # "overdue", "soon" (past the warning time), "ok", "waiting" or ""
    working_minutes: int  # left (negative: overdue)


def _amount(cal: WorkCalendar, minutes: int) -> tuple[str, int]:
    """The unit a person would use for `minutes` of working time, and how many."""
    day = int(cal.average_day / dt.timedelta(minutes=1))
    if minutes < 60:
        return "minute", minutes
    if minutes < day:
        return "hour", minutes // 60
    return "day", minutes // day


def left_text(cal: WorkCalendar, minutes: int) -> str:
    unit, n = _amount(cal, minutes)
    if unit == "minute":
        return ngettext("%(n)d working minute left", "%(n)d working minutes left", n) % {"n": n}
    if unit == "hour":
        return ngettext("%(n)d working hour left", "%(n)d working hours left", n) % {"n": n}
    return ngettext("%(n)d working day left", "%(n)d working days left", n) % {"n": n}


def overdue_text(cal: WorkCalendar, minutes: int) -> str:
    unit, n = _amount(cal, minutes)
    if unit == "minute":
        return ngettext("overdue by %(n)d working minute", "overdue by %(n)d working minutes", n) % {"n": n}
    if unit == "hour":
        return ngettext("overdue by %(n)d working hour", "overdue by %(n)d working hours", n) % {"n": n}
    return ngettext("overdue by %(n)d working day", "overdue by %(n)d working days", n) % {"n": n}


def describe_due(
    cal: WorkCalendar,
    now: dt.datetime,
    due_at: dt.datetime | None,
    warn_at: dt.datetime | None = None,
    waiting_since: dt.datetime | None = None,
) -> Due:
    """What a list or ticket page says about a ticket's deadline at `now`."""
    if waiting_since is not None:
        return Due(gettext("waiting for the user"), "waiting", 0)
    if due_at is None:
        return Due("", "", 0)
    if due_at <= now:
        late = int(working_time_between(cal, due_at, now) / dt.timedelta(minutes=1))
        return Due(overdue_text(cal, late), "overdue", -late)
    left = int(working_time_between(cal, now, due_at) / dt.timedelta(minutes=1))
    level = "soon" if warn_at is not None and warn_at <= now else "ok"
    return Due(left_text(cal, left), level, left)
