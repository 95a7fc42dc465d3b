"""Model fields shared by the apps."""

from __future__ import annotations

import logging
from typing import Any

from django.db import models

from common import encryption

logger = logging.getLogger("pult.security")


class UnreadableValue(str):
    """What an encrypted field holds when none of the configured keys decrypts it: empty text (so a check
    against it fails), which keeps the stored token and writes it back unchanged if the row is saved."""

    token: str

    def __new__(cls, token: str) -> UnreadableValue:
        value = super().__new__(cls, "")
        value.token = token
        return value


class EncryptedTextField(models.TextField):  # type: ignore[type-arg]
    """Text encrypted at rest (common.encryption, Fernet) and clear in Python.

    Every save encrypts anew (a random IV), so the column cannot be searched or compared: look rows up by
    other fields. Empty text is stored empty."""

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if not value:
            return value
        try:
            return encryption.decrypt(value)
        except (encryption.InvalidToken, ValueError):
            logger.error(
                "%s.%s of a row cannot be decrypted with the configured keys (PULT_FIELD_ENCRYPTION_KEYS)",
                self.model.__name__,
                self.name,
            )
            return UnreadableValue(value)

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, UnreadableValue):
            return value.token
        value = super().get_prep_value(value)
        if not value:
            return value
        return encryption.encrypt(value)
