"""Start clocks for open tickets that have none and recompute every open deadline (after an upgrade)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tickets import deadlines


class Command(BaseCommand):
    help = (
        "Give open tickets without a service-level clock one, then recompute every open deadline with the "
        "calendar and targets in force. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        started = deadlines.start_missing()
        changed = deadlines.recompute_open()
        self.stdout.write(f"Clocks started: {started}; deadlines changed: {changed}.")
