"""Writes of the API app: personal tokens are created (shown once) and revoked."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from api.models import ApiToken

TOKEN_PREFIX = "pult_"  # noqa: S105 (a marker, not a secret)
MAX_EXPIRY_DAYS = 3650


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class CreatedToken:
    token: ApiToken
    plain: str  # shown to the owner once, never stored


def token_create(*, user: Any, name: str, expires_in_days: int | None = None) -> CreatedToken:
    """A new personal token for `user`. Portal accounts (customers) cannot have one."""
    if not getattr(user, "is_authenticated", False) or not user.is_active or getattr(user, "contact_id", None):
        raise PermissionDenied(_("Only the company's staff can create API tokens."))
    name = (name or "").strip()
    if not name:
        raise ValidationError(_("Give the token a name."))
    if expires_in_days is not None and not 1 <= expires_in_days <= MAX_EXPIRY_DAYS:
        raise ValidationError(_("The expiry must be between 1 and %(max)s days.") % {"max": MAX_EXPIRY_DAYS})
    plain = TOKEN_PREFIX + secrets.token_urlsafe(30)  # 30 random bytes: 40 URL-safe characters
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=plain[:8],
            key_hash=token_hash(plain),
            created_at=now,
            expires_at=now + dt.timedelta(days=expires_in_days) if expires_in_days else None,
        )
    return CreatedToken(token=token, plain=plain)


def token_revoke(*, token: ApiToken, actor: Any) -> ApiToken:
    """Revoke one of the actor's own tokens; it answers 401 from then on."""
    if token.user_id != actor.pk:
        raise PermissionDenied()
    with transaction.atomic():
        locked = ApiToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.save(update_fields=["revoked_at"])
    return locked


def token_touch(token: ApiToken, now: dt.datetime) -> None:
    """Note the token's use, at most once a minute (one small UPDATE, not one per request)."""
    if token.last_used_at is None or now - token.last_used_at >= dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
