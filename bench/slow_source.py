"""One collection cycle with a Reddit source whose server drips its headers a byte a second, beside healthy feeds.

    .venv/bin/python -m bench.slow_source [--feeds 5] [--timeout 2]

Prints how long the cycle took against the Reddit source's request deadline (3 x timeout), and each source's
outcome. Everything runs on 127.0.0.1; Reddit credentials are fictional (set only in this process).
"""
from __future__ import annotations

import argparse
import os
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from clinicwatch.pipeline import Pipeline, collect_once
from collectors.http import TOTAL_TIME_FACTOR
from collectors.registry import parse_config
from storage.store import open_store
from tests.loopback import slow_header_server

RSS = ('<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><item><title>{name}</title>'
       "<link>https://blog.example.pl/{name}</link><guid>{name}</guid>"
       "<description>{name}: opinia o przychodni Medicover.</description></item></channel></rss>")


class _Feeds(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802  # http.server's naming
        body = RSS.format(name=self.path.strip("/")).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--feeds", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=2.0)
    args = parser.parse_args()
    os.environ["REDDIT_CLIENT_ID"], os.environ["REDDIT_CLIENT_SECRET"] = "bench-id", "bench-secret"
    stop = threading.Event()
    _listener, port = slow_header_server(stop)  # the test suite's dripping server, headers a byte a second
    drip_at = f"http://127.0.0.1:{port}"
    feeds = ThreadingHTTPServer(("127.0.0.1", 0), _Feeds)
    threading.Thread(target=feeds.serve_forever, daemon=True).start()
    sources: list[dict[str, Any]] = [{"kind": "feed", "name": f"feed{i}", "url": f"http://127.0.0.1:{feeds.server_port}/feed{i}"}
               for i in range(args.feeds)]
    sources.append({"kind": "reddit", "name": "reddit", "oauth_url": drip_at, "reddit_url": drip_at,
                    "stream_subreddits": ["warszawa"]})
    with tempfile.TemporaryDirectory() as folder:
        config = parse_config({
            "clinic_name": "Medicover", "database": str(Path(folder) / "bench.db"), "brand": {"names": ["Medicover"]},
            "http": {"allow_private_addresses": True, "timeout_seconds": args.timeout}, "sources": sources})
        store = open_store(config.database)
        pipeline = Pipeline(config, store)
        pipeline.analyzer.warm_up()  # the analyser's dictionaries load here, outside the timed cycle
        started = time.monotonic()
        runs = collect_once(config, store, pipeline=pipeline)
        took = time.monotonic() - started
        deadline = args.timeout * TOTAL_TIME_FACTOR
        print(f"cycle {took:.2f} s; Reddit request deadline {deadline:g} s (over it by {took - deadline:+.2f} s)")
        print(f"sources ok: {sum(r.status == 'ok' for r in runs)}, errors: {sum(r.status == 'error' for r in runs)}, "
              f"mentions stored: {store.count_mentions()}")
        for run in sorted(runs, key=lambda r: r.name):
            print(f"  {run.name:8} {run.status:6} {run.seconds:5.2f} s  {run.error or ''}")
        store.close()
    stop.set()
    feeds.shutdown()


if __name__ == "__main__":
    main()
