"""Two-factor login with an authenticator app: enrolment, the code step, and the roles that must use it."""

from __future__ import annotations

import re
import time

import pyotp
import pytest
from django.contrib.admin.models import LogEntry
from django.test import Client

from accounts.models import TwoFactorDevice
from accounts.roles import Role
from testkit.factories import UserFactory, user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "Jelszo-2026!"
WRONG_CODE = "This code is not right"


def english_client(address: str = "127.0.0.1") -> Client:
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    return client


def secret_on_page(html: str) -> str:
    match = re.search(r'<code class="totp-secret">([A-Z2-7 ]+)</code>', html)
    assert match, html
    return match.group(1).replace(" ", "")


def code_at(secret: str, seconds_from_now: float = 0) -> str:
    return pyotp.TOTP(secret).at(time.time() + seconds_from_now)


def recovery_codes_on_page(html: str) -> list[str]:
    return re.findall(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>", html)


def enrol_with_codes(client: Client) -> tuple[str, list[str]]:
    """Turn two-factor login on: the answer shows the ten recovery codes, once."""
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    secret = secret_on_page(page.content.decode())
    response = client.post("/account/two-factor/", {"code": code_at(secret)})
    assert response.status_code == 200, response.content.decode()
    codes = recovery_codes_on_page(response.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10, response.content.decode()
    return secret, codes


def enrol(client: Client) -> str:
    return enrol_with_codes(client)[0]


def password_step(client: Client, username: str, next_url: str = ""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


@pytest.fixture
def agent(db):
    return user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)


def test_the_enrolment_page_shows_a_qr_code_as_inline_svg_and_the_key(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    html = client.get("/account/two-factor/").content.decode()
    assert "<svg" in html and "<path" in html
    secret = secret_on_page(html)
    assert len(secret) >= 16
    # The page fits a strict Content-Security-Policy: no inline script, no style attribute.
    assert "<script" not in html.split("<main>")[1] and " style=" not in html
    # The same key is offered until confirmed.
    assert secret_on_page(client.get("/account/two-factor/").content.decode()) == secret


def test_a_wrong_code_does_not_turn_two_factor_on(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    secret = secret_on_page(client.get("/account/two-factor/").content.decode())
    wrong = str((int(code_at(secret)) + 1) % 1_000_000).zfill(6)
    response = client.post("/account/two-factor/", {"code": wrong})
    assert response.status_code == 400 and WRONG_CODE in response.content.decode()
    assert not TwoFactorDevice.objects.exists()
    assert client.post("/account/two-factor/", {"code": "<script>"}).status_code == 400
    assert not TwoFactorDevice.objects.exists()


def test_after_enrolment_the_login_asks_for_the_code(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    secret = enrol(client)
    client.post("/logout/")

    step = password_step(client, "kiss.anna", next_url="/tickets/")
    assert step.status_code == 302 and step["Location"] == "/account/login/code/"
    assert client.get("/").status_code == 302  # the password alone does not log in
    page = client.get("/account/login/code/")
    assert page.status_code == 200 and "6-digit code" in page.content.decode()

    wrong = client.post("/account/login/code/", {"code": "000000" if code_at(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and WRONG_CODE in wrong.content.decode()
    assert client.get("/").status_code == 302

    # The next 30-second step's code (the current one was used to confirm the enrolment; drift is allowed).
    response = client.post("/account/login/code/", {"code": code_at(secret, 30)})
    assert response.status_code == 302 and response["Location"] == "/tickets/"
    assert client.get("/").status_code == 200


def test_a_code_cannot_be_used_twice(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    secret = enrol(client)
    client.post("/logout/")
    password_step(client, "kiss.anna")
    code = code_at(secret, 30)  # the next step's code, not yet used by the enrolment
    assert client.post("/account/login/code/", {"code": code}).status_code == 302
    client.post("/logout/")
    password_step(client, "kiss.anna")
    replay = client.post("/account/login/code/", {"code": code})
    assert replay.status_code == 200 and WRONG_CODE in replay.content.decode()


def test_the_code_step_is_throttled_like_the_password(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    secret = enrol(client)
    client.post("/logout/")
    password_step(client, "kiss.anna")
    right = code_at(secret, 30)
    wrong = "000000" if right != "000000" else "111111"
    for _attempt in range(5):
        assert client.post("/account/login/code/", {"code": wrong}).status_code == 200
    refused = client.post("/account/login/code/", {"code": right})
    assert refused.status_code == 429 and "Too many failed login attempts" in refused.content.decode()
    assert client.get("/").status_code == 302
    # Giving the password again does not reset the count.
    assert password_step(client, "kiss.anna").status_code == 429


def test_the_code_step_without_a_password_first_goes_back_to_the_login(agent):
    response = english_client().post("/account/login/code/", {"code": "123456"})
    assert response.status_code == 302 and response["Location"] == "/login/"


def test_an_optional_user_can_turn_two_factor_off_with_a_code(agent):
    client = english_client()
    password_step(client, "kiss.anna")
    secret = enrol(client)
    response = client.post("/account/two-factor/", {"action": "disable", "code": code_at(secret, 30)})
    assert response.status_code == 302
    assert not TwoFactorDevice.objects.exists()
    client.post("/logout/")
    assert password_step(client, "kiss.anna")["Location"] == "/"


@pytest.mark.parametrize("role", [Role.ADMINISTRATOR, Role.DATA_PROTECTION_OFFICER])
def test_roles_that_require_two_factor_must_enrol_before_anything_else(role):
    user_with_role(role, username="boss", password=PASSWORD)
    client = english_client()
    response = password_step(client, "boss")
    assert response.status_code == 302 and response["Location"] == "/account/two-factor/"
    assert client.get("/")["Location"] == "/account/two-factor/"
    assert client.get("/tickets/")["Location"] == "/account/two-factor/"
    assert client.get("/account/sessions/")["Location"] == "/account/two-factor/"
    assert client.post("/account/sessions/end-others/").status_code == 403
    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and "Your role requires two-factor login" in page.content.decode()

    secret = enrol(client)
    assert client.get("/account/sessions/").status_code == 200
    # It cannot be turned off, and the next login asks for the code.
    client.post("/account/two-factor/", {"action": "disable", "code": code_at(secret, 30)})
    assert TwoFactorDevice.objects.filter(user__username="boss").exists()
    client.post("/logout/")
    assert password_step(client, "boss")["Location"] == "/account/login/code/"


def test_a_superuser_must_enrol_too():
    UserFactory(username="root", is_superuser=True, is_staff=True, password=PASSWORD)
    client = english_client()
    assert password_step(client, "root")["Location"] == "/account/two-factor/"
    assert client.get("/admin/")["Location"] == "/account/two-factor/"


def test_an_administrator_resets_a_colleagues_lost_phone_but_never_their_own():
    boss = user_with_role(Role.ADMINISTRATOR, username="boss", password=PASSWORD)
    boss.is_staff = True
    boss.save()
    officer = user_with_role(Role.DATA_PROTECTION_OFFICER, username="dpo", password=PASSWORD)
    officer_client = english_client("10.0.0.2")
    password_step(officer_client, "dpo")
    enrol(officer_client)
    assert officer_client.get("/account/sessions/").status_code == 200
    admin_client = english_client()
    password_step(admin_client, "boss")
    enrol(admin_client)

    reset = {"action": "reset_two_factor", "_selected_action": [officer.pk, boss.pk]}
    page = admin_client.post("/admin/accounts/user/", reset, follow=True).content.decode()

    assert "Two-factor login of" in page and "is reset and their sessions are ended" in page
    assert "Your own two-factor login is reset by another administrator." in page
    assert not TwoFactorDevice.objects.filter(user=officer).exists()
    assert TwoFactorDevice.objects.filter(user=boss).exists()
    assert officer_client.get("/account/sessions/").status_code == 302  # whoever held the session is out
    # At the next login the officer sets it up again before anything else.
    assert password_step(english_client("10.0.0.2"), "dpo")["Location"] == "/account/two-factor/"
    assert LogEntry.objects.filter(object_id=str(officer.pk), change_message__contains="Two-factor").exists()
