"""The export for an access request: built by the worker, holding the person's tickets, e-mails, original
files, complaints and access-log entries — and nobody else's; downloaded once by the handler, then gone."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import zipfile
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from mail.services import message_ingest
from privacy import exports, services
from privacy.choices import AccessAction, AccessKind, ExportState, RequestAction, RequestKind
from privacy.models import AccessLogEntry, SubjectExport
from privacy.tests.factories import subject_request
from privacy.tests.helpers import client_for
from testkit.complaints import phone_complaint
from testkit.factories import ContactFactory
from testkit.workflow import register
from tickets import workflow

pytestmark = pytest.mark.django_db

ANNA_FILE = b"%PDF-1.4 Anna szamlaja \x00\x01\x02 eredeti bajtok"
BELA_FILE = b"Bela titkos fajlja"


def raw_mail(sender: str, subject: str, body: str, message_id: str) -> bytes:
    lines = [
        f"From: {sender}",
        "To: ugyfelszolgalat@pult.example",
        f"Subject: {subject}",
        "Date: Tue, 24 Nov 2026 07:30:00 +0100",
        f"Message-ID: <{message_id}>",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8")


def _person(users: Any, name: str, email: str, file_bytes: bytes, tag: str) -> dict[str, Any]:
    contact = ContactFactory(name=name, email=email)
    ticket = register(users, contact, subject=f"{tag} jegye")
    workflow.attach_files(
        ticket=ticket, actor=users["agent"], files=[SimpleUploadedFile(f"{tag}-szamla.pdf", file_bytes)]
    )
    raw = raw_mail(email, f"{tag} levele", f"{tag} írja: nem működik a nyomtatás", f"{tag}@ugyfel.example")
    message_ingest(raw=raw)
    complaint = phone_complaint(users, complainant_name=name, complainant_email=email, subject=f"{tag} panasza")
    record_view = services.record_access(users["agent"], action=AccessAction.VIEW, obj=ticket, contact=contact)
    return {"contact": contact, "ticket": ticket, "raw": raw, "complaint": complaint, "entry": record_view}


@pytest.fixture
def people(users: Any) -> dict[str, Any]:
    return {
        "anna": _person(users, "Kiss Anna", "anna@alfa.example", ANNA_FILE, "Anna"),
        "bela": _person(users, "Nagy Béla", "bela@beta.example", BELA_FILE, "Bela"),
    }


def _export(users: Any, contact: Any, capture: Any) -> SubjectExport:
    request = subject_request(users, contact, kind=RequestKind.ACCESS, verified=True)
    with capture(execute=True):
        export = services.request_export(request=request, actor=users["data_protection_officer"])
    export.refresh_from_db()
    return export


def _download(users: Any, export: SubjectExport) -> Any:
    return client_for(users["data_protection_officer"]).post(f"/privacy/exports/{export.pk}/download/")


def test_the_worker_builds_a_zip_of_everything_about_the_person_and_nothing_about_others(
    users, people, django_capture_on_commit_callbacks
) -> None:
    anna, bela = people["anna"], people["bela"]
    export = _export(users, anna["contact"], django_capture_on_commit_callbacks)
    assert export.state == ExportState.READY and export.size > 0
    assert export.expires_at == export.created_at + dt.timedelta(days=7)

    response = _download(users, export)
    assert response.status_code == 200
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("attachment;")
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    names = set(archive.namelist())
    assert {"README.txt", "person.json", "tickets.json", "messages.json", "complaints.json", "access_log.json"} <= names

    person = json.loads(archive.read("person.json"))
    assert person["contact"]["name"] == "Kiss Anna" and person["contact"]["email"] == "anna@alfa.example"
    tickets = json.loads(archive.read("tickets.json"))
    numbers = {ticket["number"] for ticket in tickets}
    assert anna["ticket"].number in numbers and len(tickets) == 2  # the registered one and the e-mailed one
    registered = next(ticket for ticket in tickets if ticket["number"] == anna["ticket"].number)
    assert registered["events"] and registered["attachments"][0]["original_name"] == "Anna-szamla.pdf"
    assert archive.read(registered["attachments"][0]["file_in_export"]) == ANNA_FILE

    messages = json.loads(archive.read("messages.json"))
    received = messages["received"]
    assert [message["subject"] for message in received] == ["Anna levele"]
    assert archive.read(received[0]["raw_in_export"]) == anna["raw"]

    complaints = json.loads(archive.read("complaints.json"))
    assert [complaint["number"] for complaint in complaints] == [anna["complaint"].number]
    assert complaints[0]["description"]

    entries = json.loads(archive.read("access_log.json"))
    assert any(entry["object_id"] == anna["ticket"].pk and entry["action"] == "view" for entry in entries)
    readme = archive.read("README.txt").decode("utf-8")
    assert export.request.number in readme and "person.json" in readme and "files/" in readme

    everything = b"".join(archive.read(name) for name in names)
    for foreign in (b"Nagy B", b"bela@beta.example", BELA_FILE, bela["ticket"].number.encode(), bela["raw"]):
        assert foreign not in everything, foreign
    assert bela["complaint"].number.encode() not in everything


def test_requesting_an_export_is_logged_as_an_export_of_the_persons_data(
    users, people, django_capture_on_commit_callbacks
) -> None:
    anna = people["anna"]["contact"]
    export = _export(users, anna, django_capture_on_commit_callbacks)
    entry = AccessLogEntry.objects.get(action=AccessAction.EXPORT)
    assert entry.user == users["data_protection_officer"] and entry.contact_id == anna.pk
    assert entry.kind == AccessKind.SUBJECT_REQUEST and entry.reference == export.request.number
    assert entry.subject == "Kiss Anna"


def test_the_export_downloads_once_then_answers_gone_and_the_file_is_deleted(
    users, people, django_capture_on_commit_callbacks
) -> None:
    export = _export(users, people["anna"]["contact"], django_capture_on_commit_callbacks)
    stored = export.file.name
    assert default_storage.exists(stored)
    assert "privacy/exports/" in stored and len(stored.rsplit("/", 1)[1]) > 30  # not guessable
    with django_capture_on_commit_callbacks(execute=True):
        first = _download(users, export)
    assert first.status_code == 200
    b"".join(first.streaming_content)
    assert not default_storage.exists(stored)
    export.refresh_from_db()
    assert export.state == ExportState.DOWNLOADED and export.downloaded_by == users["data_protection_officer"]

    second = _download(users, export)
    assert second.status_code == 410
    assert "már letöltötték" in second.content.decode()
    assert export.request.events.filter(action=RequestAction.EXPORT_DOWNLOADED).count() == 1


def test_an_expired_export_answers_gone_and_the_sweep_deletes_it(
    users, people, django_capture_on_commit_callbacks
) -> None:
    export = _export(users, people["anna"]["contact"], django_capture_on_commit_callbacks)
    stored = export.file.name
    SubjectExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    response = _download(users, export)
    assert response.status_code == 410 and "lejárt" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        assert exports.expire() == 1
    assert not default_storage.exists(stored)
    export.refresh_from_db()
    assert export.state == ExportState.EXPIRED
    assert _download(users, export).status_code == 410


def test_only_the_requests_handler_downloads_the_export(users, people, django_capture_on_commit_callbacks) -> None:
    from accounts.roles import Role
    from testkit.factories import user_with_role

    export = _export(users, people["anna"]["contact"], django_capture_on_commit_callbacks)
    other_officer = user_with_role(Role.DATA_PROTECTION_OFFICER, username="masik_dpo")
    assert client_for(other_officer).post(f"/privacy/exports/{export.pk}/download/").status_code == 403
    for role in ("agent", "manager", "administrator", "complaint_officer"):
        assert client_for(users[role]).post(f"/privacy/exports/{export.pk}/download/").status_code == 403
    export.refresh_from_db()
    assert export.state == ExportState.READY  # still there for its handler
    assert _download(users, export).status_code == 200


def test_no_export_before_the_identity_is_verified(users, people) -> None:
    request = subject_request(users, people["anna"]["contact"], kind=RequestKind.ACCESS)
    with pytest.raises(services.IllegalTransition, match="személyazonosság"):
        services.request_export(request=request, actor=users["data_protection_officer"])
    assert not SubjectExport.objects.exists()


def test_the_request_page_shows_the_export_being_prepared_with_polling_then_the_download(users, people) -> None:
    request = subject_request(users, people["anna"]["contact"], kind=RequestKind.ACCESS, verified=True)
    # Without the worker (no on-commit execution here) the export stays in preparation.
    services.request_export(request=request, actor=users["data_protection_officer"])
    client = client_for(users["data_protection_officer"])
    html = client.get(f"/privacy/requests/{request.year}/{request.sequence}/").content.decode()
    polling = f'hx-get="/privacy/requests/{request.year}/{request.sequence}/exports/" hx-trigger="every 5s"'
    assert polling in html
    assert re.findall(r"<script(?![^>]*\bsrc=)", html) == []  # the strict CSP allows no inline script
    exports.produce(SubjectExport.objects.get().pk)
    partial = client.get(f"/privacy/requests/{request.year}/{request.sequence}/exports/").content.decode()
    assert "every 5s" not in partial and "/download/" in partial


def test_the_periodic_sweep_deletes_expired_exports(users, people, django_capture_on_commit_callbacks) -> None:
    from privacy.tasks import subject_request_sweep_task

    export = _export(users, people["anna"]["contact"], django_capture_on_commit_callbacks)
    stored = export.file.name
    SubjectExport.objects.filter(pk=export.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        subject_request_sweep_task()
    export.refresh_from_db()
    assert export.state == ExportState.EXPIRED and not default_storage.exists(stored)
    assert export.request.events.filter(action=RequestAction.EXPORT_EXPIRED).count() == 1


def test_erasing_a_person_deletes_their_export_waiting_for_download(users, django_capture_on_commit_callbacks) -> None:
    from testkit.workflow import advance
    from tickets.choices import State

    contact = ContactFactory(name="Kiss Anna", email="anna@alfa.example")
    advance(register(users, contact), State.CLOSED, users)
    export = _export(users, contact, django_capture_on_commit_callbacks)
    stored = export.file.name
    erasure = subject_request(users, contact, kind=RequestKind.ERASURE, verified=True)
    with django_capture_on_commit_callbacks(execute=True):
        services.request_erase(request=erasure, actor=users["data_protection_officer"])
    export.refresh_from_db()
    assert export.state == ExportState.EXPIRED and not default_storage.exists(stored)
    assert _download(users, export).status_code == 410
