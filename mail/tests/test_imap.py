"""IMAP intake against a real Dovecot: fetched once, marked only after commit, nothing lost on a crash."""

from __future__ import annotations

import signal
import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from mail.choices import ImapSecurity, InboundStatus
from mail.fetching import STORED_KEYWORD, mailbox_fetch
from mail.models import InboundMessage, Mailbox
from testkit.imap import ImapServer
from testkit.processes import manage_environment, manage_py, start_manage_py
from tickets.models import Ticket


def mail(number: int, extra: str = "") -> bytes:
    return (
        f"From: Kovács Éva <eva{number % 7}@ugyfel.example>\r\nTo: desk@pult.test\r\n"
        f"Subject: =?utf-8?q?Hiba_{number}_=C3=A1rv=C3=ADzt=C5=B1r=C5=91?=\r\n"
        f"Message-ID: <imap-{number}@ugyfel.example>\r\n{extra}Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"A {number}. hiba leírása: ő ű."
    ).encode()


PASSWORD_ENV = "PULT_IMAP_PASSWORD_TEST"


@pytest.fixture(autouse=True)
def _password_in_the_environment(monkeypatch):
    """The mailbox names a variable; the password itself is only in the environment (issue 7)."""
    monkeypatch.setenv(PASSWORD_ENV, ImapServer.PASSWORD)
    monkeypatch.delenv(f"{PASSWORD_ENV}_FILE", raising=False)


def mailbox_for(server, **overrides) -> Mailbox:
    values = {
        "name": "Ügyfélszolgálat",
        "address": "desk@pult.test",
        "imap_host": "127.0.0.1",
        "imap_port": server.port,
        "imap_security": ImapSecurity.NONE,
        "imap_username": server.USER,
        "imap_password_env": PASSWORD_ENV,
    }
    return Mailbox.objects.create(**(values | overrides))


@pytest.mark.django_db
def test_new_messages_are_fetched_marked_on_the_server_and_not_fetched_again(imap_server):
    imap_server.append(mail(1), mail(2), mail(3, extra="Auto-Submitted: auto-replied\r\n"))
    mailbox = mailbox_for(imap_server)
    result = mailbox_fetch(mailbox.pk)
    assert (result.stored, result.duplicates, result.errors) == (3, 0, [])
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == ["Hiba 1 árvíztűrő", "Hiba 2 árvíztűrő"]
    assert InboundMessage.objects.filter(status=InboundStatus.SET_ASIDE).count() == 1
    assert all(STORED_KEYWORD in flags and "\\Seen" in flags for flags in imap_server.flags())
    again = mailbox_fetch(mailbox.pk)
    assert (again.stored, again.duplicates) == (0, 0)
    mailbox.refresh_from_db()
    assert mailbox.last_fetch_at is not None and mailbox.last_fetch_count == 0 and mailbox.last_fetch_error == ""


@pytest.mark.django_db
def test_a_wrong_password_is_shown_on_the_mailbox_and_nothing_is_marked(imap_server, monkeypatch):
    imap_server.append(mail(1))
    monkeypatch.setenv(PASSWORD_ENV, "rossz")
    mailbox = mailbox_for(imap_server)
    result = mailbox_fetch(mailbox.pk)
    assert result.stored == 0 and result.errors
    mailbox.refresh_from_db()
    assert "AUTHENTICATIONFAILED" in mailbox.last_fetch_error or "failed" in mailbox.last_fetch_error.lower()
    assert mailbox.last_fetch_at is None
    assert all(STORED_KEYWORD not in flags for flags in imap_server.flags())


@pytest.mark.django_db
def test_the_password_can_come_from_the_file_named_by_NAME_FILE(imap_server, monkeypatch, tmp_path):
    imap_server.append(mail(1))
    secret = tmp_path / "imap-password"
    secret.write_text(f"{ImapServer.PASSWORD}\n", encoding="utf-8")  # the trailing newline is stripped
    monkeypatch.delenv(PASSWORD_ENV)
    monkeypatch.setenv(f"{PASSWORD_ENV}_FILE", str(secret))
    mailbox = mailbox_for(imap_server)
    result = mailbox_fetch(mailbox.pk)
    assert (result.stored, result.errors) == (1, [])
    assert Ticket.objects.get().subject == "Hiba 1 árvíztűrő"


@pytest.mark.django_db
def test_a_missing_password_variable_is_a_clear_error_on_the_mailbox_and_other_mailboxes_still_fetch(
    imap_server, monkeypatch
):
    from mail.tasks import fetch_all_mailboxes

    imap_server.append(mail(1), mail(2))
    monkeypatch.delenv("PULT_IMAP_PASSWORD_GONE", raising=False)
    monkeypatch.delenv("PULT_IMAP_PASSWORD_GONE_FILE", raising=False)
    broken = mailbox_for(imap_server, address="regi@pult.test", imap_password_env="PULT_IMAP_PASSWORD_GONE")
    result = mailbox_fetch(broken.pk)
    assert result.stored == 0
    broken.refresh_from_db()
    assert "PULT_IMAP_PASSWORD_GONE" in broken.last_fetch_error
    assert "PULT_IMAP_PASSWORD_GONE_FILE" in broken.last_fetch_error
    assert broken.last_fetch_at is None
    assert not Ticket.objects.exists()
    assert all(STORED_KEYWORD not in flags for flags in imap_server.flags())

    working = mailbox_for(imap_server)
    fetch_all_mailboxes.call_local()  # the poll goes on past the broken mailbox
    assert InboundMessage.objects.filter(mailbox=working).count() == 2
    working.refresh_from_db()
    broken.refresh_from_db()
    assert working.last_fetch_error == "" and working.last_fetch_at is not None
    assert "PULT_IMAP_PASSWORD_GONE" in broken.last_fetch_error


