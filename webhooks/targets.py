"""Where a webhook may be sent: public addresses only, unless the operator allows internal ones.

An administrator's URL must not turn Pult into a way into the company network (server-side request forgery):
loopback, private, link-local, multicast, reserved, unspecified and other non-public addresses are refused,
in IPv4 and IPv6 (an IPv4 address inside IPv6 — mapped, 6to4, NAT64 — counts as that IPv4 address), and so
are the legacy numeric spellings the C library accepts (`2130706433`, `0177.0.0.1`, `0x7f.1`, `127.1`).
`PULT_WEBHOOK_ALLOW_PRIVATE` switches the check off; `PULT_WEBHOOK_ALLOWED_NETWORKS` lets chosen networks
through.

The check runs twice. When a hook is saved (`save_refusal`): on the address in the URL, or on every address
its host name resolves to now. When a delivery is sent (`delivery_addresses`): on every address the name
resolves to at that moment, and the request is then sent to one of those very addresses (webhooks.services
connects to them, never resolving again), so a name that answers differently the second time (DNS
rebinding) reaches nothing it was not checked for.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext_lazy as _

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NUMERIC_IPV4 = re.compile(r"^[0-9a-fx.]+$", re.IGNORECASE)

KIND_UNSPECIFIED = _("the unspecified address")
KIND_LOOPBACK = _("a loopback address (this machine)")
KIND_LINK_LOCAL = _("a link-local address")
KIND_MULTICAST = _("a multicast address")
KIND_PRIVATE = _("a private network address")
KIND_RESERVED = _("a reserved address")
KIND_NOT_PUBLIC = _("not a public internet address")

ADDRESS_REFUSED = _(
    "%(address)s is %(kind)s. Webhooks are not sent to addresses inside the network unless the operator "
    "allows them (PULT_WEBHOOK_ALLOW_PRIVATE, PULT_WEBHOOK_ALLOWED_NETWORKS)."
)
NAME_REFUSED = _(
    "%(host)s resolves to %(address)s, which is %(kind)s. Webhooks are not sent to addresses inside the "
    "network unless the operator allows them (PULT_WEBHOOK_ALLOW_PRIVATE, PULT_WEBHOOK_ALLOWED_NETWORKS)."
)


class TargetRefused(Exception):
    """A delivery's host is (or resolves to) an address webhooks may not reach; the message says which."""

    def __init__(self, message: Any) -> None:
        super().__init__(str(message))
        self.message = message


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def address_kind(address: IPAddress) -> Any:
    """What kind of internal address this is (a translatable phrase), or None for a public one."""
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            return address_kind(embedded)
    if address.is_unspecified:
        return KIND_UNSPECIFIED
    if address.is_loopback:
        return KIND_LOOPBACK
    if address.is_link_local:
        return KIND_LINK_LOCAL
    if address.is_multicast:
        return KIND_MULTICAST
    if address.is_reserved:  # before "private": Python counts 240.0.0.0/4 as both
        return KIND_RESERVED
    if address.is_private:
        return KIND_PRIVATE
    if not address.is_global:
        return KIND_NOT_PUBLIC
    return None


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def is_allowed(address: IPAddress) -> bool:
    """Whether a delivery may go to this address: public, or let through by the settings."""
    if address_kind(address) is None or settings.PULT_WEBHOOK_ALLOW_PRIVATE:
        return True
    candidates: list[IPAddress] = [address]
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            candidates.append(embedded)
    networks = _networks(tuple(settings.PULT_WEBHOOK_ALLOWED_NETWORKS))
    return any(candidate in network for candidate in candidates for network in networks)


def literal_address(host: str) -> IPAddress | None:
    """The address a host written as a number stands for (IPv4 or IPv6, or a legacy IPv4 spelling such as
    `2130706433`, `0177.0.0.1`, `0x7f.1` or `127.1`, read as the C library reads it); None for a name."""
    with contextlib.suppress(ValueError):  # not in the standard notation: perhaps a legacy spelling
        return ipaddress.ip_address(host)
    if _NUMERIC_IPV4.match(host):
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def resolve(host: str, port: int) -> list[IPAddress]:
    """Every address the name has now, in the resolver's order (raises OSError when it has none)."""
    found: list[IPAddress] = []
    for _family, _type, _proto, _name, sockaddr in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP):
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        if address not in found:
            found.append(address)
    return found


def _refusal(host: str, addresses: list[IPAddress], *, literal: bool) -> str | None:
    for address in addresses:
        if not is_allowed(address):
            kind = address_kind(address)
            if literal:
                return str(ADDRESS_REFUSED) % {"address": address, "kind": kind}
            return str(NAME_REFUSED) % {"host": host, "address": address, "kind": kind}
    return None


def _host_and_port(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)  # raises ValueError for a bad port
    return host, port


def save_refusal(url: str) -> str | None:
    """Why a hook with this URL may not be saved, or None. A name that does not resolve now is let through:
    the delivery checks it again when it is sent."""
    try:
        host, port = _host_and_port(url)
    except ValueError:
        return None  # the URL's own validation says what is wrong with it
    if not host:
        return None
    literal = literal_address(host)
    if literal is not None:
        return _refusal(host, [literal], literal=True)
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError):
        return None
    return _refusal(host, addresses, literal=False)


def delivery_addresses(url: str) -> tuple[str, int, list[str]]:
    """The host, the port and the checked addresses to connect to for one attempt.

    Raises TargetRefused when any address of the host may not be reached, OSError when it does not resolve,
    ValueError for a URL without a usable host or port."""
    host, port = _host_and_port(url)
    if not host:
        raise ValueError(f"no host in {url!r}")
    literal = literal_address(host)
    addresses = [literal] if literal is not None else resolve(host, port)
    refusal = _refusal(host, addresses, literal=literal is not None)
    if refusal is not None:
        raise TargetRefused(refusal)
    return host, port, [str(address) for address in addresses]
