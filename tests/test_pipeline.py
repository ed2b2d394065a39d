"""The pipeline: analysis in worker processes gives the same result as in-process; one bad source is contained."""
from __future__ import annotations

import pytest

from clinicwatch.config import parse_config
from clinicwatch.pipeline import MIN_BATCH_FOR_WORKERS, Pipeline
from collectors.base import CollectResult
from collectors.http import close_shared_fetchers
from storage import open_store
from tests.loopback import Response
from tests.test_cli import _rss


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
    return list(store.conn.execute(
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


def test_a_collector_bug_is_recorded_and_the_others_complete(tmp_path, loopback):
    loopback.fallback = lambda r: Response(200, _rss(0, 3))
    config = _config(tmp_path, loopback, "bug", feeds=2)
    store = open_store(config.database)

    class Broken:
        def collect(self, cursor):
            raise ZeroDivisionError("oops")

    from collectors.registry import build_collector

    def factory(source, cfg):
        return Broken() if source.name == "f0" else build_collector(source, cfg)

    with Pipeline(config, store, collector_factory=factory) as pipeline:
        runs = {r.name: r for r in pipeline.collect(config.sources)}
    assert runs["f0"].status == "error" and runs["f0"].error_kind == "internal"
    assert "ZeroDivisionError" in store.source("f0")["last_error"]
    assert runs["f1"].status == "ok" and runs["f1"].new == 3


def test_results_are_stored_as_they_arrive_in_a_bounded_window(tmp_path, loopback):
    loopback.fallback = lambda r: Response(200, _rss(int(r.path[1:].split(".")[0]) * 2, 2))
    config = _config(tmp_path, loopback, "many", feeds=40)
    store = open_store(config.database)
    seen = []
    with Pipeline(config, store) as pipeline:
        runs = pipeline.collect(config.sources, progress=lambda run: seen.append(run.name))
    assert sorted(seen) == sorted(s.name for s in config.sources)
    assert sum(r.new for r in runs) == 80 and store.count_mentions() == 80


def test_store_result_skips_unmatched_items(tmp_path):
    from clinicwatch.models import Mention

    config = parse_config({"clinic_name": "Salus", "database": str(tmp_path / "s.db"), "brand": {"names": ["Salus"]},
                           "sources": [{"kind": "feed", "name": "f", "url": "https://example.org/f"}]})
    store = open_store(config.database)
    with Pipeline(config, store) as pipeline:
        result = CollectResult([Mention("feed", "f", "1", "u", "Salus: kolejka"), Mention("feed", "f", "2", "u", "nic")],
                               {"etag": "x"}, seen=2)
        run = pipeline.store_result(config.sources[0], result)
    assert (run.seen, run.matched, run.new) == (2, 1, 1)
    assert store.cursor("f") == {"etag": "x"}
