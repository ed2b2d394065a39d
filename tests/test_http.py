"""The fetch layer against a real HTTP server on 127.0.0.1: caching, caps, retries, redirects, SSRF guard."""
from __future__ import annotations

import gzip
import socket
import ssl
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
import trustme

import core
from collectors import http_guard
from collectors.base import SourceError
from collectors.http import Fetcher, is_blocked_ip, parse_retry_after
from core.config import HttpConfig
from tests.loopback import Response, slow_header_server


def make_fetcher(**overrides) -> Fetcher:
    settings = {"allow_private_addresses": True, "retries": 0, "timeout_seconds": 5, **overrides}
    return Fetcher(HttpConfig(**settings), backoff_seconds=0.01)


@pytest.fixture
def fetcher():
    with make_fetcher() as fetcher:
        yield fetcher


def fails_with(kind: str, call) -> SourceError:
    with pytest.raises(SourceError) as caught:
        call()
    assert caught.value.kind == kind, str(caught.value)
    return caught.value


def test_get_sends_user_agent_and_decodes_charset(loopback, fetcher) -> None:
    loopback.routes["/feed"] = lambda r: Response(
        200, "zażółć".encode("iso-8859-2"), {"Content-Type": "text/plain; charset=ISO-8859-2", "ETag": '"v1"'}
    )
    response = fetcher.get(loopback.url("/feed"))
    assert response.status == 200 and not response.not_modified
    assert response.text == "zażółć"
    assert response.headers["etag"] == '"v1"'  # names are lower-case
    assert loopback.requests[0].headers["user-agent"] == core.USER_AGENT
    assert core.PROJECT_URL in core.USER_AGENT


def test_json_body_and_broken_json(loopback, fetcher) -> None:
    loopback.routes["/ok"] = lambda r: Response(200, b'{"a": [1, 2]}', {"Content-Type": "application/json"})
    loopback.routes["/bad"] = lambda r: Response(200, b"{nope", {"Content-Type": "application/json"})
    assert fetcher.get(loopback.url("/ok")).json() == {"a": [1, 2]}
    fails_with("parse", lambda: fetcher.get(loopback.url("/bad")).json())


def test_conditional_get_returns_not_modified_without_body(loopback, fetcher) -> None:
    def handler(request):
        if request.headers.get("if-none-match") == '"v1"':
            return Response(304, b"")
        return Response(200, b"body", {"ETag": '"v1"', "Last-Modified": "Mon, 03 Apr 2023 01:02:03 GMT"})

    loopback.routes["/feed"] = handler
    first = fetcher.get(loopback.url("/feed"))
    second = fetcher.get(loopback.url("/feed"), etag=first.headers["etag"], last_modified=first.headers["last-modified"])
    assert second.not_modified and second.status == 304 and second.body == b""
    sent = loopback.requests[1].headers
    assert sent["if-none-match"] == '"v1"' and sent["if-modified-since"] == "Mon, 03 Apr 2023 01:02:03 GMT"


def test_not_modified_answers_keep_the_connection_for_the_next_poll(loopback, fetcher) -> None:
    loopback.routes["/feed"] = lambda r: Response(304, b"", {"ETag": '"v1"'})
    for _ in range(3):
        assert fetcher.get(loopback.url("/feed"), etag='"v1"').not_modified
    assert len({request.client_port for request in loopback.requests}) == 1, "each 304 dropped its connection"


def test_threads_borrow_their_own_clients_and_reuse_their_connections(loopback, fetcher) -> None:
    loopback.routes["/feed"] = lambda r: Response(304, b"", {"ETag": '"v1"'}, delay=0.02)
    threads = 4
    with ThreadPoolExecutor(threads) as pool:
        answers = list(pool.map(lambda _: fetcher.get(loopback.url("/feed"), etag='"v1"'), range(40)))
    assert all(answer.not_modified for answer in answers)
    assert len(fetcher._all) in range(2, threads + 1)  # one client per request in flight, reused after
    assert len({request.client_port for request in loopback.requests}) <= threads  # and so their connections
    fetcher.close()
    assert fetcher._all == [] and fetcher._free == []


@pytest.mark.parametrize("encoding,compress", [
    ("gzip", gzip.compress),
    ("deflate", zlib.compress),
    ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, as some servers send it
])
def test_compressed_bodies_are_decoded(loopback, fetcher, encoding, compress) -> None:
    payload = b"<rss>" + b"x" * 100_000 + b"</rss>"
    loopback.routes["/z"] = lambda r: Response(200, compress(payload), {"Content-Encoding": encoding})
    assert fetcher.get(loopback.url("/z")).body == payload
    assert "gzip" in loopback.requests[0].headers["accept-encoding"]


