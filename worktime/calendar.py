"""The service desk's working calendar: pure functions over opening hours, holidays and exceptions.

A WorkCalendar is built from plain values (weekly hours, dated exceptions, whether Hungarian public
holidays apply) and answers four questions: is the desk open at an instant, when does it next open,
what instant lies N working minutes after another, and how much working time lies between two
instants. Opening periods are half-open [opens, closes) in Europe/Budapest wall-clock time; all
arithmetic is done in UTC, so summer/winter time changes are exact.

Hungarian public holidays and the Saturdays that become working days ("áthelyezett munkanap") come
from the `holidays` package. A moved Saturday keeps the hours of the weekday it stands in for.
Dated exceptions (an extra closed day, shortened hours, a year the package does not know yet) win
over everything else.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

BUDAPEST = ZoneInfo("Europe/Budapest")
UTC = dt.UTC
FRIDAY = 4
# How far ahead add_working_time looks before deciding the calendar has no opening hours at all.
HORIZON_DAYS = 3 * 366

Hours = tuple[tuple[dt.time, dt.time], ...]  # the open periods of one day, in wall-clock time


class NoOpeningHours(ValueError):
    """The calendar has no open time within the horizon, so no deadline can be computed."""


@dataclass(frozen=True)
class DayInfo:
    """Why a date has the hours it has (for the login page and the admin)."""

    date: dt.date
    hours: Hours
    reason: str  # "", "holiday", "moved_workday" or "exception"
    name: str = ""


def _check_hours(hours: Hours) -> Hours:
    ordered = tuple(sorted(hours))
    for opens, closes in ordered:
        if not opens < closes:
            raise ValueError(f"An opening period must close after it opens: {opens}–{closes}.")
    for (_o1, c1), (o2, _c2) in itertools.pairwise(ordered):
        if o2 < c1:
            raise ValueError("Opening periods of one day overlap.")
    return ordered


@dataclass(eq=False)
class WorkCalendar:
    """Weekly hours (Monday first), dated exceptions, and whether Hungarian public holidays apply."""

    weekly: tuple[Hours, Hours, Hours, Hours, Hours, Hours, Hours]
    exceptions: Mapping[dt.date, tuple[Hours, str]] = field(default_factory=dict)
    hungarian_holidays: bool = True
    tz: dt.tzinfo = BUDAPEST
    _days: dict[dt.date, DayInfo] = field(default_factory=dict, init=False, repr=False)
    _years: dict[int, tuple[dict[dt.date, str], dict[dt.date, int]]] = field(
        default_factory=dict, init=False, repr=False
    )
    _periods: dict[dt.date, tuple[tuple[dt.datetime, dt.datetime], ...]] = field(
        default_factory=dict, init=False, repr=False
    )
    # Running sums of open time per day from an anchor date, so that the working time across months of
    # days (a ticket overdue since last year) is two lookups instead of a walk over every day.
    _anchor: dt.date | None = field(default=None, init=False, repr=False)
    _open_sums: list[dt.timedelta] = field(default_factory=list, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if len(self.weekly) != 7:
            raise ValueError("Weekly hours need seven days, Monday first.")
        self.weekly = tuple(_check_hours(day) for day in self.weekly)  # type: ignore[assignment]
        self.exceptions = {day: (_check_hours(hours), note) for day, (hours, note) in self.exceptions.items()}

    # --- one day ---------------------------------------------------------------------------------

    def _holidays_of(self, year: int) -> tuple[dict[dt.date, str], dict[dt.date, int]]:
        """Public holidays of `year` (date → Hungarian name) and moved working Saturdays (date → weekday)."""
        if year not in self._years:
            closed: dict[dt.date, str] = {}
            moved: dict[dt.date, int] = {}
            if self.hungarian_holidays:
                import holidays

                country = holidays.country_holidays("HU", years=year, language="hu")
                closed = {day: str(name) for day, name in country.items()}
                # Which weekday a moved Saturday stands in for: the package's substitution table.
                substitutions = getattr(country, "special_public_holidays", {}).get(year, ())
                if substitutions and not isinstance(substitutions[0], tuple):
                    substitutions = (substitutions,)
                stands_in = {}
                for entry in substitutions:
                    if len(entry) >= 4 and all(isinstance(part, int) for part in entry[:4]):
                        to_month, to_day, from_month, from_day = entry[:4]
                        from_year = entry[4] if len(entry) > 4 and isinstance(entry[4], int) else year
                        stands_in[dt.date(from_year, from_month, from_day)] = dt.date(year, to_month, to_day)
                for day in getattr(country, "weekend_workdays", ()):
                    if day.year == year:
                        bridge = stands_in.get(day)
                        moved[day] = bridge.weekday() if bridge else FRIDAY
            self._years[year] = (closed, moved)
        return self._years[year]

    def day(self, date: dt.date) -> DayInfo:
        """The opening hours of `date` and why."""
        info = self._days.get(date)
        if info is None:
            if date in self.exceptions:
                hours, note = self.exceptions[date]
                info = DayInfo(date, hours, "exception", note)
            else:
                closed, moved = self._holidays_of(date.year)
                if date in closed:
                    info = DayInfo(date, (), "holiday", closed[date])
                elif date in moved:
                    info = DayInfo(date, self.weekly[moved[date]], "moved_workday")
                else:
                    info = DayInfo(date, self.weekly[date.weekday()], "")
            self._days[date] = info
        return info

    def periods(self, date: dt.date) -> tuple[tuple[dt.datetime, dt.datetime], ...]:
        """The open periods of `date` as UTC instants [start, end)."""
        cached = self._periods.get(date)
        if cached is None:
            cached = tuple(
                (
                    dt.datetime.combine(date, opens, tzinfo=self.tz).astimezone(UTC),
                    _end_of(date, closes, self.tz),
                )
                for opens, closes in self.day(date).hours
            )
            self._periods[date] = cached
        return cached

    def open_time_of_days(self, start: dt.date, end: dt.date) -> dt.timedelta:
        """Open time of the whole days from `start` up to, not including, `end`.

        Under a lock: gunicorn's threads share one calendar, and both sums must come from the same anchor."""
        with self._lock:
            before_start = self._open_before(start)  # the earlier date first: it may move the anchor
            return self._open_before(end) - before_start

    def _open_before(self, date: dt.date) -> dt.timedelta:
        """Open time of the days from the anchor up to, not including, `date` (only differences matter)."""
        if self._anchor is None or date < self._anchor:
            self._anchor = date - dt.timedelta(days=366)
            self._open_sums = [dt.timedelta(0)]
        index = (date - self._anchor).days
        while len(self._open_sums) <= index:
            day = self._anchor + dt.timedelta(days=len(self._open_sums) - 1)
            length = sum((end - start for start, end in self.periods(day)), dt.timedelta(0))
            self._open_sums.append(self._open_sums[-1] + length)
        return self._open_sums[index]

    def local_date(self, instant: dt.datetime) -> dt.date:
        return _aware(instant).astimezone(self.tz).date()

    def days(self, start: dt.date, count: int) -> Iterator[DayInfo]:
        for offset in range(count):
            yield self.day(start + dt.timedelta(days=offset))

    @property
    def average_day(self) -> dt.timedelta:
        """The average length of an open weekday: how long "one working day" is when time is shown in days."""
        lengths = [_length(hours) for hours in self.weekly if hours]
        if not lengths:
            return dt.timedelta(hours=8)
        return sum(lengths, dt.timedelta()) / len(lengths)


