"""Tickets walked through every workflow step over HTTP, with Bearer tokens, as an integrator would."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.tests.helpers import api_client
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


class Desk:
    """One token client per role, and the ticket being walked."""

    def __init__(self, users: dict[str, Any]) -> None:
        self.users = users
        self.clients = {name: api_client(user) for name, user in users.items()}
        self.url = ""
        self.version = 0

    def register(self, contact: Any, **extra: Any) -> dict[str, Any]:
        body = {"contact_id": contact.pk, "subject": "Nem nyomtat", "description": "Hiba.", "channel": "phone"}
        answer = self.clients["agent"].post("/api/v1/tickets", body | extra)
        assert answer.status_code == 201, answer.content
        ticket = answer.json()
        self.url = f"/api/v1/tickets/{ticket['year']}/{ticket['sequence']}"
        self.version = ticket["version"]
        return ticket

    def step(self, role: str, name: str, **body: Any) -> dict[str, Any]:
        answer = self.clients[role].post(f"{self.url}/steps/{name}", {"expected_version": self.version, **body})
        assert answer.status_code == 200, (name, answer.content)
        ticket = answer.json()
        assert ticket["version"] == self.version + 1
        self.version = ticket["version"]
        return ticket


def test_the_curl_walk_of_the_documentation(users: Any, contact: Any) -> None:
    desk = Desk(users)
    assert desk.register(contact)["allowed_steps"][0] == "verify"
    assert desk.step("agent", "verify")["state"] == "verified"
    assert desk.step("agent", "route_personally")["assignee"]["id"] == users["agent"].pk
    assert desk.step("agent", "complete", note="Javítva.")["state"] == "completed"
    assert desk.step("agent", "log_test", note="Nyomtat.", outcome="passed")["test_logs"][0]["outcome"] == "passed"
    assert desk.step("agent", "accept_solved")["state"] == "solved"
    notified = desk.step("agent", "record_notification", channel="phone", recipient="+36 30", message="Kész.")
    assert notified["state"] == "notified"
    closed = desk.step("agent", "close")
    assert closed["state"] == "closed"
    assert [event["action"] for event in closed["timeline"]] == [
        "register",
        "verify",
        "route_personally",
        "complete",
        "log_test",
        "accept_solved",
        "record_notification",
        "close",
    ]
    assert Ticket.objects.get().state == "closed"


def test_every_other_step_over_http(users: Any, contact: Any, module: Any) -> None:
    desk = Desk(users)
    desk.register(contact, priority="high", module_id=module.pk)
    clarified = desk.step(
        "agent", "clarify", subject="Nem nyomtat a számlázó", priority="urgent", contact_id=contact.pk
    )
    assert clarified["subject"] == "Nem nyomtat a számlázó" and clarified["priority"] == "urgent"
    assert desk.step("agent", "ask_user", question="Melyik nyomtató?")["waiting_since"] is not None
    assert desk.step("agent", "user_answered", answer="A HP.")["waiting_since"] is None
    desk.step("agent", "consult_user", summary="Megbeszéltük.")
    desk.step("agent", "verify", call_summary="Felhívtam.")
    assert desk.step("agent", "route_to_dispatcher", note="Nem tudom, kié.")["state"] == "dispatching"
    dispatched = desk.step("dispatcher", "dispatch", executor_id=users["executor"].pk)
    assert dispatched["state"] == "assigned" and dispatched["assignee"]["id"] == users["executor"].pk
    reassigned = desk.step("dispatcher", "reassign", executor_id=users["other_executor"].pk, reason="Szabadság.")
    assert reassigned["assignee"]["id"] == users["other_executor"].pk
    # The first executor no longer sees the ticket at all.
    assert desk.clients["executor"].get(desk.url).status_code == 404
    desk.step("other_executor", "start")
    asked = desk.step("other_executor", "ask_agent", question="Melyik verzió?")
    question = next(c for c in asked["consultations"] if c["kind"] == "executor_question")
    assert "answer_executor" in desk.clients["agent"].get(desk.url).json()["allowed_steps"]
    desk.step("agent", "answer_executor", consultation_id=question["id"], answer="A 3.2-es.")
    assert desk.step("other_executor", "log_work", minutes=30, note="Driver.")["minutes_total"] == 30
    logged = desk.clients["other_executor"].post(
        f"{desk.url}/work-logs", {"minutes": 15, "note": "Teszt.", "expected_version": desk.version}
    )
    assert logged.status_code == 201 and logged.json()["minutes"] == 15
    desk.version += 1
    assert len(desk.clients["agent"].get(f"{desk.url}/work-logs").json()) == 2
    desk.step("other_executor", "complete", note="Kész.")
    desk.step("agent", "log_test", note="Még mindig rossz.", outcome="failed")
    assert desk.step("agent", "return_to_executor", reason="Nem jó.")["state"] == "in_progress"
    desk.step("other_executor", "complete", note="Most kész.")
    solved = desk.step("agent", "accept_solved", test_note="Most jó.")
    assert solved["state"] == "solved"
    desk.step("agent", "record_notification", channel="email", recipient=contact.email, message="Kész.")
    desk.step("agent", "close", note="Lezárva.")
    desk.step("agent", "record_feedback", content="Köszönjük.")
    reopened = desk.step("agent", "reopen", content="Megint rossz.", channel="email")
    assert reopened["state"] == "new" and reopened["reopen_count"] == 1
    feedback = desk.clients["agent"].get(f"{desk.url}/feedback").json()
    assert [item["outcome"] for item in feedback] == ["recorded", "reopened"]


def test_routing_to_an_executor_rejecting_and_feedback_and_attachments(users: Any, contact: Any) -> None:
    desk = Desk(users)
    desk.register(contact)
    desk.step("agent", "verify")
    assert desk.step("agent", "route_to_executor", executor_id=users["executor"].pk)["state"] == "assigned"
    assert desk.clients["executor"].get(desk.url).status_code == 200

    upload = desk.clients["agent"].client.post(
        f"{desk.url}/attachments",
        {"files": [SimpleUploadedFile("kép.png", b"\x89PNG adat"), SimpleUploadedFile("b.txt", b"b")]},
    )
    assert upload.status_code == 201, upload.content
    names = sorted(item["original_name"] for item in upload.json())
    assert names == ["b.txt", "kép.png"]
    listed = desk.clients["executor"].get(f"{desk.url}/attachments").json()
    download = desk.clients["executor"].get(listed[0]["download_url"])
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) in (b"\x89PNG adat", b"b")
    assert desk.clients["other_executor"].get(listed[0]["download_url"]).status_code == 404

    second = Desk(users)
    second.register(contact)
    assert second.step("agent", "reject", reason="Kéretlen levél.")["state"] == "rejected"
    answer = second.clients["agent"].post(f"{second.url}/feedback", {"content": "Mégis valós.", "reopen": True})
    assert answer.status_code == 201 and answer.json()["outcome"] == "reopened"
    assert second.clients["agent"].get(second.url).json()["state"] == "new"


def test_an_attachment_over_the_size_limit_is_refused_and_nothing_is_kept(
    users: Any, contact: Any, settings: Any
) -> None:
    settings.PULT_MAX_ATTACHMENT_BYTES = 10
    desk = Desk(users)
    desk.register(contact)
    refused = desk.clients["agent"].client.post(
        f"{desk.url}/attachments", {"files": [SimpleUploadedFile("nagy.bin", b"x" * 11)]}
    )
    assert refused.status_code == 422 and refused.json()["code"] == "invalid_input"
    assert desk.clients["agent"].get(f"{desk.url}/attachments").json() == []
