"""The one HTTP fetch layer every collector uses: conditional GET, caps, retries, and an SSRF guard."""
from __future__ import annotations

import contextlib
import email.utils
import json
import random
import re
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import httpcore
import httpx

import core
from collectors.base import SourceError

# The address connected to is the one the guard vetted (PinnedBackend), so no check after connecting is needed.
from collectors.http_guard import PinnedBackend, check_url_allowed, is_blocked_ip, request_deadline
from core.config import HttpConfig

__all__ = ["Fetcher", "FetchResponse", "check_url_allowed", "is_blocked_ip", "shared_fetcher"]

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
# A Retry-After longer than this is not slept through: the source is backed off by the store instead.
MAX_RETRY_AFTER_SLEEP = 30.0
# One request (connect, headers and body) must be over within this many timeouts, so a server dripping bytes,
# in its headers or its body, cannot hold a worker (see http_guard.request_deadline).
TOTAL_TIME_FACTOR = 3


@dataclass
class FetchResponse:
    """One answered GET: final URL, status, lower-case headers, decompressed body."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    not_modified: bool = False

    @property
    def charset(self) -> str | None:
        for part in self.headers.get("content-type", "").split(";")[1:]:
            name, _, value = part.strip().partition("=")
            if name.strip().lower() == "charset" and value.strip():
                return value.strip().strip("\"'")
        return None

    @property
    def text(self) -> str:
        """The body decoded with the declared charset, else UTF-8 (undecodable bytes replaced)."""
        try:
            return self.body.decode(self.charset or "utf-8", errors="replace")
        except LookupError:  # an unknown charset name
            return self.body.decode("utf-8", errors="replace")

    @property
    def html(self) -> str:
        """An HTML page's text: decoded by the HTTP charset, else by its own <meta charset> (or http-equiv
        Content-Type) in the first bytes, else UTF-8; undecodable bytes replaced."""
        charset = self.charset or meta_charset(self.body)
        try:
            return self.body.decode(charset or "utf-8", errors="replace")
        except LookupError:
            return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        try:
            return json.loads(self.text)
        except ValueError as exc:
            raise SourceError("parse", f"{self.url} did not answer valid JSON ({exc})") from None


# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">; browsers look in the
# first 1024 bytes (HTML's prescan); a little more is read here for pages with long heads of comments.
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
META_PRESCAN_BYTES = 4096


def meta_charset(body: bytes) -> str | None:
    """The charset an HTML page declares for itself, if any."""
    found = _META_CHARSET.search(body[:META_PRESCAN_BYTES])
    return found.group(1).decode("ascii") if found else None


# Connections each pooled client keeps open for reuse (a thread polls feeds of a few hosts in turn).
KEEPALIVE_PER_CLIENT = 4


class Fetcher:
    """GET with the project's rules; safe to call from many threads.

    Each request borrows an httpx.Client of its own from a small free list (one per request in flight) rather
    than sharing one: httpcore's connection pool takes one lock and checks every pooled connection's socket for
    each request, which made a poll of 1,000 unchanged feeds cost ~0.75 ms of CPU per 304.
    """

    def __init__(
        self,
        http: HttpConfig,
        *,
        user_agent: str = core.USER_AGENT,
        backoff_seconds: float = 0.5,
        max_retry_after: float = MAX_RETRY_AFTER_SLEEP,
    ) -> None:
        self.config = http
        self.user_agent = user_agent
        self.backoff_seconds = backoff_seconds
        self.max_retry_after = max_retry_after
        # Waiting for a free pooled connection is queueing, not a slow server, so it gets a longer allowance.
        self._timeout = httpx.Timeout(http.timeout_seconds, pool=max(60.0, http.timeout_seconds * 3))
        self._free: list[httpx.Client] = []  # idle clients, the most recently used last
        self._all: list[httpx.Client] = []
        self._lock = threading.Lock()

    def _new_client(self) -> httpx.Client:
        limits = httpx.Limits(max_connections=KEEPALIVE_PER_CLIENT, max_keepalive_connections=KEEPALIVE_PER_CLIENT)
        # Redirects are followed by hand so that every hop passes the address guard; proxy variables are
        # ignored because the guard must see the real destination.
        return httpx.Client(timeout=self._timeout, follow_redirects=False, trust_env=False,
                            transport=pinned_transport(limits, allow_private=self.config.allow_private_addresses))

    @contextlib.contextmanager
    def _borrowed_client(self) -> Iterator[httpx.Client]:
        with self._lock:
            client = self._free.pop() if self._free else None
        if client is None:
            client = self._new_client()
            with self._lock:
                self._all.append(client)
        try:
            yield client
        finally:
            with self._lock:
                self._free.append(client)

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with self._lock:
            clients, self._all, self._free = self._all, [], []
        for client in clients:
            client.close()

    def get(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        headers: dict[str, str] | None = None,
        max_bytes: int | None = None,
    ) -> FetchResponse:
        """Fetch `url`; raise SourceError (network, timeout, http, rate_limited, too_large, ...) on failure."""
        request_headers = {"User-Agent": self.user_agent, "Accept-Encoding": "gzip, deflate", **(headers or {})}
        if etag:
            request_headers["If-None-Match"] = etag
        if last_modified:
            request_headers["If-Modified-Since"] = last_modified
        limit = max_bytes or self.config.max_bytes
        attempt = 0
        # One deadline for the whole call, redirects and retries included: a source never takes longer than it.
        with request_deadline(self.request_seconds) as deadline:
            while True:
                try:
                    return self._follow_redirects(url, request_headers, limit, deadline)
                except _Retryable as retry:
                    delay = retry.error.retry_after
                    if delay is None:
                        delay = self.backoff_seconds * (2**attempt) * random.uniform(0.5, 1.5)
                    if attempt >= self.config.retries or time.monotonic() + delay >= deadline:
                        raise retry.error from None
                    attempt += 1
                    time.sleep(delay)

    def _follow_redirects(self, start_url: str, headers: dict[str, str], limit: int, deadline: float) -> FetchResponse:
        url = start_url
        for _hop in range(self.config.max_redirects + 1):
            check_url_allowed(url, allow_private=self.config.allow_private_addresses)
            result = self._get_once(url, headers, limit, deadline)
            if isinstance(result, FetchResponse):
                return result
            url = result
        raise SourceError(
            "http",
            f"more than {self.config.max_redirects} redirects starting from {start_url} "
            "(point the source at the final address, or raise http.max_redirects)",
        )

    @property
    def request_seconds(self) -> float:
        """The deadline of one get(): connect to last body byte, redirects and retries included."""
        return self.config.timeout_seconds * TOTAL_TIME_FACTOR

    def _get_once(self, url: str, headers: dict[str, str], limit: int, deadline: float) -> FetchResponse | str:
        """One request, over by `deadline`: a FetchResponse, or the next URL when the server redirects."""
        try:
            with self._borrowed_client() as client, client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if status in REDIRECT_STATUSES and response.headers.get("location"):
                    return urljoin(str(response.url), response.headers["location"])
                lower_headers = {name.lower(): value for name, value in response.headers.items()}
                if status == 304:
                    # A 304 has no body, but reading to its end lets the connection go back to the pool
                    # (closed unread, it is dropped: a second poll of many feeds then pays a connect each).
                    response.read()
                    return FetchResponse(str(response.url), status, lower_headers, b"", not_modified=True)
                self._raise_for_status(response, url)
                body = self._read_body(response, url, limit)
                return FetchResponse(str(response.url), status, lower_headers, body)
        except httpx.TimeoutException:
            if time.monotonic() >= deadline:
                raise _Retryable(SourceError("timeout", f"{url} did not complete its answer within "
                                             f"{self.request_seconds:g} s ({TOTAL_TIME_FACTOR} x http.timeout_seconds; "
                                             "the server is too slow)")) from None
            raise _Retryable(SourceError("timeout", f"no answer from {url} within {self.config.timeout_seconds:g} s "
                                         "(the server is slow or down; raise http.timeout_seconds if it is just slow)")) from None
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise _Retryable(SourceError("network", f"could not reach {url}: {describe_transport_error(exc)}")) from exc
        except httpx.InvalidURL as exc:
            raise SourceError("config", f"not a usable URL {url!r}: {exc}") from None

    def _raise_for_status(self, response: httpx.Response, url: str) -> None:
        status = response.status_code
        if status < 400:
            return
        reason = f"{status} {response.reason_phrase}".strip()
        retry_after = parse_retry_after(response.headers.get("retry-after"))
        if status == 429 or (status == 503 and retry_after is not None):
            error = SourceError(
                "rate_limited",
                f"server answered {reason} for {url}"
                + (f" (asks to wait {retry_after:g} s)" if retry_after is not None else "")
                + "; the source will be retried later",
                retry_after=retry_after,
            )
            if retry_after is not None and retry_after > self.max_retry_after:
                raise error  # too long to sleep in a worker: let the store back the source off
            raise _Retryable(error)
        if status in (404, 410):
            raise SourceError("not_found", f"server answered {reason} for {url} (check the source's URL)")
        if status in (401, 403):
            raise SourceError("forbidden", f"server answered {reason} for {url} (the site refuses this client)")
        error = SourceError("http", f"server answered {reason} for {url}")
        if status in RETRYABLE_STATUSES:
            raise _Retryable(error)
        raise error

    def _read_body(self, response: httpx.Response, url: str, limit: int) -> bytes:
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large(url, limit)
        chunks: list[bytes] = []
        size = 0
        # The request's deadline (http_guard) bounds every read here: a dripping body ends as a timeout.
        for chunk in decoded_chunks(response.iter_raw(), response.headers.get("content-encoding", ""), limit, url):
            size += len(chunk)
            if size > limit:
                raise too_large(url, limit)
            chunks.append(chunk)
        return b"".join(chunks)


class _Retryable(Exception):
    """Internal: a failure worth another attempt; carries the SourceError to raise when attempts run out."""

    def __init__(self, error: SourceError) -> None:
        super().__init__(str(error))
        self.error = error


def decoded_chunks(raw: Iterator[bytes], encoding: str, limit: int, url: str) -> Iterator[bytes]:
    """Decompress gzip/deflate chunk by chunk, never producing more than `limit + 1` bytes (gzip-bomb cap)."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        yield from raw
        return
    if encoding in ("gzip", "x-gzip"):
        decoder = zlib.decompressobj(16 + zlib.MAX_WBITS)
    elif encoding == "deflate":
        decoder = None  # zlib-wrapped or raw deflate: decided on the first bytes
    else:
        raise SourceError("http", f"{url} used content encoding {encoding!r}, which is not supported")
    produced = 0
    try:
        for chunk in raw:
            if decoder is None:
                decoder = zlib.decompressobj(zlib.MAX_WBITS if chunk[:1] == b"\x78" else -zlib.MAX_WBITS)
            data = chunk
            while data:
                out = decoder.decompress(data, limit + 1 - produced)
                produced += len(out)
                yield out
                if produced > limit:
                    return
                data = decoder.unconsumed_tail
        if decoder is not None:
            yield decoder.flush()
    except zlib.error as exc:
        raise SourceError("parse", f"{url} sent a corrupt {encoding} body ({exc})") from None


