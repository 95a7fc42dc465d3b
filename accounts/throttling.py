"""Login throttling: failed logins counted per account name and per client address in the Django cache.

After ``PULT_LOGIN_FAILURES_PER_ACCOUNT`` failures for one account name (or ``PULT_LOGIN_FAILURES_PER_ADDRESS``
from one address) within ``PULT_LOGIN_FAILURE_WINDOW_MINUTES``, every further attempt for that name (or from
that address) is refused for ``PULT_LOGIN_LOCK_MINUTES``, even with the right password. The account name is
counted whether or not such an account exists, so the answers never tell which names are real. The staff
login, the second (code) step of two-factor login and the portal login all pass through here.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext

from common.clients import client_ip

logger = logging.getLogger("pult.security")

THROTTLED_CODE = "throttled"


def client_address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class LoginGuard:
    """The two counters that apply to one login attempt: its account name and its client address."""

    account: str
    address: str

    @classmethod
    def for_request(cls, request: HttpRequest, account: str) -> LoginGuard:
        return cls(account=account.strip().lower(), address=client_address(request))

    def _keys(self) -> list[tuple[str, str, int]]:
        return [
            ("account", f"pult-login:account:{_digest(self.account)}", settings.PULT_LOGIN_FAILURES_PER_ACCOUNT),
            ("address", f"pult-login:address:{_digest(self.address)}", settings.PULT_LOGIN_FAILURES_PER_ADDRESS),
        ]

    def locked_until(self) -> float | None:
        """The time (epoch seconds) until which attempts are refused, or None when they are allowed."""
        found = cache.get_many([f"{key}:lock" for _kind, key, _limit in self._keys()])
        until = max((float(value) for value in found.values()), default=None)
        if until is None or until <= time.time():
            return None
        return until

    def record_failure(self) -> None:
        window = settings.PULT_LOGIN_FAILURE_WINDOW_MINUTES * 60
        lock_seconds = settings.PULT_LOGIN_LOCK_MINUTES * 60
        for kind, key, limit in self._keys():
            count_key = f"{key}:count"
            cache.add(count_key, 0, timeout=window)
            try:
                count = cache.incr(count_key)
            except ValueError:  # expired between add and incr
                cache.set(count_key, 1, timeout=window)
                count = 1
            if count >= limit:
                cache.set(f"{key}:lock", time.time() + lock_seconds, timeout=lock_seconds)
                cache.delete(count_key)
                # The account name is logged as typed (it may be a mistyped password; it is the admin's log).
                logger.warning(
                    "Login locked for %s minutes after %s failures: %s=%s",
                    settings.PULT_LOGIN_LOCK_MINUTES,
                    count,
                    kind,
                    self.account if kind == "account" else self.address,
                )

    def clear_account(self) -> None:
        """A successful login forgets the account's failures (not the address's, nor a running lock)."""
        _kind, key, _limit = self._keys()[0]
        cache.delete(f"{key}:count")


def locked_message(until: float) -> str:
    """'Too many failed logins … try again after 7:45 (in 15 minutes).' in the user's language and time zone."""
    minutes = max(1, math.ceil((until - time.time()) / 60))
    at = timezone.localtime(datetime.fromtimestamp(until, tz=UTC))
    return ngettext(
        "Too many failed login attempts. For your safety, logging in is paused: try again after %(time)s "
        "(in %(minutes)d minute).",
        "Too many failed login attempts. For your safety, logging in is paused: try again after %(time)s "
        "(in %(minutes)d minutes).",
        minutes,
    ) % {"time": time_format(at), "minutes": minutes}
