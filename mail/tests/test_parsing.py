"""Reading Hungarian mail as it arrives in the wild."""

from __future__ import annotations

import pytest

from mail.parsing import decode_text, html_to_text, parse

HUNGARIAN = "Árvíztűrő tükörfúrógép: ő ű Ő Ű"


def message(body: bytes, *, headers: str = "", content_type: str = "text/plain; charset=utf-8") -> bytes:
    head = (
        "From: =?utf-8?q?Kov=C3=A1cs_=C3=89va?= <Eva@Ugyfel.example>\r\n"
        "To: ugyfelszolgalat@pult.example\r\n"
        "Subject: Teszt\r\n"
        "Message-ID: <abc@ugyfel.example>\r\n"
        "Date: Tue, 24 Nov 2026 07:30:00 +0100\r\n"
        f"MIME-Version: 1.0\r\nContent-Type: {content_type}\r\n" + headers
    )
    return head.encode("ascii") + b"\r\n" + body


@pytest.mark.parametrize(
    ("charset", "codec"),
    [("utf-8", "utf-8"), ("iso-8859-2", "iso-8859-2"), ("windows-1250", "cp1250"), ("ISO-8859-2", "iso-8859-2")],
)
def test_body_in_each_hungarian_charset_reads_the_same(charset, codec):
    parsed = parse(message(HUNGARIAN.encode(codec), content_type=f"text/plain; charset={charset}"))
    assert parsed.text == HUNGARIAN


def test_windows_1250_mislabelled_as_iso_8859_2_is_read_as_windows_1250():
    text = "„Idézőjel” – Šárközi"  # „ ” – Š exist only in cp1250, at ISO-8859-2's control positions
    parsed = parse(message(text.encode("cp1250"), content_type="text/plain; charset=iso-8859-2"))
    assert parsed.text == text


def test_eight_bit_text_without_a_charset_is_read_as_utf8_or_else_windows_1250():
    assert parse(message(HUNGARIAN.encode("utf-8"), content_type="text/plain")).text == HUNGARIAN
    assert parse(message(HUNGARIAN.encode("cp1250"), content_type="text/plain")).text == HUNGARIAN


def test_hungarian_text_labelled_latin1_gets_its_long_accents_back():
    parsed = parse(message("őrzött űrlap".encode("iso-8859-2"), content_type="text/plain; charset=iso-8859-1"))
    assert parsed.text == "őrzött űrlap"


def test_decoding_never_raises_on_unknown_charsets():
    assert decode_text(b"\xff\xfe abc", "x-no-such-charset") == "˙ţ abc"  # as Windows-1250


def test_rfc2047_subject_and_sender_name_are_decoded():
    raw = message(b"x").replace(
        b"Subject: Teszt", b"Subject: =?iso-8859-2?q?=C1rv=EDzt=FBr=F5?= =?utf-8?b?dMO8a8O2cmbDunLDs2fDqXA=?="
    )
    parsed = parse(raw)
    assert parsed.subject == "Árvíztűrőtükörfúrógép"
    assert (parsed.sender_name, parsed.sender_address) == ("Kovács Éva", "eva@ugyfel.example")


def test_eight_bit_subject_without_encoding_is_decoded():
    raw = message(b"x").replace(b"Subject: Teszt", "Subject: Díjbekérő hiba".encode("cp1250"))
    assert parse(raw).subject == "Díjbekérő hiba"


def test_rfc2231_filename_and_attachment_bytes():
    body = (
        b"--XX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nL\xc3\xa1sd mell\xc3\xa9kelve.\r\n"
        b"--XX\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b"Content-Disposition: attachment;\r\n filename*0*=utf-8''sz%C3%A1mla%20;\r\n filename*1*=2026.pdf\r\n\r\n"
        b"JVBERi0xLjQ=\r\n--XX--\r\n"
    )
    parsed = parse(message(body, content_type='multipart/mixed; boundary="XX"'))
    assert parsed.text == "Lásd mellékelve."
    assert [(a.filename, a.content) for a in parsed.attachments] == [("számla 2026.pdf", b"%PDF-1.4")]


def test_html_only_mail_is_sanitised_and_has_a_text_version():
    markup = '<p>Kedves <b>Ügyfélszolgálat</b>!</p><script>alert(1)</script><a href="javascript:x()">link</a>'
    parsed = parse(message(markup.encode(), content_type="text/html; charset=utf-8"))
    assert "<script" not in parsed.html and "javascript:" not in parsed.html
    assert "<b>Ügyfélszolgálat</b>" in parsed.html
    assert parsed.text.startswith("Kedves Ügyfélszolgálat!")
    assert "alert" not in parsed.text


def test_html_to_text_keeps_paragraphs():
    assert html_to_text("<p>egy</p><p>kettő &amp; három</p>") == "egy\nkettő & három"


def test_null_bytes_are_removed():
    assert parse(message(b"a\x00b")).text == "ab"


def test_forwarded_message_is_kept_as_an_eml_attachment():
    inner = b"From: a@b.example\r\nSubject: Eredeti\r\n\r\nbelso\r\n"
    body = (
        b"--XX\r\nContent-Type: text/plain\r\n\r\nTov\xc3\xa1bb\xc3\xadtom.\r\n"
        b"--XX\r\nContent-Type: message/rfc822\r\n\r\n" + inner + b"--XX--\r\n"
    )
    parsed = parse(message(body, content_type='multipart/mixed; boundary="XX"'))
    assert parsed.attachments[0].filename == "Eredeti.eml"
    assert b"belso" in parsed.attachments[0].content


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Precedence: bulk",
        "Precedence: junk",
        "Precedence: list",
        "X-Autoreply: yes",
        "X-Auto-Response-Suppress: All",
        "Return-Path: <>",
    ],
)
def test_automatic_messages_are_recognised(header):
    assert parse(message(b"Szabads\xc3\xa1gon vagyok.", headers=header + "\r\n")).auto_reply


def test_a_person_s_message_is_not_automatic():
    parsed = parse(message(b"x", headers="Auto-Submitted: no\r\nReturn-Path: <eva@ugyfel.example>\r\n"))
    assert parsed.auto_reply == "" and not parsed.bounce


@pytest.mark.parametrize(
    "subject",
    ["[2026/000123] Nyomtató", "Re: [2026/000123] Nyomtató", "Vá: Fw: [2026/000123]", "Továbbítás: RE:[2026/123]"],
)
def test_ticket_number_in_the_subject_survives_prefixes(subject):
    raw = message(b"x").replace(b"Subject: Teszt", f"Subject: {subject}".encode())
    assert parse(raw).ticket_reference == (2026, 123)


def test_references_and_message_ids_are_read_without_brackets():
    parsed = parse(message(b"x", headers="In-Reply-To: <q1@pult.example>\r\nReferences: <q0@x> <q1@pult.example>\r\n"))
    assert parsed.message_id == "abc@ugyfel.example"
    assert (parsed.in_reply_to, parsed.references) == ("q1@pult.example", ["q0@x", "q1@pult.example"])


@pytest.mark.parametrize("raw", [b"", b"\x00\xff\xfe", b"Subject: =?bogus?q?x?=\r\n\r\n", b"From: <>\r\n\r\nx"])
def test_garbage_never_raises(raw):
    parsed = parse(raw)
    assert isinstance(parsed.text, str) and len(parsed.content_hash) == 64
