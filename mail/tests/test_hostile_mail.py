"""Incoming mail that other programs get wrong: a header the parser cannot read costs only that header or
part, never the message; a Message-ID reused by another message does not swallow it."""

from __future__ import annotations

import sysconfig
from pathlib import Path
from typing import Any

import pytest

from mail.choices import InboundStatus
from mail.models import InboundMessage
from mail.parsing import parse
from mail.services import message_ingest
from tickets.models import Ticket

pytestmark = pytest.mark.django_db

# CPython's own e-mail test messages: 48 real and odd messages, five of which share one Message-ID.
CPYTHON_MAIL = Path(sysconfig.get_paths()["stdlib"]) / "test" / "test_email" / "data"


def with_attachment(disposition: str, content_type: str = 'application/pdf; name="számla.pdf"') -> bytes:
    return (
        "From: Kovács Éva <eva@ugyfel.example>\r\nTo: desk@pult.test\r\nSubject: Számla csatolva\r\n"
        "Message-ID: <szamla-1@ugyfel.example>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
        "Csatolom a számlát, kérem, nézzék meg.\r\n"
        f"--b\r\nContent-Type: {content_type}\r\nContent-Disposition: {disposition}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQKJcOkw7w=\r\n--b--\r\n"
    ).encode("utf-8", "surrogateescape")


def test_a_raw_utf8_attachment_file_name_gives_a_ticket_with_the_file_and_an_acknowledgement(
    smtp_server: Any, django_capture_on_commit_callbacks: Any
) -> None:
    raw = with_attachment('attachment; filename="számla.pdf"')  # 8-bit UTF-8 in the header, as many programs send
    with django_capture_on_commit_callbacks(execute=True):
        result = message_ingest(raw=raw)
    assert result.message.status == InboundStatus.NEW_TICKET
    ticket = Ticket.objects.get()
    assert ticket.subject == "Számla csatolva" and "Csatolom a számlát" in ticket.description
    [attachment] = ticket.attachments.all()
    assert attachment.original_name == "számla.pdf"
    assert attachment.file.read().startswith(b"%PDF-1.4")
    [acknowledgement] = smtp_server.messages
    assert acknowledgement["X-Envelope-To"] == "eva@ugyfel.example"


@pytest.mark.parametrize(
    ("disposition", "content_type"),
    [
        ('attachment; filename="sz\udcc3\udca1mla.pdf"', "application/pdf"),  # only the Content-Disposition
        ("attachment", 'application/pdf; name="árvíztűrő tükörfúrógép.pdf"'),  # only the Content-Type's name
        ('attachment; filename="\udcff\udcfe.pdf"', "application/pdf"),  # bytes that are no UTF-8 at all
        ("attachment; filename*=utf-8''%C3%A1%ZZ.pdf; filename=\"x", "application/pdf"),  # broken parameters
    ],
)
def test_an_unreadable_attachment_header_costs_at_most_the_file_name(disposition: str, content_type: str) -> None:
    raw = with_attachment(disposition, content_type)
    parsed = parse(raw)
    assert parsed.subject == "Számla csatolva" and "Csatolom a számlát" in parsed.text
    [attachment] = parsed.attachments
    assert attachment.content.startswith(b"%PDF-1.4") and attachment.filename  # a name, if not the sender's
    message_ingest(raw=raw)
    assert Ticket.objects.get().attachments.count() == 1


def test_every_cpython_test_message_is_stored_and_only_true_duplicates_are_merged() -> None:
    files = sorted(CPYTHON_MAIL.glob("msg_*.txt"))
    assert len(files) >= 40, f"CPython's test messages are missing from {CPYTHON_MAIL}"
    raws = [path.read_bytes() for path in files]
    reused = {}
    for raw in raws:
        parsed = parse(raw)
        reused.setdefault(parsed.message_id, set()).add(parsed.content_key)
    assert any(len(keys) > 1 for message_id, keys in reused.items() if message_id), "no reused Message-ID"

    results = [message_ingest(raw=raw) for raw in raws]

    distinct = {parse(raw).content_key if parse(raw).message_id else parse(raw).content_hash for raw in raws}
    assert InboundMessage.objects.count() == len(distinct)
    for raw, result in zip(raws, results, strict=True):
        stored = InboundMessage.objects.get(pk=result.message.pk)
        if not result.duplicate:
            assert bytes(stored.raw) == raw
        else:  # the same Message-ID and the same content as a message stored before
            assert parse(bytes(stored.raw)).content_key == parse(raw).content_key
    assert all(message.status for message in InboundMessage.objects.all())
