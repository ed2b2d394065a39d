"""Crash safety: SIGKILL the collector at random points; nothing is half-stored, and a restart completes."""
from __future__ import annotations

import json
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from tests.loopback import Response
from tests.test_cli import ROOT, _config, _rss, cli

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

FEEDS, PER_FEED, KILLS = 24, 25, 20


@pytest.mark.parametrize("workers", ["0", "2"], ids=["in-process", "analysis-workers"])
def test_sigkill_at_twenty_random_points_loses_and_duplicates_nothing(tmp_path, loopback, workers):
    def serve(request):
        number = int(request.path.split("/")[-1].split(".")[0])
        # Slow answers stretch one collection over a few seconds, so kills land in the middle of it.
        return Response(200, _rss(number * PER_FEED, PER_FEED), {"Content-Type": "application/rss+xml"}, delay=0.25)

    loopback.fallback = serve
    config = _config(tmp_path, {f"feed{n}": loopback.url(f"/feeds/{n}.xml") for n in range(FEEDS)}, concurrency=2)
    db = tmp_path / "cw.db"
    rng = random.Random(20261122)
    partial = 0
    for _kill in range(KILLS):
        _reset(db)  # every kill interrupts a fresh collection
        proc = subprocess.Popen([sys.executable, "-m", "clinicwatch", "collect", "--once", "--workers", workers,
                                 "--config", str(config)],
                                cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_until_storing(db, proc)
        time.sleep(rng.uniform(0.0, 2.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        per_source = _check_consistent(db)
        if 0 < sum(per_source.values()) < FEEDS * PER_FEED:
            partial += 1
    assert partial >= KILLS // 2, f"only {partial} of {KILLS} kills landed mid-collection"

    restart = cli("collect", "--once", "--config", str(config), timeout=300)
    assert restart.returncode == 0, restart.stderr
    per_source = _check_consistent(db)
    assert sum(per_source.values()) == FEEDS * PER_FEED


def _wait_until_storing(db, proc, timeout: float = 120) -> None:
    """Start-up (imports, loading the analysis model) varies; the kill window opens at the first stored source."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            with sqlite3.connect(db) as conn:
                if conn.execute("SELECT count(*) FROM mentions").fetchone()[0]:
                    return
        except sqlite3.OperationalError:
            pass
        time.sleep(0.05)


def _check_consistent(db) -> dict[str, int]:
    """Integrity ok; no duplicates; FTS in step; each source all-or-nothing with its cursor."""
    if not db.exists():
        return {}
    with sqlite3.connect(db) as conn:
        if not conn.execute("SELECT count(*) FROM sqlite_master WHERE name = 'mentions'").fetchone()[0]:
            return {}
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        total, distinct = conn.execute("SELECT count(*), count(DISTINCT external_id) FROM mentions").fetchone()
        fts = conn.execute("SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'Salus'").fetchone()[0]
        assert total == distinct == fts
        counts = dict(conn.execute("SELECT source_name, count(*) FROM mentions GROUP BY source_name"))
        cursors = {name: json.loads(cursor) for name, cursor in conn.execute("SELECT name, cursor FROM sources")}
    for name, cursor in cursors.items():
        stored = counts.get(name, 0)
        assert stored in (0, PER_FEED), f"{name}: {stored} of {PER_FEED} items stored (half a transaction)"
        assert bool(cursor.get("seen_ids")) == (stored == PER_FEED), f"{name}: cursor and mentions disagree"
    return counts


def _reset(db) -> None:
    for suffix in ("", "-wal", "-shm"):
        path = db.with_name(db.name + suffix)
        if path.exists():
            path.unlink()