def too_large(url: str, limit: int) -> SourceError:
    return SourceError("too_large", f"response from {url} larger than {limit:,} bytes (raise http.max_bytes)")


def parse_retry_after(value: str | None) -> float | None:
    """Retry-After as seconds from now: a number of seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        moment = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())


def describe_transport_error(exc: Exception) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.ConnectError):
        return f"connection failed ({text}); check the host name and that the site is up"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError)):
        return f"the connection broke mid-answer ({text})"
    return text


def pinned_transport(limits: httpx.Limits, *, allow_private: bool) -> httpx.HTTPTransport:
    """httpx's transport over a connection pool whose sockets come from the guard's PinnedBackend."""
    transport = httpx.HTTPTransport(limits=limits, trust_env=False)
    # httpx offers no parameter for the network backend, so its pool is rebuilt with the same settings plus it.
    transport._pool = httpcore.ConnectionPool(  # noqa: SLF001
        ssl_context=httpx.create_ssl_context(trust_env=False),
        max_connections=limits.max_connections,
        max_keepalive_connections=limits.max_keepalive_connections,
        keepalive_expiry=limits.keepalive_expiry,
        network_backend=PinnedBackend(allow_private=allow_private),
    )
    return transport


# --- one Fetcher per process and HTTP config --------------------------------------------------------------

_shared: dict[tuple[str, str], Fetcher] = {}
_shared_lock = threading.Lock()


def shared_fetcher(http: HttpConfig, user_agent: str = core.USER_AGENT) -> Fetcher:
    """The process-wide Fetcher for this HTTP config, so concurrent collectors share one connection pool."""
    key = (http.model_dump_json(), user_agent)
    with _shared_lock:
        fetcher = _shared.get(key)
        if fetcher is None:
            fetcher = _shared[key] = Fetcher(http, user_agent=user_agent)
        return fetcher


def close_shared_fetchers() -> None:
    with _shared_lock:
        for fetcher in _shared.values():
            fetcher.close()
        _shared.clear()