def test_gzip_bomb_is_capped_on_decompressed_bytes(loopback) -> None:
    bomb = gzip.compress(b"\0" * 50_000_000, compresslevel=9)
    assert len(bomb) < 100_000
    loopback.routes["/bomb"] = lambda r: Response(200, bomb, {"Content-Encoding": "gzip"})
    with make_fetcher(max_bytes=1_000_000) as fetcher:
        error = fails_with("too_large", lambda: fetcher.get(loopback.url("/bomb")))
    assert "larger than 1,000,000 bytes (raise http.max_bytes)" in error.message


def test_a_50_mb_body_is_refused(loopback, fetcher) -> None:
    body = b"a" * 50_000_000
    loopback.routes["/big"] = lambda r: Response(200, body)
    error = fails_with("too_large", lambda: fetcher.get(loopback.url("/big")))
    assert "10,000,000 bytes" in error.message
    # The per-call cap overrides the configured one.
    loopback.routes["/small"] = lambda r: Response(200, b"b" * 2_000)
    fails_with("too_large", lambda: fetcher.get(loopback.url("/small"), max_bytes=1_000))


def test_timeout_is_reported(loopback) -> None:
    loopback.routes["/slow"] = lambda r: Response(200, b"late", delay=1.5)
    with make_fetcher(timeout_seconds=0.3) as fetcher:
        started = time.monotonic()
        error = fails_with("timeout", lambda: fetcher.get(loopback.url("/slow")))
    assert time.monotonic() - started < 1.4
    assert "within 0.3 s" in error.message


def test_server_error_is_retried_then_reported(loopback) -> None:
    loopback.routes["/500"] = lambda r: Response(500, b"oops")
    with make_fetcher(retries=2) as fetcher:
        error = fails_with("http", lambda: fetcher.get(loopback.url("/500")))
    assert error.message == f"server answered 500 Internal Server Error for {loopback.url('/500')}"
    assert len(loopback.requests_to("/500")) == 3


def test_transient_error_recovers_on_retry(loopback) -> None:
    answers = iter([Response(502, b""), Response(200, b"fine")])
    loopback.routes["/flaky"] = lambda r: next(answers)
    with make_fetcher(retries=2) as fetcher:
        assert fetcher.get(loopback.url("/flaky")).body == b"fine"


def test_short_retry_after_is_honoured(loopback) -> None:
    answers = iter([Response(429, b"", {"Retry-After": "1"}), Response(200, b"ok")])
    loopback.routes["/rl"] = lambda r: next(answers)
    with make_fetcher(retries=1) as fetcher:
        started = time.monotonic()
        assert fetcher.get(loopback.url("/rl")).body == b"ok"
    assert time.monotonic() - started >= 0.9


def test_long_retry_after_is_not_slept_but_raised(loopback) -> None:
    loopback.routes["/rl"] = lambda r: Response(429, b"", {"Retry-After": "120"})
    loopback.routes["/busy"] = lambda r: Response(
        503, b"", {"Retry-After": format_datetime(datetime.now(UTC) + timedelta(hours=1), usegmt=True)}
    )
    with make_fetcher(retries=3) as fetcher:
        started = time.monotonic()
        error = fails_with("rate_limited", lambda: fetcher.get(loopback.url("/rl")))
        assert error.retry_after == 120 and "429" in error.message
        busy = fails_with("rate_limited", lambda: fetcher.get(loopback.url("/busy")))
        assert 3500 < busy.retry_after <= 3600
    assert time.monotonic() - started < 2
    assert len(loopback.requests) == 2  # one request each: no retry storm against a server asking for rest


@pytest.mark.parametrize("status,kind", [(404, "not_found"), (410, "not_found"), (403, "forbidden"),
                                         (401, "forbidden"), (400, "http")])
def test_client_errors_map_to_kinds_without_retry(loopback, status, kind) -> None:
    loopback.routes["/x"] = lambda r: Response(status, b"")
    with make_fetcher(retries=2) as fetcher:
        fails_with(kind, lambda: fetcher.get(loopback.url("/x")))
    assert len(loopback.requests) == 1


def test_connection_refused_is_a_network_error() -> None:
    with make_fetcher() as fetcher:
        error = fails_with("network", lambda: fetcher.get("http://127.0.0.1:9/feed"))
    assert "could not reach http://127.0.0.1:9/feed" in error.message


def test_redirects_are_followed_up_to_the_limit(loopback) -> None:
    loopback.routes["/a"] = lambda r: Response(301, b"", {"Location": "/b"})
    loopback.routes["/b"] = lambda r: Response(302, b"", {"Location": loopback.url("/c")})
    loopback.routes["/c"] = lambda r: Response(200, b"final")
    loopback.routes["/loop"] = lambda r: Response(302, b"", {"Location": "/loop"})
    with make_fetcher(max_redirects=2) as fetcher:
        response = fetcher.get(loopback.url("/a"))
        assert response.body == b"final" and response.url == loopback.url("/c")
        error = fails_with("http", lambda: fetcher.get(loopback.url("/loop")))
    assert "more than 2 redirects" in error.message
    assert len(loopback.requests_to("/loop")) == 3


