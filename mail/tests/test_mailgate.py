"""`manage.py mailgate` as a mail server runs it: a real process reading one message on standard input."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mail.models import InboundMessage
from testkit.processes import manage_environment, manage_py
from tickets.models import Ticket

RAW = (
    "From: Kovács Éva <eva@ugyfel.example>\r\nTo: ugyfelszolgalat@pult.example\r\n"
    "Subject: =?utf-8?q?Sz=C3=A1ml=C3=A1z=C3=B3_hiba?=\r\nMessage-ID: <pipe-1@ugyfel.example>\r\n"
    "Content-Type: text/plain; charset=utf-8\r\n\r\nA számlázó nem indul.\r\n"
).encode()


def mailgate(stdin: bytes, *args: str, media: Path, **database: str) -> subprocess.CompletedProcess:
    env = manage_environment(media) | database
    return manage_py("mailgate", *args, env=env, stdin=stdin)


@pytest.mark.django_db(transaction=True)
def test_a_piped_message_is_stored_once_and_the_exit_code_says_so(tmp_path):
    first = mailgate(RAW, media=tmp_path)
    assert first.returncode == 0, first.stderr.decode()
    ticket = Ticket.objects.get()
    assert ticket.subject == "Számlázó hiba" and ticket.number in first.stdout.decode()
    again = mailgate(RAW, media=tmp_path)
    assert again.returncode == 0 and "already stored" in again.stdout.decode()
    assert Ticket.objects.count() == 1 and InboundMessage.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_empty_input_and_unknown_mailbox_are_refused_with_a_message(tmp_path):
    empty = mailgate(b"", media=tmp_path)
    assert empty.returncode == 65 and "empty message" in empty.stderr.decode()
    unknown = mailgate(RAW, "--mailbox", "nincs@pult.example", media=tmp_path)
    assert unknown.returncode == 67 and "nincs@pult.example" in unknown.stderr.decode()
    assert InboundMessage.objects.count() == 0


def test_an_unreachable_database_asks_the_mail_server_to_retry(tmp_path):
    result = mailgate(RAW, media=tmp_path, DATABASE_URL="postgres://postgres@127.0.0.1:9/pult", SQLITE_PATH="")
    assert result.returncode == 75
    assert "try again later" in result.stderr.decode()
