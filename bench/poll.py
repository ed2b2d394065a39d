"""Polling benchmark: N feeds of 50 items on 127.0.0.1, a first poll, then a second poll where every feed answers 304.

    .venv/bin/python -m bench.poll [--feeds 500] [--items 50] [--concurrency 16] [--collectors-only]

The feed server runs in a separate process (so it does not share the client's GIL) and honours
If-None-Match. By default the whole cycle runs through clinicwatch.pipeline.collect_once (fetch, parse,
match, analyse, store into a fresh SQLite file); --collectors-only measures FeedCollector in a thread pool.
"""
from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from clinicwatch.pipeline import Pipeline, collect_once
from collectors.feeds import FeedCollector, FeedSource
from collectors.registry import parse_config
from core.config import Config
from storage.store import open_store

BRAND = "Medicover"
SENTENCES = [
    "Byłam dziś na wizycie w przychodni na Mokotowie, lekarz bardzo miły i dokładny.",
    "Nie mogę się dodzwonić na infolinię od trzech dni, to skandal.",
    "Czy ktoś wie, jak umówić szczepienie dla dziecka przez portal pacjenta?",
    "Nowa przychodnia otwiera się w przyszłym miesiącu przy ulicy Długiej.",
    "Ottimo servizio, personale gentile e tempi di attesa brevi.",
]


def feed_document(feed: int, items: int) -> bytes:
    """An RSS document; one item in five names the brand, so the pipeline has mentions to analyse and store."""
    entries = []
    for n in range(items):
        sentence = SENTENCES[(feed + n) % len(SENTENCES)]
        if n % 5 == 0:
            sentence = f"{BRAND}: {sentence}"
        body = escape(f"<p>{sentence}</p><p>Wpis {n} w kanale {feed}.</p>")
        entries.append(
            f"<item><title>Wpis {feed}-{n}</title><link>https://blog{feed}.example.pl/{n}</link>"
            f'<guid isPermaLink="false">feed{feed}-item{n}</guid>'
            f"<pubDate>Tue, 10 Jun 2025 {n % 24:02d}:00:00 +0200</pubDate><description>{body}</description></item>"
        )
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Kanał {feed}</title>'
            f"<link>https://blog{feed}.example.pl/</link><language>pl</language>{''.join(entries)}</channel></rss>"
            ).encode()


class BacklogServer(ThreadingHTTPServer):
    # The default listen backlog of 5 drops concurrent connects, which then wait a second to retry.
    request_queue_size = 1024
    daemon_threads = True


def serve(feeds: int, items: int, ready: multiprocessing.Queue[int], delay: float = 0.0) -> None:
    """N feed documents on 127.0.0.1 (the port goes to `ready`), each answered after `delay` seconds (threads, so
    the delays overlap: a stand-in for remote hosts), honouring If-None-Match with a 304."""
    documents = [feed_document(i, items) for i in range(feeds)]

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            index = int(self.path.rsplit("/", 1)[-1].split(".")[0])
            etag = f'"feed-{index}-v1"'
            if delay:
                time.sleep(delay)
            if self.headers.get("If-None-Match") == etag:
                self.send_response(304)
                self.send_header("ETag", etag)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            body = documents[index]
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
            self.send_header("ETag", etag)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = BacklogServer(("127.0.0.1", 0), Handler)
    ready.put(server.server_address[1])
    server.serve_forever()


def bench_config(feeds: int, port: int, concurrency: int, database: Path) -> Config:
    return parse_config({
        "clinic_name": "Bench",
        "database": str(database),
        "brand": {"names": [BRAND]},
        "http": {"allow_private_addresses": True, "concurrency": concurrency, "retries": 0},
        "sources": [{"kind": "feed", "name": f"feed{i}", "url": f"http://127.0.0.1:{port}/feed/{i}.xml"}
                    for i in range(feeds)],
    })


def poll_with_pipeline(config: Config) -> tuple[float, float, dict[str, int]]:
    store = open_store(config.database, map_file=True)  # as the CLI opens it
    pipeline = Pipeline(config, store)  # built once, outside the timing, as the `run` loop does
    first_started = time.perf_counter()
    first = collect_once(config, store, pipeline=pipeline)
    first_seconds = time.perf_counter() - first_started
    second_started = time.perf_counter()
    second = collect_once(config, store, pipeline=pipeline)
    second_seconds = time.perf_counter() - second_started
    stats = {
        "first_ok": sum(r.status == "ok" for r in first),
        "first_new_mentions": sum(r.new for r in first),
        "second_not_modified": sum(r.status == "not_modified" for r in second),
        "errors": sum(r.status == "error" for r in first + second),
    }
    store.close()
    return first_seconds, second_seconds, stats


def poll_collectors_only(config: Config) -> tuple[float, float, dict[str, int]]:
    collectors = [FeedCollector(source, config) for source in config.sources if isinstance(source, FeedSource)]
    with ThreadPoolExecutor(config.http.concurrency) as pool:
        started = time.perf_counter()
        first = list(pool.map(lambda c: c.collect({}), collectors))
        first_seconds = time.perf_counter() - started
        started = time.perf_counter()
        second = list(pool.map(lambda pair: pair[0].collect(pair[1].cursor), zip(collectors, first)))
        second_seconds = time.perf_counter() - started
    stats = {"first_items": sum(len(r.mentions) for r in first),
             "second_not_modified": sum(r.not_modified for r in second)}
    return first_seconds, second_seconds, stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=500)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--collectors-only", action="store_true", help="FeedCollector in a thread pool, no store")
    args = parser.parse_args()

    ready: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.feeds, args.items, ready), daemon=True)
    server.start()
    try:
        port = ready.get(timeout=60)
        with tempfile.TemporaryDirectory() as folder:
            config = bench_config(args.feeds, port, args.concurrency, Path(folder) / "bench.db")
            run = poll_collectors_only if args.collectors_only else poll_with_pipeline
            first, second, stats = run(config)
    finally:
        server.terminate()
        server.join()
    mode = "FeedCollector thread pool" if args.collectors_only else "pipeline.collect_once"
    print(f"{args.feeds} feeds x {args.items} items on 127.0.0.1, {mode}, concurrency {args.concurrency}")
    print(f"first poll : {first:7.2f} s  {args.feeds / first:8.1f} feeds/s")
    print(f"second poll: {second:7.2f} s  {args.feeds / second:8.1f} feeds/s  (all 304)")
    print(f"ratio first/second: {first / second:.1f}x   {stats}")


if __name__ == "__main__":
    main()
