"""The login page, which also tells anyone the service desk's hours and coming closures."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views

from accounts.forms import StaffAuthenticationForm
from worktime.selectors import desk_status, upcoming_closures, weekly_hours


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
    authentication_form = StaffAuthenticationForm

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        is_open, opens = desk_status()
        context |= {
            "weekly_hours": weekly_hours(),
            "closures": upcoming_closures(),
            "desk_open": is_open,
            "desk_opens": opens,
        }
        return context
