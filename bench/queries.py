"""Dashboard query latency, database size and dashboard memory on a 1,000,000-mention database.

`python -m bench.queries [--db bench/output/mentions-1m.db] [--mentions 1000000] [--repeat 20]`
builds the database when it is missing (bench/dataset.py), then prints one table and one JSON line.
`--engine postgresql|both [--database-url URL]` times the same reads on PostgreSQL (both: SQLite first, then
PostgreSQL, one table side by side): the database at URL, or without a URL a throwaway cluster
(tests/pg_cluster.py) removed afterwards; an empty PostgreSQL database is filled with the rows of --db by COPY
(bench/pg_fill.py), so both engines answer over the same mentions.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.common import ROOT, time_calls
from bench.dataset import add_confidences, build
from bench.pg_fill import copy_sqlite_to_postgres
from storage import open_store, queries, views
from storage.queries import MentionFilter
from storage.store import Store
from tests.pg_cluster import Cluster

INBOX_TARGET_MS = 150.0
TRENDS_TARGET_MS = 500.0
PAGE_SIZE = 20  # ui/pages/inbox.py PAGE_SIZE
TRENDS_DAYS = 90  # ui.components.default_range(): the range the Trends page opens with
SEARCH_WORD = "infolinia"
INFLECTED_WORD = "rejestracji"  # finds every form of "rejestracja" through the lemma index
# The throwaway cluster runs as a dedicated server would be set up (docs/DEPLOYMENT.md), not with PostgreSQL's
# defaults for a small shared machine (128 MB of buffers, random reads costed as on a spinning disk, JIT on):
# the 1M-mention database (~1.3 GB) then stays in its buffers and the planner prices index probes as in memory.
BENCH_SERVER_SETTINGS = {"shared_buffers": "2GB", "effective_cache_size": "8GB", "random_page_cost": "1.1",
                         "work_mem": "32MB", "maintenance_work_mem": "512MB", "jit": "off"}
VIEW_USER = "user1"  # bench/dataset.py assigns nobody; "My queue" is then an empty view, as for a new user


def inbox_view(store: Store, flt: MentionFilter) -> Callable[[], object]:
    """What the Inbox page reads for one view: the source picker, the queue count and the first page."""
    def call() -> object:
        queries.source_names(store)
        queries.inbox_count(store, flt, search_cap=queries.COUNT_CAP)  # as ui/pages/inbox.py counts
        return queries.inbox_page(store, flt, 0, PAGE_SIZE)
    return call


def inbox_cases(store: Store) -> list[tuple[str, Callable[[], object], float | None]]:
    """(label, call, p95 target in ms) for the Inbox: every filter, search and view has the same target."""
    complaints_pl = MentionFilter(kinds=["complaint"], languages=["pl"])
    topic = MentionFilter(topics=["waiting_time"])
    source = MentionFilter(sources=["reddit"])
    search_open = MentionFilter(search=SEARCH_WORD)
    search_all = MentionFilter(search=SEARCH_WORD, statuses=[])
    inflected = MentionFilter(search=INFLECTED_WORD)
    needs_look = MentionFilter(needs_look=True)
    needs_look_complaints = MentionFilter(needs_look=True, kinds=["complaint"])
    today = views.start_of_day(datetime.now(UTC), "Europe/Warsaw")
    target = INBOX_TARGET_MS
    cases: list[tuple[str, Callable[[], object], float | None]] = [
        ("inbox first page (count + page)", inbox_view(store, MentionFilter()), target),
        ("  of which inbox_page only", lambda: queries.inbox_page(store, MentionFilter(), 0, PAGE_SIZE), None),
        ("inbox filtered: complaints in Polish", inbox_view(store, complaints_pl), target),
        ("inbox filtered: topic waiting_time", inbox_view(store, topic), target),
        ("inbox filtered: source reddit", inbox_view(store, source), target),
        ("inbox filtered: needs a human look", inbox_view(store, needs_look), None),
        ("inbox filtered: needs a human look, complaints", inbox_view(store, needs_look_complaints), None),
        ("inbox page 50 (offset 1,000)", lambda: queries.inbox_page(store, MentionFilter(), 50, PAGE_SIZE), target),
        (f"search '{SEARCH_WORD}' (open statuses)", inbox_view(store, search_open), target),
        (f"search '{SEARCH_WORD}' (all statuses)", inbox_view(store, search_all), target),
        (f"search '{INFLECTED_WORD}' (open, word forms)", inbox_view(store, inflected), target),
        ("view counts (all five views)", lambda: views.view_counts(store, VIEW_USER, today), target),
    ]
    for view in views.VIEWS:
        flt = views.view_filter(view, VIEW_USER, today)
        cases.append((f"view {view} (count + page)", inbox_view(store, flt), target))
    return cases


def trends_cases(store: Store, days: int, target: float | None) -> list[tuple[str, Callable[[], object], float | None]]:
    """Every aggregate ui/pages/trends.py runs: the daily cube (with its roll-ups), response times, and the
    two groupings the cube cannot answer (topic, term) in both buckets."""
    from ui.components import default_range

    start, end = default_range(days)

    def cube_and_rollups(bucket: str) -> object:
        """The cube and exactly the roll-ups trends.render() makes of it (grouped by source, the default)."""
        cube = queries.daily_cube(store, start, end)
        queries.totals_from_cube(cube)
        queries.volume_from_cube(cube, bucket, "source")
        queries.volume_from_cube(cube, bucket, "sentiment")
        queries.health_from_cube(cube, bucket)
        return queries.daily_from_cube(cube, start, end)

    span = f"{days} d"
    cases: list[tuple[str, Callable[[], object], float | None]] = [
        (f"trends daily_cube ({span})", lambda: queries.daily_cube(store, start, end), target),
        (f"trends daily_cube + page roll-ups, day ({span})", lambda: cube_and_rollups("day"), target),
        (f"trends daily_cube + page roll-ups, week ({span})", lambda: cube_and_rollups("week"), target),
        (f"trends response_times ({span})", lambda: queries.response_times(store, start, end), target),
    ]
    for bucket in queries.BUCKETS:
        for by in ("topic", "term"):
            call = (lambda b=bucket, g=by: queries.volume(store, start, end, b, g))
            cases.append((f"trends volume {bucket} x {by} ({span})", call, target))

    def rating_section(bucket: str, dimension: str) -> object:
        """What trends._ratings() asks for: the overall average, the series, and per-group totals."""
        queries.rating_totals(store, start, end, "all")
        if dimension != "all":
            queries.rating_totals(store, start, end, dimension)
        return queries.ratings(store, start, end, bucket, dimension)

    for bucket in queries.BUCKETS:
        for dimension in queries.RATING_DIMENSIONS:
            section = (lambda b=bucket, d=dimension: rating_section(b, d))
            cases.append((f"trends ratings {bucket} x {dimension} ({span})", section, target))
    # For comparison only: the weekly average straight from the mentions, without trend_ratings.
    d = store.dialect
    stars = d.stars("extra", "rating")
    raw = (f"SELECT {d.week_start('substr(published_at, 1, 10)')}, count(*), avg({stars}) "
           f"FROM mentions WHERE published_at >= ? AND published_at < ? AND {stars} IS NOT NULL GROUP BY 1")
    bounds = (start.isoformat(), (end + timedelta(days=1)).isoformat())
    cases.append((f"ratings by week from mentions, no summary ({span})",
                  lambda: store._conn.execute(raw, bounds).fetchall(), None))
    return cases


def measure(cases: list[tuple[str, Callable[[], object], float | None]], repeat: int) -> list[dict]:
    results = []
    for label, call, target in cases:
        figures = time_calls(call, repeat)
        results.append({"name": label.strip(), **figures, "target_p95_ms": target,
                        "ok": None if target is None else figures["p95_ms"] <= target})
        print(f"  measured {label.strip()}", file=sys.stderr)
    return results


def file_size_mb(db: Path) -> float:
    """The database with its WAL and shared-memory files, as the disk sees it."""
    parts = [db, db.with_name(db.name + "-wal"), db.with_name(db.name + "-shm")]
    return sum(p.stat().st_size for p in parts if p.exists()) / 1e6


def render_in_child(db: Path) -> dict:
    """Render Inbox then Trends through Streamlit's AppTest in a fresh process; its peak RSS and timings."""
    config = db.parent / "bench-queries.toml"
    config.write_text(f'clinic_name = "Bench"\ndatabase = "{db.resolve()}"\n[brand]\nnames = ["Salus"]\n')
    # No users file: the dashboard runs as the local demo user, which it allows only on 127.0.0.1.
    env = {**os.environ, "CLINICWATCH_CONFIG": str(config), "CLINICWATCH_USERS": str(db.parent / "no-users.yaml")}
    done = subprocess.run([sys.executable, "-m", "bench.queries", "--render-child", str(db)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    if done.returncode != 0:
        raise RuntimeError(f"dashboard render failed:\n{done.stderr[-3000:]}")
    child = json.loads(done.stdout.strip().splitlines()[-1])
    child["children_maxrss_mb"] = round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)
    return child


def _render_child() -> None:
    """Runs in the child process: prints one JSON line of render times and ru_maxrss."""
    import streamlit.config as streamlit_config
    from streamlit.testing.v1 import AppTest

    streamlit_config.set_option("server.address", "127.0.0.1")
    app = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=600)
    timings = {}

    def step(name: str, action: Callable[[], object]) -> None:
        started = time.perf_counter()
        action()
        timings[name] = round((time.perf_counter() - started) * 1000, 1)
        if app.exception:
            raise RuntimeError(f"{name}: {app.exception[0].value}")

    step("inbox_first_render_ms", app.run)
    step("inbox_rerender_ms", app.run)
    step("trends_first_render_ms", lambda: app.sidebar.radio(key="nav").set_value("trends").run())
    step("trends_by_topic_ms", lambda: app.selectbox(key="tr_by").set_value("topic").run())
    step("trends_by_term_ms", lambda: app.selectbox(key="tr_by").set_value("term").run())
    step("trends_rating_by_location_ms", lambda: app.selectbox(key="tr_rating_by").set_value("location").run())
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB
    print(json.dumps({**timings, "peak_rss_mb": round(peak_mb, 1)}))


