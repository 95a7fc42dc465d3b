"""Each role on each endpoint gets what the pages allow: 404 for a ticket it may not see, 403 for a page it
does not use or a step its role never takes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from api.tests.helpers import api_client
from library.choices import Visibility
from library.models import Category
from library.services import publish_document
from testkit.workflow import advance, register
from tickets import workflow
from tickets.choices import State

pytestmark = pytest.mark.django_db

ROLES = ["agent", "manager", "dispatcher", "executor", "complaint_officer", "executive", "administrator"]


def _expect(clients: dict[str, Any], call: Any, expected: dict[str, int]) -> None:
    got = {role: call(clients[role]).status_code for role in ROLES}
    assert got == expected


@pytest.fixture
def clients(users: Any) -> dict[str, Any]:
    return {role: api_client(users[role]) for role in [*ROLES, "other_executor"]}


@pytest.fixture
def new_ticket(users: Any, contact: Any) -> Any:
    ticket = register(users, contact)
    workflow.attach_files(ticket=ticket, actor=users["agent"], files=[SimpleUploadedFile("a.txt", b"a")])
    ticket.refresh_from_db()
    return ticket


def _url(ticket: Any) -> str:
    return f"/api/v1/tickets/{ticket.year}/{ticket.sequence}"


SEE_ALL = {"agent": 200, "manager": 200, "dispatcher": 200, "complaint_officer": 200}
UNSEEN = {"executor": 404, "executive": 404, "administrator": 404}


def test_ticket_list(clients: Any, new_ticket: Any) -> None:
    _expect(
        clients,
        lambda c: c.get("/api/v1/tickets"),
        {**SEE_ALL, "executor": 200, "executive": 403, "administrator": 403},
    )


def test_an_executor_lists_only_the_tickets_assigned_to_them(clients: Any, users: Any, contact: Any) -> None:
    mine = advance(register(users, contact), State.ASSIGNED, users)
    register(users, contact)
    numbers = [item["number"] for item in clients["executor"].get("/api/v1/tickets").json()["items"]]
    assert numbers == [mine.number]
    assert clients["other_executor"].get("/api/v1/tickets").json()["items"] == []
    assert clients["executor"].get(_url(mine)).status_code == 200
    assert clients["other_executor"].get(_url(mine)).status_code == 404


def test_ticket_detail_and_its_records(clients: Any, new_ticket: Any) -> None:
    url = _url(new_ticket)
    for suffix in ("", "/attachments", "/work-logs", "/feedback"):
        _expect(clients, lambda c, s=suffix: c.get(url + s), {**SEE_ALL, **UNSEEN})
    attachment = new_ticket.attachments.get()
    _expect(clients, lambda c: c.get(f"/api/v1/attachments/{attachment.pk}/download"), {**SEE_ALL, **UNSEEN})


def test_registering(clients: Any, contact: Any) -> None:
    body = {"contact_id": contact.pk, "subject": "Hiba", "description": "Leírás", "channel": "email"}
    forbidden = dict.fromkeys(ROLES, 403)
    _expect(clients, lambda c: c.post("/api/v1/tickets", body), {**forbidden, "agent": 201, "manager": 201})


def test_a_step_the_role_never_takes(clients: Any, users: Any, contact: Any) -> None:
    tickets = iter([register(users, contact) for _ in ROLES])

    def verify(client: Any) -> Any:
        return client.post(_url(next(tickets)) + "/steps/verify")

    _expect(clients, verify, {**UNSEEN, "agent": 200, "manager": 200, "dispatcher": 403, "complaint_officer": 403})


def test_dispatching(clients: Any, users: Any, contact: Any) -> None:
    tickets = iter([advance(register(users, contact), State.DISPATCHING, users) for _ in ROLES])
    body = {"executor_id": users["executor"].pk}
    expected = {**UNSEEN, "agent": 403, "manager": 403, "dispatcher": 200, "complaint_officer": 403}
    _expect(clients, lambda c: c.post(_url(next(tickets)) + "/steps/dispatch", body), expected)


def test_uploading_attachments(clients: Any, new_ticket: Any) -> None:
    url = _url(new_ticket) + "/attachments"

    def upload(client: Any) -> Any:
        return client.client.post(url, {"files": [SimpleUploadedFile("b.txt", b"b")]})

    _expect(clients, upload, {**UNSEEN, "agent": 201, "manager": 201, "dispatcher": 403, "complaint_officer": 403})


def test_logging_work_is_for_the_assigned_executor(clients: Any, users: Any, contact: Any) -> None:
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    url = _url(ticket) + "/work-logs"
    body = {"minutes": 5, "note": "Munka."}
    expected = {**UNSEEN, "agent": 403, "manager": 403, "dispatcher": 403, "complaint_officer": 403}
    _expect(clients, lambda c: c.post(url, body), expected | {"executor": 201})
    assert clients["other_executor"].post(url, body).status_code == 404


def test_registering_feedback(clients: Any, users: Any, contact: Any) -> None:
    ticket = advance(register(users, contact), State.CLOSED, users)
    url = _url(ticket) + "/feedback"
    expected = {**UNSEEN, "agent": 201, "manager": 201, "dispatcher": 403, "complaint_officer": 403}
    # The executor worked on the ticket, so sees it, but never registers feedback.
    _expect(clients, lambda c: c.post(url, {"content": "Köszönjük."}), expected | {"executor": 403})


def test_customers_and_contacts(clients: Any, contact: Any) -> None:
    allowed = dict.fromkeys(ROLES, 403) | {"agent": 200, "manager": 200, "administrator": 200}
    for url in (
        "/api/v1/customers",
        f"/api/v1/customers/{contact.customer_id}",
        "/api/v1/contacts",
        f"/api/v1/contacts/{contact.pk}",
    ):
        _expect(clients, lambda c, u=url: c.get(u), allowed)


def test_modules(clients: Any, module: Any) -> None:
    _expect(clients, lambda c: c.get("/api/v1/modules"), dict.fromkeys(ROLES, 200) | {"executive": 403})


def test_documents(clients: Any, users: Any) -> None:
    category = Category.objects.create(name="Kézikönyvek", slug="kezikonyvek")
    document = publish_document(
        actor=users["manager"],
        title="Tükörfúrógép kézikönyv",
        summary="",
        category=category,
        module=None,
        visibility=Visibility.STAFF,
        markdown="# Használat",
    )
    readers = dict.fromkeys(ROLES, 200) | {"administrator": 403}
    _expect(clients, lambda c: c.get("/api/v1/documents", {"q": "tukorfurogep"}), readers)
    _expect(clients, lambda c: c.get(f"/api/v1/documents/{document.pk}"), readers)
    found = clients["agent"].get("/api/v1/documents", {"q": "TÜKÖRFÚRÓGÉP"}).json()["items"]
    assert [item["title"] for item in found] == ["Tükörfúrógép kézikönyv"]
    assert clients["agent"].get(f"/api/v1/documents/{document.pk}").json()["markdown"] == "# Használat"
    # A Markdown page has no file to download.
    assert clients["agent"].get(f"/api/v1/documents/{document.pk}/download").status_code == 404


def test_a_document_file_downloads_as_an_attachment(clients: Any, users: Any) -> None:
    category = Category.objects.create(name="Leírások", slug="leirasok")
    document = publish_document(
        actor=users["manager"],
        title="Telepítés",
        summary="",
        category=category,
        module=None,
        visibility=Visibility.STAFF,
        file=SimpleUploadedFile("telepites.txt", "Telepítési leírás".encode(), content_type="text/plain"),
    )
    answer = clients["executor"].get(f"/api/v1/documents/{document.pk}/download")
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    assert answer["X-Content-Type-Options"] == "nosniff"
    assert b"".join(answer.streaming_content) == "Telepítési leírás".encode()
    assert clients["administrator"].get(f"/api/v1/documents/{document.pk}/download").status_code == 403


def test_the_complaint_register_with_a_token(clients: Any) -> None:
    register_roles = {"agent": 200, "manager": 200, "complaint_officer": 200, "executive": 200}
    expected = dict.fromkeys(ROLES, 403) | register_roles
    _expect(clients, lambda c: c.get("/api/v1/complaints/"), expected)
