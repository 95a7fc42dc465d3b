"""Schemas shared by the routers: references to related objects, safe text and bounded ids."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.utils import timezone
from ninja import Schema
from pydantic import AfterValidator, Field

from common.dates import FIRST_YEAR, LAST_YEAR, within_supported_years


def _clean_text(value: str) -> str:
    """Text a database can store: no NUL character, no lone surrogate (hostile input gets 422, not 500)."""
    if "\x00" in value:
        raise ValueError("NUL characters are not allowed")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("invalid characters") from None
    return value


def _plausible_moment(value: dt.datetime) -> dt.datetime:
    # The pages' years (common.dates): outside them the time is a typing error and overflows the arithmetic.
    if not within_supported_years(value):
        raise ValueError(f"the time must be between the years {FIRST_YEAR} and {LAST_YEAR}")
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value


def _plausible_date(value: dt.date) -> dt.date:
    if not within_supported_years(value):
        raise ValueError(f"the date must be between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


Text = Annotated[str, AfterValidator(_clean_text)]
ShortText = Annotated[str, Field(max_length=250), AfterValidator(_clean_text)]
LongText = Annotated[str, Field(max_length=20000), AfterValidator(_clean_text)]
Moment = Annotated[dt.datetime, AfterValidator(_plausible_moment)]
Day = Annotated[dt.date, AfterValidator(_plausible_date)]
Id = Annotated[int, Field(ge=1, le=2**62, examples=[1])]
Version = Annotated[int, Field(ge=1, le=2**31)]


class Ref(Schema):
    """A related object: its id and its name."""

    id: int
    name: str


class UserRef(Schema):
    id: int
    name: str

    @staticmethod
    def resolve_name(obj: Any) -> str:
        return str(obj.display_name)


class Page(Schema):
    """Items of one page and the cursor of the next one (null on the last page)."""

    next_cursor: str | None = Field(description="Pass as ?cursor= to get the next page; null on the last page.")
