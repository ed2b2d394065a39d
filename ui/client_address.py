"""The client's address for the failed-login limit: the connection's peer, or behind a trusted reverse proxy,
the address that proxy put in X-Forwarded-For.

Every hop appends the address it received the request from, so the list is read from the right: entries
written by trusted proxies are skipped, and the first one that is not a trusted proxy is the client. Anything
to its left was sent by the client itself and is never believed. Without trusted proxies the header is ignored.
"""
from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable, Sequence

LOG = logging.getLogger("clinicwatch.auth")

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# Streamlit reports a loopback peer as no address at all; a proxy on the same machine is that peer.
LOOPBACK_PEER = "127.0.0.1"


def client_address(peer: str | None, forwarded_for: Iterable[str], trusted: Sequence[Network]) -> str | None:
    """The address failed logins count against (None: a loopback peer with no trusted proxy configured)."""
    if not trusted or not _is_trusted(_parse(peer or LOOPBACK_PEER), trusted):
        return peer
    hops = [hop.strip() for header in forwarded_for for hop in header.split(",") if hop.strip()]
    last_trusted: Address | None = None
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            LOG.warning("X-Forwarded-For from a trusted proxy holds %r, not an address: counting the proxy", hop[:64])
            return peer
        if not _is_trusted(address, trusted):
            return str(address)
        last_trusted = address
    # No header (the proxy does not set it), or every hop is trusted: the earliest known hop.
    return str(last_trusted) if last_trusted is not None else peer


def _parse(text: str) -> Address | None:
    value = text.strip()
    if value.startswith("[") and "]" in value:  # "[2001:db8::1]:443"
        value = value[1:value.index("]")]
    elif value.count(":") == 1:  # "203.0.113.7:51234"
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _is_trusted(address: Address | None, trusted: Sequence[Network]) -> bool:
    return address is not None and any(address.version == net.version and address in net for net in trusted)
