"""Fetching mailboxes over IMAP. A message is marked on the server only after what it became has been
committed: a crash in between leaves it unmarked, the next fetch reads it again, and the intake
recognises it as already stored — so nothing is lost and nothing is handled twice."""

from __future__ import annotations

import contextlib
import imaplib
import re
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mail.choices import ImapSecurity
from mail.credentials import MissingPassword, password_from_environment
from mail.models import Mailbox
from mail.services import message_ingest

STORED_KEYWORD = "$PultStored"
BATCH_SIZE = 500


@dataclass
class FetchResult:
    stored: int = 0
    duplicates: int = 0
    errors: list[str] = field(default_factory=list)


def _tls_context() -> ssl.SSLContext:
    context = ssl.create_default_context()  # certificate and host name are checked
    if settings.PULT_IMAP_CA_FILE:
        context.load_verify_locations(cafile=settings.PULT_IMAP_CA_FILE)
    return context


def _connect(mailbox: Mailbox) -> imaplib.IMAP4:
    password = password_from_environment(mailbox.imap_password_env)  # before connecting: no half-open session
    timeout = 60
    if mailbox.imap_security == ImapSecurity.TLS:
        connection: imaplib.IMAP4 = imaplib.IMAP4_SSL(
            mailbox.imap_host, mailbox.imap_port, ssl_context=_tls_context(), timeout=timeout
        )
    else:
        connection = imaplib.IMAP4(mailbox.imap_host, mailbox.imap_port, timeout=timeout)
        if mailbox.imap_security == ImapSecurity.STARTTLS:
            connection.starttls(ssl_context=_tls_context())
    try:
        connection.login(mailbox.imap_username, password)
    except BaseException:
        with contextlib.suppress(imaplib.IMAP4.error, OSError):
            connection.shutdown()
        raise
    return connection


def _uses_keyword(connection: imaplib.IMAP4) -> bool:
    """Whether the server keeps our own keyword; otherwise \\Seen marks what is stored."""
    _kind, data = connection.response("PERMANENTFLAGS")
    flags = b" ".join(item for item in data if isinstance(item, bytes))
    return b"\\*" in flags


def mailbox_fetch(mailbox_id: int, *, batch_size: int = BATCH_SIZE) -> FetchResult:
    """Read the mailbox's new messages into the registry, marking each on the server once it is stored."""
    mailbox = Mailbox.objects.get(pk=mailbox_id)
    result = FetchResult()
    try:
        connection = _connect(mailbox)
        try:
            status, _data = connection.select(_quoted(mailbox.imap_folder))
            if status != "OK":
                raise imaplib.IMAP4.error(f"cannot open folder {mailbox.imap_folder!r}")
            keyword = _uses_keyword(connection)
            criteria = ("UNKEYWORD", STORED_KEYWORD) if keyword else ("UNSEEN",)
            _status, found = connection.uid("SEARCH", *criteria)
            uids = [uid.decode() for uid in (found[0] or b"").split()[:batch_size]]
            for uid in uids:
                _status, parts = connection.uid("FETCH", uid, "(BODY.PEEK[])")
                raw = next((part[1] for part in parts if isinstance(part, tuple)), None)
                if raw is None:
                    result.errors.append(f"UID {uid}: empty FETCH response")
                    continue
                ingested = message_ingest(raw=raw, mailbox=mailbox)  # committed when this returns
                result.duplicates += ingested.duplicate
                result.stored += not ingested.duplicate
                flags = f"({STORED_KEYWORD} \\Seen)" if keyword else "(\\Seen)"
                connection.uid("STORE", uid, "+FLAGS", flags)
        finally:
            with contextlib.suppress(imaplib.IMAP4.error, OSError):
                connection.logout()
    except MissingPassword as exc:
        result.errors.append(str(exc))
    except (imaplib.IMAP4.error, OSError, ssl.SSLError) as exc:
        result.errors.append(f"{type(exc).__name__}: {exc}")
    _record(mailbox, result)
    return result


def _record(mailbox: Mailbox, result: FetchResult) -> None:
    """The mailbox shows the last successful fetch and the last error, for the administrator."""
    with transaction.atomic():
        if result.errors:
            Mailbox.objects.filter(pk=mailbox.pk).update(last_fetch_error="\n".join(result.errors)[:4000])
        else:
            Mailbox.objects.filter(pk=mailbox.pk).update(
                last_fetch_at=timezone.now(), last_fetch_count=result.stored, last_fetch_error=""
            )


def _quoted(folder: str) -> str:
    return folder if re.fullmatch(r"[A-Za-z0-9._/-]+", folder) else '"' + folder.replace('"', '\\"') + '"'
