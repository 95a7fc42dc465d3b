"""Portal accounts for tests: a contact's user with a known password, logged in through a test client."""

from __future__ import annotations

from typing import Any

from django.test import Client

from accounts.models import User
from testkit.factories import ContactFactory

PASSWORD = "Jelszo-2026!"


def portal_account(contact: Any = None, **contact_kwargs: Any) -> User:
    contact = contact or ContactFactory(**contact_kwargs)
    user = User(username=contact.email or f"contact-{contact.pk}", email=contact.email, contact=contact)
    user.set_password(PASSWORD)
    user.save()
    return user


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client
