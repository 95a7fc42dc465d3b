"""Small helpers for the privacy tests."""

from __future__ import annotations

from typing import Any

from django.test import Client

from privacy.models import AccessLogEntry


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def only_entry() -> AccessLogEntry:
    """The one access-log entry there is (fails if there are none or several)."""
    entries = list(AccessLogEntry.objects.all())
    assert len(entries) == 1, entries
    return entries[0]
