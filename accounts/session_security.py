"""Session security on every request: sessions end after inactivity, and a user whose role requires two-factor
login but who has no authenticator yet can open only the enrolment page.

``SessionActivityMiddleware`` keeps the time of the session's last request in the session, written at most
once a minute (so an ordinary page view writes nothing), and logs out a session idle for longer than
``PULT_SESSION_IDLE_MINUTES``. It must come after the authentication and message middleware.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import sessions, two_factor


class SessionActivityMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = time.time()
            stamp = request.session.get(sessions.LAST_SEEN_KEY)
            idle_minutes = settings.PULT_SESSION_IDLE_MINUTES
            if isinstance(stamp, int | float) and now - stamp > idle_minutes * 60:
                logout(request)
                messages.info(
                    request,
                    _("You were logged out after %(minutes)d minutes without activity. Please log in again.")
                    % {"minutes": idle_minutes},
                )
            elif not isinstance(stamp, int | float) or now - stamp >= sessions.TOUCH_EVERY_SECONDS:
                request.session[sessions.LAST_SEEN_KEY] = now
                sessions.user_session_touch(request=request, user=user)
        return self.get_response(request)


ENROLMENT_OPEN_PATHS = ("/logout/", "/i18n/", "/static/")


class TwoFactorEnrolmentMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(two_factor.ENROLMENT_REQUIRED_KEY):
            enrolment = reverse("accounts:two_factor")
            if request.path != enrolment and not request.path.startswith(ENROLMENT_OPEN_PATHS):
                message = _("Your role requires two-factor login. Set up your authenticator app first.")
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": message, "code": "two_factor_enrolment_required"}, status=403)
                if request.method in ("GET", "HEAD"):
                    return redirect(enrolment)
                return HttpResponseForbidden(message)
        return self.get_response(request)
