"""Print a new key for PULT_FIELD_ENCRYPTION_KEYS (put it first; keep the old keys behind it until rotated)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from common.encryption import new_key


class Command(BaseCommand):
    help = "Print a new Fernet key for PULT_FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(new_key())
