"""Personal API tokens: created on the profile page and shown once, stored hashed, revoked, refused when stale."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.utils import timezone

from api.models import ApiToken
from api.services import token_create, token_hash
from api.tests.helpers import api_client
from testkit.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"pult_[A-Za-z0-9_-]{40}")


def test_a_created_token_is_shown_once_and_only_its_hash_is_stored(client: Any, users: Any) -> None:
    client.force_login(users["agent"])
    created = client.post("/profile/tokens/", {"name": "Monitoring", "expires_in_days": "30"})
    assert created.status_code == 200
    plain = TOKEN.search(created.content.decode())
    assert plain is not None
    assert f"Authorization: Bearer {plain.group()}" in created.content.decode()  # the curl example

    stored = ApiToken.objects.get()
    assert stored.key_hash == hashlib.sha256(plain.group().encode()).hexdigest()
    assert stored.prefix == plain.group()[:8]
    assert plain.group() not in " ".join(str(value) for value in ApiToken.objects.values_list().get())
    assert stored.expires_at is not None and stored.expires_at > timezone.now() + dt.timedelta(days=29)

    listing = client.get("/profile/tokens/").content.decode()
    assert "Monitoring" in listing and stored.prefix in listing
    assert plain.group() not in listing

    answer = Client().get("/api/v1/modules", HTTP_AUTHORIZATION=f"Bearer {plain.group()}")
    assert answer.status_code == 200


def test_a_token_without_a_name_is_not_created(client: Any, users: Any) -> None:
    client.force_login(users["agent"])
    refused = client.post("/profile/tokens/", {"name": " ", "expires_in_days": "0"})
    assert refused.status_code == 400
    assert not ApiToken.objects.exists()


def test_a_revoked_token_answers_401_and_only_the_owner_can_revoke_it(client: Any, users: Any) -> None:
    caller = api_client(users["agent"])
    token = ApiToken.objects.get()
    assert caller.get("/api/v1/modules").status_code == 200

    client.force_login(users["manager"])
    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 404
    assert caller.get("/api/v1/modules").status_code == 200

    client.force_login(users["agent"])
    confirm = client.get(f"/profile/tokens/{token.pk}/revoke/")
    assert confirm.status_code == 200 and token.name in confirm.content.decode()
    assert client.post(f"/profile/tokens/{token.pk}/revoke/").status_code == 302
    refused = caller.get("/api/v1/modules")
    assert refused.status_code == 401
    assert refused.json()["code"] == "not_authenticated"
    assert refused["WWW-Authenticate"].startswith("Bearer")
    assert (
        "revoked" in client.get("/profile/tokens/").content.decode()
        or "visszavon" in client.get("/profile/tokens/").content.decode()
    )


def test_an_expired_token_answers_401(users: Any) -> None:
    caller = api_client(users["agent"])
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert caller.get("/api/v1/modules").status_code == 401


def test_a_deactivated_users_token_answers_401(users: Any) -> None:
    caller = api_client(users["agent"])
    users["agent"].is_active = False
    users["agent"].save()
    assert caller.get("/api/v1/modules").status_code == 401


def test_a_made_up_token_answers_401_even_with_a_session(client: Any, users: Any) -> None:
    client.force_login(users["agent"])
    answer = client.get("/api/v1/modules", HTTP_AUTHORIZATION="Bearer pult_" + "x" * 40)
    assert answer.status_code == 401


def test_a_portal_account_cannot_have_or_use_a_token(client: Any, db: Any) -> None:
    portal_user = UserFactory(contact=ContactFactory())
    with pytest.raises(PermissionDenied):
        token_create(user=portal_user, name="ügyfél")
    plain = "pult_" + "p" * 40  # a token that slipped in some other way is still refused
    ApiToken.objects.create(user=portal_user, name="x", prefix=plain[:8], key_hash=token_hash(plain))
    refused = Client().get("/api/v1/modules", HTTP_AUTHORIZATION=f"Bearer {plain}")
    assert refused.status_code == 403 and refused.json()["code"] == "portal_account"
    client.force_login(portal_user)
    assert client.get("/profile/tokens/").status_code in (302, 403)
    assert client.get("/api/v1/modules").status_code != 200


def test_last_use_is_recorded_at_most_once_a_minute(users: Any) -> None:
    caller = api_client(users["agent"])
    caller.get("/api/v1/modules")
    first = ApiToken.objects.get().last_used_at
    assert first is not None
    caller.get("/api/v1/modules")
    assert ApiToken.objects.get().last_used_at == first
    ApiToken.objects.update(last_used_at=first - dt.timedelta(minutes=2))
    caller.get("/api/v1/modules")
    assert ApiToken.objects.get().last_used_at > first - dt.timedelta(minutes=1)


def test_a_session_write_needs_the_csrf_token_but_a_token_write_does_not(users: Any, contact: Any) -> None:
    body = {"contact_id": contact.pk, "subject": "Nem nyomtat", "description": "Semmi.", "channel": "phone"}
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(users["agent"])
    refused = browser.post("/api/v1/tickets", body, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "csrf_failed"

    browser.get("/profile/tokens/")  # any page sets the CSRF cookie
    csrf = browser.cookies["csrftoken"].value
    accepted = browser.post("/api/v1/tickets", body, content_type="application/json", HTTP_X_CSRFTOKEN=csrf)
    assert accepted.status_code == 201

    assert api_client(users["agent"]).post("/api/v1/tickets", body).status_code == 201


def test_an_anonymous_caller_gets_401_json(client: Any, db: Any) -> None:
    for answer in (client.get("/api/v1/tickets"), client.post("/api/v1/tickets", {}, content_type="application/json")):
        assert answer.status_code == 401
        assert answer.json()["code"] == "not_authenticated"