def print_table(results: list[dict]) -> None:
    print(f"\n{'query':48s} {'p50 ms':>9s} {'p95 ms':>9s} {'target':>8s}  ok")
    for row in results:
        target = "" if row["target_p95_ms"] is None else f"{row['target_p95_ms']:.0f}"
        ok = "" if row["ok"] is None else ("yes" if row["ok"] else "NO")
        print(f"{row['name']:48s} {row['p50_ms']:9.1f} {row['p95_ms']:9.1f} {target:>8s}  {ok}")


def print_side_by_side(runs: dict[str, list[dict]]) -> None:
    """One row per case: p50 and p95 of each engine, the target, and which engines met it."""
    engines = list(runs)
    head = "".join(f" {e[:10] + ' p50':>15s} {e[:10] + ' p95':>15s}" for e in engines)
    print(f"\n{'query':48s}{head} {'target':>7s}  ok")
    for rows in zip(*runs.values()):
        figures = "".join(f" {r['p50_ms']:15.1f} {r['p95_ms']:15.1f}" for r in rows)
        target = "" if rows[0]["target_p95_ms"] is None else f"{rows[0]['target_p95_ms']:.0f}"
        oks = ["" if r["ok"] is None else ("yes" if r["ok"] else "NO") for r in rows]
        ok = "" if not any(oks) else "/".join(oks)
        print(f"{rows[0]['name']:48s}{figures} {target:>7s}  {ok}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "bench" / "output" / "mentions-1m.db")
    parser.add_argument("--mentions", type=int, default=1_000_000, help="size of the database built when missing")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--year", action="store_true", help="also time the Trends aggregates over 365 days")
    parser.add_argument("--no-render", action="store_true", help="skip the dashboard render in a child process")
    parser.add_argument("--render-child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--engine", choices=("sqlite", "postgresql", "both"), default="sqlite")
    parser.add_argument("--database-url", help="PostgreSQL database to time (filled from --db when empty) "
                                               "instead of a throwaway cluster")
    args = parser.parse_args(argv)
    if args.render_child:
        return _render_child()
    if not args.db.exists():
        print(f"building {args.db} with {args.mentions:,} mentions (once; reused afterwards)", file=sys.stderr)
        args.db.parent.mkdir(parents=True, exist_ok=True)
        build(args.db, args.mentions)
    runs: dict[str, list[dict]] = {}
    summary: dict[str, object] = {"benchmark": "queries", "repeat": args.repeat}
    if args.engine in ("sqlite", "both"):
        runs["sqlite"], summary["sqlite"] = _sqlite(args)
    if args.engine in ("postgresql", "both"):
        runs["postgresql"], summary["postgresql"] = _postgresql(args)

    for engine, info in summary.items():
        if isinstance(info, dict):
            print(f"\n{engine}: {info['mentions']:,} mentions, {info['db_mb']:,.0f} MB"
                  + (f", filled by copying in {info['fill_s']:.0f} s" if info.get("fill_s") else "")
                  + f"; {args.repeat} runs per query after one warm-up")
    if len(runs) == 1:
        print_table(next(iter(runs.values())))
    else:
        print_side_by_side(runs)
    lite = summary.get("sqlite")
    render = lite.get("render") if isinstance(lite, dict) else None
    if render:
        print("\ndashboard process (SQLite, AppTest, child process): "
              + ", ".join(f"{k} {v}" for k, v in render.items()))
    missed = [f"{engine}: {r['name']}" for engine, rows in runs.items() for r in rows if r["ok"] is False]
    print("targets: " + ("all met" if not missed else "MISSED " + "; ".join(missed)))
    print(json.dumps({**summary, "queries": runs, "targets_met": not missed}))


def _cases(store: Store, year: bool) -> list[tuple[str, Callable[[], object], float | None]]:
    cases = inbox_cases(store) + trends_cases(store, TRENDS_DAYS, TRENDS_TARGET_MS)
    return cases + trends_cases(store, 365, None) if year else cases


def _sqlite(args: argparse.Namespace) -> tuple[list[dict], dict]:
    store = open_store(args.db)  # applies any new migration (indexes) to an older benchmark database
    if not store._conn.execute("SELECT EXISTS (SELECT 1 FROM analyses WHERE confidence IS NOT NULL)").fetchone()[0]:
        print("giving the analyses of an older benchmark database their confidences", file=sys.stderr)
        add_confidences(store)
    mentions = store.count_mentions()
    print(f"timing SQLite ({mentions:,} mentions in {args.db})", file=sys.stderr)
    results = measure(_cases(store, args.year), args.repeat)
    store.close()
    info = {"mentions": mentions, "db_mb": round(file_size_mb(args.db), 1), "path": str(args.db)}
    info["render"] = None if args.no_render else render_in_child(args.db)
    return results, info


def _postgresql(args: argparse.Namespace) -> tuple[list[dict], dict]:
    """The same cases on PostgreSQL, over the rows of the SQLite file --db copied in (bench/pg_fill.py); no
    dashboard render (that child reads an SQLite file)."""
    cluster = None
    url = args.database_url
    if url is None:
        cluster = Cluster(BENCH_SERVER_SETTINGS).start()
        url = cluster.url()
    try:
        store = open_store(url)
        fill_s = None
        if store.count_mentions() == 0:
            store.close()
            print(f"filling PostgreSQL from {args.db} (COPY)", file=sys.stderr)
            started = time.perf_counter()
            copy_sqlite_to_postgres(args.db, url)
            fill_s = round(time.perf_counter() - started, 1)
            print(f"filled in {fill_s:.0f} s", file=sys.stderr)
            store = open_store(url)
        mentions = store.count_mentions()
        size_mb = store._conn.execute("SELECT pg_database_size(current_database())").fetchone()[0] / 1e6
        print(f"timing PostgreSQL ({mentions:,} mentions)", file=sys.stderr)
        results = measure(_cases(store, args.year), args.repeat)
        store.close()
    finally:
        if cluster is not None:
            cluster.stop()
    return results, {"mentions": mentions, "db_mb": round(size_mb, 1), "fill_s": fill_s}


if __name__ == "__main__":
    main()
