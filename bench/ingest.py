"""Ingestion benchmark: parse → match → analyse → store for 100,000 mentions, beside bare VADER on the same texts.

    .venv/bin/python -m bench.ingest [--mentions 100000] [--per-feed 100] [--workers N]

The texts come from ../shared/eval/dev.jsonl (cycled, each made unique and prefixed with the brand name so
every item is a mention). Feed documents are parsed by the real FeedCollector from memory (no network),
then go through the real Pipeline (collector threads fetch; worker processes parse, match, analyse and build
the rows; this process stores them) into a fresh SQLite file.

Besides the rates it prints the CPU time per mention of the storing process and of the workers, and VADER's
per text: on a shared machine those move less than the rates do.
"""
from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from html import escape
from pathlib import Path

from bench.common import eval_texts
from clinicwatch.pipeline import Pipeline
from collectors.feeds import FeedCollector
from collectors.http import FetchResponse
from collectors.registry import parse_config
from storage import open_store

CONCURRENCY = 2


class MemoryFetcher:
    """Answers every GET with a prepared document, so the benchmark measures parsing, not HTTP."""

    def __init__(self, documents: dict[str, bytes]) -> None:
        self.documents = documents

    def get(self, url: str, **_: object) -> FetchResponse:
        return FetchResponse(url=url, status=200, headers={"content-type": "application/rss+xml"},
                             body=self.documents[url])


def build_documents(texts: list[tuple[str, str]], per_feed: int) -> dict[str, bytes]:
    """Feeds of `per_feed` items, each feed in one language and declaring it, as real feeds do."""
    documents = {}
    for start in range(0, len(texts), per_feed):
        chunk = texts[start:start + per_feed]
        items = "".join(
            f"<item><guid>m{start + i}</guid><title>Opinia {start + i}</title>"
            f"<link>https://example.org/m{start + i}</link><description>{escape(text)}</description>"
            f"<pubDate>Fri, 20 Nov 2026 10:00:00 +0000</pubDate></item>"
            for i, (_, text) in enumerate(chunk)
        )
        body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>f</title>'
                f"<language>{chunk[0][0]}</language>{items}</channel></rss>")
        documents[f"https://feeds.example.org/{start // per_feed}.xml"] = body.encode("utf-8")
    return documents


def run(total: int, per_feed: int, workers: int) -> dict:
    rows = sorted(eval_texts(), key=lambda row: row["lang"])  # grouped, so each feed has one language
    texts = [(rows[i % len(rows)]["lang"], f"Salus: {rows[i % len(rows)]['text']} #{i}") for i in range(total)]
    documents = build_documents(texts, per_feed)
    with tempfile.TemporaryDirectory() as tmp:
        config = parse_config({
            "clinic_name": "Salus",
            "database": str(Path(tmp) / "ingest.db"),
            "brand": {"names": ["Salus"]},
            # Parsing is CPU work under the GIL; more threads than cores only adds contention here.
            "http": {"concurrency": CONCURRENCY},
            "sources": [{"name": f"feed{n}", "kind": "feed", "url": url} for n, url in enumerate(documents)],
        })
        store = open_store(config.database, map_file=True)  # as the CLI opens it
        fetcher = MemoryFetcher(documents)
        children_before = _children_cpu()
        with Pipeline(config, store, analysis_workers=workers,
                      collector_factory=lambda source, cfg: FeedCollector(
                          source, cfg, fetcher=fetcher)) as pipeline:  # type: ignore[arg-type]  # duck-typed fetcher
            pipeline.analyzer.warm_up()  # a one-off start-up cost (dictionaries), not throughput
            started, main_started = time.perf_counter(), time.process_time()
            runs = pipeline.collect(config.sources)
            ingest_seconds = time.perf_counter() - started
            main_cpu = time.process_time() - main_started
        workers_cpu = _children_cpu() - children_before  # the workers are reaped when the pipeline closes
        stored = sum(r.new for r in runs)
        store.close()

    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    vader = SentimentIntensityAnalyzer()
    started, cpu_started = time.perf_counter(), time.process_time()
    for _, text in texts:
        vader.polarity_scores(text)
    vader_seconds = time.perf_counter() - started
    vader_cpu = time.process_time() - cpu_started
    ingest_rate, vader_rate = total / ingest_seconds, total / vader_seconds
    return {"mentions": total, "stored": stored, "analysis_workers": workers, "ingest_per_second": round(ingest_rate),
            "vader_per_second": round(vader_rate), "ratio": round(ingest_rate / vader_rate, 3),
            "main_cpu_us_per_mention": round(main_cpu / total * 1e6), "workers_cpu_us_per_mention":
            round(workers_cpu / total * 1e6), "vader_cpu_us_per_text": round(vader_cpu / total * 1e6)}


def _children_cpu() -> float:
    times = os.times()
    return times.children_user + times.children_system


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mentions", type=int, default=100_000)
    parser.add_argument("--per-feed", type=int, default=100)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="worker processes that match and analyse (default: one per core; 0: all in one process)")
    args = parser.parse_args()
    figures = run(args.mentions, args.per_feed, args.workers)
    print(f"end-to-end ingestion: {figures['ingest_per_second']:,} mentions/s ({figures['stored']:,} stored, "
          f"{figures['analysis_workers']} analysis workers)")
    print(f"bare VADER scoring:   {figures['vader_per_second']:,} texts/s")
    print(f"ratio ingest/VADER:   {figures['ratio']} (target >= 0.3)")
    print(f"CPU per mention:      {figures['main_cpu_us_per_mention']} us storing process, "
          f"{figures['workers_cpu_us_per_mention']} us workers (VADER: {figures['vader_cpu_us_per_text']} us a text); "
          "steadier than rates on a shared machine")
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
