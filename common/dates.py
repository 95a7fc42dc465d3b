"""Dates as Hungarians write them, fast (a list or timeline formats hundreds of them per page); the years a
typed date may name, and the instants of whole days that filters compare with."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format, get_format
from django.utils.timezone import get_current_timezone, localtime

HUNGARIAN_SHORT_DATETIME = "Y. m. d. G:i"  # 2026. 11. 24. 7:30 (common/formats/)


def short_datetime(value: dt.datetime) -> str:
    """`value` in the current time zone in SHORT_DATETIME_FORMAT. The project's format for every language,
    "Y. m. d. G:i", is written directly (Django's formatter parses the format string on each call); any
    other format goes through Django's `date_format`. `common/tests/test_dates.py` holds the two together."""
    local = localtime(value)
    if get_format("SHORT_DATETIME_FORMAT") == HUNGARIAN_SHORT_DATETIME:
        return f"{local.year:04d}. {local.month:02d}. {local.day:02d}. {local.hour}:{local.minute:02d}"
    return date_format(local, "SHORT_DATETIME_FORMAT")


# --- the years a typed date may name ------------------------------------------------------------------------
# Every date or time a person or an API client gives (a filter, a period, when a request arrived) is taken
# between these years, both included, and refused outside them with a clear error. Pult holds nothing older
# than 1990 and nobody plans past 2999; within them a day either side stays inside Python's dates (year 1 to
# 9999) and the database's, whatever the time zone's offset (midnight of 0001-01-01 in Budapest is in year 0
# in UTC, which neither can hold).
FIRST_YEAR = 1990
LAST_YEAR = 2999
FIRST_DAY = dt.date(FIRST_YEAR, 1, 1)
LAST_DAY = dt.date(LAST_YEAR, 12, 31)


def within_supported_years(value: dt.date) -> bool:
    """Whether the date (or the datetime's date) lies in FIRST_YEAR … LAST_YEAR."""
    return FIRST_YEAR <= value.year <= LAST_YEAR


def start_of_day(day: dt.date) -> dt.datetime:
    """00:00 of `day` in the current time zone: the inclusive start of a filter "from `day`".

    A day outside the supported years counts as the nearest day inside them (no record lies outside), so the
    arithmetic never overflows, whichever caller forgot to validate."""
    day = min(max(day, FIRST_DAY), LAST_DAY)
    return dt.datetime.combine(day, dt.time.min, tzinfo=get_current_timezone())


def end_of_day(day: dt.date) -> dt.datetime:
    """00:00 of the day after `day` in the current time zone: the exclusive end of a filter "until `day`"."""
    day = min(max(day, FIRST_DAY), LAST_DAY)
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=get_current_timezone())


def day_span(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The instants [start 00:00, the day after end 00:00) of a period of whole days, both ends included."""
    return start_of_day(start), end_of_day(end)
