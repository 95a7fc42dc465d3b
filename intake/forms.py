"""Intake forms: the intake sheet (phone, in person), the written request form, and the feedback sheet."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from common.forms import BoundedDateTimeField
from customers.choices import NotificationChannel
from customers.models import Contact, Customer, Module
from tickets.choices import ORAL_CHANNELS, WRITTEN_CHANNELS, Channel, Priority
from tickets.forms import MultipleFileField

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def _now_local() -> str:
    return timezone.localtime().strftime(DATETIME_LOCAL)


def received_at_field() -> forms.DateTimeField:
    # 0001-01-01 or 9999-12-31 is a typing error; the opening-hours calendar cannot even count from it.
    return BoundedDateTimeField(
        label=_("Received"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
        help_text=_("When the request arrived; it may be earlier than now."),
    )


def closed_notice(instant: dt.datetime) -> str:
    """'The service desk is closed at that time; it opens …' — or empty when it is open."""
    from worktime.calendar import is_open, next_opening
    from worktime.services import current_calendar

    cal = current_calendar()
    if is_open(cal, instant):
        return ""
    opening = formats.date_format(timezone.localtime(next_opening(cal, instant)), "SHORT_DATETIME_FORMAT")
    return str(_("The service desk is closed at that time; it next opens %(opening)s.") % {"opening": opening})


class ContactPickerForm(forms.Form):
    """A contact found by name, phone or e-mail — or created on the spot from the fields below."""

    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.filter(is_active=True),
        required=False,
        widget=forms.HiddenInput,
    )
    new_name = forms.CharField(label=_("Name"), max_length=200, required=False)
    new_phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    new_email = forms.EmailField(label=_("E-mail"), required=False)
    new_postal_address = forms.CharField(label=_("Postal address"), max_length=300, required=False)
    new_fax = forms.CharField(label=_("Fax number"), max_length=40, required=False)
    new_preferred_channel = forms.ChoiceField(
        label=_("Preferred notification channel"),
        choices=[("", "—"), *NotificationChannel.choices],
        required=False,
    )
    new_customer = forms.ModelChoiceField(
        label=_("Customer"),
        queryset=Customer.objects.filter(is_active=True),
        required=False,
        empty_label=_("— new customer —"),
    )
    new_customer_name = forms.CharField(
        label=_("New customer's name"),
        max_length=200,
        required=False,
        help_text=_("Leave empty for a private person."),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not cleaned.get("contact") and not (cleaned.get("new_name") or "").strip():
            self.add_error("new_name", _("Choose a contact from the search, or give the new contact's name."))
        return cleaned

    def contact_arguments(self) -> dict[str, Any]:
        data = self.cleaned_data
        if data.get("contact"):
            return {"contact": data["contact"], "new_contact": None}
        return {
            "contact": None,
            "new_contact": {
                "name": data["new_name"],
                "phone": data["new_phone"],
                "email": data["new_email"],
                "postal_address": data["new_postal_address"],
                "fax": data["new_fax"],
                "preferred_channel": data["new_preferred_channel"],
                "customer": data["new_customer"],
                "new_customer_name": data["new_customer_name"],
            },
        }


class RequestDetailsMixin(forms.Form):
    module = forms.ModelChoiceField(label=_("Module"), queryset=Module.objects.filter(is_active=True), required=False)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL)
    subject = forms.CharField(label=_("Subject"), max_length=250)


class OralIntakeForm(ContactPickerForm, RequestDetailsMixin):
    """The intake sheet (felvételi lap) for a phone call or a visit."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in ORAL_CHANNELS], initial=Channel.PHONE
    )
    received_at = received_at_field()
    caller_name = forms.CharField(label=_("Caller's name, as given"), max_length=200, required=False)
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=40, required=False)
    caller_email = forms.EmailField(label=_("Caller's e-mail"), required=False)
    content = forms.CharField(label=_("What the caller said"), widget=forms.Textarea(attrs={"rows": 6}))
    outside_hours = forms.BooleanField(
        label=_("Register it although the service desk is closed at this time"), required=False
    )

    field_order = [
        "channel",
        "received_at",
        "caller_name",
        "caller_phone",
        "caller_email",
        "contact",
        "module",
        "priority",
        "subject",
        "content",
    ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["received_at"].initial = _now_local()
        # Shown when the desk is closed now, or when the time given falls outside opening hours.
        self.closed_notice = closed_notice(timezone.now())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        received_at = cleaned.get("received_at")
        if received_at is not None and not cleaned.get("outside_hours"):
            notice = closed_notice(received_at)
            if notice:
                self.closed_notice = notice
                self.add_error(
                    "outside_hours",
                    _("%(notice)s Confirm that you register a request outside opening hours.") % {"notice": notice},
                )
        return cleaned

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of intake.services.oral_request_register."""
        return self.contact_arguments() | {name: self.cleaned_data[name] for name in self.REQUEST_FIELDS}

    REQUEST_FIELDS = (
        "channel",
        "received_at",
        "caller_name",
        "caller_phone",
        "caller_email",
        "subject",
        "content",
        "module",
        "priority",
    )


class WrittenRequestForm(ContactPickerForm, RequestDetailsMixin):
    """A request that arrived in writing (post, fax, an e-mail typed in by hand), with its scans."""

    channel = forms.ChoiceField(
        label=_("Channel"), choices=[(c.value, c.label) for c in WRITTEN_CHANNELS], initial=Channel.POST
    )
    received_at = received_at_field()
    content = forms.CharField(label=_("Content of the letter"), widget=forms.Textarea(attrs={"rows": 8}))
    attachments = MultipleFileField(label=_("Scanned documents"))

    field_order = ["channel", "received_at", "contact", "module", "priority", "subject", "content", "attachments"]
    REQUEST_FIELDS = ("channel", "received_at", "subject", "content", "module", "priority", "attachments")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields["received_at"].initial = _now_local()

    def service_arguments(self) -> dict[str, Any]:
        """The keyword arguments of intake.services.written_request_register."""
        return self.contact_arguments() | {name: self.cleaned_data[name] for name in self.REQUEST_FIELDS}


class FeedbackSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Find the original ticket"),
        help_text=_("Number (2026/000123), contact, customer, phone, e-mail or words of the subject."),
        max_length=200,
    )


class FeedbackForm(forms.Form):
    """The intake sheet of a user's feedback on a ticket (seed l)."""

    REOPEN, RECORD = "reopen", "record"
    version = forms.IntegerField(widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices, initial=Channel.PHONE)
    received_at = received_at_field()
    caller_name = forms.CharField(label=_("Caller's name, as given"), max_length=200, required=False)
    caller_phone = forms.CharField(label=_("Caller's phone"), max_length=40, required=False)
    caller_email = forms.EmailField(label=_("Caller's e-mail"), required=False)
    content = forms.CharField(label=_("The feedback"), widget=forms.Textarea(attrs={"rows": 6}))
    outcome = forms.ChoiceField(
        label=_("What happens"),
        choices=[(REOPEN, _("Reopen the ticket: it needs action")), (RECORD, _("Record only (no action needed)"))],
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, ticket_version: int, can_reopen: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not can_reopen:
            # Only a closed or rejected ticket can be reopened; on an open one, feedback is recorded.
            outcome = cast(forms.ChoiceField, self.fields["outcome"])
            outcome.choices = [(self.RECORD, _("Record only (no action needed)"))]
            outcome.initial = self.RECORD
        if not self.is_bound:
            self.fields["received_at"].initial = _now_local()
            self.fields["version"].initial = ticket_version
