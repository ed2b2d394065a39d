"""A slow or hung source ends at its own deadline: PRAW's requests are cut like the Fetcher's, and the cycle
never waits on a source past http.source_seconds (real PRAW, real loopback servers, a real SQLite file)."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import tomli_w

from clinicwatch.pipeline import Pipeline, collect_once
from collectors.base import CollectResult, SourceError
from collectors.http import close_shared_fetchers
from collectors.reddit import RedditCollector
from collectors.registry import build_collector, parse_config
from core.config import Config, SourceBase
from storage.store import open_store
from tests.loopback import LoopbackServer, Response, dripping_server, slow_header_server

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("reddit_app_credentials")]

ROOT = Path(__file__).resolve().parent.parent
HEALTHY = [f"feed{i}" for i in range(5)]


@pytest.fixture(autouse=True)
def _fresh_fetchers() -> Iterator[None]:
    yield
    close_shared_fetchers()


@pytest.fixture
def dripping() -> Iterator[str]:
    """The base URL of a server that sends its status line and headers one byte a second, for ever."""
    stop = threading.Event()
    listener, port = slow_header_server(stop)
    yield f"http://127.0.0.1:{port}"
    stop.set()
    listener.close()


def rss(title: str) -> bytes:
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>{title}</title>'
            f"<link>https://blog.example.pl/{title}</link><guid>{title}</guid>"
            f"<description>{title}: opinia o przychodni Medicover.</description></item></channel></rss>").encode()


def config_with(tmp_path: Path, loopback: LoopbackServer, reddit_at: str, **http: Any) -> Config:
    for name in HEALTHY:
        loopback.routes[f"/{name}"] = lambda r, name=name: Response(200, rss(f"Medicover {name}"))
    sources: list[dict[str, Any]] = [{"kind": "feed", "name": n, "url": loopback.url(f"/{n}")} for n in HEALTHY]
    sources.append({"kind": "reddit", "name": "reddit", "oauth_url": reddit_at, "reddit_url": reddit_at,
                    "stream_subreddits": ["warszawa"]})
    return parse_config({
        "clinic_name": "Medicover", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Medicover"]},
        "http": {"allow_private_addresses": True, "concurrency": 8} | http, "sources": sources,
    })


def test_praw_request_with_dripping_headers_ends_at_the_request_deadline(dripping, tmp_path, loopback) -> None:
    # A byte a second never meets the 1.5 s read timeout (PRAW rounds it to 2 s)
    config = config_with(tmp_path, loopback, dripping, timeout_seconds=1.5, retries=0)
    [reddit] = [s for s in config.sources if s.kind == "reddit"]
    started = time.monotonic()
    with pytest.raises(SourceError) as caught:
        RedditCollector(reddit, config).collect({})  # type: ignore[arg-type]
    took = time.monotonic() - started
    # Only the whole-request deadline (3 x 1.5 s) can end it.
    assert took < 4.5 + 1.5, took
    assert caught.value.kind == "timeout"
    assert caught.value.message == (f"{dripping} did not complete its answer within 4.5 s (3 x http.timeout_seconds;"
                                    " the server is too slow; retries included): will retry")


def body_dripping_server(stop: threading.Event) -> tuple[socket.socket, int]:
    """Headers at once, then a JSON body one byte every half second."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n\r\n"
    return dripping_server(stop, head, b" " * 10_000, 0.5)


def test_praw_body_dripping_after_quick_headers_is_cut_too(tmp_path, loopback) -> None:
    stop = threading.Event()
    listener, port = body_dripping_server(stop)
    config = config_with(tmp_path, loopback, f"http://127.0.0.1:{port}", timeout_seconds=1, retries=0)
    [source] = [s for s in config.sources if s.kind == "reddit"]
    started = time.monotonic()
    try:
        with pytest.raises(SourceError) as caught:
            RedditCollector(source, config).collect({})  # type: ignore[arg-type]
    finally:
        stop.set()
        listener.close()
    assert caught.value.kind == "timeout" and "did not complete its answer within 3 s" in caught.value.message
    assert time.monotonic() - started < 3 + 1.5


