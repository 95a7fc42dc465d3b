"""Wrong API tokens are counted per client address: after the limit they are answered 429 with Retry-After."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from api.tests.helpers import api_client

pytestmark = pytest.mark.django_db


def with_token(token: str, address: str = "203.0.113.9") -> Client:
    return Client(REMOTE_ADDR=address, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


def test_wrong_tokens_from_one_address_are_refused_429_after_the_limit(settings: Any, caplog: Any) -> None:
    settings.PULT_API_TOKEN_FAILURES_PER_ADDRESS = 5
    with caplog.at_level(logging.WARNING, logger="pult.security"):
        answers = [with_token(f"pult_guess{n:040d}").get("/api/v1/modules") for n in range(7)]
    assert [answer.status_code for answer in answers] == [401] * 5 + [429] * 2
    refused = answers[-1]
    assert refused.json()["code"] == "rate_limited"
    assert "Túl sok hibás API-token" in refused.json()["detail"]  # the desk's language, as every API answer
    assert 14 * 60 < int(refused["Retry-After"]) <= 15 * 60  # the login lock period
    assert any("API tokens locked" in record.getMessage() for record in caplog.records)


def test_a_valid_token_still_works_from_a_locked_address_and_other_addresses_are_not_locked(
    settings: Any, users: Any
) -> None:
    settings.PULT_API_TOKEN_FAILURES_PER_ADDRESS = 3
    for n in range(4):
        with_token(f"pult_guess{n:040d}").get("/api/v1/modules")
    assert with_token("pult_guess-again").get("/api/v1/modules").status_code == 429
    valid = api_client(users["agent"]).token
    assert with_token(valid).get("/api/v1/modules").status_code == 200
    assert with_token("pult_guess-elsewhere", address="198.51.100.7").get("/api/v1/modules").status_code == 401


def test_revoked_and_expired_tokens_count_as_wrong(settings: Any, users: Any) -> None:
    settings.PULT_API_TOKEN_FAILURES_PER_ADDRESS = 2
    caller = api_client(users["agent"])
    users["agent"].is_active = False
    users["agent"].save(update_fields=["is_active"])
    assert [with_token(caller.token).get("/api/v1/modules").status_code for _n in range(3)] == [401, 401, 429]
