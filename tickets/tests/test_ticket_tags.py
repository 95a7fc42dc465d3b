"""The ticket pages' fast date filter writes what Django's date filter writes, in both languages."""

from __future__ import annotations

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from tickets.templatetags.ticket_tags import short_dt

MOMENTS = [
    dt.datetime(2026, 11, 24, 6, 30, tzinfo=dt.UTC),  # 7:30 in Budapest (winter)
    dt.datetime(2026, 7, 1, 21, 5, tzinfo=dt.UTC),  # 23:05 in Budapest (summer)
    dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC),  # already the next year in Budapest
]


def test_short_dt_writes_what_the_date_filter_writes_in_both_languages() -> None:
    django_filter = Template('{{ value|date:"SHORT_DATETIME_FORMAT" }}')
    for language in ("hu", "en"):
        with translation.override(language):
            for moment in MOMENTS:
                assert short_dt(moment) == django_filter.render(Context({"value": moment}))
    with translation.override("hu"):
        assert short_dt(MOMENTS[0]) == "2026. 11. 24. 7:30"
        assert short_dt(MOMENTS[2]) == "2027. 01. 01. 0:59"


def test_short_dt_of_nothing_is_empty_like_the_date_filter() -> None:
    assert short_dt(None) == "" == Template('{{ value|date:"SHORT_DATETIME_FORMAT" }}').render(Context({"value": None}))
