"""The address of the client a request comes from, also behind reverse proxies.

Behind a proxy every request's REMOTE_ADDR is the proxy's. With `PULT_TRUSTED_PROXIES=N` (the number of
proxies in front of Pult that append to X-Forwarded-For), the client is the N-th address from the right of
that header; the addresses further left are the client's own claims and are never trusted. Without trusted
proxies the header is ignored, so nobody can pick the address their failed logins are counted against.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def _valid(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, or None if none can be told."""
    proxies = settings.PULT_TRUSTED_PROXIES
    if proxies:
        chain = [part for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",") if part.strip()]
        if len(chain) >= proxies:
            found = _valid(chain[-proxies])
            if found is not None:
                return found
    return _valid(str(request.META.get("REMOTE_ADDR", "") or ""))
