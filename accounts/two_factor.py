"""Two-factor login with a TOTP authenticator app (RFC 6238): enrolment, checking codes, recovery codes, who
must use it.

Administrators, the data-protection officer and superusers must enrol: after their password they are sent to
the enrolment page and can open nothing else until done (accounts.session_security). Anyone else may enrol.
A user with an authenticator gives a 6-digit code as the second step of the staff login, or, without the
phone, one of the ten one-time recovery codes shown when two-factor login was turned on (or made anew on the
two-factor page, which voids the old ones). Every change and every recovery code used is written to the
security log (the `pult.security` logger, like login lock-outs).
"""

from __future__ import annotations

import logging
import secrets
import time
from typing import Any

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import RecoveryCode, TwoFactorDevice, User
from accounts.roles import Role, has_role
from accounts.sessions import user_sessions_end_others

logger = logging.getLogger("pult.security")

# Session keys: the user waiting for the code step; the secret shown while enrolling; the enrolment demand.
PENDING_KEY = "pult_2fa_pending"
ENROL_SECRET_KEY = "pult_2fa_enrol_secret"  # noqa: S105  (a session key, not a secret)
ENROLMENT_REQUIRED_KEY = "pult_2fa_enrolment_required"
PENDING_SECONDS = 5 * 60
STEP_SECONDS = 30


REQUIRED_FOR_ROLES = (Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER)


def is_required(user: Any) -> bool:
    return bool(user.is_superuser or has_role(user, *REQUIRED_FOR_ROLES))


def device_of(user: Any) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user).first()


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(), issuer_name=settings.PULT_TOTP_ISSUER)


def qr_svg(data: str) -> str:
    """The QR code as inline SVG markup (no script, no style attribute: fits a strict CSP)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    markup: str = image.to_string(encoding="unicode")
    return markup


def _matching_step(secret: str, code: str, *, at: float | None = None) -> int | None:
    """The time step whose code equals ``code`` (now, or one step before or after for clock drift)."""
    code = "".join(code.split())
    if not secret or not (len(code) == 6 and code.isdigit()):
        return None  # an empty secret (one no configured key decrypts) would give codes anyone can compute
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    current = int(now // STEP_SECONDS)
    for step in (current, current - 1, current + 1):
        if pyotp.utils.strings_equal(totp.at(step * STEP_SECONDS), code):
            return step
    return None


def code_matches_secret(secret: str, code: str) -> bool:
    return _matching_step(secret, code) is not None


@transaction.atomic
def two_factor_enable(*, user: User, secret: str, code: str) -> tuple[TwoFactorDevice, list[str]] | None:
    """Confirm enrolment: the code must come from the authenticator that holds ``secret``. None if it does not.

    Returns the authenticator and its recovery codes, which exist in clear only in this answer."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    TwoFactorDevice.objects.filter(user=user).delete()
    device = TwoFactorDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now(), last_used_step=step)
    codes = _new_recovery_codes(device)
    logger.info("Two-factor login turned on by %s (user %s)", user.get_username(), user.pk)
    return device, codes


