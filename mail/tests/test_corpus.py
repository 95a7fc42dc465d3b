"""Conformance: every message of the shared corpus (other projects' test mail) goes through the intake
without an exception and ends as a ticket, a reply or a set-aside message with a reason; random and
mutated messages never break the parser and their raw bytes are always kept."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from mail.choices import InboundStatus
from mail.models import InboundMessage
from mail.parsing import parse
from mail.services import message_ingest

CORPUS = Path(os.environ.get("PULT_CORPUS_DIR", Path(settings.BASE_DIR).parent / "shared" / "corpus")) / "mail"
FILES = sorted(path for path in CORPUS.glob("*/*") if path.is_file()) if CORPUS.is_dir() else []

# What a person reading the mail sees: subject, sender, and a piece of the body.
EXPECTED = {
    "django-helpdesk/all-special-chars.eml": ("Testovácí email", "timothy.hobbs@auto-mat.cz", "íářčšáíéřášč"),
    "django-helpdesk/quoted_printable.eml": ("Český test", "tim.thelion@gmail.com", "českých písmen"),
    "django-helpdesk/utf-nondecodable.eml": (
        "Fwd: Cyklozaměstnavatel - změna vyhodnocení",
        "john.smith@example.cz",
        "Forwarded Message",
    ),
    "django-helpdesk/forwarded-message.eml": (
        "Test with original message from GitHub",
        "sender@domain.tld",
        "This is email body",
    ),
    "freescout/message-4-null-bytes.eml": ("активизация виндойс", "a.volga@nami-ag.ru", "Уважаемые системные"),
    "freescout/message-5-iso-2022-jp.eml": ("ご注文商品を本日お届けします", "noreply@example.org", "アマゾン"),
    "freescout/message-2.eml": ("Test bad boundary", "test@mail.com", "may contain an attachment"),
    "rt/new-ticket-from-gb18030": ("测试", "root@localhost", "测试"),
    "rt/new-ticket-from-iso-8859-1": ("Re: rt-3.0.3pre1", "hw@nordkapp.net", "Håvard"),
    "rt/8859-15-message-series_msg1": ("test äöüßÄÖÜß€", "pape@inf.fu-berlin.de", "test äöüßÄÖÜß€"),
    "rt/multipart-alternative-with-umlaut": (
        "RE: [rt-users] HTML-encoded mails with umlaute",
        "gst@example.com",
        "causes rt to crash",
    ),
    "rt/nested-rfc-822": ("[Jonas Liljegren] Re: [Para] Nivåer?", "jonas@example.com", "uppdatera texten om nivåer"),
    "rt/rfc2231-attachment-filename-continuations": (
        "Client ? Japanese Attachment Name issue",
        "root@localhost",
        "Some data in a file",
    ),
    "rt/subject-with-folding-ws": ("test", "foo@example.com", "test"),
    "rt/notes-uuencoded": ("Test e-mail which exhibits problems with RT", "mhenrion@example.com", "Lotus Notes"),
    "django-helpdesk/blank-body-with-attachment.eml": (
        "Attachment without body - and a l" + "o" * 179 + "ng subject",
        "timothy.hobbs@auto-mat.cz",
        "",
    ),
    "django-helpdesk/pgp.eml": (
        "example email that crashes django-helpdesk get_email",
        "bugreporter@example.com",
        "hi, thanks for looking into this :)",
    ),
    "freescout/issue-4567.eml": (
        JAPANESE := "☆第132号 「ガーデン&エクステリア」専門店のためのＱ&Ａサロン 【月刊エクステリア・ワーク】",
        "analisismadrid@xxx.org",
        "",
    ),
    "freescout/message-1.eml": (JAPANESE, "analisismadrid@xxx.org", ""),
    "freescout/message-1b.eml": (
        VIENNA := "386 - 400021804 - 19., Heiligenstädter Straße 80 - 0819306 - Anfrage Vergabevorschlag",
        "from@there.com",
        "",
    ),
    "freescout/message-1symbols.eml": (VIENNA, "from@there.com", ""),
    "freescout/message-3.eml": ("1", "analisismadrid@xxx.org", "1"),
    **{
        f"rt/8859-15-message-series_msg{n}": ("test äöüßÄÖÜß€", "pape@inf.fu-berlin.de", "test äöüßÄÖÜß€")
        for n in range(2, 8)
    },
    "rt/crashes-file-based-parser": ("Fwd: scanning my ports", "drstas@d.example.com", "Forwarded Message"),
    "rt/email-file-attachment-2.eml": (
        "This is another test",
        "user1@example.com",
        "This is a test with a multipart email file attachment.",
    ),
    "rt/email-file-attachment.eml": (
        "This is a test",
        "user1@example.com",
        "This is a test with an email file attachment.",
    ),
    "rt/nested-mime-sample": (
        "Example MIME within MIME within MIME message",
        "xxxxxx_yyyyyyy@some.net",
        "MIME is fun at times.",
    ),
    "rt/new-ticket-from-iso-8859-1-full": ("Re: rt-3.0.3pre1", "hw@nordkapp.net", "you wrote:"),
    "rt/outlook-rfc822": ("msg attachment", "root@localhost", "Could this look more spammy? “Check out"),
    "rt/rt-send-cc": ("testing send-cc headers", "rt@example.com", ""),
    # 8-bit text with no charset at all is read as Windows-1250, the Hungarian default; this one is KOI8-R
    # Russian, so it reads as Latin letters — but it is stored, readable as sent, and nothing is lost.
    "rt/russian-subject-no-content-type": ("ÔĹÓÔ ÔĹÓÔ", "mitya@fling-wing.example.com", "ôĺóô"),
    "rt/text-html-with-umlaut": (
        "An example of mail containing text-html with an umlaut in the content",
        "gst@example.com",
        "causes rt to crash.",
    ),
    "rt/very-long-subject": ("0123456789" * 30, "foo@example.com", "This email has a very long subject."),
}
SET_ASIDE = {
    "rt/multipart-report": "visszapattant",
    "rt/8859-15-message-series_dir": "automatikus",
    "rt/lorem-ipsum": "nincs feladócím",
}
ATTACHMENTS = {
    "rt/rfc2231-attachment-filename-continuations": ["新しいテキスト ドキュメント.txt"],
    "rt/notes-uuencoded": ["Naz_Head.jpg"],
    "freescout/message-1b.eml": ["2021_Mängelliste_0819306.xlsx"],
    "django-helpdesk/blank-body-with-attachment.eml": ["baf"],
}


def test_the_corpus_is_there():
    """The corpus lives beside the project (shared/); without it the conformance run cannot happen."""
    if not FILES:
        pytest.skip(f"no corpus at {CORPUS}: the conformance tests did not run")
    assert len(FILES) >= 40
    names = {str(path.relative_to(CORPUS)) for path in FILES}
    assert set(EXPECTED) | set(SET_ASIDE) | set(ATTACHMENTS) <= names
    assert names <= set(EXPECTED) | set(SET_ASIDE), "every corpus message has its expected subject, sender and body"


@pytest.mark.django_db
@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS)) for p in FILES])
def test_every_corpus_message_becomes_a_ticket_a_reply_or_is_set_aside_with_a_reason(path):
    name = str(path.relative_to(CORPUS))
    raw = path.read_bytes()
    message = message_ingest(raw=raw).message
    assert bytes(InboundMessage.objects.get(pk=message.pk).raw) == raw
    if name in SET_ASIDE:
        assert message.status == InboundStatus.SET_ASIDE and SET_ASIDE[name] in message.reason
        return
    assert message.status == InboundStatus.NEW_TICKET, message.reason
    ticket = message.ticket
    assert ticket.subject and ticket.contact.email == message.sender_address
    assert "\ufffd" not in ticket.subject
    subject, sender, body = EXPECTED[name]
    assert message.subject == subject and ticket.subject == subject[:250]
    assert message.sender_address == sender
    assert body in ticket.description if body else ticket.description == "—"
    if name in ATTACHMENTS:
        assert list(ticket.attachments.values_list("original_name", flat=True)) == ATTACHMENTS[name]


@given(st.binary(max_size=3000))
@hypothesis_settings(max_examples=300, deadline=None)
def test_random_bytes_never_break_the_parser(raw):
    parsed = parse(raw)
    assert isinstance(parsed.subject, str) and isinstance(parsed.text, str)
    assert "\x00" not in parsed.text


@pytest.mark.django_db
@given(data=st.data())
@hypothesis_settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
def test_mutated_corpus_messages_are_always_stored(data):
    if not FILES:
        return
    raw = bytearray(data.draw(st.sampled_from(FILES)).read_bytes())
    for _ in range(data.draw(st.integers(1, 20))):
        position = data.draw(st.integers(0, max(0, len(raw) - 1)))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and raw:
            raw[position] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[position : position + data.draw(st.integers(1, 200))]
        else:
            raw[position:position] = data.draw(st.binary(min_size=1, max_size=40))
    result = message_ingest(raw=bytes(raw))
    message = result.message
    parsed = parse(bytes(raw))
    if result.duplicate:  # examples share the database: an unchanged Message-ID is the same message
        assert message.message_id == parsed.message_id != "" or message.content_hash == parsed.content_hash
    else:
        assert bytes(InboundMessage.objects.get(pk=message.pk).raw) == bytes(raw)
    assert message.status in InboundStatus.values
    assert message.status != InboundStatus.SET_ASIDE or message.reason
