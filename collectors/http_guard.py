"""The SSRF guard and the socket layer under every fetch: vetted addresses only, pinned, within one deadline.

The guard resolves a host name and refuses loopback, private, link-local, reserved addresses (also when an IPv6
address embeds such an IPv4 one). The network backend does the resolving for the connection itself and connects
to the address it vetted, so DNS that answers differently the second time (rebinding) cannot steer the
connection elsewhere; TLS still names the host (httpcore passes the URL's host as SNI) and Host is unchanged.
Every socket operation is bounded by the current request's deadline, so connect, headers and body together
cannot outlast it, however slowly a server drips its bytes.
"""
from __future__ import annotations

import ipaddress
import socket
import ssl
import threading
import time
import typing
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import httpcore

from collectors.base import SourceError

# NAT64 prefixes (RFC 6052 well-known, RFC 8215 local use): the IPv4 address sits in the last 32 bits.
_NAT64 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("64:ff9b:1::/48"))


def check_url_allowed(url: str, *, allow_private: bool) -> None:
    """Refuse non-HTTP schemes and hosts on loopback/private/link-local/multicast/reserved addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise SourceError("blocked_address", f"refusing {url!r}: only http and https URLs are fetched")
    host = parts.hostname
    if not host:
        raise SourceError("config", f"{url!r} has no host name")
    if allow_private:
        return
    vetted_addresses(host, parts.port or (443 if parts.scheme == "https" else 80), url)


def vetted_addresses(host: str, port: int, url: str) -> list[str]:
    """The host's addresses, or SourceError blocked_address when any of them is not a public one."""
    addresses = resolve(host, port, url)
    for address in addresses:
        if is_blocked_ip(address):
            raise SourceError("blocked_address", blocked_message(url, address))
    return addresses


def resolve(host: str, port: int, url: str) -> list[str]:
    try:
        return [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        # EAI_AGAIN: the name server did not answer (no network, DNS down): the URL is not the problem.
        advice = ("is this machine online and its DNS reachable?" if getattr(exc, "errno", None) == socket.EAI_AGAIN
                  else "check the URL")
        raise SourceError("network", f"could not resolve the host of {url} ({exc}); {advice}") from None
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def is_blocked_ip(address: str) -> bool:
    """True for any address that is not plainly public, including IPv6 forms that carry a private IPv4 inside."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = embedded_ipv4(ip)
        if embedded is not None and _not_public(embedded):
            return True
        if embedded is not None and ip.ipv4_mapped is not None:
            return False  # ::ffff:a.b.c.d is the IPv4 address itself, which is public
    return _not_public(ip)


def embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one stands for: IPv4-mapped, IPv4-compatible, 6to4, NAT64 or Teredo (client)."""
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if any(ip in network for network in _NAT64):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    packed = int(ip)
    if packed >> 32 == 0 and packed > 1:  # ::a.b.c.d (deprecated IPv4-compatible); ::1 and :: are themselves
        return ipaddress.IPv4Address(packed)
    return None


def _not_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    return (ip.is_loopback or ip.is_private or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def blocked_message(url: str, address: str) -> str:
    return (
        f"refusing {url}: its host is on a loopback, private, link-local or reserved address ({address}); "
        "set http.allow_private_addresses = true only if you trust every configured source"
    )


# --- one deadline per request -----------------------------------------------------------------------------

_deadline = threading.local()


@contextmanager
def request_deadline(seconds: float) -> Iterator[float]:
    """Within this block, every socket operation of this thread ends by `seconds` from now (yields the moment)."""
    previous = getattr(_deadline, "at", None)
    _deadline.at = time.monotonic() + seconds
    try:
        yield _deadline.at
    finally:
        _deadline.at = previous


def _bounded(timeout: float | None, error: type[Exception]) -> float | None:
    """The operation's own timeout, shortened to what is left of the request's deadline."""
    at = getattr(_deadline, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("the request's deadline has passed")
    return left if timeout is None else min(timeout, left)


class _DeadlineStream(httpcore.NetworkStream):
    """A socket stream whose reads, writes and TLS handshake all stop at the request's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._stream.read(max_bytes, _bounded(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._stream.write(buffer, _bounded(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        self._stream.close()

    def start_tls(self, ssl_context: ssl.SSLContext, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        # server_hostname is the URL's host, not the pinned address: certificates are checked for the name.
        return _DeadlineStream(self._stream.start_tls(ssl_context, server_hostname,
                                                      _bounded(timeout, httpcore.ConnectTimeout)))

    def get_extra_info(self, info: str) -> typing.Any:
        return self._stream.get_extra_info(info)


class PinnedBackend(httpcore.NetworkBackend):
    """Resolves each host once, vets every address, and connects to a vetted one (never resolving again)."""

    def __init__(self, *, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._inner = httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        where = f"{host}:{port}"
        addresses = resolve(host, port, where) if self.allow_private else vetted_addresses(host, port, where)
        failure: Exception | None = None
        for address in addresses:
            try:
                stream = self._inner.connect_tcp(address, port, _bounded(timeout, httpcore.ConnectTimeout),
                                                 local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc  # the next address of the name, as socket.create_connection would try
                continue
            return _DeadlineStream(stream)
        assert failure is not None  # resolve() gives at least one address or raises
        raise failure

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: typing.Iterable[typing.Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)
