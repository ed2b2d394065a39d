"""Feeds through the real pipeline and SQLite store: broken sources are recorded, the others complete."""
from __future__ import annotations

import gzip
import json
import threading
import time

import pytest

from clinicwatch.pipeline import Pipeline, collect_once
from collectors.http import close_shared_fetchers
from collectors.registry import parse_config
from storage.store import open_store
from tests.loopback import Response, slow_header_server

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`


@pytest.fixture(autouse=True)
def _fresh_fetchers():
    yield
    close_shared_fetchers()


def rss(*titles: str) -> bytes:
    items = "".join(
        f'<item><title>{t}</title><link>https://blog.example.pl/{i}</link><guid isPermaLink="false">g{i}</guid>'
        f"<description>&lt;p&gt;{t}: opinia o przychodni Medicover.&lt;/p&gt;</description></item>"
        for i, t in enumerate(titles)
    )
    return f'<rss version="2.0"><channel><title>Blog</title>{items}</channel></rss>'.encode()


BROKEN = {
    "error500": (Response(500, b"boom"), "http"),
    "slow": (Response(200, rss("late"), delay=2.5), "timeout"),
    "limited": (Response(429, b"", {"Retry-After": "900"}), "rate_limited"),
    "truncated": (Response(200, rss("Medicover a", "Medicover b")[:70]), "parse"),
    "homepage": (Response(200, b"<!doctype html><html><body>Hi</body></html>", {"Content-Type": "text/html"}), "parse"),
    "huge": (Response(200, gzip.compress(b"<rss>" + b" " * 50_000_000), {"Content-Encoding": "gzip"}), "too_large"),
}


def test_broken_feeds_are_recorded_while_the_others_complete(tmp_path, loopback) -> None:
    loopback.routes["/good"] = lambda r: Response(200, rss("Medicover Wola", "Medicover Mokotów"), {"ETag": '"v1"'})
    loopback.routes["/good2"] = lambda r: Response(200, rss("Opinia o Medicoverze"))
    for name, (response, _kind) in BROKEN.items():
        loopback.routes[f"/{name}"] = lambda r, response=response: response
    names = ["good", "good2", *BROKEN]
    config = parse_config({
        "clinic_name": "Medicover", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Medicover"]},
        "http": {"allow_private_addresses": True, "retries": 0, "timeout_seconds": 1, "concurrency": 4},
        "sources": [{"kind": "feed", "name": n, "url": loopback.url(f"/{n}")} for n in names],
    })
    store = open_store(config.database)

    runs = {run.name: run for run in collect_once(config, store)}
    assert runs["good"].status == "ok" and runs["good"].new == 2
    assert runs["good2"].status == "ok" and runs["good2"].new == 1
    for name, (_response, kind) in BROKEN.items():
        assert (runs[name].status, runs[name].error_kind) == ("error", kind), runs[name]
        state = store.source(name)
        assert state["last_error_kind"] == kind and state["consecutive_failures"] == 1
    assert store.source("limited")["next_attempt_after"] is not None
    assert store.count_mentions() == 3
    assert all("<" not in row["text"] for row in store.recent_mentions(10))

    runs = {run.name: run for run in collect_once(config, store, only=["good"])}
    assert runs["good"].new == 0
    assert loopback.requests_to("/good")[-1].headers.get("if-none-match") == '"v1"'


def test_a_slow_header_source_does_not_hold_the_cycle_past_its_deadline(tmp_path, loopback) -> None:
    stop = threading.Event()
    listener, port = slow_header_server(stop)
    healthy = [f"feed{i}" for i in range(5)]
    for name in healthy:
        loopback.routes[f"/{name}"] = lambda r, name=name: Response(200, rss(f"Medicover {name}"))
    sources = [{"kind": "feed", "name": n, "url": loopback.url(f"/{n}")} for n in healthy]
    sources.append({"kind": "feed", "name": "dripping", "url": f"http://127.0.0.1:{port}/feed"})
    config = parse_config({
        "clinic_name": "Medicover", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Medicover"]},
        # retries left at their default: they share the one deadline (3 x 1 s) instead of adding to it
        "http": {"allow_private_addresses": True, "timeout_seconds": 1, "concurrency": 4},
    } | {"sources": sources})
    store = open_store(config.database)
    deadline = config.http.timeout_seconds * 3
    pipeline = Pipeline(config, store)  # built first: loading the analyser is not part of the cycle
    try:
        started = time.monotonic()
        runs = {run.name: run for run in collect_once(config, store, pipeline=pipeline)}
        took = time.monotonic() - started
    finally:
        stop.set()
        listener.close()
    assert took < deadline + 1.0, took
    assert sorted(name for name, run in runs.items() if run.status == "ok" and run.new == 1) == healthy
    assert (runs["dripping"].status, runs["dripping"].error_kind) == ("error", "timeout")
    assert store.source("dripping")["last_error_kind"] == "timeout"
    assert store.count_mentions() == 5


def json_feed(posts: list[tuple[str, str, str]], body: str) -> bytes:
    items = [{"id": post_id, "url": url, "title": title, "content_text": body} for post_id, url, title in posts]
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Blog", "items": items}).encode()


def test_distinct_posts_sharing_a_body_are_kept_and_one_post_through_two_sources_is_one(tmp_path, loopback) -> None:
    body = "Medicover Wola: rejestracja nie odbiera telefonu od rana, trzeci dzień z rzędu."
    posts = [(f"p{i}", f"https://blog.example.pl/{i}", f"Wpis {i}") for i in range(4)]
    loopback.routes["/blog"] = lambda r: Response(200, json_feed(posts, body), {"Content-Type": "application/feed+json"})
    # an aggregator republishing the blog's post 0 under its own id, with a tracking tag on the link
    loopback.routes["/planet"] = lambda r: Response(200, json_feed(
        [("planet-77", "https://www.blog.example.pl/0?utm_source=planet", "Wpis 0")], body),
        {"Content-Type": "application/feed+json"})
    config = parse_config({
        "clinic_name": "Medicover", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Medicover"]},
        "http": {"allow_private_addresses": True, "retries": 0, "timeout_seconds": 2},
        "sources": [{"kind": "feed", "name": n, "url": loopback.url(f"/{n}")} for n in ("blog", "planet")],
    })
    store = open_store(config.database)
    runs = {run.name: run for run in collect_once(config, store, only=["blog"])}
    runs |= {run.name: run for run in collect_once(config, store, only=["planet"])}
    assert runs["blog"].new == 4
    assert (runs["planet"].matched, runs["planet"].new) == (1, 0)
    assert sorted(row["external_id"] for row in store.iter_mentions()) == ["p0", "p1", "p2", "p3"]
