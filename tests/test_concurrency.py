"""A collector writing continuously while dashboard queries run for a minute: no 'database is locked' reaches a user."""
from __future__ import annotations

import itertools
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import date, timedelta

import pytest

from storage import open_store
from storage.queries import MentionFilter, health_series, inbox_count, inbox_page, volume
from tests.loopback import Response
from tests.test_cli import ROOT, _config

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

DURATION_SECONDS = 60
FEEDS, PER_POLL = 6, 40


def test_dashboard_queries_never_see_a_locked_database(tmp_path, loopback):
    polls = itertools.count()

    def growing_feed(request):
        # Every poll answers a fresh page of items, so the collector never stops writing.
        start = next(polls) * PER_POLL
        items = "".join(
            f"<item><guid>p{i}</guid><title>Wpis {i}</title><description>Salus: kolejka i czekanie, wpis {i}."
            f"</description></item>"
            for i in range(start, start + PER_POLL)
        )
        return Response(200, f'<rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(),
                        {"Content-Type": "application/rss+xml"})

    loopback.fallback = growing_feed
    config = _config(tmp_path, {f"f{n}": loopback.url(f"/{n}.xml") for n in range(FEEDS)})
    text = config.read_text().replace("interval_minutes = 60", "interval_minutes = 0.001")
    config.write_text(text)
    writer = subprocess.Popen([sys.executable, "-m", "clinicwatch", "run", "--config", str(config)], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    db = tmp_path / "cw.db"
    try:
        _wait_for_rows(db)
        reader = open_store(db)
        today = date.today()
        queries = [
            lambda: inbox_page(reader, MentionFilter()),
            lambda: inbox_count(reader, MentionFilter(search="kolejka")),
            lambda: volume(reader, today - timedelta(days=7), today + timedelta(days=1), "day", "source"),
            lambda: health_series(reader, today - timedelta(days=7), today + timedelta(days=1)),
        ]
        errors, runs, counts = [], 0, []
        deadline = time.monotonic() + DURATION_SECONDS
        while time.monotonic() < deadline:
            for query in queries:
                try:
                    query()
                except sqlite3.OperationalError as exc:
                    errors.append(str(exc))
                runs += 1
            counts.append(reader.count_mentions())
        reader.close()
    finally:
        writer.send_signal(signal.SIGTERM)
        _, stderr = writer.communicate(timeout=60)
    assert errors == []
    assert runs > 100
    assert counts[-1] > counts[0], "the collector kept writing during the minute"
    assert "locked" not in stderr
    assert writer.returncode == 0, stderr


def _wait_for_rows(db, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with sqlite3.connect(db) as conn:
                if conn.execute("SELECT count(*) FROM mentions").fetchone()[0] > 0:
                    return
        except sqlite3.OperationalError:
            pass
        time.sleep(0.2)
    raise AssertionError("the collector stored nothing in time")
