"""Dates in the Django admin within the supported years (`common.dates`), like every other date Pult takes.
Every ModelAdmin of Pult with a date field in its form, or a date in its list's links, is a `BoundedDates`."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.db import models
from django.http import HttpRequest

from common.dates import FIRST_YEAR, LAST_YEAR
from common.forms import validate_supported_year

# The year of an ISO date or time as the admin's lookups take it (2026-11-24, 2026-11-24 07:30).
_ISO_YEAR = re.compile(r"\s*(\d+)-")


def _year_in_range(text: str) -> bool:
    return FIRST_YEAR <= int(text) <= LAST_YEAR


def supported_lookup(key: str, value: str, date_fields: set[str]) -> bool:
    """False for a list lookup on a date field (`at__year=9999`, `at__gte=0001-01-01`) naming a year outside
    the supported ones; anything else is left to Django, which refuses what it cannot read."""
    parts = key.split("__")
    if parts[0] not in date_fields:
        return True
    for piece in value.split(","):
        if "year" in parts[1:] or "iso_year" in parts[1:]:
            if piece.strip().isdigit() and not _year_in_range(piece):
                return False
        elif (match := _ISO_YEAR.match(piece)) and not _year_in_range(match.group(1)):
            return False
    return True


class BoundedDates(admin.ModelAdmin):
    """The form's date fields refuse dates outside the supported years with a field error; a list lookup or
    date-hierarchy link outside them (9999-12-31, whose next day overflows) is a wrong lookup, which the
    admin answers by showing the list without it, never with a server error."""

    def formfield_for_dbfield(self, db_field: models.Field[Any, Any], request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if isinstance(field, forms.DateField | forms.DateTimeField | forms.SplitDateTimeField):
            field.validators = [*field.validators, validate_supported_year]
        return field

    def get_changelist_instance(self, request: HttpRequest) -> Any:
        date_fields = {field.name for field in self.model._meta.get_fields() if isinstance(field, models.DateField)}
        for key, values in request.GET.lists():
            if not all(supported_lookup(key, value, date_fields) for value in values):
                raise IncorrectLookupParameters(key)
        return super().get_changelist_instance(request)
