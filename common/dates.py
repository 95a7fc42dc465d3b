"""Dates as Hungarians write them, fast: a list or timeline formats hundreds of them per page."""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format, get_format
from django.utils.timezone import localtime

HUNGARIAN_SHORT_DATETIME = "Y. m. d. G:i"  # 2026. 11. 24. 7:30 (common/formats/)


def short_datetime(value: dt.datetime) -> str:
    """`value` in the current time zone in SHORT_DATETIME_FORMAT. The project's format for every language,
    "Y. m. d. G:i", is written directly (Django's formatter parses the format string on each call); any
    other format goes through Django's `date_format`. `common/tests/test_dates.py` holds the two together."""
    local = localtime(value)
    if get_format("SHORT_DATETIME_FORMAT") == HUNGARIAN_SHORT_DATETIME:
        return f"{local.year:04d}. {local.month:02d}. {local.day:02d}. {local.hour}:{local.minute:02d}"
    return date_format(local, "SHORT_DATETIME_FORMAT")
