"""Incoming mail becomes tickets, replies or feedback — once, and never lost."""

from __future__ import annotations

import pytest

from mail.choices import InboundStatus
from mail.models import InboundMessage, Mailbox, OutboundMessage
from mail.services import message_ingest
from testkit.factories import ContactFactory, ModuleFactory
from testkit.workflow import advance, register
from tickets.choices import Action, Channel, FeedbackOutcome, State
from tickets.models import Ticket

pytestmark = pytest.mark.django_db


def mail(
    *,
    subject: str = "Nem nyomtat a számlázó",
    sender: str = "Kovács Éva <eva@ugyfel.example>",
    body: str = "Jó napot! A számlázó nem nyomtat. Üdvözlettel: Éva",
    message_id: str | None = "m1@ugyfel.example",
    extra: str = "",
) -> bytes:
    from email.header import Header

    lines = [
        f"From: {Header(sender, 'utf-8').encode()}",
        "To: ugyfelszolgalat@pult.example",
        f"Subject: {Header(subject, 'utf-8').encode()}",
        "Date: Tue, 24 Nov 2026 07:30:00 +0100",
        "MIME-Version: 1.0",
        "Content-Type: text/plain; charset=utf-8",
        "Content-Transfer-Encoding: 8bit",
    ]
    if message_id:
        lines.append(f"Message-ID: <{message_id}>")
    if extra:
        lines.append(extra)
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode("utf-8")


def test_a_mail_from_a_known_contact_becomes_a_ticket_with_its_raw_message(users):
    contact = ContactFactory(email="eva@ugyfel.example")
    raw = mail()
    result = message_ingest(raw=raw)
    ticket = Ticket.objects.get()
    assert (ticket.contact, ticket.channel, ticket.subject) == (contact, Channel.EMAIL, "Nem nyomtat a számlázó")
    assert ticket.description == "Jó napot! A számlázó nem nyomtat. Üdvözlettel: Éva"
    assert ticket.events.get().actor.username == "pult-rendszer"
    stored = result.message
    assert stored.status == InboundStatus.NEW_TICKET and stored.ticket == ticket
    assert bytes(InboundMessage.objects.get().raw) == raw


def test_an_unknown_sender_becomes_a_new_contact(db):
    message_ingest(raw=mail(sender="Új Ügyfél <uj@valahol.example>"))
    ticket = Ticket.objects.get()
    assert (ticket.contact.name, ticket.contact.email) == ("Új Ügyfél", "uj@valahol.example")


def test_a_fax_gateway_mailbox_registers_fax_tickets_with_its_module(db):
    module = ModuleFactory()
    mailbox = Mailbox.objects.create(name="Fax", address="fax@pult.example", channel=Channel.FAX, default_module=module)
    message_ingest(raw=mail(), mailbox=mailbox)
    ticket = Ticket.objects.get()
    assert (ticket.channel, ticket.module) == (Channel.FAX, module)


def test_the_same_message_delivered_twice_makes_one_ticket(db):
    first = message_ingest(raw=mail())
    # The same message by another way: the mail server adds its trace headers on top and may change line ends.
    relayed = b"Received: from mx2.pult.example by imap.pult.example; Tue, 24 Nov 2026 07:31:02 +0100\r\n"
    relayed += b"Delivered-To: panasz@pult.example\r\n" + mail().replace(b"\r\n", b"\n")
    again = message_ingest(raw=relayed)
    assert again.duplicate and again.message == first.message
    no_id = mail(message_id=None)
    message_ingest(raw=no_id)
    assert message_ingest(raw=no_id).duplicate  # same bytes, no Message-ID
    assert Ticket.objects.count() == 2 and InboundMessage.objects.count() == 2


def test_another_message_that_reuses_a_message_id_is_kept_and_registered(db):
    first = message_ingest(raw=mail())
    other = mail(subject="Másik kérdés", body="Ez egy másik levél, ugyanazzal a Message-ID-vel.")
    second = message_ingest(raw=other)
    assert not second.duplicate and second.message != first.message
    assert bytes(InboundMessage.objects.get(pk=second.message.pk).raw) == other
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Másik kérdés", "Nem nyomtat a számlázó"]
    assert message_ingest(raw=other).duplicate  # and that one, delivered again, is a duplicate of itself


def test_a_reply_with_the_ticket_number_is_added_to_the_open_ticket(users, contact):
    ticket = advance(register(users, contact), State.IN_PROGRESS, users)
    result = message_ingest(
        raw=mail(subject=f"Vá: [{ticket.number}] Nem nyomtat", body="Még mindig hibás.", message_id="m2@ugyfel.example")
    )
    assert result.message.status == InboundStatus.REPLY and result.message.ticket == ticket
    event = ticket.events.last()
    assert (event.action, event.note) == (Action.MESSAGE_RECEIVED, "Még mindig hibás.")
    assert Ticket.objects.count() == 1 and Ticket.objects.get().state == State.IN_PROGRESS


def test_a_reply_without_number_threads_by_in_reply_to(users, contact):
    first = message_ingest(raw=mail(message_id="eredeti@ugyfel.example")).message
    reply = message_ingest(
        raw=mail(
            subject="Re: valami", message_id="valasz@ugyfel.example", extra="In-Reply-To: <eredeti@ugyfel.example>"
        )
    )
    assert reply.message.status == InboundStatus.REPLY and reply.message.ticket == first.ticket


