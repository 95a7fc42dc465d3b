"""Sessions end after inactivity; a user sees their sessions and signs the others out."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import UserSession
from accounts.roles import Role
from accounts.sessions import LAST_SEEN_KEY
from testkit.factories import user_with_role

pytestmark = pytest.mark.django_db

PASSWORD = "Jelszo-2026!"


def logged_in_client(username: str, *, browser: str = "Firefox", address: str = "127.0.0.1") -> Client:
    client = Client(HTTP_USER_AGENT=browser, REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    client.cookies["django_language"] = "en"
    response = client.post("/login/", {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()
    return client


def set_last_seen(client: Client, seconds_ago: float) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = time.time() - seconds_ago
    session.save()


@pytest.fixture
def agent(db):
    return user_with_role(Role.AGENT, username="kiss.anna", password=PASSWORD)


# --- expiry after inactivity --------------------------------------------------------------------------------


def test_a_session_idle_for_more_than_thirty_minutes_must_log_in_again(agent):
    client = logged_in_client("kiss.anna")
    assert client.get("/").status_code == 200
    set_last_seen(client, 31 * 60)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")
    assert "logged out after 30 minutes without activity" in response.content.decode()
    assert client.get("/").status_code == 302
    assert not UserSession.objects.filter(user=agent).exists()


def test_a_session_used_within_the_idle_time_stays_and_is_refreshed(agent):
    client = logged_in_client("kiss.anna")
    set_last_seen(client, 29 * 60)
    assert client.get("/").status_code == 200
    assert time.time() - client.session[LAST_SEEN_KEY] < 5
    assert client.get("/").status_code == 200


def test_the_idle_time_is_a_setting(agent, settings):
    settings.PULT_SESSION_IDLE_MINUTES = 5
    client = logged_in_client("kiss.anna")
    set_last_seen(client, 6 * 60)
    assert client.get("/").status_code == 302


def test_the_portal_session_expires_too():
    from portal.tests.factories import portal_account
    from testkit.factories import ContactFactory

    portal_account(ContactFactory(email="anna@alfa.example"))
    client = Client()
    assert client.post("/portal/login/", {"username": "anna@alfa.example", "password": PASSWORD}).status_code == 302
    assert client.get("/portal/").status_code == 200
    set_last_seen(client, 31 * 60)
    response = client.get("/portal/")
    assert response.status_code == 302 and response["Location"].startswith("/portal/login/")


# --- the sessions page --------------------------------------------------------------------------------------


def test_the_sessions_page_lists_my_sessions_and_marks_this_one(agent):
    laptop = logged_in_client("kiss.anna", browser="Firefox on the laptop", address="10.0.0.5")
    logged_in_client("kiss.anna", browser="Chrome on the phone", address="10.0.0.6")
    page = laptop.get("/account/sessions/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Firefox on the laptop" in text and "Chrome on the phone" in text
    assert "10.0.0.5" in text and "10.0.0.6" in text
    assert text.count("This session") == 1
    assert 'href="/account/sessions/"' in laptop.get("/").content.decode()  # linked from the header


def test_signing_out_another_session_logs_that_browser_out(agent):
    laptop = logged_in_client("kiss.anna", browser="Firefox on the laptop")
    phone = logged_in_client("kiss.anna", browser="Chrome on the phone")
    phone_row = UserSession.objects.get(user_agent="Chrome on the phone")
    response = laptop.post(f"/account/sessions/{phone_row.pk}/end/", follow=True)
    assert "Chrome on the phone" not in response.content.decode()
    assert phone.get("/").status_code == 302  # the phone must log in again
    assert laptop.get("/").status_code == 200


def test_i_cannot_sign_out_someone_elses_session(agent):
    other = user_with_role(Role.AGENT, username="nagy.bela", password=PASSWORD)
    theirs = logged_in_client("nagy.bela")
    mine = logged_in_client("kiss.anna")
    their_row = UserSession.objects.get(user=other)
    response = mine.post(f"/account/sessions/{their_row.pk}/end/", follow=True)
    assert "This session has already ended." in response.content.decode()
    assert theirs.get("/").status_code == 200


def test_sign_out_everywhere_else(agent):
    here = logged_in_client("kiss.anna", browser="here")
    elsewhere = [logged_in_client("kiss.anna", browser=f"browser {n}") for n in range(3)]
    response = here.post("/account/sessions/end-others/", follow=True)
    assert "Signed out of 3 other sessions." in response.content.decode()
    assert all(client.get("/").status_code == 302 for client in elsewhere)
    assert here.get("/").status_code == 200
    assert list(UserSession.objects.filter(user=agent).values_list("user_agent", flat=True)) == ["here"]


def test_logging_out_removes_the_session_from_the_list(agent):
    laptop = logged_in_client("kiss.anna", browser="laptop")
    phone = logged_in_client("kiss.anna", browser="phone")
    phone.post("/logout/")
    assert "phone" not in laptop.get("/account/sessions/").content.decode().split("<tbody>")[1]


def test_an_idle_session_disappears_from_the_list(agent):
    laptop = logged_in_client("kiss.anna", browser="laptop")
    logged_in_client("kiss.anna", browser="phone")
    UserSession.objects.filter(user_agent="phone").update(last_seen_at=timezone.now() - timedelta(minutes=40))
    assert "phone" not in laptop.get("/account/sessions/").content.decode().split("<tbody>")[1]


@pytest.mark.parametrize("sessions", [1, 4])
def test_the_sessions_page_runs_a_constant_number_of_queries(agent, sessions, django_assert_num_queries):
    clients = [logged_in_client("kiss.anna", browser=f"browser {n}") for n in range(sessions)]
    clients[0].get("/account/sessions/")
    with django_assert_num_queries(4):  # session, user, the sessions; roles and permissions for the menu
        response = clients[0].get("/account/sessions/")
    assert response.content.decode().count('class="session') == sessions
