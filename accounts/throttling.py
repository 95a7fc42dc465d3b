"""Throttling: attempts counted in the database, so every web process (and every machine) shares the count.

The counters are `ThrottleCounter` rows, one per key, incremented by one INSERT … ON CONFLICT DO UPDATE statement
(atomic on SQLite and PostgreSQL); a count starts again when its window has passed.

Logins: after ``PULT_LOGIN_FAILURES_PER_ACCOUNT`` failures for one account name (or
``PULT_LOGIN_FAILURES_PER_ADDRESS`` from one address) within ``PULT_LOGIN_FAILURE_WINDOW_MINUTES``, every further
attempt for that name (or from that address) is refused for ``PULT_LOGIN_LOCK_MINUTES``, even with the right
password. The account name is counted whether or not such an account exists, so the answers never tell which
names are real. The staff login, the second (code) step of two-factor login and the portal login all pass through
here. The portal's password-reset mails (`reset_mail_allowed`) and the API's wrong tokens (api.auth) are counted
in the same store.
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import time_format
from django.utils.translation import ngettext

from accounts.models import ThrottleCounter
from common.clients import client_ip

logger = logging.getLogger("pult.security")

THROTTLED_CODE = "throttled"


def client_address(request: HttpRequest) -> str:
    return client_ip(request) or "unknown"


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()[:32]


def throttle_key(kind: str, value: str) -> str:
    """The counter's key: what is counted, and a digest of whose attempts (no name or address is stored)."""
    return f"{kind}:{_digest(value)}"


# One statement that creates the counter or counts on, starting again when the window has passed (SQLite ≥ 3.35
# and PostgreSQL both know INSERT … ON CONFLICT … RETURNING). Parameters: key, new window end, now, now.
_COUNT_ATTEMPT_SQL = """
INSERT INTO "accounts_throttlecounter" ("key", "count", "window_ends", "locked_until") VALUES (%s, 1, %s, NULL)
ON CONFLICT ("key") DO UPDATE SET
    "count" = CASE WHEN "accounts_throttlecounter"."window_ends" <= %s THEN 1
                   ELSE "accounts_throttlecounter"."count" + 1 END,
    "window_ends" = CASE WHEN "accounts_throttlecounter"."window_ends" <= %s THEN excluded."window_ends"
                         ELSE "accounts_throttlecounter"."window_ends" END
RETURNING "count"
"""


def count_attempt(key: str, *, window_seconds: float) -> int:
    """Count one attempt under `key`; return how many there were in the current window, this one included.

    One statement, so two processes counting at once both count (no lost update) on either database."""
    now = time.time()
    with connection.cursor() as cursor:
        cursor.execute(_COUNT_ATTEMPT_SQL, [key, now + window_seconds, now, now])
        row = cursor.fetchone()
    return int(row[0])


def lock(key: str, *, seconds: float) -> float:
    """Refuse attempts under `key` for `seconds` from now; the count starts again."""
    now = time.time()
    until = now + seconds
    ThrottleCounter.objects.filter(key=key).update(count=0, window_ends=now, locked_until=until)
    return until


def locked_until(keys: list[str]) -> float | None:
    """The time (epoch seconds) until which attempts under any of `keys` are refused, or None."""
    now = time.time()
    found = ThrottleCounter.objects.filter(key__in=keys, locked_until__gt=now).aggregate(until=Max("locked_until"))
    return found["until"]


def forget_attempts(key: str) -> None:
    """Start the count under `key` again (a running lock stays)."""
    ThrottleCounter.objects.filter(key=key).update(count=0, window_ends=time.time())


def purge_expired() -> int:
    """Delete the counters whose window and lock have both passed. Returns how many."""
    now = time.time()
    expired = ThrottleCounter.objects.filter(window_ends__lt=now).exclude(locked_until__gte=now)
    deleted, _by_model = expired.delete()
    return deleted


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
            ("account", throttle_key("login-account", self.account), settings.PULT_LOGIN_FAILURES_PER_ACCOUNT),
            ("address", throttle_key("login-address", self.address), settings.PULT_LOGIN_FAILURES_PER_ADDRESS),
        ]

    def locked_until(self) -> float | None:
        """The time (epoch seconds) until which attempts are refused, or None when they are allowed."""
        return locked_until([key for _kind, key, _limit in self._keys()])

    def record_failure(self) -> None:
        window = settings.PULT_LOGIN_FAILURE_WINDOW_MINUTES * 60
        for kind, key, limit in self._keys():
            count = count_attempt(key, window_seconds=window)
            if count >= limit:
                lock(key, seconds=settings.PULT_LOGIN_LOCK_MINUTES * 60)
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
        forget_attempts(key)


def reset_mail_allowed(request: HttpRequest, email: str) -> bool:
    """Count one password-reset request for `email` from the request's address; whether a mail may go out.

    At most ``PULT_PASSWORD_RESETS_PER_ACCOUNT`` mails to one address and ``PULT_PASSWORD_RESETS_PER_ADDRESS``
    requests from one client within ``PULT_PASSWORD_RESET_WINDOW_MINUTES``. Every request is counted, whether or
    not the address has an account, and the page answers the same either way: only the mail is held back."""
    window = settings.PULT_PASSWORD_RESET_WINDOW_MINUTES * 60
    address = client_address(request)
    per_target = count_attempt(throttle_key("reset-target", email.strip().lower()), window_seconds=window)
    per_client = count_attempt(throttle_key("reset-client", address), window_seconds=window)
    allowed = (
        per_target <= settings.PULT_PASSWORD_RESETS_PER_ACCOUNT
        and per_client <= settings.PULT_PASSWORD_RESETS_PER_ADDRESS
    )
    if not allowed:
        logger.warning(
            "Password-reset mail held back (%s requests for the address, %s from %s in %s minutes)",
            per_target,
            per_client,
            address,
            settings.PULT_PASSWORD_RESET_WINDOW_MINUTES,
        )
    return allowed


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
