"""The staff login form (throttled; a customer portal account is told to use the portal instead) and the
forms of two-factor login."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts.directory import sign_on_refusal
from accounts.throttling import THROTTLED_CODE, LoginGuard, locked_message


class ThrottledLoginFormMixin:
    """Refuses the attempt while the account name or the client address is locked; counts wrong passwords.

    Put before ``AuthenticationForm`` in the bases. The view answers 429 when ``is_throttled`` (see
    ``throttled_status``)."""

    request: HttpRequest | None
    cleaned_data: dict[str, Any]

    def clean(self) -> dict[str, Any]:
        guard = self._guard()
        until = guard.locked_until() if guard is not None else None
        if until is not None:
            raise forms.ValidationError(locked_message(until), code=THROTTLED_CODE)
        try:
            return super().clean()  # type: ignore[misc,no-any-return]
        except forms.ValidationError as error:
            if guard is not None and error.code == "invalid_login":
                guard.record_failure()
            raise

    def _guard(self) -> LoginGuard | None:
        if self.request is None:
            return None
        return LoginGuard.for_request(self.request, str(self.cleaned_data.get("username") or ""))

    @property
    def is_throttled(self) -> bool:
        return bool(self.has_error(NON_FIELD_ERRORS, THROTTLED_CODE))  # type: ignore[attr-defined]


def throttled_status(form: Any) -> int:
    return 429 if getattr(form, "is_throttled", False) else 200


class StaffAuthenticationForm(ThrottledLoginFormMixin, AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong user name or password. Try again."),
    }

    def get_invalid_login_error(self) -> forms.ValidationError:
        # The company directory knew the password but Pult refuses the person, or the directory did not answer:
        # say that instead of "wrong password" (still a failed attempt for the throttling).
        refusal = sign_on_refusal(self.request)
        if refusal:
            return forms.ValidationError(refusal, code="invalid_login")
        return super().get_invalid_login_error()

    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "contact_id", None):
            raise forms.ValidationError(
                _("This is a customer portal account. Log in on the customer portal."), code="portal_account"
            )


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("6-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": r"[0-9 ]*"}
        ),
    )


class RecoveryCodeForm(forms.Form):
    """A recovery code in place of the authenticator's code (letters and digits: no numeric keyboard)."""

    recovery_code = forms.CharField(
        label=_("Recovery code"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}),
    )


class ConfirmCodeForm(forms.Form):
    """Confirms a change to one's two-factor login with the authenticator's code or a recovery code."""

    code = forms.CharField(
        label=_("Code from your authenticator app, or a recovery code"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autocapitalize": "none"}),
    )