def _length(hours: Hours) -> dt.timedelta:
    day = dt.date(2000, 1, 3)
    return sum(
        (_end_of(day, closes, UTC) - dt.datetime.combine(day, opens, tzinfo=UTC) for opens, closes in hours),
        dt.timedelta(),
    )


def _end_of(date: dt.date, closes: dt.time, tz: dt.tzinfo) -> dt.datetime:
    # 23:59:59.999999 stands for midnight at the end of the day (24:00), which dt.time cannot hold.
    if closes == dt.time.max:
        return dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min, tzinfo=tz).astimezone(UTC)
    return dt.datetime.combine(date, closes, tzinfo=tz).astimezone(UTC)


def _aware(instant: dt.datetime) -> dt.datetime:
    if instant.tzinfo is None:
        raise ValueError("Pass an aware datetime.")
    return instant.astimezone(UTC)


# --- the four questions ---------------------------------------------------------------------------


def is_open(cal: WorkCalendar, at: dt.datetime) -> bool:
    """Whether the service desk is open at the instant `at`."""
    at = _aware(at)
    return any(start <= at < end for start, end in cal.periods(cal.local_date(at)))


def next_opening(cal: WorkCalendar, at: dt.datetime) -> dt.datetime:
    """The first instant at or after `at` when the desk is open (`at` itself when it is open)."""
    at = _aware(at)
    day = cal.local_date(at)
    for offset in range(HORIZON_DAYS):
        for start, end in cal.periods(day + dt.timedelta(days=offset)):
            if at < end:
                return max(start, at)
    raise NoOpeningHours("The calendar has no opening hours.")


