"""Encryption of secrets the server must read back (the TOTP secrets), with Fernet from `cryptography`.

The keys are `PULT_FIELD_ENCRYPTION_KEYS` (checked at start-up by `config.env.env_fernet_keys`): the first one
encrypts, every one decrypts, so a new key is put first and the old ones stay behind it until
`manage.py rotate_field_encryption` has re-encrypted every value with the new one. Without the setting the key
is derived from SECRET_KEY (HKDF-SHA256), and keys derived from SECRET_KEY and SECRET_KEY_FALLBACKS always
decrypt too, so an installation that starts setting its own keys keeps reading what it encrypted before.
"""

from __future__ import annotations

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

_DERIVATION_INFO = b"pult field encryption"

__all__ = ["InvalidToken", "decrypt", "derived_key", "encrypt", "new_key"]


def new_key() -> str:
    return Fernet.generate_key().decode("ascii")


def derived_key(secret_key: str) -> str:
    """The Fernet key derived from a Django SECRET_KEY: the fallback when no key is configured."""
    kdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_DERIVATION_INFO)
    return base64.urlsafe_b64encode(kdf.derive(secret_key.encode("utf-8"))).decode("ascii")


@lru_cache(maxsize=8)
def _fernet(configured: tuple[str, ...], secret_keys: tuple[str, ...]) -> MultiFernet:
    derived = [derived_key(secret) for secret in secret_keys if secret]
    keys = list(configured) + [key for key in derived if key not in configured]
    return MultiFernet([Fernet(key) for key in keys])


def _current() -> MultiFernet:
    # Keyed by the settings, so a changed setting (a test's override_settings) takes effect at once.
    configured = tuple(settings.PULT_FIELD_ENCRYPTION_KEYS)
    secret_keys = (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)
    return _fernet(configured, secret_keys)


def encrypt(text: str) -> str:
    """A Fernet token (URL-safe ASCII) of `text` under the first key."""
    return _current().encrypt(text.encode("utf-8")).decode("ascii")


def decrypt(token: str) -> str:
    """The text of a token made by `encrypt` under any of the keys; raises InvalidToken otherwise."""
    return _current().decrypt(token.encode("ascii")).decode("utf-8")
