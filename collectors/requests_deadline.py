"""One deadline per request for clients built on `requests` (PRAW): connect, headers and body together.

requests and urllib3 only bound each socket operation, so a server sending one byte a second holds a request for
ever. Here every socket a request uses is registered with that request's watch; when the deadline passes first, a
timer thread shuts the sockets down, which wakes the blocked read at once (with TLS too, since the shutdown acts
on the file descriptor under the TLS layer). `within_deadline` says whether that happened, so the caller reports a
timeout rather than the broken connection it sees.
"""
from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from typing import Any

import requests.adapters
import urllib3.connection
import urllib3.connectionpool

_current = threading.local()


class Watch:
    """The sockets of one request in flight, shut down if its deadline passes before the request ends."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True  # a pending timer never keeps the process alive

    def add(self, sock: socket.socket | None) -> None:
        if sock is None:
            return
        with self._lock:
            if self.expired:
                _shut(sock)
            else:
                self._sockets.append(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def start(self) -> None:
        self._timer.start()

    def end(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sockets.clear()  # a pooled connection's socket outlives the request: never shut it later


def _shut(sock: socket.socket) -> None:
    # socket.socket's own shutdown, also for an SSLSocket: only the descriptor, not the TLS object another
    # thread is reading through.
    with contextlib.suppress(OSError):  # already closed, or detached when TLS took it over
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


@contextlib.contextmanager
def within_deadline(seconds: float) -> Iterator[Watch]:
    """Within this block, this thread's requests through a DeadlineAdapter end by `seconds` from now."""
    previous = getattr(_current, "watch", None)
    watch = Watch(seconds)
    _current.watch = watch
    watch.start()
    try:
        yield watch
    finally:
        watch.end()
        _current.watch = previous


def _register(sock: socket.socket | None) -> None:
    watch: Watch | None = getattr(_current, "watch", None)
    if watch is not None:
        watch.add(sock)


class _DeadlineHTTPConnection(urllib3.connection.HTTPConnection):
    """Registers its socket with the current watch when connecting and at every request (pooled reuse)."""

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn()
        _register(sock)  # covers the TLS handshake, before the TLS socket exists
        return sock

    def connect(self) -> None:
        super().connect()
        _register(self.sock)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _register(self.sock)
        super().request(*args, **kwargs)


class _DeadlineHTTPSConnection(_DeadlineHTTPConnection, urllib3.connection.HTTPSConnection):
    """The same registering, over TLS (the methods above come first, then HTTPSConnection's)."""


class _HTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _DeadlineHTTPConnection


class _HTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _DeadlineHTTPSConnection


class DeadlineAdapter(requests.adapters.HTTPAdapter):
    """An HTTPAdapter whose connections obey `within_deadline` (mount it for http:// and https://)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _HTTPPool, "https": _HTTPSPool}
