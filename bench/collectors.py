"""Ingest with several collector processes on one PostgreSQL: N feeds on 127.0.0.1 collected by 1, then 2
`collect --once` processes sharing the sources through leases (issue 20).

    .venv/bin/python -m bench.collectors [--feeds 200] [--items 50] [--concurrency 8] [--collectors 1 2]
                                         [--delay 0.0] [--database-url URL]

Each run gets a fresh database (a throwaway cluster from tests/pg_cluster.py unless --database-url names a server
whose user may CREATE DATABASE). The feed server (bench.poll's, in its own process) can answer each request after
--delay seconds, standing in for remote hosts. "collect" is the span from the first lease taken to the last source
stored (start-up, imports and the model's warm-up are left out); "wall" includes them. The figures also say how
the sources were shared and whether any was collected twice or lost.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

import psycopg
import tomli_w

from bench.common import ROOT
from bench.poll import BRAND, serve
from tests.pg_cluster import Cluster


def write_config(folder: Path, url: str, feeds: int, port: int, concurrency: int) -> Path:
    raw = {
        "clinic_name": "Bench", "database": str(folder / "unused.db"), "database_url": url,
        "brand": {"names": [BRAND]},
        "http": {"allow_private_addresses": True, "concurrency": concurrency, "retries": 0},
        "sources": [{"kind": "feed", "name": f"feed{i}", "url": f"http://127.0.0.1:{port}/feed/{i}.xml"}
                    for i in range(feeds)],
    }
    path = folder / "bench.toml"
    path.write_text(tomli_w.dumps(raw), encoding="utf-8")
    return path


def run_collectors(config: Path, url: str, count: int) -> dict[str, object]:
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-m", "clinicwatch", "collect", "--once", "--config", str(config)],
                              cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
             for _ in range(count)]
    outputs = [proc.communicate()[0] for proc in procs]
    wall = time.perf_counter() - started
    with psycopg.connect(url) as conn:
        first_taken, last_stored = _row(conn, "SELECT (SELECT min(taken_at) FROM source_leases), "
                                              "(SELECT max(last_success) FROM sources)")
        mentions, distinct = _row(conn, "SELECT count(*), count(DISTINCT external_id) FROM mentions")
        unstored, = _row(conn, "SELECT count(*) FROM sources WHERE last_success IS NULL")
        duplicates, = _row(conn, "SELECT coalesce(sum(total), 0) FROM source_drops WHERE reason = 'duplicate'")
    span = (datetime.fromisoformat(last_stored.replace("Z", "+00:00")) - first_taken).total_seconds()
    shares = [out.count("│ feed │ ok") for out in outputs]
    return {"collectors": count, "collect_s": round(span, 2), "wall_s": round(wall, 2), "mentions": mentions,
            "mentions_per_s": round(mentions / span, 1), "sources_per_collector": shares,
            "exit_codes": [p.returncode for p in procs], "unstored_sources": unstored,
            "duplicate_items": int(duplicates), "doubled_mentions": mentions - distinct}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--collectors", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--delay", type=float, default=0.0, help="seconds each feed takes to answer")
    parser.add_argument("--database-url", help="a server to create the runs' databases on (default: a throwaway one)")
    args = parser.parse_args()

    cluster = None
    server_url = args.database_url
    if server_url is None:
        cluster = Cluster().start()
        server_url = cluster.url()
    ready: multiprocessing.Queue[int] = multiprocessing.Queue()
    server = multiprocessing.Process(target=serve, args=(args.feeds, args.items, ready, args.delay), daemon=True)
    server.start()
    results = []
    try:
        port = ready.get(timeout=60)
        for number, count in enumerate(args.collectors):
            name = f"bench_collectors_{number}"
            with psycopg.connect(server_url, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {name}")
                conn.execute(f"CREATE DATABASE {name}")
            url = _with_database(server_url, name)
            with tempfile.TemporaryDirectory() as folder:
                config = write_config(Path(folder), url, args.feeds, port, args.concurrency)
                results.append(run_collectors(config, url, count))
            print(json.dumps(results[-1]), flush=True)
    finally:
        server.terminate()
        server.join()
        if cluster is not None:
            cluster.stop()
    print(f"\n{args.feeds} feeds x {args.items} items (1 in 5 a mention), answer delay {args.delay} s, "
          f"concurrency {args.concurrency} per collector")
    for r in results:
        print(f"{r['collectors']} collector(s): collect {r['collect_s']:6.2f} s ({r['mentions_per_s']:7.1f} mentions/s), "
              f"wall {r['wall_s']:6.2f} s, sources per collector {r['sources_per_collector']}, "
              f"unstored {r['unstored_sources']}, duplicates {r['duplicate_items']}")


def _row(conn: psycopg.Connection, sql: str) -> tuple:
    row = conn.execute(sql).fetchone()
    assert row is not None
    return tuple(row)


def _with_database(url: str, name: str) -> str:
    """The URL with its database name replaced (keeping a ?host=… socket folder)."""
    head, _, query = url.partition("?")
    base = head.rsplit("/", 1)[0]
    return f"{base}/{name}" + (f"?{query}" if query else "")


if __name__ == "__main__":
    main()
