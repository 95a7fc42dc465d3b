"""Uploads: size limits on every way in, the type judged by content, programs refused, every file served as a
download that the browser may not sniff, and the stored files out of the web's reach.

The ways in: the staff's attach step, the portal's new request, the API's upload, e-mail attachments,
the complaint officer's document. The ways out: every view that serves a stored file.
"""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from django.utils.translation import gettext

import config.settings as base_settings
from api.services import token_create
from common import filetypes
from complaints import services as complaint_services
from complaints.choices import EntryKind
from complaints.models import InvestigationEntry
from library.choices import Visibility
from library.tests.factories import publish, upload
from mail.models import InboundMessage
from mail.services import message_ingest
from portal import services as portal
from portal.tests.factories import portal_account
from testkit.complaints import phone_complaint
from testkit.factories import ContactFactory
from testkit.workflow import register
from tickets import workflow
from tickets.models import Attachment

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
LINUX_PROGRAM = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56
SHELL_SCRIPT = b"#!/bin/sh\nrm -rf ~\n"
PROGRAM_MESSAGE = "The file “%(name)s” is a program; programs cannot be attached."


def hu(text: str) -> str:
    with translation.override("hu"):
        return gettext(text)


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def attach_step(client: Client, ticket: Any, *files: SimpleUploadedFile) -> Any:
    ticket.refresh_from_db()
    return client.post(
        f"/tickets/{ticket.year}/{ticket.sequence}/steps/attach/",
        {"attach-uploads": list(files), "attach-description": "", "attach-version": ticket.version},
    )


def api_upload(user: Any, ticket: Any, *files: SimpleUploadedFile) -> Any:
    client = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=user, name='uploads').plain}")
    return client.post(f"/api/v1/tickets/{ticket.year}/{ticket.sequence}/attachments", {"files": list(files)})


def mail_with(filename: str, content: bytes, sender: str = "anna@alfa.example") -> bytes:
    encoded = base64.b64encode(content).decode()
    return (
        f"From: <{sender}>\r\nTo: help@pult.example\r\nSubject: Csatolmany {filename}\r\n"
        f"Message-ID: <upload-{filename}@alfa.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nMellekelve.\r\n"
        f"--b1\r\nContent-Type: image/png\r\nContent-Transfer-Encoding: base64\r\n"
        f'Content-Disposition: attachment; filename="{filename}"\r\n\r\n{encoded}\r\n--b1--\r\n'
    ).encode()