def test_private_addresses_are_refused_by_default(loopback) -> None:
    loopback.routes["/feed"] = lambda r: Response(200, b"secret")
    with Fetcher(HttpConfig(retries=0)) as fetcher:
        error = fails_with("blocked_address", lambda: fetcher.get(loopback.url("/feed")))
        fails_with("blocked_address", lambda: fetcher.get(f"http://localhost:{loopback.httpd.server_address[1]}/"))
        fails_with("blocked_address", lambda: fetcher.get("file:///etc/passwd"))
        fails_with("blocked_address", lambda: fetcher.get("http://[::1]/"))
        fails_with("blocked_address", lambda: fetcher.get("http://169.254.169.254/latest/meta-data/"))
    assert "http.allow_private_addresses" in error.message
    assert loopback.requests == []  # refused before any connection


def test_file_urls_are_refused_even_when_private_addresses_are_allowed(fetcher) -> None:
    fails_with("blocked_address", lambda: fetcher.get("file:///etc/passwd"))


def test_every_redirect_hop_is_checked(loopback, monkeypatch) -> None:
    # Here 127.0.0.1 stands for a public host and 127.0.0.2 for an internal one: DNS to the outside is unavailable.
    monkeypatch.setattr(http_guard, "is_blocked_ip", lambda address: address != "127.0.0.1")
    port = loopback.httpd.server_address[1]
    loopback.routes["/go"] = lambda r: Response(302, b"", {"Location": f"http://127.0.0.2:{port}/admin"})
    with Fetcher(HttpConfig(retries=0)) as fetcher:
        error = fails_with("blocked_address", lambda: fetcher.get(loopback.url("/go")))
    assert "127.0.0.2" in error.message
    assert [r.path for r in loopback.requests] == ["/go"]


def rebinding_resolver(monkeypatch, host: str, answers: list[str]) -> list[str]:
    """A stub DNS for `host`, seen by the guard and by any socket code alike: answers in turn, the last repeating.
    Returns the list of addresses handed out, so a test can tell how often the name was resolved."""
    real = socket.getaddrinfo
    given: list[str] = []

    def getaddrinfo(name, port, *args, **kwargs):
        if name != host:
            return real(name, port, *args, **kwargs)
        address = answers[min(len(given), len(answers) - 1)]
        given.append(address)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 80)))]

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return given


def test_dns_rebinding_never_reaches_the_internal_server(loopback, monkeypatch) -> None:
    # The name answers a public address to the first lookup and the loopback server's to every later one.
    given = rebinding_resolver(monkeypatch, "rebind.example", ["93.184.216.34", "127.0.0.1"])
    loopback.routes["/feed"] = lambda r: Response(200, b"internal data")
    port = loopback.httpd.server_address[1]
    with Fetcher(HttpConfig(retries=0, timeout_seconds=2)) as fetcher:
        error = fails_with("blocked_address", lambda: fetcher.get(f"http://rebind.example:{port}/feed"))
    assert "(127.0.0.1)" in error.message and len(given) >= 2
    assert loopback.requests == []  # the server's access log stays empty


def test_redirect_hop_to_a_rebinding_name_is_refused_before_connecting(loopback, monkeypatch) -> None:
    monkeypatch.setattr(http_guard, "is_blocked_ip", lambda address: address != "127.0.0.1")
    rebinding_resolver(monkeypatch, "hop.example", ["127.0.0.1", "127.0.0.2"])  # here .1 is public, .2 internal
    port = loopback.httpd.server_address[1]
    loopback.routes["/go"] = lambda r: Response(302, b"", {"Location": f"http://hop.example:{port}/admin"})
    with Fetcher(HttpConfig(retries=0, timeout_seconds=2)) as fetcher:
        error = fails_with("blocked_address", lambda: fetcher.get(loopback.url("/go")))
    assert "(127.0.0.2)" in error.message
    assert [r.path for r in loopback.requests] == ["/go"]


def test_the_connection_goes_to_the_vetted_address_and_keeps_the_host(loopback, monkeypatch) -> None:
    monkeypatch.setattr(http_guard, "is_blocked_ip", lambda address: address != "127.0.0.1")
    given = rebinding_resolver(monkeypatch, "clinic.example", ["127.0.0.1"])
    loopback.routes["/feed"] = lambda r: Response(200, b"public data")
    port = loopback.httpd.server_address[1]
    with Fetcher(HttpConfig(retries=0, timeout_seconds=2)) as fetcher:
        response = fetcher.get(f"http://clinic.example:{port}/feed")
    assert response.body == b"public data"
    assert loopback.requests[0].headers["host"] == f"clinic.example:{port}"
    assert given  # resolved by the guard; the socket layer did not resolve by itself