@transaction.atomic
def two_factor_verify(*, user: User, code: str) -> bool:
    """Check a login code; a code is accepted once only (a later step than the last one used)."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return False
    step = _matching_step(device.secret, code)
    if step is None or step <= device.last_used_step:
        return False
    device.last_used_step = step
    device.save(update_fields=["last_used_step"])
    return True


@transaction.atomic
def two_factor_disable(*, user: User) -> None:
    TwoFactorDevice.objects.filter(user=user).delete()  # its recovery codes with it
    logger.info("Two-factor login turned off by %s (user %s)", user.get_username(), user.pk)


class ResetRefused(Exception):
    """An administrator asked to reset their own two-factor login: another administrator must."""


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> bool:
    """A person lost their authenticator and their recovery codes: an administrator removes the authenticator
    (and the codes) and ends every session of theirs, so whoever has the phone now is signed out; at the next
    login the person sets two-factor up again (required roles must before anything else). Never one's own:
    a stolen administrator password alone must not be enough to take the second factor away."""
    if actor.pk == user.pk:
        raise ResetRefused
    removed, _details = TwoFactorDevice.objects.filter(user=user).delete()
    user_sessions_end_others(user=user, keep_session_key="")
    logger.warning(
        "Two-factor login of %s (user %s) reset by the administrator %s (user %s)",
        user.get_username(),
        user.pk,
        actor.get_username(),
        actor.pk,
    )
    return bool(removed)


# --- recovery codes --------------------------------------------------------------------------------------------

RECOVERY_CODE_COUNT = 10
# 31 letters and digits that cannot be mistaken for one another (no 0/o, 1/l/i); 10 of them ≈ 49.5 bits.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10


class RecoveryCodeHasher(PBKDF2PasswordHasher):
    """Django's PBKDF2-SHA256 with fewer rounds than for passwords: a recovery code is ~50 random bits, not a
    word a person chose, and a login may check it against ten hashes. The count is kept in each hash, and the
    hasher is used directly, so PASSWORD_HASHERS (and its upgrades on login) does not apply to the codes."""

    iterations = 60_000


_hasher = RecoveryCodeHasher()


def normalised_recovery_code(code: str) -> str:
    """The code as stored: lower case, without the spaces and dashes people type or copy with it."""
    return "".join(character for character in code.lower() if character not in " -\t\r\n")


def looks_like_recovery_code(code: str) -> bool:
    normalised = normalised_recovery_code(code)
    return len(normalised) == RECOVERY_CODE_LENGTH and all(c in RECOVERY_ALPHABET for c in normalised)


def _new_recovery_code() -> str:
    code = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    return f"{code[:5]}-{code[5:]}"


def _new_recovery_codes(device: TwoFactorDevice) -> list[str]:
    """Replace the device's recovery codes with new ones; the clear codes are returned, only hashes kept."""
    device.recovery_codes.all().delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(device=device, code_hash=_hasher.encode(normalised_recovery_code(code), _hasher.salt()))
        for code in codes
    )
    return codes


def recovery_codes_left(user: Any) -> int:
    return RecoveryCode.objects.filter(device__user=user, used_at__isnull=True).count()


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str] | None:
    """New recovery codes for the user's authenticator (the old ones stop working); None without one."""
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return None
    codes = _new_recovery_codes(device)
    logger.info("Recovery codes made anew by %s (user %s); the old ones are void", user.get_username(), user.pk)
    return codes


@transaction.atomic
def recovery_code_use(*, user: User, code: str) -> int | None:
    """Spend one of the user's recovery codes at login: the number of codes left, or None if it is not one of
    them (wrong, used already, or void). The device row is locked, so two logins cannot spend the same code."""
    if not looks_like_recovery_code(code):
        return None
    device = TwoFactorDevice.objects.select_for_update().filter(user=user).first()
    if device is None:
        return None
    normalised = normalised_recovery_code(code)
    unused = list(device.recovery_codes.filter(used_at__isnull=True))
    match = next((row for row in unused if _hasher.verify(normalised, row.code_hash)), None)
    if match is None:
        return None
    RecoveryCode.objects.filter(pk=match.pk, used_at__isnull=True).update(used_at=timezone.now())
    left = len(unused) - 1
    logger.warning(
        "Recovery code used by %s (user %s) in place of the authenticator's code; %s left",
        user.get_username(),
        user.pk,
        left,
    )
    return left


def two_factor_confirm(*, user: User, code: str) -> bool:
    """A change to one's two-factor login is confirmed with the authenticator's current code, or with a
    recovery code (which is then spent), so a lost phone does not lock the user out of the change."""
    if looks_like_recovery_code(code):
        return recovery_code_use(user=user, code=code) is not None
    return two_factor_verify(user=user, code=code)


def start_pending_login(request: HttpRequest, user: User, *, backend: str, redirect_to: str) -> None:
    request.session[PENDING_KEY] = {
        "user_id": user.pk,
        "backend": backend,
        "next": redirect_to,
        "started": time.time(),
    }


def pending_login(request: HttpRequest) -> tuple[User, dict[str, Any]] | None:
    """The user who gave the right password and now owes the code, if the step has not timed out."""
    pending = request.session.get(PENDING_KEY)
    if not isinstance(pending, dict) or time.time() - float(pending.get("started", 0)) > PENDING_SECONDS:
        return None
    user_id = pending.get("user_id")
    if not isinstance(user_id, int):
        return None
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return user, pending
