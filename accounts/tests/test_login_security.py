"""Password rules and login throttling on the staff, portal and admin logins."""

from __future__ import annotations

import logging

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import ThrottleCounter
from accounts.roles import Role
from portal.services import invitation_link
from portal.tests.factories import portal_account
from testkit.factories import ContactFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "Jelszo-2026!"
LOCKED = "Too many failed login attempts"


def english_client(address: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


def staff_login(client: Client, username: str, password: str):
    return client.post("/login/", {"username": username, "password": password})


def is_logged_in(client: Client) -> bool:
    return client.get("/").status_code == 200


# --- password rules -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("weak", ["Rovid-2026", "123456789012345", "password1234", "szucs.odon.1"])
def test_weak_passwords_are_refused(weak):
    user = UserFactory.build(username="szucs.odon", first_name="Ödön", last_name="Szűcs")
    with pytest.raises(ValidationError):
        validate_password(weak, user)


def test_the_demo_password_is_still_strong_enough():
    validate_password("pult-demo-2026", UserFactory.build())


def test_the_portal_invitation_refuses_a_short_password(smtp_server):
    user = portal_account(ContactFactory(email="anna@alfa.example"))
    path = invitation_link(user).split("127.0.0.1:8000", 1)[-1]
    client = english_client()
    response = client.post(path, {"new_password1": "Rovid-2026", "new_password2": "Rovid-2026"})
    assert response.status_code == 200
    assert "at least 12 characters" in response.content.decode()
    user.refresh_from_db()
    assert not user.check_password("Rovid-2026")


# --- throttling per account ---------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_even_for_the_right_password():
    user = user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)
    client = english_client()
    for _attempt in range(5):
        response = staff_login(client, "kiss.anna", "wrong-password-1")
        assert response.status_code == 200 and "Wrong user name or password" in response.content.decode()
    response = staff_login(client, "kiss.anna", PASSWORD)
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page and "try again after" in page and "(in 15 minutes)" in page
    assert not is_logged_in(client)
    # Another address is refused too: the lock is on the account name.
    other = english_client("10.1.1.1")
    assert staff_login(other, "kiss.anna", PASSWORD).status_code == 429
    assert user.username == "kiss.anna"


def test_the_lockout_is_logged(caplog):
    user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)
    client = english_client()
    with caplog.at_level(logging.WARNING, logger="pult.security"):
        for _attempt in range(5):
            staff_login(client, "kiss.anna", "wrong-password-1")
    assert any(
        "Login locked" in record.getMessage() and "kiss.anna" in record.getMessage() for record in caplog.records
    )


def test_a_lock_does_not_reveal_whether_the_account_exists():
    user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)
    answers = {}
    for name in ("kiss.anna", "nobody.here"):
        client = english_client()
        statuses = [staff_login(client, name, "wrong-password-1").status_code for _ in range(6)]
        locked = staff_login(client, name, PASSWORD)
        answers[name] = (statuses, locked.status_code, LOCKED in locked.content.decode())
    assert answers["kiss.anna"] == answers["nobody.here"] == ([200] * 5 + [429], 429, True)


def test_a_successful_login_clears_the_accounts_failures():
    user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)
    client = english_client()
    for _attempt in range(4):
        staff_login(client, "kiss.anna", "wrong-password-1")
    assert staff_login(client, "kiss.anna", PASSWORD).status_code == 302
    client.post("/logout/")
    for _attempt in range(4):
        staff_login(client, "kiss.anna", "wrong-password-1")
    assert staff_login(client, "kiss.anna", PASSWORD).status_code == 302
    assert is_logged_in(client)


# --- throttling per address ---------------------------------------------------------------------------------


def test_twenty_failures_from_one_address_lock_that_address_only(settings):
    user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)
    attacker = english_client("203.0.113.9")
    for n in range(20):
        assert staff_login(attacker, f"guess{n}", "wrong-password-1").status_code == 200
    refused = staff_login(attacker, "kiss.anna", PASSWORD)
    assert refused.status_code == 429 and LOCKED in refused.content.decode()
    assert not is_logged_in(attacker)
    # The same account from another address logs in: the address lock is not the account's.
    colleague = english_client("198.51.100.7")
    assert staff_login(colleague, "kiss.anna", PASSWORD).status_code == 302


def test_behind_a_trusted_proxy_each_client_is_counted_by_its_own_address(settings):
    """With one proxy in front, X-Forwarded-For names the client; without it the header counts for nothing."""
    settings.PULT_LOGIN_FAILURES_PER_ADDRESS = 3
    user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)
    proxy = "10.0.0.2"

    def via_proxy(chain: str) -> Client:
        client = english_client(proxy)
        client.defaults["HTTP_X_FORWARDED_FOR"] = chain
        return client

    # No trusted proxy: a forged header does not move the attacker to a fresh address.
    attacker = via_proxy("198.51.100.1")
    for n in range(3):
        staff_login(attacker, f"guess{n}", "wrong-password-1")
    assert staff_login(via_proxy("198.51.100.2"), "kiss.anna", PASSWORD).status_code == 429

    # One trusted proxy: the address it appended is the client's; what the client wrote before it is ignored.
    settings.PULT_TRUSTED_PROXIES = 1
    ThrottleCounter.objects.all().delete()
    attacker = via_proxy("1.2.3.4, 203.0.113.9")
    for n in range(3):
        staff_login(attacker, f"guess{n}", "wrong-password-1")
    assert staff_login(via_proxy("5.6.7.8, 203.0.113.9"), "kiss.anna", PASSWORD).status_code == 429
    # A colleague behind the same proxy is not locked out with the attacker.
    assert staff_login(via_proxy("198.51.100.7"), "kiss.anna", PASSWORD).status_code == 302


def test_the_limits_come_from_the_settings(settings):
    settings.PULT_LOGIN_FAILURES_PER_ACCOUNT = 2
    user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)
    client = english_client()
    staff_login(client, "kiss.anna", "wrong-password-1")
    staff_login(client, "kiss.anna", "wrong-password-1")
    assert staff_login(client, "kiss.anna", PASSWORD).status_code == 429


# --- the portal and the admin -------------------------------------------------------------------------------


def test_the_portal_login_is_throttled_the_same_way():
    portal_account(ContactFactory(email="anna@alfa.example"))
    client = english_client()
    for _attempt in range(5):
        response = client.post("/portal/login/", {"username": "anna@alfa.example", "password": "wrong-password-1"})
        assert response.status_code == 200
    response = client.post("/portal/login/", {"username": "anna@alfa.example", "password": PASSWORD})
    assert response.status_code == 429 and LOCKED in response.content.decode()
    assert client.get("/portal/").status_code == 302


def test_the_portal_login_still_works():
    portal_account(ContactFactory(email="anna@alfa.example"))
    client = english_client()
    response = client.post("/portal/login/", {"username": "anna@alfa.example", "password": PASSWORD})
    assert response.status_code == 302 and client.get("/portal/").status_code == 200


def test_the_admin_login_sends_everyone_to_the_staff_login():
    response = Client().get("/admin/login/?next=/admin/customers/customer/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=%2Fadmin%2Fcustomers%2Fcustomer%2F"
    # A password posted to the admin's old login page logs no one in.
    admin = UserFactory(username="root", is_staff=True, is_superuser=True, password=PASSWORD)
    client = Client()
    client.post("/admin/login/", {"username": admin.username, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302
