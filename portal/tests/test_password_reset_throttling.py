"""The portal's password reset sends a limited number of mails per address asked for and per client; the page
answers the same whatever happens, so it never tells whether the address has an account or was throttled."""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def ask_reset(email: str, address: str = "203.0.113.9") -> Any:
    return Client(REMOTE_ADDR=address).post("/portal/password-reset/", {"email": email}, follow=True)


def page_text(response: Any) -> str:
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_twenty_requests_for_one_address_send_only_the_allowed_mails(smtp_server: Any, customer_a: Any) -> None:
    answers = [ask_reset(customer_a.email, address=f"198.51.100.{n}") for n in range(20)]
    assert all(answer.redirect_chain == [("/portal/password-reset/done/", 302)] for answer in answers)
    assert len({page_text(answer) for answer in answers}) == 1  # the last page is the first page
    assert [message["X-Envelope-To"] for message in smtp_server.messages] == [customer_a.email] * 3


def test_one_client_asking_for_many_addresses_is_limited_too(smtp_server: Any, settings: Any, db: Any) -> None:
    from portal.tests.factories import portal_account
    from testkit.factories import ContactFactory

    settings.PULT_PASSWORD_RESETS_PER_ADDRESS = 4
    accounts = [portal_account(ContactFactory(email=f"ugyfel{n}@alfa.example")) for n in range(6)]
    for account in accounts:
        assert ask_reset(account.email).status_code == 200
    assert len(smtp_server.messages) == 4
    # Another client is counted on its own.
    ask_reset(accounts[5].email, address="192.0.2.44")
    assert len(smtp_server.messages) == 5


def test_throttled_and_unknown_addresses_get_the_same_page_and_the_holding_back_is_logged(
    smtp_server: Any, settings: Any, customer_a: Any, caplog: Any
) -> None:
    settings.PULT_PASSWORD_RESETS_PER_ACCOUNT = 1
    first = ask_reset(customer_a.email.upper())
    with caplog.at_level(logging.WARNING, logger="pult.security"):
        held_back = ask_reset(customer_a.email)
    unknown = ask_reset("senki@sehol.example")
    assert page_text(first) == page_text(held_back) == page_text(unknown)
    assert len(smtp_server.messages) == 1
    assert any("Password-reset mail held back" in record.getMessage() for record in caplog.records)
