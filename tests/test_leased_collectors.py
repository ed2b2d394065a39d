"""Two `run` collector processes against one PostgreSQL over loopback feeds (issue 20): every mention stored once,
no source collected twice in one interval; a collector SIGKILLed mid-cycle: the other takes its sources over when
their leases expire, nothing lost or doubled."""
from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
import tomli_w

from tests.loopback import Response
from tests.test_cli import ROOT, _rss

pytestmark = pytest.mark.slow  # subprocesses and a PostgreSQL cluster: not in `make test-fast`

# The issue asks for 200 feeds; both tests use them (each feed answers after FEED_DELAY, so a cycle takes seconds).
FEEDS, PER_FEED, FEED_DELAY = 200, 5, 0.3
LEASE_SECONDS = 3.0


class FeedLog:
    """The loopback feeds' answers, with the moment each feed was fetched."""

    def __init__(self) -> None:
        self.fetched: dict[int, list[float]] = {}
        self.lock = threading.Lock()

    def serve(self, request) -> Response:
        number = int(request.path.split("/")[-1].split(".")[0])
        with self.lock:
            self.fetched.setdefault(number, []).append(time.monotonic())
        return Response(200, _rss(number * PER_FEED, PER_FEED), {"Content-Type": "application/rss+xml"},
                        delay=FEED_DELAY)


def _config(tmp_path: Path, loopback, pg_url: str) -> Path:
    raw = {
        "clinic_name": "Salus Medica", "database": str(tmp_path / "unused.db"), "database_url": pg_url,
        "brand": {"names": ["Salus"]},
        "sources": [{"name": f"feed{n}", "kind": "feed", "url": loopback.url(f"/feeds/{n}.xml"), "interval_minutes": 60}
                    for n in range(FEEDS)],
        "http": {"allow_private_addresses": True, "concurrency": 4, "retries": 0, "timeout_seconds": 10},
    }
    path = tmp_path / "config.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return path


def _collector(config: Path, out: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "clinicwatch", "run", "--lease-seconds", str(LEASE_SECONDS),
                             "--config", str(config)], cwd=ROOT, stdout=out.open("w"), stderr=subprocess.STDOUT)


def _stored(pg_url: str) -> int:
    with psycopg.connect(pg_url) as conn:
        return conn.execute("SELECT count(*) FROM mentions").fetchone()[0]


def _wait_for(condition, timeout: float, procs: list[subprocess.Popen], what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        for proc in procs:
            assert proc.poll() is None, f"a collector exited early ({proc.returncode}) while waiting for {what}"
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _stop(procs: list[subprocess.Popen]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc in procs:
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _check_stored_once(pg_url: str) -> None:
    """Every feed's items stored exactly once, each source's counters agree, nothing was a duplicate."""
    with psycopg.connect(pg_url) as conn:
        total, distinct = conn.execute("SELECT count(*), count(DISTINCT external_id) FROM mentions").fetchone()
        per_source = dict(conn.execute("SELECT source_name, count(*) FROM mentions GROUP BY 1").fetchall())
        items_total = conn.execute("SELECT sum(items_total) FROM sources").fetchone()[0]
        duplicates = conn.execute("SELECT coalesce(sum(total), 0) FROM source_drops WHERE reason = 'duplicate'"
                                  ).fetchone()[0]
        uncursored = conn.execute("SELECT count(*) FROM sources WHERE cursor = '{}'").fetchone()[0]
    assert total == distinct == FEEDS * PER_FEED
    assert per_source == {f"feed{n}": PER_FEED for n in range(FEEDS)}
    assert items_total == total, "a source counted as new more items than it stored"
    assert duplicates == 0, "some source was collected again after its items were stored"
    assert uncursored == 0


def _sources_in_summary(out: Path) -> set[str]:
    return set(re.findall(r"\b(feed\d+)\s*│\s*feed\s*│\s*ok\b", out.read_text()))


def test_two_collectors_share_the_feeds_and_store_every_mention_once(tmp_path, loopback, pg_url):
    feeds = FeedLog()
    loopback.fallback = feeds.serve
    config = _config(tmp_path, loopback, pg_url)
    outs = [tmp_path / "a.log", tmp_path / "b.log"]
    procs = [_collector(config, out) for out in outs]
    try:
        _wait_for(lambda: _stored(pg_url) == FEEDS * PER_FEED, 300, procs, "every feed stored")
        time.sleep(2 * LEASE_SECONDS)  # a second look at the sources: both find nothing due within the hour
    finally:
        _stop(procs)
    _check_stored_once(pg_url)
    assert {n: len(times) for n, times in feeds.fetched.items()} == {n: 1 for n in range(FEEDS)}, \
        "a feed was fetched twice within its interval"
    shares = [_sources_in_summary(out) for out in outs]
    assert shares[0] and shares[1], f"one collector did all the work: {[len(s) for s in shares]}"
    assert not shares[0] & shares[1] and len(shares[0] | shares[1]) == FEEDS


def test_a_killed_collectors_sources_are_taken_over_after_their_leases_expire(tmp_path, loopback, pg_url):
    feeds = FeedLog()
    loopback.fallback = feeds.serve
    config = _config(tmp_path, loopback, pg_url)
    victim = _collector(config, tmp_path / "victim.log")
    survivor = _collector(config, tmp_path / "survivor.log")
    try:
        _wait_for(lambda: FEEDS * PER_FEED // 4 <= _stored(pg_url), 300, [victim, survivor], "a quarter stored")
        with psycopg.connect(pg_url) as conn:  # the victim's leases at the moment it dies
            victim.send_signal(signal.SIGKILL)
            killed_at = time.monotonic()
            held = {name for (name,) in conn.execute(
                "SELECT source_name FROM source_leases WHERE holder LIKE %s", (f"%:{victim.pid}:%",))}
        victim.wait(timeout=30)
        assert held, "the kill landed when the victim held no source: it did not interrupt a cycle"
        assert _stored(pg_url) < FEEDS * PER_FEED
        _wait_for(lambda: _stored(pg_url) == FEEDS * PER_FEED, 300, [survivor], "the survivor to finish")
    finally:
        _stop([victim, survivor])
    _check_stored_once(pg_url)
    # The victim's sources were fetched again only once their leases could have expired: its last renewal was at
    # most a third of a lease period before the kill.
    earliest_expiry = killed_at + LEASE_SECONDS * (1 - 1 / 3) - 0.2
    for name in held:
        last = feeds.fetched[int(name.removeprefix("feed"))][-1]
        assert last >= earliest_expiry, f"{name} was collected again {earliest_expiry - last:.1f} s before expiry"
    refetched = {n for n, times in feeds.fetched.items() if len(times) > 1}
    assert refetched <= {int(name.removeprefix("feed")) for name in held}, "a source nobody lost was fetched twice"
    assert all(len(times) <= 2 for times in feeds.fetched.values())
