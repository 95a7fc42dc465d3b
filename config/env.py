"""Typed helpers that read settings from the environment and fail loudly on bad values."""

from __future__ import annotations

import base64
import binascii
import ipaddress
import os
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def _raw(name: str) -> str | None:
    """A variable's value, or the contents of the file named by NAME_FILE (for secrets)."""
    value = os.environ.get(name)
    if value is not None:
        return value
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_name!r} cannot be read: {exc}") from exc
    return None


def env_str(name: str, default: str) -> str:
    value = _raw(name)
    return default if value is None or value == "" else value


def env_bool(name: str, default: bool) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={value!r} is not an integer") from exc
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name}={number} is below the minimum {minimum}")
    return number


def env_list(name: str, default: list[str]) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_pairs(name: str) -> list[tuple[str, str]]:
    """``key=value`` entries separated by ``;`` or new lines (a value may hold ``=`` and ``,``, as an LDAP DN
    does): ``agent=cn=agents,ou=groups,dc=example,dc=hu; manager=pult-managers``."""
    value = _raw(name)
    pairs: list[tuple[str, str]] = []
    for entry in (value or "").replace("\n", ";").split(";"):
        if not entry.strip():
            continue
        key, equals, item = entry.partition("=")
        if not equals or not key.strip() or not item.strip():
            raise ImproperlyConfigured(f"{name}: {entry.strip()!r} is not key=value (entries are separated by ';')")
        pairs.append((key.strip(), item.strip()))
    return pairs


def installation_secret(path: Path) -> str:
    """A random secret made once for this installation and kept in `path` (mode 0600).

    Used when no SECRET_KEY (or SECRET_KEY_FILE) is given. Several processes may start at once: the file
    is created exclusively, and a reader waits briefly for the writer.
    """
    import secrets
    import time

    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        for _attempt in range(50):
            value = path.read_text(encoding="utf-8").strip()
            if value:
                return value
            time.sleep(0.1)
        raise ImproperlyConfigured(f"{path} is empty: delete it, or set SECRET_KEY") from None
    value = secrets.token_urlsafe(50)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(value)
    return value


def env_fernet_keys(name: str) -> list[str]:
    """Comma-separated Fernet keys (URL-safe base64 of 32 bytes, as `Fernet.generate_key()` makes them).

    A malformed key stops the start-up with its position named (never its value): a typo must not leave
    secrets encrypted with a key nobody holds."""
    keys = env_list(name, [])
    for position, key in enumerate(keys, start=1):
        try:
            raw = base64.urlsafe_b64decode(key.encode("ascii"))
        except (binascii.Error, UnicodeEncodeError, ValueError):
            raw = b""
        if len(raw) != 32 or base64.urlsafe_b64encode(raw).decode("ascii") != key:
            raise ImproperlyConfigured(
                f"{name}: key {position} of {len(keys)} is not a Fernet key (44 characters of URL-safe base64 "
                "encoding 32 bytes; make one with `manage.py field_encryption_key`)"
            )
    return keys


def env_networks(name: str) -> list[str]:
    """Comma-separated IP networks (`10.20.0.0/16, 192.168.5.7, fd00::/8`), each checked at start-up."""
    networks = []
    for item in env_list(name, []):
        try:
            networks.append(str(ipaddress.ip_network(item, strict=False)))
        except ValueError as exc:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an IP network ({exc})") from exc
    return networks
