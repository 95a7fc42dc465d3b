"""Two-factor login with a TOTP authenticator app (RFC 6238): enrolment, checking codes, who must use it.

Administrators, the data-protection officer and superusers must enrol: after their password they are sent to
the enrolment page and can open nothing else until done (accounts.session_security). Anyone else may enrol.
A user with an authenticator gives a 6-digit code as the second step of the staff login.
"""

from __future__ import annotations

import time
from typing import Any

import pyotp
import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from accounts.models import TwoFactorDevice, User
from accounts.roles import Role, has_role

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
    if not (len(code) == 6 and code.isdigit()):
        return None
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
def two_factor_enable(*, user: User, secret: str, code: str) -> TwoFactorDevice | None:
    """Confirm enrolment: the code must come from the authenticator that holds ``secret``. None if it does not."""
    step = _matching_step(secret, code)
    if step is None:
        return None
    TwoFactorDevice.objects.filter(user=user).delete()
    return TwoFactorDevice.objects.create(user=user, secret=secret, confirmed_at=timezone.now(), last_used_step=step)


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
    TwoFactorDevice.objects.filter(user=user).delete()


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
