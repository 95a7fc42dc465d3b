"""Re-encrypt every encrypted field (common.fields.EncryptedTextField) with the first key of
PULT_FIELD_ENCRYPTION_KEYS, so the keys behind it can be dropped afterwards. Safe to run again."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from common.fields import EncryptedTextField, UnreadableValue


class Command(BaseCommand):
    help = "Re-encrypt every encrypted value with the first key of PULT_FIELD_ENCRYPTION_KEYS."

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable = 0
        for model in apps.get_models():
            fields = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
            if not fields:
                continue
            done = 0
            rows = model._default_manager.values_list("pk", *fields).order_by("pk")
            for pk, *values in rows.iterator(chunk_size=500):
                changes = {
                    name: value
                    for name, value in zip(fields, values, strict=True)
                    if value and not isinstance(value, UnreadableValue)
                }
                unreadable += sum(isinstance(value, UnreadableValue) for value in values)
                if changes:
                    with transaction.atomic():
                        model._default_manager.filter(pk=pk).update(**changes)  # encrypted with the first key
                    done += 1
            self.stdout.write(f"{model._meta.label}: {done} rows re-encrypted")
        if unreadable:
            raise CommandError(
                f"{unreadable} values could not be decrypted with any configured key and were left as they are."
            )
