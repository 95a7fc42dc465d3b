"""The complaint register over the JSON API: the same roles and scope as the pages."""

from __future__ import annotations

from typing import Any

import pytest

from testkit.complaints import phone_complaint

pytestmark = pytest.mark.django_db


def test_an_officer_lists_and_reads_complaints_as_json(client: Any, users: Any) -> None:
    complaint = phone_complaint(users)
    client.force_login(users["complaint_officer"])
    listed = client.get("/api/v1/complaints/", {"q": "Kovács"}).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == complaint.number
    detail = client.get(f"/api/v1/complaints/{complaint.year}/{complaint.sequence}").json()
    assert detail["complainant_name"] == "Kovács Éva" and detail["state"] == "recorded"


def test_a_role_without_complaints_is_refused_in_hungarian_and_a_stranger_must_log_in(client: Any, users: Any) -> None:
    phone_complaint(users)
    client.force_login(users["executor"])
    refused = client.get("/api/v1/complaints/")
    assert refused.status_code == 403
    assert refused.json() == {
        "detail": "Az Ön szerepköre nem teszi lehetővé a panaszok megtekintését.",
        "code": "permission_denied",
    }
    client.logout()
    anonymous = client.get("/api/v1/complaints/")
    assert anonymous.status_code == 401 and "items" not in anonymous.json()


def test_the_openapi_document_describes_the_complaint_endpoints(client: Any, db: Any) -> None:
    document = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/complaints/" in document["paths"]
    assert "/api/v1/complaints/{year}/{sequence}" in document["paths"]
