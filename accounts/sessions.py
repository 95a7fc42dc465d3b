"""A user's login sessions: recorded at login, touched while used, listed on the account page, ended from there.

The Django session is the truth (it is what logs a browser in); ``UserSession`` is the index that lets a user
see and end their other sessions. Ending one deletes the Django session too, so that browser is logged out.
"""

from __future__ import annotations

import time
from datetime import timedelta
from importlib import import_module
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_logged_out
from django.db import transaction
from django.db.models import QuerySet
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import User, UserSession
from accounts.throttling import LoginGuard, client_address

# Epoch seconds of the session's last request, written at most once a minute (accounts.session_security).
LAST_SEEN_KEY = "pult_last_seen"
TOUCH_EVERY_SECONDS = 60


def _session_store(session_key: str) -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore(session_key=session_key)


def _ip(request: HttpRequest) -> str | None:
    address = client_address(request)
    return address if address != "unknown" else None


def _idle_limit() -> timedelta:
    # The stamp is refreshed once a minute, so a live session may look up to a minute older than it is.
    return timedelta(minutes=settings.PULT_SESSION_IDLE_MINUTES, seconds=TOUCH_EVERY_SECONDS)


@transaction.atomic
def user_session_touch(*, request: HttpRequest, user: User) -> None:
    """Record that this session was used now (creating its row if it has none, e.g. after a key change)."""
    key = request.session.session_key
    if not key:
        return
    now = timezone.now()
    if UserSession.objects.filter(session_key=key, user=user).update(last_seen_at=now):
        return
    UserSession.objects.filter(session_key=key).delete()  # a stale row of another user's earlier session
    UserSession.objects.create(
        user=user,
        session_key=key,
        created_at=now,
        last_seen_at=now,
        ip_address=_ip(request),
        user_agent=str(request.META.get("HTTP_USER_AGENT", ""))[:300],
    )


def active_sessions_of(user: User) -> QuerySet[UserSession]:
    return UserSession.objects.filter(user=user, last_seen_at__gte=timezone.now() - _idle_limit())


@transaction.atomic
def user_session_end(*, user: User, session_id: int, keep_session_key: str) -> bool:
    """End one of the user's other sessions (logs that browser out). False when there is no such session."""
    row = (
        UserSession.objects.select_for_update()
        .filter(user=user, pk=session_id)
        .exclude(session_key=keep_session_key)
        .first()
    )
    if row is None:
        return False
    _session_store(row.session_key).delete()
    row.delete()
    return True


@transaction.atomic
def user_sessions_end_others(*, user: User, keep_session_key: str) -> int:
    """End every session of the user except the current one; the number ended."""
    rows = list(UserSession.objects.select_for_update().filter(user=user).exclude(session_key=keep_session_key))
    for row in rows:
        _session_store(row.session_key).delete()
    UserSession.objects.filter(pk__in=[row.pk for row in rows]).delete()
    return len(rows)


@receiver(user_logged_in, dispatch_uid="pult_record_user_session")
def _record_login(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN_KEY] = time.time()
    user_session_touch(request=request, user=user)
    LoginGuard.for_request(request, user.get_username()).clear_account()
    with transaction.atomic():  # rows of sessions that ended without a logout (idle, closed browser)
        UserSession.objects.filter(user=user, last_seen_at__lt=timezone.now() - _idle_limit()).delete()


@receiver(user_logged_out, dispatch_uid="pult_forget_user_session")
def _forget_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    key = getattr(getattr(request, "session", None), "session_key", None)
    if key:
        with transaction.atomic():
            UserSession.objects.filter(session_key=key).delete()
