"""The client's address, the same for login lockout and every rate limit.

Behind a reverse proxy every connection comes from the proxy, so lockout would count all
people as one (and anyone could lock anyone's login). X-Forwarded-For is honoured only when
the connection comes from a proxy named in CLOSEDSET_TRUSTED_PROXIES; otherwise anyone could
write any address into it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """An address from a header entry: '1.2.3.4', '1.2.3.4:5678', '[::1]:80' or '::1'."""
    text = text.strip()
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else ""
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(
    address: ipaddress.IPv4Address | ipaddress.IPv6Address, networks: Iterable[Network]
) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the person making the request.

    Without trusted proxies this is the connection's address. When the connection comes from
    a trusted proxy, it is the right-most X-Forwarded-For entry that is not itself a trusted
    proxy: each proxy appends the address it saw, so entries left of that one were written by
    the client and prove nothing.
    """
    remote = str(request.META.get("REMOTE_ADDR") or "")
    networks = _networks(tuple(getattr(settings, "CLOSEDSET_TRUSTED_PROXIES", ())))
    peer = _address(remote)
    if not networks or peer is None or not _trusted(peer, networks):
        return remote
    header = str(request.META.get("HTTP_X_FORWARDED_FOR", ""))
    hops = [hop for hop in header.split(",") if hop.strip()]
    first = None
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            # A trusted proxy passed on something that is no address: do not guess.
            return remote
        if not _trusted(address, networks):
            return str(address)
        first = address
    # Every hop is a trusted proxy: the request started inside; use the earliest one.
    return str(first) if first is not None else remote