def test_a_reply_on_a_closed_ticket_waits_as_feedback_for_review(users, contact):
    ticket = advance(register(users, contact), State.CLOSED, users)
    result = message_ingest(raw=mail(subject=f"Re: [{ticket.number}]", body="Köszönöm, működik!"))
    assert result.message.status == InboundStatus.FEEDBACK
    ticket.refresh_from_db()
    assert ticket.state == State.CLOSED
    feedback = ticket.feedback.get()
    assert (feedback.outcome, feedback.content) == (FeedbackOutcome.PENDING, "Köszönöm, működik!")


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ("Auto-Submitted: auto-replied", "automatikus üzenet"),
        ("Precedence: bulk", "automatikus üzenet"),
        ("Return-Path: <>", "automatikus üzenet"),
    ],
)
def test_automatic_mail_is_recorded_but_makes_no_ticket(extra, reason, db):
    result = message_ingest(raw=mail(extra=extra, subject="Házon kívül"))
    assert result.message.status == InboundStatus.SET_ASIDE and reason in result.message.reason
    assert Ticket.objects.count() == 0 and InboundMessage.objects.count() == 1


def test_an_attachment_over_the_limit_is_named_on_the_ticket_and_kept_in_the_raw(db, settings):
    settings.PULT_MAX_ATTACHMENT_BYTES = 10
    raw = (
        b"From: eva@ugyfel.example\r\nSubject: Mellekletek\r\nMessage-ID: <a@b>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain\r\n\r\nLasd.\r\n"
        b'--XX\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename="kicsi.txt"\r\n\r\nok\r\n'
        b'--XX\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename="nagy.png"\r\n\r\n'
        b"0123456789abcdef\r\n--XX--\r\n"
    )
    ticket = message_ingest(raw=raw).message.ticket
    assert list(ticket.attachments.values_list("original_name", flat=True)) == ["kicsi.txt"]
    assert "nagy.png" in ticket.description and "a méretkorlát felett" in ticket.description
    assert b"0123456789abcdef" in bytes(InboundMessage.objects.get().raw)


def fax_mail(subject: str, extra: str = "") -> bytes:
    return (
        f"From: Faxszerver <fax-gateway@szolgaltato.example>\r\nSubject: {subject}\r\nMessage-ID: <fax-{subject}>\r\n"
        f'{extra}MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="F"\r\n\r\n'
        "--F\r\nContent-Type: text/plain\r\n\r\nFax received, 2 pages.\r\n"
        '--F\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename="fax.pdf"\r\n\r\n'
        "%PDF-1.4 fax\r\n--F--\r\n"
    ).encode()


def test_a_fax_is_matched_to_the_contact_by_the_sender_s_fax_number(db, django_capture_on_commit_callbacks):
    contact = ContactFactory(fax="+36 1 234 5679")
    mailbox = Mailbox.objects.create(name="Fax", address="fax@pult.example", channel=Channel.FAX)
    with django_capture_on_commit_callbacks(execute=True):
        ticket = message_ingest(raw=fax_mail("Fax from 06-1-234-5679"), mailbox=mailbox).message.ticket
    assert (ticket.channel, ticket.contact) == (Channel.FAX, contact)
    assert list(ticket.attachments.values_list("original_name", flat=True)) == ["fax.pdf"]
    # Never an e-mail back to the gateway's own address: the acknowledgement is a fax to the sender's number.
    assert not OutboundMessage.objects.filter(to="fax-gateway@szolgaltato.example").exists()
    [acknowledgement] = OutboundMessage.objects.filter(kind="acknowledgement")
    assert (acknowledgement.channel, acknowledgement.fax_number) == ("fax", "06-1-234-5679")


def test_the_fax_number_can_come_from_a_header_by_the_mailbox_s_pattern(db):
    mailbox = Mailbox.objects.create(
        name="Fax",
        address="fax@pult.example",
        channel=Channel.FAX,
        fax_number_pattern=r"CSID=(\S+)",
        fax_number_headers="X-Fax-Info",
    )
    ticket = message_ingest(
        raw=fax_mail("Fax", extra="X-Fax-Info: pages=2; CSID=+3676555125\r\n"), mailbox=mailbox
    ).message.ticket
    assert (ticket.contact.name, ticket.contact.fax, ticket.contact.email) == ("Fax +3676555125", "+3676555125", "")
    assert ticket.contact.preferred_channel == "fax"


def test_a_fax_sent_while_the_desk_is_closed_is_acknowledged_by_fax_with_when_it_will_be_handled(
    db, smtp_server, settings, django_capture_on_commit_callbacks
):
    from io import BytesIO

    from pypdf import PdfReader

    settings.PULT_FAX_GATEWAY_ADDRESS = "{number}@fax.szolgaltato.example"
    mailbox = Mailbox.objects.create(name="Fax", address="fax@pult.example", channel=Channel.FAX)
    saturday = "Date: Sat, 21 Nov 2026 10:00:00 +0100\r\n"
    with django_capture_on_commit_callbacks(execute=True):
        ticket = message_ingest(raw=fax_mail("Fax from +36 76 555 125", extra=saturday), mailbox=mailbox).message.ticket
    [sent] = smtp_server.messages
    assert sent["X-Envelope-To"] == "3676555125@fax.szolgaltato.example"
    [pdf] = [part for part in sent.iter_attachments() if part.get_content_type() == "application/pdf"]
    text = " ".join(PdfReader(BytesIO(pdf.get_content())).pages[0].extract_text().split())
    assert ticket.number in text
    assert "Kérését 2026. november 23-án, hétfőn 7:30-tól dolgozzuk fel." in text
