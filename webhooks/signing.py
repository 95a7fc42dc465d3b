"""Signatures of webhook deliveries, and their check for receivers (and tests).

Every delivery carries::

    X-Pult-Timestamp: 1764028800                  (unix seconds of this attempt)
    X-Pult-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>

where ``body`` is the exact bytes of the request body. The timestamp inside the signed text lets a receiver
refuse an old request replayed later (``tolerance``); each retry is signed anew with its own timestamp.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_PREFIX = "sha256="


def _as_bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def sign(secret: str, timestamp: int | str, body: bytes | str) -> str:
    """The X-Pult-Signature header value for `body` sent at `timestamp` with `secret`."""
    signed = f"{timestamp}.".encode() + _as_bytes(body)
    return SIGNATURE_PREFIX + hmac.new(_as_bytes(secret), signed, hashlib.sha256).hexdigest()


def verify(
    secret: str,
    timestamp: int | str | None,
    body: bytes | str,
    signature: str | None,
    tolerance: int | None = 300,
    *,
    now: float | None = None,
) -> bool:
    """True if `signature` is the hook's signature of `body` at `timestamp`, made within `tolerance` seconds
    of `now` (either way, for clock drift). Never raises on malformed input: it is simply not valid."""
    text = str(timestamp if timestamp is not None else "").strip()
    if not text.isascii() or not text.isdigit():
        return False
    current = time.time() if now is None else now
    if tolerance is not None and abs(current - int(text)) > tolerance:
        return False
    expected = sign(secret, text, body)
    return hmac.compare_digest(expected.encode("utf-8"), _as_bytes(signature or ""))