def test_cycle_with_a_dripping_reddit_and_five_feeds_ends_at_its_deadline(dripping, tmp_path, loopback) -> None:
    # 2 s rather than less: the healthy feeds must not time out on a machine busy with other tests
    config = config_with(tmp_path, loopback, dripping, timeout_seconds=2)
    store = open_store(config.database)
    pipeline = Pipeline(config, store)  # built first: loading the analyser is not part of the cycle
    pipeline.analyzer.warm_up()
    started = time.monotonic()
    runs = {run.name: run for run in collect_once(config, store, pipeline=pipeline)}
    took = time.monotonic() - started
    assert took < 6 + 2, took  # the Reddit source's deadline: 3 x 2 s
    assert sorted(name for name, run in runs.items() if run.status == "ok" and run.new == 1) == HEALTHY, runs
    assert (runs["reddit"].status, runs["reddit"].error_kind) == ("error", "timeout")
    health = store.source("reddit")
    assert health["last_error_kind"] == "timeout" and "did not complete its answer within 6 s" in health["last_error"]
    assert store.count_mentions() == 5
    store.close()


class _Stuck:
    """A collector that hangs until released (a read no timeout covers, a library caught in a loop)."""

    def __init__(self, release: threading.Event) -> None:
        self.release = release

    def collect(self, cursor: dict) -> CollectResult:
        self.release.wait()
        return CollectResult(mentions=[], cursor=cursor)


def test_a_hung_source_is_abandoned_at_source_seconds_and_not_started_twice(dripping, tmp_path, loopback) -> None:
    config = config_with(tmp_path, loopback, dripping, source_seconds=1.5)
    release = threading.Event()

    def factory(source: SourceBase, cfg: Config) -> Any:
        return _Stuck(release) if source.kind == "reddit" else build_collector(source, cfg)

    store = open_store(config.database)
    pipeline = Pipeline(config, store, collector_factory=factory)
    try:
        started = time.monotonic()
        runs = {run.name: run for run in collect_once(config, store, pipeline=pipeline)}
        took = time.monotonic() - started
        assert 1.5 <= took < 1.5 + 2, took
        assert sorted(name for name, run in runs.items() if run.status == "ok" and run.new == 1) == HEALTHY, runs
        assert (runs["reddit"].status, runs["reddit"].error_kind) == ("error", "timeout")
        assert store.source("reddit")["last_error"] == ("the source did not finish within 1.5 s (http.source_seconds):"
                                                       " the cycle went on without it; it will be retried")
        [hung] = [t for t in threading.enumerate() if t.name == "collector-reddit"]
        assert hung.daemon and hung.is_alive()  # left behind, never keeping the process alive

        # The next cycle does not start a second copy beside the one still hanging.
        [again] = collect_once(config, store, only=["reddit"], pipeline=pipeline)
        assert again.error_kind == "timeout" and "still hanging" in (again.error or "")
        assert [t.name for t in threading.enumerate()].count("collector-reddit") == 1
        release.set()
        hung.join(5)
        [after] = collect_once(config, store, only=["reddit"], pipeline=pipeline)
        assert after.status == "ok"  # once the old run ended, the source runs again
    finally:
        release.set()
        store.close()


def test_collect_once_exits_while_a_source_still_hangs(dripping, tmp_path, loopback) -> None:
    # The request deadline (3 x 100 s) is far off: only the cycle's source_seconds and daemon threads end it.
    config = config_with(tmp_path, loopback, dripping, timeout_seconds=100, source_seconds=2)
    path = tmp_path / "config.toml"
    raw = config.model_dump(mode="json", exclude_unset=True)
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "clinicwatch", "collect", "--once", "--config", str(path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=290, env=os.environ.copy())
    took = time.monotonic() - started
    assert result.returncode == 3, result.stderr
    assert "1 of 6 sources failed: reddit" in result.stderr
    # Python's start and the analyser's loading included (tens of seconds on a busy machine); held by the
    # dripping source, the process would last the 300 s request deadline.
    assert took < 150, took
    store = open_store(config.database)
    assert store.count_mentions() == 5
    store.close()