def add_working_time(cal: WorkCalendar, start: dt.datetime, amount: dt.timedelta) -> dt.datetime:
    """The instant when `amount` of working time has passed since `start`.

    The result is never in closed time: it lies within an open period or at its closing instant
    (work that fills a day up to 16:30 is due at 16:30). With no amount, it is the next opening.
    """
    if amount < dt.timedelta(0):
        raise ValueError("Working time to add cannot be negative.")
    start = _aware(start)
    if not amount:
        return next_opening(cal, start)
    remaining = amount
    day = cal.local_date(start)
    for offset in range(HORIZON_DAYS):
        for period_start, period_end in cal.periods(day + dt.timedelta(days=offset)):
            if period_end <= start:
                continue
            begin = max(period_start, start)
            available = period_end - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
    raise NoOpeningHours("The calendar has no opening hours.")


def working_time_between(cal: WorkCalendar, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Working time from `a` to `b`; negative when `b` is before `a`."""
    a, b = _aware(a), _aware(b)
    if b < a:
        return -working_time_between(cal, b, a)
    first, last = cal.local_date(a), cal.local_date(b)
    if (last - first).days < 3:
        days = [first + dt.timedelta(days=offset) for offset in range((last - first).days + 1)]
        return sum((_open_within(cal, day, a, b) for day in days), dt.timedelta(0))
    # The first and last days in part, the whole days between from the running sums.
    between = cal.open_time_of_days(first + dt.timedelta(days=1), last)
    return _open_within(cal, first, a, b) + between + _open_within(cal, last, a, b)


def _open_within(cal: WorkCalendar, day: dt.date, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    total = dt.timedelta(0)
    for start, end in cal.periods(day):
        overlap = min(end, b) - max(start, a)
        if overlap > dt.timedelta(0):
            total += overlap
    return total


def add_working_minutes(cal: WorkCalendar, start: dt.datetime, minutes: float) -> dt.datetime:
    return add_working_time(cal, start, dt.timedelta(minutes=minutes))


def working_minutes_between(cal: WorkCalendar, a: dt.datetime, b: dt.datetime) -> float:
    return working_time_between(cal, a, b) / dt.timedelta(minutes=1)


def working_days_between(cal: WorkCalendar, a: dt.date, b: dt.date) -> int:
    """Open dates d with a < d ≤ b: how many working days have begun since `a` (0 if b ≤ a)."""
    return sum(1 for offset in range(1, (b - a).days + 1) if cal.day(a + dt.timedelta(days=offset)).hours)


def closures(cal: WorkCalendar, start: dt.date, days: int) -> list[DayInfo]:
    """Dates from `start` with other hours than their weekday's: holidays on open weekdays, moved working days,
    and every exception an administrator recorded."""
    return [
        info
        for info in cal.days(start, days)
        if info.reason in ("exception", "moved_workday")
        or (info.reason == "holiday" and info.hours != cal.weekly[info.date.weekday()])
    ]


def weekly_from(rows: Iterable[tuple[int, dt.time | None, dt.time | None]]) -> tuple[Hours, ...]:
    """Weekly hours from (weekday, opens, closes) rows; a day without both times is closed."""
    days: list[list[tuple[dt.time, dt.time]]] = [[] for _ in range(7)]
    for weekday, opens, closes in rows:
        if opens is not None and closes is not None:
            days[weekday].append((opens, closes))
    return tuple(tuple(day) for day in days)


SEED_WEEKLY: tuple[Hours, Hours, Hours, Hours, Hours, Hours, Hours] = (
    ((dt.time(7, 30), dt.time(16, 30)),),
    ((dt.time(7, 30), dt.time(16, 30)),),
    ((dt.time(7, 30), dt.time(16, 30)),),
    ((dt.time(7, 30), dt.time(16, 30)),),
    ((dt.time(8, 0), dt.time(14, 0)),),
    (),
    (),
)
