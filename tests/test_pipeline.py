"""The pipeline: analysis in worker processes gives the same result as in-process; one bad source is contained."""
from __future__ import annotations

import gc
import os
import signal
import subprocess
import sys
import time

import pytest

from analysis import Analyzer
from clinicwatch.pipeline import MIN_BATCH_FOR_WORKERS, Pipeline
from clinicwatch.workers import WORKER_GC_THRESHOLD
from collectors.base import CollectResult
from collectors.http import close_shared_fetchers
from collectors.registry import build_collector, parse_config
from core.models import Mention
from storage import open_store
from tests.loopback import Response
from tests.test_cli import ROOT, _rss

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`


@pytest.fixture(autouse=True)
def _fresh_fetchers():
    yield
    close_shared_fetchers()


def _config(tmp_path, loopback, name: str, feeds: int):
    return parse_config({
        "clinic_name": "Salus", "database": str(tmp_path / f"{name}.db"), "brand": {"names": ["Salus"]},
        "http": {"allow_private_addresses": True, "retries": 0},
        "sources": [{"kind": "feed", "name": f"f{n}", "url": loopback.url(f"/{n}.xml")} for n in range(feeds)],
    })


def _analyses(store) -> list[tuple]:
    return list(store._conn.execute(
        "SELECT m.external_id, a.language, a.sentiment, a.kind, a.topics, a.urgency FROM mentions m "
        "JOIN analyses a ON a.mention_id = m.id ORDER BY m.external_id"))


def test_worker_processes_analyse_exactly_as_in_process(tmp_path, loopback):
    per_feed = MIN_BATCH_FOR_WORKERS + 10
    loopback.fallback = lambda r: Response(200, _rss(int(r.path[1:].split(".")[0]) * per_feed, per_feed))
    results = {}
    for name, workers in (("inline", 0), ("workers", 2)):
        config = _config(tmp_path, loopback, name, feeds=3)
        store = open_store(config.database)
        with Pipeline(config, store, analysis_workers=workers) as pipeline:
            runs = pipeline.collect(config.sources)
        assert all(r.status == "ok" and r.new == per_feed for r in runs), runs
        results[name] = _analyses(store)
    assert len(results["inline"]) == 3 * per_feed
    assert results["workers"] == results["inline"]


def test_a_collector_bug_is_recorded_and_the_others_complete(tmp_path, loopback, store):
    loopback.fallback = lambda r: Response(200, _rss(0, 3))
    config = _config(tmp_path, loopback, "bug", feeds=2)

    class Broken:
        def collect(self, cursor):
            raise ZeroDivisionError("oops")

    def factory(source, cfg):
        return Broken() if source.name == "f0" else build_collector(source, cfg)

    with Pipeline(config, store, collector_factory=factory) as pipeline:
        runs = {r.name: r for r in pipeline.collect(config.sources)}
    assert runs["f0"].status == "error" and runs["f0"].error_kind == "internal"
    assert "ZeroDivisionError" in store.source("f0")["last_error"]
    assert runs["f1"].status == "ok" and runs["f1"].new == 3


def test_results_are_stored_as_they_arrive_in_a_bounded_window(tmp_path, loopback, store):
    loopback.fallback = lambda r: Response(200, _rss(int(r.path[1:].split(".")[0]) * 2, 2))
    config = _config(tmp_path, loopback, "many", feeds=40)
    seen = []
    with Pipeline(config, store) as pipeline:
        runs = pipeline.collect(config.sources, progress=lambda run: seen.append(run.name))
    assert sorted(seen) == sorted(s.name for s in config.sources)
    assert sum(r.new for r in runs) == 80 and store.count_mentions() == 80


def test_store_result_skips_unmatched_items(tmp_path, store):
    config = parse_config({"clinic_name": "Salus", "database": str(tmp_path / "s.db"), "brand": {"names": ["Salus"]},
                           "sources": [{"kind": "feed", "name": "f", "url": "https://example.org/f"}]})
    with Pipeline(config, store) as pipeline:
        result = CollectResult([Mention("feed", "f", "1", "u", "Salus: kolejka"), Mention("feed", "f", "2", "u", "nic")],
                               {"etag": "x"}, seen=2)
        run = pipeline.store_result(config.sources[0], result)
    assert (run.seen, run.matched, run.new) == (2, 1, 1)
    assert store.cursor("f") == {"etag": "x"}


def _mixed_rss(n: int) -> bytes:
    """Every third item does not name the clinic; the others praise or complain in turn."""
    texts = ["Przychodnia Salus: bardzo miła obsługa, polecam.", "Salus: czekałam trzy godziny, nikt nie odbiera.",
             "Pogoda dziś ładna, nic o przychodniach."]
    items = "".join(
        f"<item><guid>mix-{i}</guid><title>Wpis {i}</title><link>https://forum.example/mix/{i}</link>"
        f"<description>{texts[i % 3]} ({i})</description><pubDate>Fri, 20 Nov 2026 10:00:00 +0000</pubDate></item>"
        for i in range(n)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


def test_workers_match_as_in_process_and_store_only_mentions(tmp_path, loopback):
    per_feed = 3 * MIN_BATCH_FOR_WORKERS
    loopback.fallback = lambda r: Response(200, _mixed_rss(per_feed))
    stored = {}
    for name, workers in (("inline", 0), ("workers", 2)):
        config = _config(tmp_path, loopback, f"mixed-{name}", feeds=1)
        store = open_store(config.database)
        with Pipeline(config, store, analysis_workers=workers) as pipeline:
            [run] = pipeline.collect(config.sources)
        assert (run.status, run.seen, run.matched, run.new) == ("ok", per_feed, 2 * per_feed // 3, 2 * per_feed // 3)
        stored[name] = list(store._conn.execute(
            "SELECT m.external_id, m.matches, a.sentiment, a.kind FROM mentions m JOIN analyses a "
            "ON a.mention_id = m.id ORDER BY m.id"))
        # The search index and the Trends counts include what the workers analysed.
        assert len(store.recent_mentions(search="czekalam")) == per_feed // 3
        assert store._conn.execute("SELECT sum(count) FROM trend_daily WHERE kind = 'complaint'").fetchone()[0] \
            == per_feed // 3
    assert stored["workers"] == stored["inline"]
    assert not any(external_id.endswith(("-2", "-5")) for external_id, *_ in stored["workers"])


def test_an_analysis_failure_in_a_worker_fails_only_its_source(tmp_path, loopback):
    class FailsOnSecondFeed(Analyzer):
        def analyse(self, mention):
            if mention.source_name == "f1":
                raise ValueError("broken lexicon")
            return super().analyse(mention)

    per_feed = MIN_BATCH_FOR_WORKERS + 5
    loopback.fallback = lambda r: Response(200, _rss(int(r.path[1:].split(".")[0]) * per_feed, per_feed))
    config = _config(tmp_path, loopback, "failing", feeds=3)
    store = open_store(config.database)
    with Pipeline(config, store, analyzer=FailsOnSecondFeed(config), analysis_workers=2) as pipeline:
        runs = {r.name: r for r in pipeline.collect(config.sources)}
    assert runs["f1"].status == "error" and "broken lexicon" in runs["f1"].error
    assert "internal error while analysing" in runs["f1"].error
    assert runs["f0"].new == runs["f2"].new == per_feed
    assert store.source("f1")["cursor"] == {}  # nothing of the failed source is stored, so it is read again
    assert store._conn.execute("SELECT count(*) FROM mentions WHERE source_name = 'f1'").fetchone()[0] == 0


def test_a_worker_that_dies_fails_its_sources_and_the_next_cycle_forks_new_workers(tmp_path, loopback):
    parent = os.getpid()

    class DiesOnceInAWorker(Analyzer):
        def analyse(self, mention):
            if mention.source_name == "f1" and os.getpid() != parent and not died.exists():
                died.touch()
                os._exit(1)  # as the kernel's out-of-memory killer would end it
            return super().analyse(mention)

    died = tmp_path / "died"
    per_feed = 5
    loopback.fallback = lambda r: Response(200, _rss(int(r.path[1:].split(".")[0]) * per_feed, per_feed))
    config = _config(tmp_path, loopback, "dying", feeds=4)
    store = open_store(config.database)
    with Pipeline(config, store, analyzer=DiesOnceInAWorker(config), analysis_workers=2) as pipeline:
        first = {r.name: r for r in pipeline.collect(config.sources)}
        assert died.exists() and first["f1"].status == "error"
        failed = {name for name, run in first.items() if run.status == "error"}
        assert all(store.source(name)["cursor"] == {} for name in failed)  # read again next cycle
        second = {r.name: r for r in pipeline.collect(config.sources)}
    assert all(second[name].status == "ok" for name in failed), second
    assert all(run.status in ("ok", "not_modified") for run in second.values()), second
    assert store.count_mentions() == 4 * per_feed


def test_a_document_that_is_not_a_feed_is_a_parse_error_when_workers_parse_it(tmp_path, loopback):
    per_feed = 5
    loopback.fallback = lambda r: (Response(200, b"<html><body>Moved</body></html>", {"content-type": "text/html"})
                                   if r.path == "/1.xml" else Response(200, _rss(0, per_feed)))
    config = _config(tmp_path, loopback, "notfeed", feeds=2)
    store = open_store(config.database)
    with Pipeline(config, store, analysis_workers=2) as pipeline:
        runs = {r.name: r for r in pipeline.collect(config.sources)}
    assert (runs["f1"].status, runs["f1"].error_kind) == ("error", "parse")
    assert "HTML page" in runs["f1"].error
    assert store.source("f1")["last_error_kind"] == "parse"
    assert (runs["f0"].status, runs["f0"].new) == ("ok", per_feed)


def _count_commits(store) -> list[int]:
    """Wrap record_saves to see how many sources each transaction stored."""
    batches: list[int] = []
    record_saves = store.record_saves

    def counting(saves, **kwargs):
        batches.append(len(saves))
        return record_saves(saves, **kwargs)

    store.record_saves = counting
    return batches


def test_sources_finishing_together_are_stored_in_one_transaction(tmp_path, loopback):
    loopback.fallback = lambda r: Response(200, _rss(int(r.path[1:].split(".")[0]) * 5, 5))
    config = _config(tmp_path, loopback, "batched", feeds=12)
    store = open_store(config.database)
    batches = _count_commits(store)
    with Pipeline(config, store) as pipeline:
        runs = pipeline.collect(config.sources)
    assert sorted(r.name for r in runs) == sorted(s.name for s in config.sources)
    assert all(r.status == "ok" and r.new == 5 for r in runs), runs
    assert sum(batches) == 12 and len(batches) < 12  # 60 mentions: well under a batch, stored in few commits
    assert all(store.source(s.name)["items_new"] == 5 for s in config.sources)


def test_a_source_whose_rows_fail_to_store_fails_alone_in_its_batch(tmp_path, loopback):
    loopback.fallback = lambda r: Response(200, _rss(int(r.path[1:].split(".")[0]) * 3, 3))
    config = _config(tmp_path, loopback, "poisoned", feeds=4)
    store = open_store(config.database)

    class Poisoned:
        """Collects one mention SQLite cannot store (an integer wider than 64 bits)."""

        def __init__(self, real):
            self.real = real

        def collect(self, cursor):
            result = self.real.collect(cursor)
            result.mentions[0].score = 2 ** 70
            return result

    def factory(source, cfg):
        real = build_collector(source, cfg)
        return Poisoned(real) if source.name == "f2" else real

    with Pipeline(config, store, collector_factory=factory) as pipeline:
        runs = {r.name: r for r in pipeline.collect(config.sources)}
    assert runs["f2"].status == "error" and runs["f2"].error_kind == "internal"
    assert "OverflowError" in store.source("f2")["last_error"]
    assert store.cursor("f2") == {}  # not advanced: the next cycle tries these items again
    assert all(runs[name].status == "ok" and runs[name].new == 3 for name in ("f0", "f1", "f3"))
    assert store.count_mentions() == 9


def _worker_gc_threshold(_: object) -> int:
    return gc.get_threshold()[0]


def test_workers_collect_garbage_less_often_than_the_main_process(tmp_path):
    config = parse_config({"clinic_name": "Salus", "database": str(tmp_path / "gc.db"), "brand": {"names": ["Salus"]}})
    with Pipeline(config, open_store(config.database), analysis_workers=1) as pipeline:
        assert list(pipeline._pool.map(_worker_gc_threshold, [0])) == [WORKER_GC_THRESHOLD]
    assert gc.get_threshold()[0] != WORKER_GC_THRESHOLD


_WORKER_PARENT = """
import sys
from collectors.registry import parse_config
from clinicwatch.pipeline import Pipeline
from storage import open_store
config = parse_config({"clinic_name": "Salus", "database": sys.argv[1], "brand": {"names": ["Salus"]}})
pipeline = Pipeline(config, open_store(config.database), analysis_workers=2)
print(*pipeline._pool._processes, flush=True)
sys.stdin.read()
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_end_when_the_storing_process_is_killed(tmp_path):
    parent = subprocess.Popen([sys.executable, "-c", _WORKER_PARENT, str(tmp_path / "w.db")], cwd=ROOT,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    workers = [int(pid) for pid in parent.stdout.readline().split()]
    assert len(workers) == 2 and all(map(_alive, workers))
    parent.send_signal(signal.SIGKILL)
    parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(map(_alive, workers)) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(map(_alive, workers)), "analysis workers outlived the killed storing process"
