"""JSON APIs that need more than a GET (OAuth token refresh, sign-in, status-specific handling): one request at a
time with the project's SSRF guard, timeout and size cap. The status is handed back for the caller to map, since
what a 401 or a 403 means differs per platform (refresh the token, re-authorise, wait)."""
from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

import core
from collectors.base import SourceError
from collectors.http import TOTAL_TIME_FACTOR, describe_transport_error, parse_retry_after, pinned_transport, too_large
from collectors.http_guard import blocked_message, check_url_allowed, is_blocked_ip, request_deadline
from core.config import HttpConfig

# Statuses a GET is retried on (a few times, quickly) before the caller sees them.
RETRY_GET_STATUSES = frozenset({500, 502, 503, 504})


@dataclass(slots=True)
class ApiResponse:
    """One answered request: status, lower-case headers, body."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body.decode("utf-8", errors="replace"))
        except ValueError as exc:
            raise SourceError("parse", f"{self.url} did not answer valid JSON ({exc})") from None

    @property
    def retry_after(self) -> float | None:
        return parse_retry_after(self.headers.get("retry-after"))

    def error_detail(self) -> str:
        """The platform's own error text when the body carries one (Google, Mastodon, Bluesky shapes), else ""."""
        try:
            data = json.loads(self.body.decode("utf-8", errors="replace"))
        except ValueError:
            return ""
        if not isinstance(data, dict):
            return ""
        error = data.get("error")
        if isinstance(error, dict):  # Google: {"error": {"code", "message", "status"}}
            return str(error.get("message") or error.get("status") or "")[:300]
        parts = [str(part) for part in (error, data.get("message"), data.get("error_description")) if part]
        return ": ".join(dict.fromkeys(parts))[:300]


