"""The access-log search."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from common.collation import hungarian
from common.forms import BoundedDateField, BoundedDateTimeField
from customers.models import Contact
from privacy.choices import ObjectionDecision, RequestChannel, RequestKind, RequestState
from privacy.selectors import AccessLogFilter, RequestFilter


class StaffUserField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.display_name} ({obj.username})"


class AccessLogSearchForm(forms.Form):
    person = forms.CharField(label=_("Person (name, e-mail or phone)"), required=False, max_length=200, strip=True)
    user = StaffUserField(
        label=_("Staff member"),
        queryset=get_user_model()
        .objects.filter(contact__isnull=True)
        .order_by(hungarian("last_name"), hungarian("first_name"), "username"),
        required=False,
    )
    start = BoundedDateField(label=_("From"), required=False)
    end = BoundedDateField(label=_("Until"), required=False)
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


# --- data-subject requests -----------------------------------------------------------------------------


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("open", _("Open")), ("all", _("All")), *RequestState.choices],
    )
    kind = forms.ChoiceField(label=_("Kind of request"), required=False, choices=[("", _("Any")), *RequestKind.choices])
    person = forms.CharField(label=_("Person or number"), required=False, max_length=200, strip=True)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def to_filter(self) -> RequestFilter:
        if not self.is_valid():
            return RequestFilter()
        data = self.cleaned_data
        return RequestFilter(
            state=data.get("state") or "open",
            kind=data.get("kind") or "",
            person=data.get("person") or "",
            overdue=bool(data.get("overdue")),
        )


class RegisterRequestForm(forms.Form):
    contact = forms.ModelChoiceField(
        queryset=Contact.objects.all(), required=False, widget=forms.HiddenInput, label=_("Contact")
    )
    kind = forms.ChoiceField(label=_("Kind of request"), choices=RequestKind.choices)
    channel = forms.ChoiceField(label=_("Arrived by"), choices=RequestChannel.choices)
    received_at = BoundedDateTimeField(
        label=_("Received"),
        required=False,
        help_text=_("Leave empty for now. The one-month deadline runs from here."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y. %m. %d. %H:%M"],
    )
    requester_name = forms.CharField(
        label=_("Requester's name"),
        required=False,
        max_length=200,
        help_text=_("When the requester is not one of our contacts."),
    )
    requester_email = forms.EmailField(label=_("Requester's e-mail"), required=False)
    details = forms.CharField(label=_("What the person asks"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("contact") and not (cleaned.get("requester_name") or cleaned.get("requester_email")):
            raise forms.ValidationError(_("Choose the contact, or give the requester's name or e-mail address."))
        return cleaned


def _text(label: Any, *, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, required=required, max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class StepForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class AssignForm(StepForm):
    handler = StaffUserField(
        label=_("Handler"),
        queryset=get_user_model()
        .objects.filter(is_active=True, contact__isnull=True)
        .order_by(hungarian("last_name"), "username"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.with_perm(  # type: ignore[attr-defined]
            "privacy.handle_subject_request", is_active=True, include_superusers=False
        )
        self.fields["handler"].queryset = users.order_by(hungarian("last_name"), "username")  # type: ignore[attr-defined]


class VerifyIdentityForm(StepForm):
    method = forms.CharField(
        label=_("How the identity was verified"),
        max_length=300,
        help_text=_("E.g. from the registered e-mail address; identity card shown in person."),
    )


class ExtendForm(StepForm):
    reason = _text(_("Reason for the extension (the requester must be told)"))


class RectifyForm(StepForm):
    note = _text(_("What was corrected (edit the contact in the administration)"))


class RestrictForm(StepForm):
    reason = _text(_("Reason for restricting the processing"))


class LiftRestrictionForm(StepForm):
    restriction = forms.IntegerField(widget=forms.HiddenInput)
    reason = _text(_("Reason for lifting the restriction"))


class ObjectionForm(StepForm):
    decision = forms.ChoiceField(label=_("Decision"), choices=ObjectionDecision.choices, widget=forms.RadioSelect)
    note = _text(_("Reasons"))


class CompleteForm(StepForm):
    answer = _text(_("Answer given to the requester"))


class RefuseForm(StepForm):
    reason = _text(_("Reason for refusal (the requester must be told, with the right to complain to the authority)"))


class EraseForm(StepForm):
    confirm = forms.BooleanField(
        label=_("I understand that the person's data will be erased everywhere and cannot be restored."),
        required=True,
    )
