"""Which address a request comes from: REMOTE_ADDR, or X-Forwarded-For only from trusted proxies."""

from __future__ import annotations

import pytest
from django.test import RequestFactory

from common.clients import client_ip


def request(remote: str = "10.0.0.2", forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.9", "10.0.0.2"),  # nobody is trusted: the header is the client's own claim
        (1, "203.0.113.9", "203.0.113.9"),
        (1, "1.2.3.4, 203.0.113.9", "203.0.113.9"),  # what the client wrote first is not believed
        (2, "1.2.3.4, 203.0.113.9, 10.0.0.1", "203.0.113.9"),
        (2, "203.0.113.9", "10.0.0.2"),  # fewer entries than proxies: not a chain we made
        (1, "nem-cím", "10.0.0.2"),
        (1, "2001:db8::1", "2001:db8::1"),
        (1, None, "10.0.0.2"),
    ],
)
def test_the_client_address(settings, proxies, forwarded, expected) -> None:
    settings.PULT_TRUSTED_PROXIES = proxies
    assert client_ip(request(forwarded=forwarded)) == expected


def test_no_address_at_all_is_none(settings) -> None:
    settings.PULT_TRUSTED_PROXIES = 0
    assert client_ip(request(remote="")) is None