class ApiClient:
    """Requests to JSON APIs; raises SourceError only for transport failures, blocked addresses and oversize bodies."""

    def __init__(self, http: HttpConfig, *, user_agent: str = core.USER_AGENT,
                 sleep: Callable[[float], None] = time.sleep, backoff_seconds: float = 0.5) -> None:
        self.config = http
        self.user_agent = user_agent
        self.sleep = sleep
        self.backoff_seconds = backoff_seconds
        # Redirects are not followed: an API that redirects is misconfigured, and every hop would need the guard.
        # Connections go to the address the guard vetted (as the Fetcher's do), so DNS that answers differently
        # on the second look cannot reach an internal server.
        transport = pinned_transport(httpx.Limits(max_connections=http.concurrency),
                                     allow_private=http.allow_private_addresses)
        self._client = httpx.Client(timeout=httpx.Timeout(http.timeout_seconds), follow_redirects=False,
                                    trust_env=False, transport=transport)

    def close(self) -> None:
        self._client.close()

    def get(self, url: str, *, headers: dict[str, str] | None = None,
            params: dict[str, Any] | None = None) -> ApiResponse:
        """A GET, retried on 5xx and transport failures up to http.retries times."""
        attempt = 0
        while True:
            try:
                response = self.request("GET", url, headers=headers, params=params)
            except SourceError as error:
                if error.kind not in ("network", "timeout") or attempt >= self.config.retries:
                    raise
            else:
                if response.status not in RETRY_GET_STATUSES or attempt >= self.config.retries:
                    return response
            attempt += 1
            self.sleep(self.backoff_seconds * (2 ** (attempt - 1)) * random.uniform(0.5, 1.5))

    def request(self, method: str, url: str, *, headers: dict[str, str] | None = None,
                params: dict[str, Any] | None = None, json_body: Any = None,
                form: dict[str, str] | None = None) -> ApiResponse:
        """One request, no retry: the caller decides what a status means."""
        check_url_allowed(url, allow_private=self.config.allow_private_addresses)
        request_headers = {"User-Agent": self.user_agent, "Accept": "application/json", **(headers or {})}
        started = time.monotonic()
        # One deadline over connect, headers and body (http_guard bounds every socket operation by it).
        try:
            with request_deadline(self.request_seconds), \
                    self._client.stream(method, url, headers=request_headers, params=params, json=json_body,
                                        data=form) as response:
                self._check_peer(response, url)
                body = self._read(response, url)
                lower = {name.lower(): value for name, value in response.headers.items()}
                return ApiResponse(str(response.url), response.status_code, lower, body)
        except httpx.TimeoutException:
            if time.monotonic() >= started + self.request_seconds:
                raise SourceError("timeout", f"{url} did not complete its answer within {self.request_seconds:g} s "
                                             f"({TOTAL_TIME_FACTOR} x http.timeout_seconds; the service is too slow)"
                                  ) from None
            raise SourceError("timeout", f"no answer from {url} within {self.config.timeout_seconds:g} s "
                                         "(the service is slow or down; raise http.timeout_seconds if it is just slow)"
                              ) from None
        except (httpx.TransportError, httpx.StreamError) as exc:
            raise SourceError("network", f"could not reach {url}: {describe_transport_error(exc)}") from None
        except httpx.InvalidURL as exc:
            raise SourceError("config", f"not a usable URL {url!r}: {exc}") from None

    @property
    def request_seconds(self) -> float:
        """The deadline of one request: connect to last body byte."""
        return self.config.timeout_seconds * TOTAL_TIME_FACTOR

    def _check_peer(self, response: httpx.Response, url: str) -> None:
        """The address actually connected to, so DNS that changes after the check cannot slip through."""
        if self.config.allow_private_addresses:
            return
        stream = response.extensions.get("network_stream")
        peer = stream.get_extra_info("server_addr") if stream is not None else None
        if peer and is_blocked_ip(peer[0]):
            raise SourceError("blocked_address", blocked_message(url, peer[0]))

    def _read(self, response: httpx.Response, url: str) -> bytes:
        limit = self.config.max_bytes
        declared = response.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise too_large(url, limit)
        # A dripping body meets the request's deadline in the socket layer (http_guard), as a ReadTimeout.
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():  # decompressed, so the cap also holds against a gzip bomb
            size += len(chunk)
            if size > limit:
                raise too_large(url, limit)
            chunks.append(chunk)
        return b"".join(chunks)


def status_error(response: ApiResponse, service: str, *, auth_hint: str, forbidden_hint: str) -> SourceError:
    """The SourceError for an unexpected status of `service`, saying what to do."""
    detail = response.error_detail()
    said = f" ({detail})" if detail else ""
    where = f"{service} answered {response.status} for {response.url}{said}"
    if response.status == 401:
        return SourceError("auth", f"{where}; {auth_hint}")
    if response.status == 403:
        return SourceError("forbidden", f"{where}; {forbidden_hint}")
    if response.status == 429:
        wait = response.retry_after
        return SourceError(
            "rate_limited",
            f"{where}: over the rate limit" + (f", asked to wait {wait:g} s" if wait is not None else "")
            + "; the source will be retried later (raise its interval_minutes if this repeats)",
            retry_after=wait,
        )
    if response.status in (404, 410):
        return SourceError("not_found", f"{where}; check the source's ids and address")
    if response.status >= 500:
        return SourceError("http", f"{where}: the service has a problem; the source will be retried later",
                           retry_after=response.retry_after)
    return SourceError("http", f"{where}")


_shared: dict[str, ApiClient] = {}
_shared_lock = threading.Lock()


def shared_api_client(http: HttpConfig) -> ApiClient:
    """The process-wide ApiClient for this HTTP config: collectors are built per run, connections outlive them."""
    key = http.model_dump_json()
    with _shared_lock:
        client = _shared.get(key)
        if client is None:
            client = _shared[key] = ApiClient(http)
        return client


def close_shared_api_clients() -> None:
    with _shared_lock:
        for client in _shared.values():
            client.close()
        _shared.clear()
