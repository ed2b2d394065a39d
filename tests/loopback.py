"""A tiny real HTTP server on 127.0.0.1 for tests: routes map a path to a handler, every request is recorded."""
from __future__ import annotations

import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Request:
    method: str
    path: str  # path plus query string
    headers: dict[str, str]
    body: bytes = b""
    client_port: int = 0  # the same port means the same (kept-alive) connection


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering (slow host / timeout tests)


Handler = Callable[[Request], Response]


class LoopbackServer:
    """Use as a context manager; `routes[path] = handler`; `url(path)` gives the full URL."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Request] = []
        self.fallback: Handler | None = None
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in separate writes; without this each request waits on delayed ACKs.
            disable_nagle_algorithm = True

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = Request(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body,
                                  self.client_address[1])
                outer.requests.append(request)
                handler = outer.routes.get(self.path) or outer.routes.get(urlsplit(self.path).path) or outer.fallback
                response = handler(request) if handler else Response(404, b"not found")
                if response.delay:
                    threading.Event().wait(response.delay)
                try:
                    self.send_response(response.status)
                    headers = {k.lower(): v for k, v in response.headers.items()}
                    for name, value in response.headers.items():
                        self.send_header(name, value)
                    if "content-length" not in headers:
                        self.send_header("Content-Length", str(len(response.body)))
                    self.end_headers()
                    if self.command != "HEAD":
                        self.wfile.write(response.body)
                except (BrokenPipeError, ConnectionResetError):
                    pass

            do_GET = do_POST = do_HEAD = do_PUT = do_PATCH = do_DELETE = _serve

        class _Server(ThreadingHTTPServer):
            request_queue_size = 1024  # many concurrent connects must not wait for a retry

        self.httpd = _Server(("127.0.0.1", 0), _Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"  # host is a str for an AF_INET server

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def requests_to(self, path: str) -> list[Request]:
        return [r for r in self.requests if urlsplit(r.path).path == path or r.path == path]

    def __enter__(self) -> LoopbackServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def dripping_server(stop: threading.Event, head: bytes, drip: bytes, every: float) -> tuple[socket.socket, int]:
    """A raw server on 127.0.0.1 that answers every connection with `head` at once, then `drip` one byte every
    `every` seconds, never finishing. Each byte comes well within any read timeout: only a deadline over the
    whole request can end it. Returns the listening socket (close it, and set `stop`, when done) and its port.
    """
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)

    def answer(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            try:
                conn.sendall(head)
                for byte in drip:
                    if stop.wait(every):
                        return
                    conn.sendall(bytes([byte]))
            except OSError:
                return

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except OSError:
                return
            threading.Thread(target=answer, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener, listener.getsockname()[1]


def slow_header_server(stop: threading.Event) -> tuple[socket.socket, int]:
    """Headers one byte a second, never finished."""
    return dripping_server(stop, b"", b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000, 1.0)
