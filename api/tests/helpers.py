"""Helpers for the API tests: a token per user and a client that sends it."""

from __future__ import annotations

from typing import Any

from django.test import Client

from api.services import token_create


class TokenClient:
    """The Django test client with `Authorization: Bearer …` on every request, JSON bodies by default."""

    def __init__(self, user: Any) -> None:
        self.token = token_create(user=user, name="teszt").plain
        self.client = Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {self.token}")

    def get(self, path: str, data: Any = None, **extra: Any) -> Any:
        return self.client.get(path, data, **extra)

    def post(self, path: str, data: Any = None, **extra: Any) -> Any:
        if "content_type" not in extra and not extra.get("multipart"):
            extra["content_type"] = "application/json"
        extra.pop("multipart", None)
        return self.client.post(path, data if data is not None else {}, **extra)


def api_client(user: Any) -> TokenClient:
    return TokenClient(user)
