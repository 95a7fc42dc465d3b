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


# --- "Kérését 2026. november 30-án, hétfőn 7:30-tól dolgozzuk fel" ---------------------------------

_HU_MONTHS = (
    "január", "február", "március", "április", "május", "június",
    "július", "augusztus", "szeptember", "október", "november", "december",
)  # fmt: skip
_HU_WEEKDAYS_ON = ("hétfőn", "kedden", "szerdán", "csütörtökön", "pénteken", "szombaton", "vasárnap")
# The suffix "on day N" takes: -án/-én after the spoken numeral, -jén after "egy" (1, 21, 31).
_HU_DAY_SUFFIX = {
    1: "jén", 2: "án", 3: "án", 4: "én", 5: "én", 6: "án", 7: "én", 8: "án", 9: "én", 10: "én",
    11: "én", 12: "én", 13: "án", 14: "én", 15: "én", 16: "án", 17: "én", 18: "án", 19: "én", 20: "án",
    21: "jén", 22: "én", 23: "án", 24: "én", 25: "én", 26: "án", 27: "én", 28: "án", 29: "én", 30: "án", 31: "én",
}  # fmt: skip
# "From" (-tól/-től) follows the vowels of the last spoken part of the number.
_HU_UNITS_FROM = {1: "től", 2: "től", 3: "tól", 4: "től", 5: "től", 6: "tól", 7: "től", 8: "tól", 9: "től"}
_HU_TENS_FROM = {0: "tól", 1: "től", 2: "tól", 3: "tól", 4: "től", 5: "től"}


def _hu_from_suffix(number: int) -> str:
    if number % 10:
        return _HU_UNITS_FROM[number % 10]
    return _HU_TENS_FROM[(number // 10) % 6]


def hungarian_day_on(date: dt.date) -> str:
    """'2026. november 30-án, hétfőn'."""
    month, weekday = _HU_MONTHS[date.month - 1], _HU_WEEKDAYS_ON[date.weekday()]
    return f"{date.year}. {month} {date.day}-{_HU_DAY_SUFFIX[date.day]}, {weekday}"


def hungarian_time_from(moment: dt.time) -> str:
    """'7:30-tól', '8:00-tól', '9:00-től'."""
    spoken_last = moment.minute if moment.minute else moment.hour
    return f"{moment.hour}:{moment.minute:02d}-{_hu_from_suffix(spoken_last)}"


def handling_sentence(opening: dt.datetime) -> str:
    """When a request that arrived while the desk was closed will be handled, in the active language."""
    from django.utils import formats, timezone, translation
    from django.utils.translation import gettext

    local = timezone.localtime(opening)
    if translation.get_language() == "hu":
        return f"Kérését {hungarian_day_on(local.date())} {hungarian_time_from(local.time())} dolgozzuk fel."
    return gettext("We will process your request from %(time)s on %(day)s.") % {
        "time": formats.time_format(local.time(), "G:i"),
        "day": formats.date_format(local.date(), "l, j F Y"),
    }
