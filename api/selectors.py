"""Reads of the API app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from accounts.backends import REVISION_ATTRIBUTE, permission_revision
from api.models import ApiToken
from api.services import TOKEN_PREFIX, token_hash


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_for_key(plain: str) -> ApiToken | None:
    """The token whose hash matches `plain`, with its user, whatever its state (the caller checks it)."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user")
        .annotate(permission_revision=permission_revision())
        .filter(key_hash=token_hash(plain))
        .first()
    )
    if token is not None:  # the user's permissions come from the cache while they stay the same
        setattr(token.user, REVISION_ATTRIBUTE, token.permission_revision)  # type: ignore[attr-defined]
    return token
