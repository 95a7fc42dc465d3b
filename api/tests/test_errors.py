"""One error shape for every refusal, translated; the rate limit's 429 with Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from api.tests.helpers import api_client
from testkit.workflow import register

pytestmark = pytest.mark.django_db


def _assert_shape(answer: Any, status: int, code: str) -> dict[str, Any]:
    assert answer.status_code == status, answer.content
    body = answer.json()
    assert set(body) <= {"detail", "code", "errors"}
    assert body["code"] == code and isinstance(body["detail"], str) and body["detail"]
    return body


def test_every_refusal_has_the_same_shape(users: Any, contact: Any, settings: Any, fresh_window: None) -> None:
    ticket = register(users, contact)
    url = f"/api/v1/tickets/{ticket.year}/{ticket.sequence}"
    agent = api_client(users["agent"])

    _assert_shape(Client().get(url), 401, "not_authenticated")
    _assert_shape(api_client(users["dispatcher"]).post(f"{url}/steps/verify"), 403, "permission_denied")
    _assert_shape(api_client(users["executor"]).get(url), 404, "not_found")
    _assert_shape(agent.get("/api/v1/tickets/2026/999999"), 404, "not_found")
    _assert_shape(agent.post(f"{url}/steps/close"), 409, "illegal_transition")
    _assert_shape(agent.post(f"{url}/steps/verify", {"expected_version": 7}), 409, "ticket_changed")
    _assert_shape(agent.post(f"{url}/steps/reject", {"reason": "   "}), 422, "invalid_input")
    invalid = _assert_shape(agent.post(f"{url}/steps/log_test", {"outcome": "maybe"}), 422, "validation_error")
    assert {tuple(error["loc"][-1:]) for error in invalid["errors"]} >= {("note",), ("outcome",)}
    _assert_shape(agent.post(f"{url}/steps/verify", "{nem json", content_type="application/json"), 400, "bad_request")
    _assert_shape(agent.get("/api/v1/tickets", {"cursor": "bm90LWEtY3Vyc29y"}), 422, "invalid_cursor")

    settings.PULT_API_REQUESTS_PER_MINUTE = 1
    limited = api_client(users["manager"])
    limited.get("/api/v1/modules")
    _assert_shape(limited.get("/api/v1/modules"), 429, "rate_limited")


def test_messages_are_hungarian_unless_english_is_chosen(users: Any, contact: Any) -> None:
    ticket = register(users, contact)
    url = f"/api/v1/tickets/{ticket.year}/{ticket.sequence}/steps/verify"
    agent = api_client(users["agent"])
    hungarian = agent.post(url, {"expected_version": 9}, HTTP_ACCEPT_LANGUAGE="en").json()["detail"]
    assert hungarian.startswith("A feladat időközben megváltozott")
    english = agent.post(url + "?lang=en", {"expected_version": 9}).json()["detail"]
    assert english.startswith("The ticket changed meanwhile")
    agent.client.cookies["django_language"] = "en"
    assert agent.post(url, {"expected_version": 9}).json()["detail"].startswith("The ticket changed meanwhile")


def test_answers_are_utf8_json_that_a_terminal_shows_readably(users: Any, contact: Any) -> None:
    register(users, contact)
    answer = api_client(users["agent"]).get("/api/v1/tickets")
    assert answer["Content-Type"] == "application/json; charset=utf-8"
    assert contact.name.encode() in answer.content and b"\\u00" not in answer.content


def test_over_the_limit_the_answer_is_429_with_retry_after(users: Any, settings: Any, fresh_window: None) -> None:
    settings.PULT_API_REQUESTS_PER_MINUTE = 3
    caller = api_client(users["agent"])
    answers = [caller.get("/api/v1/modules") for _ in range(3)]
    assert [a.status_code for a in answers] == [200, 200, 200]
    assert [a["X-RateLimit-Remaining"] for a in answers] == ["2", "1", "0"]
    assert answers[0]["X-RateLimit-Limit"] == "3"
    refused = caller.get("/api/v1/modules")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Each token has its own budget.
    assert api_client(users["manager"]).get("/api/v1/modules").status_code == 200


def test_the_session_is_limited_per_user_too(client: Any, users: Any, settings: Any, fresh_window: None) -> None:
    settings.PULT_API_REQUESTS_PER_MINUTE = 2
    client.force_login(users["agent"])
    assert [client.get("/api/v1/modules").status_code for _ in range(3)] == [200, 200, 429]


def test_the_openapi_document_documents_security_errors_and_operations(client: Any, db: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert document["components"]["securitySchemes"]["TokenAuth"] == {"type": "http", "scheme": "bearer"}
    assert "Authorization: Bearer" in document["info"]["description"]
    operation = document["paths"]["/api/v1/tickets/{year}/{sequence}/steps/close"]["post"]
    assert operation["operationId"] == "step_close"
    for status in ("401", "403", "404", "409", "422", "429"):
        assert operation["responses"][status]["content"]["application/json"]["schema"]["$ref"].endswith("/ErrorOut")
    assert client.get("/api/v1/docs").status_code == 200
    assert b"cdn" not in client.get("/api/v1/docs").content.lower()
