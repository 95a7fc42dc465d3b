"""The working calendar: properties that hold for any instant, and the official 2025 and 2026 calendars."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from worktime.calendar import (
    BUDAPEST,
    SEED_WEEKLY,
    NoOpeningHours,
    WorkCalendar,
    add_working_minutes,
    add_working_time,
    closures,
    is_open,
    next_opening,
    working_minutes_between,
    working_time_between,
)

CAL = WorkCalendar(SEED_WEEKLY)
# An administrator's exceptions on top: an extra closed day and a shortened day.
CAL_WITH_EXCEPTIONS = WorkCalendar(
    SEED_WEEKLY,
    exceptions={
        dt.date(2026, 11, 26): ((), "Leltár"),
        dt.date(2026, 11, 30): (((dt.time(9, 0), dt.time(12, 0)),), "Rövidített nap"),
    },
)


def at(*parts: int) -> dt.datetime:
    return dt.datetime(*parts, tzinfo=BUDAPEST)


def local(instant: dt.datetime) -> dt.datetime:
    return instant.astimezone(BUDAPEST)


instants = st.datetimes(
    min_value=dt.datetime(2024, 12, 1), max_value=dt.datetime(2027, 1, 31), timezones=st.just(BUDAPEST)
).map(lambda value: value.replace(microsecond=0))
minutes = st.integers(min_value=0, max_value=30 * 9 * 60)
calendars = st.sampled_from([CAL, CAL_WITH_EXCEPTIONS])


def within_open_time(cal: WorkCalendar, instant: dt.datetime) -> bool:
    """Inside an open period, or exactly at its closing instant."""
    instant = instant.astimezone(dt.UTC)
    day = cal.local_date(instant)
    return any(start <= instant <= end for start, end in cal.periods(day))


@settings(max_examples=300, deadline=None)
@given(cal=calendars, start=instants, n=minutes)
def test_adding_then_measuring_gives_back_n(cal: WorkCalendar, start: dt.datetime, n: int) -> None:
    end = add_working_minutes(cal, start, n)
    assert working_minutes_between(cal, start, end) == n
    assert end >= start


@settings(max_examples=300, deadline=None)
@given(cal=calendars, start=instants, n=minutes)
def test_a_deadline_never_falls_in_closed_time(cal: WorkCalendar, start: dt.datetime, n: int) -> None:
    assert within_open_time(cal, add_working_minutes(cal, start, n))


@settings(max_examples=300, deadline=None)
@given(cal=calendars, a=instants, b=instants, n=minutes, m=minutes)
def test_adding_is_monotonic_in_both_arguments(
    cal: WorkCalendar, a: dt.datetime, b: dt.datetime, n: int, m: int
) -> None:
    early, late = sorted([a, b])
    few, many = sorted([n, m])
    assert add_working_minutes(cal, early, n) <= add_working_minutes(cal, late, n)
    assert add_working_minutes(cal, a, few) <= add_working_minutes(cal, a, many)


@settings(max_examples=300, deadline=None)
@given(cal=calendars, a=instants, b=instants, c=instants)
def test_measuring_is_monotonic_and_additive(cal: WorkCalendar, a: dt.datetime, b: dt.datetime, c: dt.datetime) -> None:
    first, middle, last = sorted([a, b, c])
    assert working_time_between(cal, first, middle) <= working_time_between(cal, first, last)
    assert working_time_between(cal, middle, last) <= working_time_between(cal, first, last)
    assert working_time_between(cal, first, middle) + working_time_between(cal, middle, last) == working_time_between(
        cal, first, last
    )
    assert working_time_between(cal, last, first) == -working_time_between(cal, first, last)


def walked_working_time(cal: WorkCalendar, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
    """Working time from a to b by visiting every day: what the running sums must agree with."""
    a, b = a.astimezone(dt.UTC), b.astimezone(dt.UTC)
    total, day = dt.timedelta(0), cal.local_date(a)
    while day <= cal.local_date(b):
        total += sum(
            (max(min(end, b) - max(start, a), dt.timedelta(0)) for start, end in cal.periods(day)), dt.timedelta(0)
        )
        day += dt.timedelta(days=1)
    return total


@settings(max_examples=300, deadline=None)
@given(cal=calendars, a=instants, b=instants)
def test_long_spans_measure_the_same_as_walking_every_day(cal: WorkCalendar, a: dt.datetime, b: dt.datetime) -> None:
    first, last = sorted([a, b])
    # A fresh calendar too: its running sums start from whichever date is asked first.
    for calendar in (cal, WorkCalendar(cal.weekly, cal.exceptions)):
        assert working_time_between(calendar, first, last) == walked_working_time(calendar, first, last)


@settings(max_examples=200, deadline=None)
@given(cal=calendars, start=instants)
def test_next_opening_is_open_and_nothing_open_is_skipped(cal: WorkCalendar, start: dt.datetime) -> None:
    opening = next_opening(cal, start)
    assert is_open(cal, opening)
    assert opening >= start
    assert working_time_between(cal, start, opening) == dt.timedelta(0)
    assert (opening == start) == is_open(cal, start)


# --- the seed's opening hours ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (at(2026, 11, 24, 7, 29), False),  # Tuesday, before opening
        (at(2026, 11, 24, 7, 30), True),
        (at(2026, 11, 24, 16, 29, 59), True),
        (at(2026, 11, 24, 16, 30), False),  # closing time is closed
        (at(2026, 11, 27, 7, 45), False),  # Friday opens at 8:00
        (at(2026, 11, 27, 13, 59), True),
        (at(2026, 11, 27, 14, 0), False),  # Friday closes at 14:00
        (at(2026, 11, 28, 10, 0), False),  # Saturday
        (at(2026, 11, 29, 10, 0), False),  # Sunday
    ],
)
def test_open_during_the_seeds_hours_only(instant: dt.datetime, expected: bool) -> None:
    assert is_open(CAL, instant) is expected


def test_a_request_at_friday_1359_is_due_after_the_weekend() -> None:
    # One minute left on Friday; the next 59 run from Monday's opening.
    assert local(add_working_minutes(CAL, at(2026, 11, 27, 13, 59), 60)) == at(2026, 11, 30, 8, 29)
    assert local(next_opening(CAL, at(2026, 11, 27, 14, 0))) == at(2026, 11, 30, 7, 30)


# --- the official 2025 and 2026 calendars ---------------------------------------------------------

HOLIDAYS_2025 = [
    dt.date(2025, 1, 1),
    dt.date(2025, 4, 18),  # Good Friday
    dt.date(2025, 4, 21),  # Easter Monday
    dt.date(2025, 5, 1),
    dt.date(2025, 5, 2),  # bridge day, worked on 17 May
    dt.date(2025, 6, 9),  # Whit Monday
    dt.date(2025, 8, 20),
    dt.date(2025, 10, 23),
    dt.date(2025, 10, 24),  # bridge day, worked on 18 October
    dt.date(2025, 12, 24),  # bridge day, worked on 13 December
    dt.date(2025, 12, 25),
    dt.date(2025, 12, 26),
]
HOLIDAYS_2026 = [
    dt.date(2026, 1, 1),
    dt.date(2026, 1, 2),  # bridge day, worked on 10 January
    dt.date(2026, 4, 3),  # Good Friday
    dt.date(2026, 4, 6),  # Easter Monday
    dt.date(2026, 5, 1),
    dt.date(2026, 5, 25),  # Whit Monday
    dt.date(2026, 8, 20),
    dt.date(2026, 8, 21),  # bridge day, worked on 8 August
    dt.date(2026, 10, 23),
    dt.date(2026, 12, 24),  # bridge day, worked on 12 December
    dt.date(2026, 12, 25),
]
# Moved working Saturdays and the weekday each stands in for (its hours apply).
MOVED_SATURDAYS = {
    dt.date(2025, 5, 17): dt.time(14, 0),  # for Friday 2 May: Friday's hours
    dt.date(2025, 10, 18): dt.time(14, 0),  # for Friday 24 October
    dt.date(2025, 12, 13): dt.time(16, 30),  # for Wednesday 24 December: a long day
    dt.date(2026, 1, 10): dt.time(14, 0),  # for Friday 2 January
    dt.date(2026, 8, 8): dt.time(14, 0),  # for Friday 21 August
    dt.date(2026, 12, 12): dt.time(16, 30),  # for Thursday 24 December
}


@pytest.mark.parametrize("day", HOLIDAYS_2025 + HOLIDAYS_2026)
def test_public_holidays_and_bridge_days_are_closed(day: dt.date) -> None:
    assert CAL.day(day).hours == ()
    assert not is_open(CAL, dt.datetime.combine(day, dt.time(10, 0), tzinfo=BUDAPEST))


@pytest.mark.parametrize(("day", "closes"), MOVED_SATURDAYS.items())
def test_moved_saturdays_are_working_days_with_the_hours_of_the_day_they_replace(day: dt.date, closes: dt.time) -> None:
    assert day.weekday() == 5
    assert is_open(CAL, dt.datetime.combine(day, dt.time(10, 0), tzinfo=BUDAPEST))
    assert CAL.day(day).hours[0][1] == closes
    assert CAL.day(day).reason == "moved_workday"


def test_an_ordinary_saturday_stays_closed() -> None:
    assert CAL.day(dt.date(2025, 5, 24)).hours == ()


def test_a_request_on_a_holiday_eve_is_due_after_the_holidays() -> None:
    # Wednesday 23 December 2026, one hour before closing; 24–27 December are closed.
    due = add_working_minutes(CAL, at(2026, 12, 23, 15, 30), 2 * 60)
    assert local(due) == at(2026, 12, 28, 8, 30)
    # Thursday 22 October 2026, the eve of the national holiday (Friday 23 October).
    assert local(add_working_minutes(CAL, at(2026, 10, 22, 16, 0), 60)) == at(2026, 10, 26, 8, 0)


def test_a_request_arriving_on_a_holiday_waits_for_the_next_opening() -> None:
    assert local(next_opening(CAL, at(2026, 5, 1, 10, 0))) == at(2026, 5, 4, 7, 30)
    assert local(add_working_minutes(CAL, at(2025, 12, 25, 10, 0), 30)) == at(2025, 12, 29, 8, 0)


def test_a_moved_saturday_counts_as_working_time() -> None:
    # Friday 7 August 2026 13:00 + 3 working hours: one hour on Friday, two on the moved Saturday.
    assert local(add_working_minutes(CAL, at(2026, 8, 7, 13, 0), 180)) == at(2026, 8, 8, 10, 0)
    # Then Thursday 20 August and Friday 21 August are closed.
    assert working_minutes_between(CAL, at(2026, 8, 19, 16, 0), at(2026, 8, 24, 8, 0)) == 30 + 30


def test_working_time_of_whole_weeks() -> None:
    # A normal week: four 9-hour days and a 6-hour Friday.
    assert working_minutes_between(CAL, at(2026, 11, 23, 0, 0), at(2026, 11, 30, 0, 0)) == 42 * 60
    # Christmas week 2026: Monday–Wednesday only.
    assert working_minutes_between(CAL, at(2026, 12, 21, 0, 0), at(2026, 12, 28, 0, 0)) == 27 * 60


# --- exceptions recorded by an administrator -------------------------------------------------------


def test_an_extra_closed_day_and_shortened_hours_win() -> None:
    assert not is_open(CAL_WITH_EXCEPTIONS, at(2026, 11, 26, 10, 0))
    assert is_open(CAL_WITH_EXCEPTIONS, at(2026, 11, 30, 11, 59))
    assert not is_open(CAL_WITH_EXCEPTIONS, at(2026, 11, 30, 12, 0))
    # Wednesday 16:00 + 60 minutes: 30 on Wednesday, none on the closed Thursday, 30 on Friday.
    assert local(add_working_minutes(CAL_WITH_EXCEPTIONS, at(2026, 11, 25, 16, 0), 60)) == at(2026, 11, 27, 8, 30)


def test_exceptions_cover_a_year_the_package_does_not_know() -> None:
    cal = WorkCalendar(
        SEED_WEEKLY,
        exceptions={dt.date(2026, 11, 25): ((), "Ünnep"), dt.date(2026, 11, 28): (((dt.time(8), dt.time(12)),), "")},
        hungarian_holidays=False,
    )
    assert not is_open(cal, at(2026, 11, 25, 10, 0))
    assert is_open(cal, at(2026, 11, 28, 10, 0))
    # Without the package, Christmas Eve 2026 is a Thursday like any other.
    assert is_open(cal, at(2026, 12, 24, 15, 0))


def test_closures_lists_the_coming_days_with_other_hours() -> None:
    days = closures(CAL_WITH_EXCEPTIONS, dt.date(2026, 11, 24), 33)
    assert [(info.date, info.reason) for info in days] == [
        (dt.date(2026, 11, 26), "exception"),
        (dt.date(2026, 11, 30), "exception"),
        (dt.date(2026, 12, 12), "moved_workday"),
        (dt.date(2026, 12, 24), "holiday"),
        (dt.date(2026, 12, 25), "holiday"),
    ]


# --- summer and winter time -----------------------------------------------------------------------

ALWAYS = WorkCalendar(tuple(((dt.time(0, 0), dt.time.max),) for _ in range(7)), hungarian_holidays=False)  # type: ignore[arg-type]


def test_the_day_clocks_go_forward_has_23_hours_and_the_day_they_go_back_25() -> None:
    assert working_time_between(ALWAYS, at(2026, 3, 29, 0, 0), at(2026, 3, 30, 0, 0)) == dt.timedelta(hours=23)
    assert working_time_between(ALWAYS, at(2026, 10, 25, 0, 0), at(2026, 10, 26, 0, 0)) == dt.timedelta(hours=25)
    assert local(add_working_time(ALWAYS, at(2026, 3, 29, 1, 0), dt.timedelta(hours=2))) == at(2026, 3, 29, 4, 0)


def test_seed_hours_are_the_same_in_summer_and_winter_time() -> None:
    # Friday before the spring change and Monday after it: 8:00 local both times.
    assert local(add_working_minutes(CAL, at(2026, 3, 27, 13, 0), 120)) == at(2026, 3, 30, 8, 30)
    assert local(add_working_minutes(CAL, at(2026, 10, 22, 16, 0), 60)) == at(2026, 10, 26, 8, 0)


def test_a_calendar_without_any_opening_hours_says_so() -> None:
    closed = WorkCalendar(((),) * 7, hungarian_holidays=False)  # type: ignore[arg-type]
    with pytest.raises(NoOpeningHours):
        add_working_minutes(closed, at(2026, 11, 24, 10, 0), 1)


def test_overlapping_or_reversed_hours_are_refused() -> None:
    with pytest.raises(ValueError, match="close after"):
        WorkCalendar((((dt.time(10), dt.time(9)),),) + ((),) * 6)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="overlap"):
        WorkCalendar((((dt.time(8), dt.time(12)), (dt.time(11), dt.time(14))),) + ((),) * 6)  # type: ignore[arg-type]
