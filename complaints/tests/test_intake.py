"""Complaints that arrive by e-mail and through the public form: recorded, acknowledged, kept out of the mail pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from complaints.choices import Action, ComplaintState, EntryKind, MessageStatus
from complaints.models import Complaint, ComplaintMessage
from mail.choices import InboundStatus, MailboxPurpose
from mail.models import InboundMessage, Mailbox
from mail.services import message_ingest
from mail.tests.test_ingest import mail
from testkit.complaints import phone_complaint
from tickets.choices import Channel
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaints_mailbox(db: Any) -> Mailbox:
    return Mailbox.objects.create(name="Panasz", address="panasz@pult.example", purpose=MailboxPurpose.COMPLAINTS)


def test_a_mail_to_the_complaints_mailbox_is_recorded_as_a_complaint_and_acknowledged(
    complaints_mailbox: Mailbox, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    raw = mail(subject="Panasz: kétszer terheltek", body="A novemberi díjat kétszer vonták le. Kovács Éva")
    with django_capture_on_commit_callbacks(execute=True):
        inbound = message_ingest(raw=raw, mailbox=complaints_mailbox).message

    complaint = Complaint.objects.get()
    assert complaint.channel == Channel.EMAIL and complaint.state == ComplaintState.RECORDED
    assert complaint.complainant_email == "eva@ugyfel.example" and complaint.complainant_name == "Kovács Éva"
    assert complaint.subject == "Panasz: kétszer terheltek"
    assert "kétszer vonták le" in complaint.description
    original = complaint.entries.get(kind=EntryKind.DOCUMENT)
    assert original.original_name == "eredeti-level.eml" and original.file.read() == raw
    assert not Ticket.objects.exists()
    # The mail tables keep only a trace: the complaint is not readable from the mail pages.
    inbound.refresh_from_db()
    assert inbound.status == InboundStatus.COMPLAINT and complaint.number not in inbound.reason
    assert bytes(inbound.raw) == b"" and inbound.text == "" and inbound.subject == ""
    assert inbound.sender_address == "" and inbound.sender_name == ""
    (ack,) = smtp_server.messages
    assert ack["To"] == "eva@ugyfel.example" and complaint.number in ack["Subject"]


def test_the_same_complaint_mail_delivered_twice_is_one_complaint(complaints_mailbox: Mailbox) -> None:
    raw = mail(subject="Panasz", body="Szöveg")
    message_ingest(raw=raw, mailbox=complaints_mailbox)
    assert message_ingest(raw=raw, mailbox=complaints_mailbox).duplicate
    assert Complaint.objects.count() == 1


def test_a_reply_with_the_complaint_number_joins_the_complaint_from_any_mailbox(users: Any) -> None:
    complaint = phone_complaint(users, complainant_email="")
    raw = mail(subject=f"Re: [{complaint.number}] Panaszát rögzítettük", body="Csatolom a számlát.", message_id="r1@x")
    message_ingest(raw=raw)
    entry = complaint.entries.get(kind=EntryKind.MESSAGE)
    assert entry.text.startswith("Csatolom a számlát.")
    assert complaint.events.filter(action=Action.MESSAGE).exists()
    assert not Ticket.objects.exists() and Complaint.objects.count() == 1


def test_a_reply_threads_by_our_message_id(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = phone_complaint(users)
    ours = ComplaintMessage.objects.get(complaint=complaint)
    raw = mail(subject="Re: válasz", body="Köszönöm.", message_id="r2@x", extra=f"In-Reply-To: <{ours.message_id}>")
    message_ingest(raw=raw)
    assert complaint.entries.filter(kind=EntryKind.MESSAGE).count() == 1


def test_a_mail_to_an_ordinary_mailbox_is_still_a_ticket(db: Any) -> None:
    message_ingest(raw=mail(subject="Nem nyomtat"))
    assert Ticket.objects.count() == 1 and not Complaint.objects.exists()


def test_a_bounced_complaint_answer_is_recorded_on_the_complaint(
    users: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        complaint = phone_complaint(users)
    ours = ComplaintMessage.objects.get(complaint=complaint)
    report = (
        "From: MAILER-DAEMON@mx.ugyfel.example\r\nTo: ugyfelszolgalat@pult.localhost\r\n"
        "Subject: Undelivered Mail Returned to Sender\r\nMessage-ID: <bounce-9@mx.ugyfel.example>\r\n"
        "Auto-Submitted: auto-replied\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/report; report-type=delivery-status; boundary="R"\r\n\r\n'
        "--R\r\nContent-Type: text/plain\r\n\r\nThe mail system could not deliver your message.\r\n"
        "--R\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.ugyfel.example\r\n\r\n"
        "Final-Recipient: rfc822; kovacs.eva@ugyfel.example\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        "Diagnostic-Code: smtp; 550 5.1.1 User unknown\r\n"
        f"--R\r\nContent-Type: text/rfc822-headers\r\n\r\nMessage-ID: <{ours.message_id}>\r\nSubject: x\r\n"
        "--R--\r\n"
    ).encode()
    inbound = message_ingest(raw=report).message
    ours.refresh_from_db()
    assert ours.status == MessageStatus.BOUNCED and "User unknown" in ours.last_error
    assert complaint.events.filter(action=Action.MAIL_BOUNCED).exists()
    assert inbound.ticket is None and bytes(InboundMessage.objects.get(pk=inbound.pk).raw) == b""


def test_the_public_complaint_form_records_and_acknowledges_a_web_complaint(
    client: Any, db: Any, smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    page = client.get(reverse("complaints:public_form"))
    assert page.status_code == 200
    data = {
        "complainant_name": "Nagy Péter",
        "complainant_email": "nagy.peter@ugyfel.example",
        "complainant_address": "4025 Debrecen, Piac utca 1.",
        "county": "hajdu_bihar",
        "subject": "Késik a javítás",
        "description": "Három hete jeleztem a hibát, azóta sincs megoldás.",
        "website": "",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("complaints:public_form"), data)
    complaint = Complaint.objects.get()
    assert response.status_code == 200 and complaint.number in response.content.decode()
    assert complaint.channel == Channel.WEB and complaint.county == "hajdu_bihar"
    (ack,) = smtp_server.messages
    assert ack["To"] == "nagy.peter@ugyfel.example" and complaint.number in ack.get_body().get_content()


def test_the_public_form_refuses_incomplete_input_and_robots(client: Any, db: Any) -> None:
    response = client.post(reverse("complaints:public_form"), {"subject": "x", "description": ""})
    assert response.status_code == 400
    robot = {"complainant_name": "Bot", "subject": "x", "description": "y", "website": "http://spam.example"}
    assert client.post(reverse("complaints:public_form"), robot).status_code == 400
    assert not Complaint.objects.exists()
