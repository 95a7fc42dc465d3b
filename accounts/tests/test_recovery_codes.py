"""One-time recovery codes: shown once when two-factor login is turned on, each good for one login in place of
the authenticator's code, made anew (voiding the old ones) from the two-factor page, kept only as hashes."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from accounts.models import RecoveryCode
from accounts.roles import Role
from accounts.tests.test_two_factor import (
    PASSWORD,
    code_at,
    english_client,
    enrol_with_codes,
    password_step,
    recovery_codes_on_page,
)
from testkit.factories import user_with_role

pytestmark = pytest.mark.django_db

WRONG_RECOVERY_CODE = "This recovery code is not right, or it has been used already"


@pytest.fixture
def agent(db):
    return user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)


def enrolled_and_logged_out(client: Client) -> tuple[str, list[str]]:
    password_step(client, "kiss.anna")
    secret, codes = enrol_with_codes(client)
    client.post("/logout/")
    return secret, codes


def recovery_step(client: Client, code: str):
    return client.post("/account/login/code/", {"recovery_code": code})


def logged_in(client: Client) -> bool:
    return client.get("/").status_code == 200


def test_the_codes_are_shown_once_and_only_their_hashes_are_kept(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    _secret, codes = enrol_with_codes(client)

    page = client.get("/account/two-factor/").content.decode()
    assert recovery_codes_on_page(page) == []
    assert not any(code in page for code in codes)
    assert "10 unused recovery codes are left." in page
    stored = list(RecoveryCode.objects.values_list("code_hash", flat=True))
    assert len(stored) == 10
    for code in codes:
        assert not any(code in value or code.replace("-", "") in value for value in stored)
    assert all(value.startswith("pbkdf2_sha256$") for value in stored)


def test_a_recovery_code_logs_in_once_and_only_once(agent, caplog):
    client = english_client()
    _secret, codes = enrolled_and_logged_out(client)

    step = password_step(client, "kiss.anna", next_url="/tickets/")
    assert step["Location"] == "/account/login/code/"
    page = client.get("/account/login/code/").content.decode()
    assert 'name="recovery_code"' in page and "Use a recovery code" in page
    with caplog.at_level(logging.INFO, logger="pult.security"):
        response = recovery_step(client, codes[3])
    assert response.status_code == 302 and response["Location"] == "/tickets/"
    start = client.get("/tickets/").content.decode()
    assert "You logged in with a recovery code; it cannot be used again. 9 recovery codes are left." in start
    assert any("Recovery code used by kiss.anna" in record.getMessage() for record in caplog.records)
    client.post("/logout/")

    password_step(client, "kiss.anna")
    replay = recovery_step(client, codes[3])
    assert replay.status_code == 200 and WRONG_RECOVERY_CODE in replay.content.decode()
    assert not logged_in(client)
    # Another code works, typed in capitals and with spaces instead of the dash.
    other = codes[7].upper().replace("-", " ")
    assert recovery_step(client, other).status_code == 302
    assert "8 recovery codes are left." in client.get("/").content.decode()


def test_the_last_code_asks_for_new_ones(agent):
    client = english_client()
    _secret, codes = enrolled_and_logged_out(client)
    for code in codes[:9]:
        password_step(client, "kiss.anna")
        assert recovery_step(client, code).status_code == 302
        client.post("/logout/")
    password_step(client, "kiss.anna")
    assert recovery_step(client, codes[9]).status_code == 302
    assert "You logged in with your last recovery code." in client.get("/").content.decode()
    assert "0 unused recovery codes are left." in client.get("/account/two-factor/").content.decode()


def test_making_new_codes_voids_the_old_ones(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    secret, old_codes = enrol_with_codes(client)

    wrong = client.post("/account/two-factor/", {"action": "regenerate", "regenerate-code": "000000"})
    assert wrong.status_code == 400 and "This code is not right" in wrong.content.decode()
    assert recovery_codes_on_page(wrong.content.decode()) == []

    response = client.post("/account/two-factor/", {"action": "regenerate", "regenerate-code": code_at(secret, 30)})
    assert response.status_code == 200
    new_codes = recovery_codes_on_page(response.content.decode())
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    assert "the old ones no longer work" in response.content.decode()
    assert RecoveryCode.objects.count() == 10
    client.post("/logout/")

    password_step(client, "kiss.anna")
    refused = recovery_step(client, old_codes[0])
    assert refused.status_code == 200 and WRONG_RECOVERY_CODE in refused.content.decode()
    assert recovery_step(client, new_codes[0]).status_code == 302
    assert logged_in(client)


def test_a_user_without_the_phone_makes_new_codes_with_a_recovery_code(agent):
    client = english_client()
    _secret, codes = enrolled_and_logged_out(client)
    password_step(client, "kiss.anna")
    recovery_step(client, codes[0])

    response = client.post("/account/two-factor/", {"action": "regenerate", "regenerate-code": codes[1]})
    assert response.status_code == 200
    assert len(recovery_codes_on_page(response.content.decode())) == 10
    # The recovery code used as the confirmation is spent like every other old code.
    client.post("/logout/")
    password_step(client, "kiss.anna")
    assert recovery_step(client, codes[1]).status_code == 200


def test_wrong_recovery_codes_are_throttled_like_the_password(agent):
    client = english_client()
    _secret, codes = enrolled_and_logged_out(client)
    password_step(client, "kiss.anna")
    for _attempt in range(5):
        assert recovery_step(client, "aaaaa-bbbbb").status_code == 200
    refused = recovery_step(client, codes[0])
    assert refused.status_code == 429 and "Too many failed login attempts" in refused.content.decode()
    assert not logged_in(client)


def test_turning_two_factor_off_removes_the_codes(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    secret, _codes = enrol_with_codes(client)
    client.post("/account/two-factor/", {"action": "disable", "code": code_at(secret, 30)})
    assert not RecoveryCode.objects.exists()
