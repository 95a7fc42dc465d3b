"""The staff login form: a customer portal account is told to use the portal instead."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class StaffAuthenticationForm(AuthenticationForm):
    def confirm_login_allowed(self, user: Any) -> None:
        super().confirm_login_allowed(user)
        if getattr(user, "contact_id", None):
            raise forms.ValidationError(
                _("This is a customer portal account. Log in on the customer portal."), code="portal_account"
            )
