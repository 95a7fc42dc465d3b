"""Fetch the configured IMAP mailboxes now (the worker also does it every minute)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from mail.fetching import mailbox_fetch
from mail.models import Mailbox


class Command(BaseCommand):
    help = "Read new messages from the active IMAP mailboxes into the registry."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--mailbox", help="only the mailbox with this address")

    def handle(self, *args: Any, **options: Any) -> None:
        mailboxes = Mailbox.objects.filter(is_active=True).exclude(imap_host="")
        if options["mailbox"]:
            mailboxes = mailboxes.filter(address__iexact=options["mailbox"])
        failed = False
        for mailbox in mailboxes:
            result = mailbox_fetch(mailbox.pk)
            self.stdout.write(f"{mailbox.address}: {result.stored} stored, {result.duplicates} already stored")
            for error in result.errors:
                failed = True
                self.stderr.write(f"{mailbox.address}: {error}")
        if failed:
            raise SystemExit(1)
