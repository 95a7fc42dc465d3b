"""Reads of the API app."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from api.models import ApiToken
from api.services import TOKEN_PREFIX, token_hash


def tokens_of(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at", "-id")


def token_for_key(plain: str) -> ApiToken | None:
    """The token whose hash matches `plain`, with its user, whatever its state (the caller checks it)."""
    if not plain.startswith(TOKEN_PREFIX) or len(plain) > 200:
        return None
    return ApiToken.objects.select_related("user").filter(key_hash=token_hash(plain)).first()