# --- type by content ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"),
        ("Számla: 12 000 Ft\n".encode(), "text/plain"),
        (b"<html><script>alert(1)</script></html>", "text/plain"),  # never text/html: it is not shown anyway
        (b"\x00\x01\x02\x03garbage", "application/octet-stream"),
    ],
)
def test_an_attachment_is_stored_with_the_type_of_its_content_not_the_browsers_word(users, contact, content, expected):
    ticket = register(users, contact)
    response = attach_step(
        logged_in(users["agent"]), ticket, SimpleUploadedFile("szamla.pdf", content, content_type="text/html")
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Attachment.objects.get(ticket=ticket).content_type == expected


def test_a_word_document_is_recognised_inside_its_zip():
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    docx = SimpleUploadedFile("level.bin", buffer.getvalue())
    assert filetypes.upload_type(docx) == ("application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    assert docx.read() == buffer.getvalue()  # the upload is read from the start again afterwards


def test_a_text_that_happens_to_start_like_a_program_header_is_no_program():
    assert not filetypes.is_executable(b"MZ-4711 hibakod a szamlazoban\n")
    assert filetypes.is_executable(WINDOWS_PROGRAM) and filetypes.is_executable(LINUX_PROGRAM)
    assert filetypes.is_executable(SHELL_SCRIPT) and filetypes.is_executable(b"\xef\xbb\xbf#!/usr/bin/env python\n")


# --- programs are refused on every way in --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"), [("szamla.pdf", WINDOWS_PROGRAM), ("kep.png", LINUX_PROGRAM), ("leiras.txt", SHELL_SCRIPT)]
)
def test_the_staff_attach_step_refuses_a_program_whatever_its_name(users, contact, name, content):
    ticket = register(users, contact)
    response = attach_step(logged_in(users["agent"]), ticket, SimpleUploadedFile(name, content))
    assert response.status_code in (200, 400)
    assert (hu(PROGRAM_MESSAGE) % {"name": name}) in response.content.decode()
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_the_portal_refuses_a_program_with_a_message_and_registers_nothing(db):
    account = portal_account(ContactFactory(name="Kiss Anna"))
    response = logged_in(account).post(
        "/portal/requests/new/",
        {
            "subject": "Hiba",
            "description": "Csatoltam.",
            "attachments": [SimpleUploadedFile("nyugta.pdf", WINDOWS_PROGRAM, content_type="application/pdf")],
        },
    )
    assert response.status_code in (200, 400)
    assert (hu(PROGRAM_MESSAGE) % {"name": "nyugta.pdf"}) in response.content.decode()
    assert not account.contact.tickets.exists()


def test_the_api_refuses_a_program_and_stores_nothing(users, contact):
    ticket = register(users, contact)
    response = api_upload(users["agent"], ticket, SimpleUploadedFile("setup.png", WINDOWS_PROGRAM))
    assert response.status_code in (400, 422), response.content
    assert "setup.png" in response.json()["detail"]
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_a_program_mailed_in_is_kept_only_in_the_raw_message_and_the_ticket_says_so(smtp_server):
    ContactFactory(email="anna@alfa.example")
    result = message_ingest(raw=mail_with("szamla.pdf.exe", WINDOWS_PROGRAM))
    ticket = result.message.ticket
    assert ticket is not None and not ticket.attachments.exists()
    assert "szamla.pdf.exe" in ticket.description
    kept = bytes(InboundMessage.objects.get(pk=result.message.pk).raw)
    assert base64.b64encode(WINDOWS_PROGRAM) in kept  # still in the raw message, for whoever must see it


def test_a_complaint_document_refuses_a_program(users):
    complaint = phone_complaint(users)
    with pytest.raises(workflow.InvalidInput):
        complaint_services.add_entry(
            complaint=complaint,
            actor=users["complaint_officer"],
            kind=EntryKind.DOCUMENT,
            text="Számla",
            upload=SimpleUploadedFile("szamla.pdf", LINUX_PROGRAM),
        )
    assert not InvestigationEntry.objects.filter(complaint=complaint).exists()


# --- the size limit on every way in ---------------------------------------------------------------------------


@pytest.fixture
def small_limit(settings: Any) -> int:
    settings.PULT_MAX_ATTACHMENT_BYTES = 1024
    return 1024


def too_big(name: str = "nagy.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"x" * 2048, content_type="text/plain")


def test_the_size_limit_holds_on_the_staff_page_the_api_and_the_workflow(users, contact, small_limit):
    ticket = register(users, contact)
    page = attach_step(logged_in(users["agent"]), ticket, too_big())
    assert page.status_code in (200, 400) and "nagy.txt" in page.content.decode()
    api = api_upload(users["agent"], ticket, too_big())
    assert api.status_code in (400, 422) and "nagy.txt" in api.json()["detail"]
    with pytest.raises(workflow.InvalidInput):
        workflow.attach_files(ticket=ticket, actor=users["agent"], files=[too_big()])
    assert not Attachment.objects.filter(ticket=ticket).exists()


def test_the_size_limit_holds_in_the_portal(small_limit):
    account = portal_account(ContactFactory())
    response = logged_in(account).post(
        "/portal/requests/new/", {"subject": "Hiba", "description": "x", "attachments": [too_big()]}
    )
    assert response.status_code in (200, 400) and "nagy.txt" in response.content.decode()
    assert not account.contact.tickets.exists()


def test_the_size_limit_holds_for_mail_attachments(small_limit, smtp_server):
    ContactFactory(email="anna@alfa.example")
    result = message_ingest(raw=mail_with("nagy.png", PNG + b"\x00" * 2048))
    assert not result.message.ticket.attachments.exists()
    assert "nagy.png" in result.message.ticket.description


def test_the_size_limit_holds_for_complaint_documents(users, small_limit):
    complaint = phone_complaint(users)
    with pytest.raises(workflow.InvalidInput):
        complaint_services.add_entry(
            complaint=complaint,
            actor=users["complaint_officer"],
            kind=EntryKind.DOCUMENT,
            text="Számla",
            upload=too_big(),
        )


# --- every way out: a download, never sniffed -------------------------------------------------------------------


def assert_download(response: Any, name: str) -> None:
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment"), response["Content-Disposition"]
    assert name in response["Content-Disposition"] or "filename*=" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] in ("application/octet-stream", "message/rfc822")


def test_every_stored_file_is_served_as_a_download_the_browser_may_not_sniff(users, smtp_server):
    agent, officer = users["agent"], users["complaint_officer"]
    account = portal_account(ContactFactory(email="anna@alfa.example"))
    html = b"<html><script>alert(1)</script></html>"
    ticket = portal.submit_request(
        user=account,
        module=None,
        subject="Hiba",
        description="x",
        files=[SimpleUploadedFile("oldal.html", html, content_type="text/html")],
    )
    attachment = ticket.attachments.get()
    complaint = complaint_services.add_entry(
        complaint=phone_complaint(users),
        actor=officer,
        kind=EntryKind.DOCUMENT,
        text="Irat",
        upload=SimpleUploadedFile("irat.html", html, content_type="text/html"),
    )
    entry = InvestigationEntry.objects.exclude(file="").get(complaint=complaint)
    document = publish(agent, title="Kézikönyv", visibility=Visibility.CUSTOMERS, file=upload("kezikonyv.txt", html))
    message_ingest(raw=mail_with("kep.png", PNG))
    inbound = InboundMessage.objects.latest("pk")
    bearer = Client(HTTP_AUTHORIZATION=f"Bearer {token_create(user=agent, name='dl').plain}")

    staff, customer, complaints = logged_in(agent), logged_in(account), logged_in(officer)
    assert_download(staff.get(f"/tickets/attachments/{attachment.pk}/"), "oldal.html")
    assert_download(
        customer.get(f"/portal/requests/{ticket.year}/{ticket.sequence}/attachments/{attachment.pk}/"), "oldal.html"
    )
    assert_download(bearer.get(f"/api/v1/attachments/{attachment.pk}/download"), "oldal.html")
    assert_download(complaints.get(f"/complaints/files/{entry.pk}/"), "irat.html")
    assert_download(staff.get(f"/library/{document.pk}/versions/1/download/"), "kezikonyv.txt")
    assert_download(customer.get(f"/portal/documents/{document.pk}/download/"), "kezikonyv.txt")
    assert_download(bearer.get(f"/api/v1/documents/{document.pk}/download"), "kezikonyv.txt")
    assert_download(staff.get(f"/mail/messages/{inbound.pk}/raw/"), f"message-{inbound.pk}.eml")


# --- the stored files are out of the web's reach -------------------------------------------------------------


def test_media_lies_outside_the_static_files_and_is_not_served(users, contact):
    for media, static in (
        (Path(base_settings.MEDIA_ROOT).resolve(), Path(base_settings.STATIC_ROOT).resolve()),
        (Path(django_settings.MEDIA_ROOT).resolve(), Path(django_settings.STATIC_ROOT).resolve()),
    ):
        assert not media.is_relative_to(static) and not static.is_relative_to(media)
        for source in base_settings.STATICFILES_DIRS:
            assert not media.is_relative_to(Path(source).resolve())
    ticket = workflow.register_ticket(
        actor=users["agent"],
        contact=contact,
        subject="Hiba",
        description="x",
        channel="phone",
        attachments=[SimpleUploadedFile("titok.txt", b"TITKOS-TARTALOM\n")],
    )
    stored = ticket.attachments.get().file
    assert Path(stored.path).read_bytes() == b"TITKOS-TARTALOM\n"
    client = logged_in(users["agent"])
    for url in (
        f"/media/{stored.name}",
        f"{django_settings.MEDIA_URL}{stored.name}",
        f"/static/{stored.name}",
        f"/static/../{stored.name}",
        f"/{stored.name}",
    ):
        response = client.get(url)
        assert response.status_code == 404, f"{url}: {response.status_code}"
        assert b"TITKOS-TARTALOM" not in b"".join(getattr(response, "streaming_content", [response.content]))
