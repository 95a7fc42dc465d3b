"""Form pieces shared by several apps."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from common.text import normalize_newlines


class TextForm(forms.Form):
    """Browsers send text areas with CR LF line ends: what such a form hands on has LF only."""

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        return {key: normalize_newlines(value) if isinstance(value, str) else value for key, value in cleaned.items()}


def _date_field(label: Any) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


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
