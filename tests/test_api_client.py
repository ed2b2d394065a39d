"""The JSON API client: the SSRF guard, the size cap, GET retries on 5xx, and statuses handed back."""
from __future__ import annotations

import gzip
import threading
import time

import pytest

from collectors.api_client import ApiClient
from collectors.base import SourceError
from core.config import HttpConfig
from tests.loopback import Request, Response, slow_header_server


def client(**http) -> ApiClient:
    return ApiClient(HttpConfig(**{"allow_private_addresses": True, "timeout_seconds": 2, **http}),
                     sleep=lambda _s: None)


def test_loopback_is_refused_by_default(loopback) -> None:
    with pytest.raises(SourceError) as raised:
        ApiClient(HttpConfig()).request("POST", loopback.url("/x"), json_body={"a": 1})
    assert raised.value.kind == "blocked_address" and loopback.requests == []


def test_a_gzip_bomb_is_cut_at_max_bytes(loopback) -> None:
    bomb = gzip.compress(b"0" * 5_000_000)
    loopback.routes["/bomb"] = lambda _r: Response(200, bomb, {"Content-Encoding": "gzip"})
    with pytest.raises(SourceError) as raised:
        client(max_bytes=100_000).get(loopback.url("/bomb"))
    assert raised.value.kind == "too_large"


def test_get_retries_a_5xx_then_returns_the_answer(loopback) -> None:
    answers = iter([Response(503, b"busy"), Response(200, b'{"ok": true}')])
    loopback.routes["/flaky"] = lambda _r: next(answers)
    response = client(retries=1).get(loopback.url("/flaky"))
    assert response.status == 200 and response.json() == {"ok": True}
    assert len(loopback.requests) == 2


def test_statuses_are_handed_back_with_the_platforms_error_text(loopback) -> None:
    loopback.routes["/denied"] = lambda _r: Response(403, b'{"error": {"code": 403, "message": "No access"}}')
    response = client().request("PUT", loopback.url("/denied"), json_body={"comment": "x"})
    assert response.status == 403 and response.error_detail() == "No access"


def test_a_post_is_never_retried(loopback) -> None:
    def answer(request: Request) -> Response:
        return Response(503, b"busy")

    loopback.routes["/once"] = answer
    assert client(retries=3).request("POST", loopback.url("/once"), form={"a": "b"}).status == 503
    assert len(loopback.requests) == 1


@pytest.mark.slow
def test_headers_sent_a_byte_a_second_end_at_the_request_deadline() -> None:
    stop = threading.Event()
    listener, port = slow_header_server(stop)
    started = time.monotonic()
    try:
        with pytest.raises(SourceError) as raised:
            # Each byte comes within the 1.5 s read timeout: only the whole-request deadline (3 x 1.5 s) ends it.
            client(timeout_seconds=1.5, retries=0).request("GET", f"http://127.0.0.1:{port}/api")
    finally:
        stop.set()
        listener.close()
    assert time.monotonic() - started < 4.5 + 1.5
    assert raised.value.kind == "timeout"
    assert raised.value.message == (f"http://127.0.0.1:{port}/api did not complete its answer within 4.5 s "
                                    "(3 x http.timeout_seconds; the service is too slow)")
