"""Read one raw message on standard input and store it: for a mail server's pipe transport.

Exit codes follow sysexits.h, which mail servers understand: 0 stored (or already stored), 75
EX_TEMPFAIL when the database cannot be reached (the server keeps the message and retries), 65
EX_DATAERR for empty input, 67 EX_NOUSER for an unknown mailbox, 70 EX_SOFTWARE for anything else.
"""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError

EX_OK, EX_DATAERR, EX_NOUSER, EX_SOFTWARE, EX_TEMPFAIL = 0, 65, 67, 70, 75


class Command(BaseCommand):
    help = "Store one raw e-mail read from standard input (pipe transport). Exit 75 means: try again later."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", help="the address of the configured mailbox the message was sent to")

    def handle(self, *args: Any, **options: Any) -> None:
        from mail.models import Mailbox
        from mail.services import message_ingest

        raw = sys.stdin.buffer.read()
        if not raw.strip():
            self.stderr.write("mailgate: empty message on standard input; nothing stored.")
            raise SystemExit(EX_DATAERR)
        try:
            mailbox = None
            if options["mailbox"]:
                mailbox = Mailbox.objects.filter(address__iexact=options["mailbox"], is_active=True).first()
                if mailbox is None:
                    self.stderr.write(f"mailgate: no active mailbox {options['mailbox']!r}; nothing stored.")
                    raise SystemExit(EX_NOUSER)
            result = message_ingest(raw=raw, mailbox=mailbox)
        except (OperationalError, InterfaceError) as exc:
            self.stderr.write(f"mailgate: database unavailable, try again later: {exc}")
            raise SystemExit(EX_TEMPFAIL) from exc
        except SystemExit:
            raise
        except Exception as exc:
            self.stderr.write(f"mailgate: the message could not be stored: {exc!r}")
            raise SystemExit(EX_SOFTWARE) from exc
        message = result.message
        number = message.ticket.number if message.ticket else "-"
        state = "already stored" if result.duplicate else message.status
        self.stdout.write(f"{state} {number} {message.reason}".strip())
        raise SystemExit(EX_OK)