@pytest.mark.parametrize("address", [
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a00:1::",  # 6to4 of 10.0.0.1
    "64:ff9b::127.0.0.1", "64:ff9b::a9fe:a9fe",  # NAT64 of loopback and of 169.254.169.254
    "64:ff9b:1::c0a8:1",  # local-use NAT64 of 192.168.0.1
    "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo whose client is 10.0.0.1
    "::127.0.0.1", "::10.0.0.1",  # IPv4-compatible
    "::ffff:10.0.0.1", "::ffff:169.254.169.254",  # IPv4-mapped
])
def test_ipv6_forms_of_private_ipv4_are_refused(address) -> None:
    assert is_blocked_ip(address) is True


def test_ipv4_mapped_public_address_stays_allowed() -> None:
    assert is_blocked_ip("::ffff:8.8.8.8") is False


def test_slow_headers_are_cut_at_the_request_deadline() -> None:
    stop = threading.Event()
    listener, port = slow_header_server(stop)
    try:
        with make_fetcher(timeout_seconds=1.5) as fetcher:  # each byte comes well within the read timeout
            started = time.monotonic()
            error = fails_with("timeout", lambda: fetcher.get(f"http://127.0.0.1:{port}/"))
            took = time.monotonic() - started
    finally:
        stop.set()
        listener.close()
    assert fetcher.request_seconds == 4.5
    assert fetcher.request_seconds - 0.1 < took < fetcher.request_seconds + 1.0
    assert "did not complete its answer within 4.5 s" in error.message


@pytest.mark.parametrize("address,blocked", [
    ("127.0.0.1", True), ("10.1.2.3", True), ("192.168.0.10", True), ("172.16.5.4", True),
    ("169.254.169.254", True), ("224.0.0.1", True), ("0.0.0.0", True), ("240.0.0.1", True),
    ("::1", True), ("fe80::1", True), ("fc00::1", True), ("::ffff:127.0.0.1", True), ("100.64.0.1", True),
    ("8.8.8.8", False), ("151.101.1.69", False), ("2a00:1450:4001:82b::200e", False),
])
def test_address_classification(address, blocked) -> None:
    assert is_blocked_ip(address) is blocked


def test_retry_after_forms() -> None:
    assert parse_retry_after("30") == 30
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= parse_retry_after(later) <= 90
    assert parse_retry_after("Mon, 03 Apr 2000 01:02:03 GMT") == 0


def test_one_fetcher_serves_many_threads(loopback, fetcher) -> None:
    loopback.routes["/n"] = lambda r: Response(200, r.path.encode(), delay=0.05)
    urls = [loopback.url(f"/n?i={i}") for i in range(64)]
    with ThreadPoolExecutor(16) as pool:
        bodies = list(pool.map(lambda url: fetcher.get(url).body, urls))
    assert bodies == [f"/n?i={i}".encode() for i in range(64)]


def test_a_pinned_https_connection_keeps_sni_host_and_certificate_checks(monkeypatch) -> None:
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("clinic.example").configure_cert(server_context)
    seen: dict[str, str] = {}

    def record_sni(_sock: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        seen.setdefault("sni", name or "")  # returning anything but None would abort the handshake

    server_context.sni_callback = record_sni

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            seen["host"] = self.headers["Host"]
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.socket = server_context.wrap_socket(httpd.socket, server_side=True)
    threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    port = httpd.server_address[1]

    def trusting_test_ca(**_: object) -> ssl.SSLContext:
        context = ssl.create_default_context()
        ca.configure_trust(context)
        return context

    monkeypatch.setattr(httpx, "create_ssl_context", trusting_test_ca)
    monkeypatch.setattr(http_guard, "is_blocked_ip", lambda address: address != "127.0.0.1")
    rebinding_resolver(monkeypatch, "clinic.example", ["127.0.0.1"])
    try:
        with Fetcher(HttpConfig(retries=0, timeout_seconds=2)) as fetcher:
            assert fetcher.get(f"https://clinic.example:{port}/feed").body == b"ok"
            # a certificate for another name is refused: the pinned address never stands in for the host name
            rebinding_resolver(monkeypatch, "other.example", ["127.0.0.1"])
            fails_with("network", lambda: fetcher.get(f"https://other.example:{port}/feed"))
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert seen == {"sni": "clinic.example", "host": f"clinic.example:{port}"}