@pytest.mark.django_db
def test_an_unreadable_password_file_is_a_clear_error_on_the_mailbox(imap_server, monkeypatch, tmp_path):
    imap_server.append(mail(1))
    missing_file = tmp_path / "nincs-ilyen"
    monkeypatch.delenv(PASSWORD_ENV)
    monkeypatch.setenv(f"{PASSWORD_ENV}_FILE", str(missing_file))
    mailbox = mailbox_for(imap_server)
    assert mailbox_fetch(mailbox.pk).stored == 0
    mailbox.refresh_from_db()
    assert f"{PASSWORD_ENV}_FILE" in mailbox.last_fetch_error and str(missing_file) in mailbox.last_fetch_error
    assert not Ticket.objects.exists()


@pytest.mark.django_db
def test_an_unencrypted_connection_is_allowed_only_to_this_machine():
    mailbox = Mailbox(
        name="x",
        address="x@pult.test",
        imap_host="imap.example.hu",
        imap_security=ImapSecurity.NONE,
        imap_password_env=PASSWORD_ENV,
    )
    with pytest.raises(ValidationError):
        mailbox.clean()
    Mailbox(
        name="x",
        address="x@pult.test",
        imap_host="127.0.0.1",
        imap_security=ImapSecurity.NONE,
        imap_password_env=PASSWORD_ENV,
    ).clean()


@pytest.mark.django_db
def test_an_imap_mailbox_must_name_its_password_variable():
    with pytest.raises(ValidationError) as problem:
        Mailbox(name="x", address="x@pult.test", imap_host="127.0.0.1", imap_security=ImapSecurity.NONE).clean()
    assert "imap_password_env" in problem.value.message_dict
    Mailbox(name="Csak pipe", address="pipe@pult.test").clean()  # mailgate only: no IMAP, no password


@pytest.mark.django_db
def test_fetch_now_in_the_admin_reads_the_mailbox(imap_server, users):
    imap_server.append(mail(1))
    mailbox = mailbox_for(imap_server)
    administrator = users["administrator"]
    administrator.is_staff = True
    administrator.save()
    client = Client()
    client.force_login(administrator)
    response = client.post(
        "/admin/mail/mailbox/", {"action": "fetch_now", "_selected_action": [mailbox.pk]}, follow=True
    )
    assert response.status_code == 200
    assert Ticket.objects.get().subject == "Hiba 1 árvíztűrő"  # the worker ran it (in process, in tests)


@pytest.mark.django_db(transaction=True)
def test_killing_the_fetcher_mid_batch_loses_nothing_and_duplicates_nothing(imap_server, tmp_path):
    total = 120
    imap_server.append(*(mail(number) for number in range(total)))
    mailbox = mailbox_for(imap_server)
    env = manage_environment(tmp_path)
    fetcher = start_manage_py("fetch_mail", "--mailbox", mailbox.address, env=env)
    deadline = time.monotonic() + 120
    while InboundMessage.objects.count() < 20 and time.monotonic() < deadline and fetcher.poll() is None:
        time.sleep(0.05)
    fetcher.send_signal(signal.SIGKILL)  # mid-batch, wherever it is: between a commit and its flag, perhaps
    fetcher.wait(timeout=30)
    interrupted_at = InboundMessage.objects.count()
    assert 0 < interrupted_at < total, "the kill did not land mid-batch"

    finished = manage_py("fetch_mail", "--mailbox", mailbox.address, env=env, timeout=300)
    assert finished.returncode == 0, finished.stderr.decode()
    assert InboundMessage.objects.count() == total
    assert Ticket.objects.count() == total
    assert sorted(Ticket.objects.values_list("subject", flat=True)) == sorted(
        f"Hiba {number} árvíztűrő" for number in range(total)
    )
    assert all(STORED_KEYWORD in flags for flags in imap_server.flags())


@pytest.fixture
def imap_tls_server():
    server = ImapServer(tls=True)
    yield server
    server.stop()


@pytest.mark.django_db
def test_imap_over_tls_checks_the_certificate(imap_tls_server, settings):
    imap_tls_server.append(mail(1))
    mailbox = mailbox_for(imap_tls_server, imap_port=imap_tls_server.tls_port, imap_security=ImapSecurity.TLS)
    untrusted = mailbox_fetch(mailbox.pk)  # the self-signed certificate is not trusted yet
    assert untrusted.stored == 0 and "CERTIFICATE_VERIFY_FAILED" in untrusted.errors[0]
    settings.PULT_IMAP_CA_FILE = imap_tls_server.ca_file
    trusted = mailbox_fetch(mailbox.pk)
    assert (trusted.stored, trusted.errors) == (1, [])
    assert Ticket.objects.get().subject == "Hiba 1 árvíztűrő"


@pytest.mark.django_db
def test_the_periodic_poll_fetches_every_active_imap_mailbox(imap_server):
    from mail.tasks import fetch_all_mailboxes

    imap_server.append(mail(1), mail(2))
    polled = mailbox_for(imap_server)
    pipe_only = Mailbox.objects.create(name="Csak pipe", address="pipe@pult.test")  # nothing to poll
    inactive = mailbox_for(
        imap_server, address="ki@pult.test", is_active=False, imap_password_env="PULT_IMAP_PASSWORD_NOT_SET"
    )
    fetch_all_mailboxes.call_local()  # what the worker runs every minute
    assert Ticket.objects.count() == 2
    assert InboundMessage.objects.filter(mailbox=polled).count() == 2
    for untouched in (pipe_only, inactive):  # a poll would have recorded a time or an error
        untouched.refresh_from_db()
        assert (untouched.last_fetch_at, untouched.last_fetch_error) == (None, "")
