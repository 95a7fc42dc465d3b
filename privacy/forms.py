"""The access-log search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from privacy.selectors import AccessLogFilter


class StaffUserField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


class AccessLogSearchForm(forms.Form):
    person = forms.CharField(label=_("Person (name, e-mail or phone)"), required=False, max_length=200, strip=True)
    user = StaffUserField(
        label=_("Staff member"),
        queryset=get_user_model().objects.filter(contact__isnull=True).order_by("last_name", "first_name", "username"),
        required=False,
    )
    start = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Ticket or complaint number"), required=False, max_length=40, strip=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            raise forms.ValidationError(_("The start of the period is after its end."))
        return cleaned

    def to_filter(self) -> AccessLogFilter | None:
        """The filter from valid input; None for invalid input (whose errors show on the form)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        return AccessLogFilter(
            person=data.get("person") or "",
            user=data.get("user"),
            start=data.get("start"),
            end=data.get("end"),
            reference=data.get("reference") or "",
        )
