"""Who is calling: a personal API token (Bearer) or the staff session (with CSRF on unsafe methods)."""

from __future__ import annotations

import logging
import math
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from accounts import throttling
from api.errors import ApiError
from api.selectors import token_for_key
from api.services import token_touch

SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

logger = logging.getLogger("pult.security")


def _portal_refusal() -> ApiError:
    return ApiError(403, "portal_account", _("The API is for the company's staff. Customers use the customer portal."))


def _count_failure(request: HttpRequest) -> None:
    """A wrong (unknown, revoked, expired or inactive user's) token, counted per client address in the database.

    After ``PULT_API_TOKEN_FAILURES_PER_ADDRESS`` of them within the login window, the address's wrong tokens
    are answered 429 with Retry-After for the login lock period. Only wrong tokens are refused: a valid token
    from the same address still works, and a valid call costs no extra query."""
    address = throttling.client_address(request)
    key = throttling.throttle_key("api-token-address", address)
    until = throttling.locked_until([key])
    if until is not None:
        raise ApiError(
            429,
            "rate_limited",
            _("Too many wrong API tokens from your address: wait until the time in Retry-After has passed."),
            headers={"Retry-After": str(max(1, math.ceil(until - time.time())))},
        )
    count = throttling.count_attempt(key, window_seconds=settings.PULT_LOGIN_FAILURE_WINDOW_MINUTES * 60)
    if count >= settings.PULT_API_TOKEN_FAILURES_PER_ADDRESS:
        throttling.lock(key, seconds=settings.PULT_LOGIN_LOCK_MINUTES * 60)
        logger.warning(
            "API tokens locked for %s minutes after %s wrong tokens from %s",
            settings.PULT_LOGIN_LOCK_MINUTES,
            count,
            address,
        )


class TokenAuth(HttpBearer):
    """``Authorization: Bearer pult_…``: a personal token that is not revoked or expired, of an active staff user.

    A token that is sent but not valid answers 401 at once, instead of falling back to the session.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        now = timezone.now()
        found = token_for_key(token.strip())
        if found is None or not found.is_usable(now) or not found.user.is_active:
            _count_failure(request)
            raise AuthenticationError()
        user = found.user
        if user.contact_id is not None:
            raise _portal_refusal()
        token_touch(found, now)
        request.user = user
        request.api_token = found  # type: ignore[attr-defined]
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in staff session, as on the pages; a write must carry the CSRF token (X-CSRFToken)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=False)  # checked below, only for a logged-in session's unsafe methods

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.method not in SAFE_METHODS and check_csrf(request) is not None:
            raise ApiError(403, "csrf_failed", _("The CSRF check failed: send the X-CSRFToken header."))
        if user.contact_id is not None:
            raise _portal_refusal()
        return user

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        return None  # unused: __call__ reads the session's user


def caller(request: HttpRequest) -> Any:
    """The authenticated user of an API request (set by the auth classes above)."""
    return getattr(request, "auth", None)


def caller_key(request: HttpRequest) -> str | None:
    """What the rate limit counts: the token, or the session's user."""
    token = getattr(request, "api_token", None)
    if token is not None:
        return f"token:{token.pk}"
    user = getattr(request, "auth", None)
    if user is not None and getattr(user, "pk", None) is not None:
        return f"user:{user.pk}"
    return None
