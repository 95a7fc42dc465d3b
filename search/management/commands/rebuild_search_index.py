"""Rebuild the whole search index (after an upgrade, a bulk import, or to repair it); progress on stderr."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from search.indexing import rebuild_all


class Command(BaseCommand):
    help = (
        "Rebuild the search index of every ticket and library document, in primary-key ranges of --batch-size "
        "tickets (each range one transaction). Progress (rows done, rows per second, time left) goes to stderr. "
        "Safe to run while Pult is in use and to run again."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch-size", type=int, default=2000, help="Tickets per range (default 2000).")

    def handle(self, *args: Any, **options: Any) -> None:
        batch_size = options["batch_size"]
        if batch_size < 1:
            from django.core.management.base import CommandError

            raise CommandError("--batch-size must be at least 1.")
        written = rebuild_all(batch_size=batch_size, progress=lambda line: self.stderr.write(line))
        self.stdout.write(f"Search index rebuilt: {written} entries.")
