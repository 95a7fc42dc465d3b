"""The fast short date and time writes what Django's formatter writes, in every language and time of year."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation
from django.utils.formats import date_format
from django.utils.timezone import localtime
from hypothesis import given, settings
from hypothesis import strategies as st

from common.dates import short_datetime

MOMENTS = st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=st.just(dt.UTC))


@pytest.mark.parametrize("language", ["hu", "en"])
@settings(max_examples=200, deadline=None)
@given(moment=MOMENTS)
def test_short_datetime_writes_what_djangos_formatter_writes(language: str, moment: dt.datetime) -> None:
    with translation.override(language):
        assert short_datetime(moment) == date_format(localtime(moment), "SHORT_DATETIME_FORMAT")


def test_short_datetime_is_budapest_time_the_hungarian_way() -> None:
    summer = dt.datetime(2026, 7, 1, 5, 30, tzinfo=dt.UTC)
    winter = dt.datetime(2026, 11, 24, 6, 30, tzinfo=dt.UTC)
    with translation.override("hu"):
        assert short_datetime(summer) == "2026. 07. 01. 7:30"
        assert short_datetime(winter) == "2026. 11. 24. 7:30"
