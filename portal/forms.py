"""Forms of the customer portal."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from accounts.forms import ThrottledLoginFormMixin
from accounts.models import User
from complaints.choices import County
from customers.models import Module
from tickets.forms import MultipleFileField

ATTACHMENT_HELP = _("You can choose several files at once.")


def _text(label: Any, *, required: bool = True, rows: int = 5, max_length: int = 20000) -> forms.CharField:
    return forms.CharField(
        label=label, required=required, max_length=max_length, widget=forms.Textarea(attrs={"rows": rows})
    )


class PortalAuthenticationForm(ThrottledLoginFormMixin, AuthenticationForm):
    """Log in with the e-mail address the invitation went to; staff accounts use the staff login."""

    username = forms.CharField(
        label=_("E-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "email", "inputmode": "email"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong e-mail address or password. Try again."),
    }

    def clean_username(self) -> str:
        given = (self.cleaned_data.get("username") or "").strip()
        account = User.objects.filter(contact__isnull=False, email__iexact=given).only("username").first()
        return account.username if account is not None else given

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if not getattr(user, "contact_id", None):
            raise forms.ValidationError(
                _("This is a staff account. Staff log in on the staff login page."), code="staff_account"
            )
        if not user.contact.is_active:
            raise forms.ValidationError(
                _("This portal account is no longer active. Please call the service desk."), code="inactive"
            )


class PortalPasswordResetForm(PasswordResetForm):
    """Reset mails go only to active portal accounts (also to those who never set a password: the invitation
    may have expired); staff accounts never get one from here."""

    def get_users(self, email: str) -> Any:
        return User.objects.filter(
            email__iexact=email, is_active=True, contact__isnull=False, contact__is_active=True
        ).select_related("contact")


class RequestForm(forms.Form):
    module = forms.ModelChoiceField(
        label=_("Module"), queryset=Module.objects.filter(is_active=True), required=False, empty_label="—"
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = _text(_("Describe your request"), rows=8)
    attachments = MultipleFileField(label=_("Attachments"), help_text=ATTACHMENT_HELP)


class ReplyForm(forms.Form):
    text = _text(_("Your message"), rows=4)
    attachments = MultipleFileField(label=_("Attachments"), help_text=ATTACHMENT_HELP)


class FeedbackForm(forms.Form):
    text = _text(_("Your feedback"), rows=4)


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("How satisfied are you with the handling of this request?"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("5: very satisfied … 1: not at all satisfied"),
    )
    comment = _text(_("Comment"), required=False, rows=3, max_length=2000)


class ComplaintForm(forms.Form):
    module = forms.ModelChoiceField(
        label=_("Product concerned"), queryset=Module.objects.filter(is_active=True), required=False, empty_label="—"
    )
    subject = forms.CharField(label=_("Subject"), max_length=250)
    description = _text(_("Your complaint in detail"), rows=8)
    evidence = _text(_("Documents you can show (e.g. invoice number)"), required=False, rows=2, max_length=5000)
    county = forms.ChoiceField(
        label=_("County of residence"),
        choices=[("", "—"), *County.choices],
        required=False,
        help_text=_("So that we can name the conciliation body competent for you."),
    )


class DocumentSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
