"""Seed j over the API by every channel the ticket page offers: e-mail, fax, letter; and a rating afterwards."""

from __future__ import annotations

from typing import Any

import pytest

from api.tests.helpers import api_client
from api.tests.test_walk import Desk
from testkit.workflow import advance, register
from tickets.choices import State
from tickets.models import SatisfactionRating

pytestmark = pytest.mark.django_db


def _solved(users: Any, contact: Any) -> Desk:
    ticket = advance(register(users, contact), State.SOLVED, users)
    desk = Desk(users)
    desk.url = f"/api/v1/tickets/{ticket.year}/{ticket.sequence}"
    desk.version = ticket.version
    return desk


def test_an_email_notification_is_sent_and_notifies_when_the_server_accepts_it(
    users: Any, contact: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    desk = _solved(users, contact)
    assert "email_user" in desk.clients["agent"].get(desk.url).json()["allowed_steps"]
    with django_capture_on_commit_callbacks(execute=True):
        desk.step(
            "agent", "email_user", to=contact.email, subject="Javítva", body="Kijavítottuk.", as_notification=True
        )
    [sent] = smtp_server.messages
    assert sent["X-Envelope-To"] == contact.email and sent["Subject"].endswith("Javítva")
    after = desk.clients["agent"].get(desk.url).json()
    assert after["state"] == "notified"
    assert [(n["channel"], n["recipient"]) for n in after["notifications"]] == [("email", contact.email)]


def test_a_wrong_address_is_a_422_and_sends_nothing(users: Any, contact: Any, smtp_server: Any) -> None:
    desk = _solved(users, contact)
    answer = desk.clients["agent"].post(
        f"{desk.url}/steps/email_user", {"to": "nem-cim", "subject": "x", "body": "y", "as_notification": True}
    )
    assert answer.status_code == 422 and answer.json()["code"] == "validation_error"
    assert smtp_server.messages == []


def test_a_letter_is_prepared_then_marked_posted_which_notifies(users: Any, contact: Any) -> None:
    desk = _solved(users, contact)
    prepared = desk.step("agent", "prepare_letter", text="Tisztelt Felhasználó! A hibát javítottuk.")
    [letter] = prepared["letters"]
    assert letter["posted_at"] is None and letter["address"]
    posted_url = f"{desk.url}/letters/{letter['id']}/posted"
    assert api_client(users["other_executor"]).post(posted_url, {}).status_code == 404  # not their ticket
    refused = api_client(users["executor"]).post(posted_url, {})  # theirs, but executors never notify
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"
    answer = desk.clients["agent"].post(posted_url, {"expected_version": desk.version})
    assert answer.status_code == 200, answer.content
    ticket = answer.json()
    assert ticket["state"] == "notified" and ticket["letters"][0]["posted_at"] is not None
    assert ticket["notifications"][0]["channel"] == "letter"
    again = desk.clients["agent"].post(posted_url, {})
    assert again.status_code == 422 and again.json()["code"] == "invalid_input"


def test_a_fax_goes_to_the_gateway(
    users: Any, contact: Any, smtp_server: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PULT_FAX_GATEWAY_ADDRESS = "{number}@fax.szolgaltato.example"
    desk = _solved(users, contact)
    with django_capture_on_commit_callbacks(execute=True):
        desk.step("agent", "fax_user", fax_number="+36 1 234 5679", text="A hibát javítottuk.")
    [sent] = smtp_server.messages
    assert sent["X-Envelope-To"] == "3612345679@fax.szolgaltato.example"
    assert desk.clients["agent"].get(desk.url).json()["state"] == "notified"


def test_a_closed_ticket_is_rated_once_by_an_agent_from_a_phone_survey(users: Any, contact: Any) -> None:
    ticket = advance(register(users, contact), State.CLOSED, users)
    desk = Desk(users)
    desk.url = f"/api/v1/tickets/{ticket.year}/{ticket.sequence}"
    desk.version = ticket.version
    assert desk.clients["executor"].post(f"{desk.url}/steps/rate", {"score": 5}).status_code == 403
    desk.step("agent", "rate", score=4, comment="Gyors volt.")
    again = desk.clients["agent"].post(f"{desk.url}/steps/rate", {"score": 5})
    assert again.status_code == 422 and again.json()["code"] == "invalid_input"
    assert desk.clients["agent"].post(f"{desk.url}/steps/rate", {"score": 6}).status_code == 422
    assert list(SatisfactionRating.objects.values_list("score", "comment")) == [(4, "Gyors volt.")]
