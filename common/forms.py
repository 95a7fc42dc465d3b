"""Form pieces shared by several apps."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.dates import FIRST_DAY, FIRST_YEAR, LAST_DAY, LAST_YEAR, within_supported_years
from common.text import normalize_newlines


class TextForm(forms.Form):
    """Browsers send text areas with CR LF line ends: what such a form hands on has LF only."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        return {key: normalize_newlines(value) if isinstance(value, str) else value for key, value in cleaned.items()}


def validate_supported_year(value: dt.date) -> None:
    """A date or time outside the supported years (common.dates) is a typing error or an attack: refused."""
    if not within_supported_years(value):
        raise forms.ValidationError(
            _("Give a date between the years %(first)d and %(last)d."),
            code="out_of_range",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


class DayInput(forms.DateInput):
    """The browser's date picker, the value written as it expects (2026-11-24)."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


def _picker_limits(widget: forms.Widget) -> dict[str, str]:
    """The browser's picker offers only the supported years (the server refuses the rest anyway)."""
    input_type = getattr(widget, "input_type", "")
    if input_type == "date":
        return {"min": FIRST_DAY.isoformat(), "max": LAST_DAY.isoformat()}
    if input_type == "datetime-local":
        return {"min": f"{FIRST_DAY.isoformat()}T00:00", "max": f"{LAST_DAY.isoformat()}T23:59"}
    return {}


class BoundedDateField(forms.DateField):
    """Every date a form takes (a filter, a period): malformed or outside the supported years, it is a
    field error, never a date the filters' arithmetic or the database cannot hold."""

    widget = DayInput
    default_validators = [validate_supported_year]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), **_picker_limits(widget)}


class BoundedDateTimeField(forms.DateTimeField):
    """Every date and time a form takes (when a request arrived): the same years as BoundedDateField."""

    default_validators = [validate_supported_year]

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        return {**super().widget_attrs(widget), **_picker_limits(widget)}


def _date_field(label: Any) -> forms.DateField:
    return BoundedDateField(label=label)


class PeriodForm(forms.Form):
    """A period of days (both ends included), at most `max_days` long."""

    max_days = 366
    start = _date_field(_("Start of the period"))
    end = _date_field(_("End of the period"))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                raise forms.ValidationError(_("The start of the period is after its end."))
            if (end - start).days + 1 > self.max_days:
                raise forms.ValidationError(
                    _("The period can be at most %(days)d days long."), params={"days": self.max_days}
                )
        return cleaned


def errors_as_text(form: forms.Form) -> str:
    """A form's errors as one line of text, for a download that has no page to show them on."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)
