"""Copy an SQLite benchmark database into an empty PostgreSQL one with COPY, so both engines hold the same rows.

Re-running bench/dataset.build into PostgreSQL fires the trend triggers once per row and grows every index row by
row; copying is much faster: the PostgreSQL schema is created by the store (storage/pg_schema.py), then the
secondary indexes are dropped, every table SQLite and PostgreSQL share is streamed with COPY (triggers off: the
per-day summary tables are copied as SQLite's triggers kept them), the indexes are built again and the identity
sequences moved past the copied ids. Mentions go through a staging table so that `search` is computed in SQL by
cw_search_vector from storage.search_text.search_text, exactly as the store writes it.
"""
from __future__ import annotations

import sqlite3
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg

from storage import open_store
from storage.engine import expand_url
from storage.search_text import search_text

SKIPPED_TABLES = frozenset({"cw_meta", "sqlite_stat1"})  # each engine's own bookkeeping
BATCH = 50_000  # rows fetched from SQLite at a time
PROGRESS_EVERY = 100_000


def copy_sqlite_to_postgres(db: Path, url: str) -> dict[str, int]:
    """Copy every shared table of the SQLite file `db` into the empty database at `url`; rows copied per table."""
    open_store(url).close()  # creates the schema, its routines and triggers
    source = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    copied: dict[str, int] = {}
    with psycopg.connect(expand_url(url), autocommit=True) as pg:
        if pg.execute("SELECT EXISTS (SELECT 1 FROM mentions)").fetchall()[0][0]:
            raise RuntimeError(f"{url} already holds mentions; copy only into an empty database")
        indexes = _drop_secondary_indexes(pg)
        with pg.transaction():
            # Triggers (trend counts, foreign keys) off for this session: the summaries come from SQLite as is.
            pg.execute("SET LOCAL session_replication_role = replica")
            for table in _shared_tables(source, pg):
                columns = _shared_columns(source, pg, table)
                started = time.perf_counter()
                if table == "mentions":
                    copied[table] = _copy_mentions(source, pg, columns)
                else:
                    copied[table] = _copy_table(pg, table, columns, _rows(source, table, columns))
                if copied[table] >= PROGRESS_EVERY:
                    _say(f"  {table}: {copied[table]:,} rows in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        for definition in indexes:
            pg.execute(definition)
        _say(f"  {len(indexes)} indexes built in {time.perf_counter() - started:.0f} s")
        _advance_identities(pg)
        pg.execute("VACUUM ANALYZE")  # visibility map set, as autovacuum leaves a live database: index-only scans
    source.close()
    return copied


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _shared_tables(source: sqlite3.Connection, pg: psycopg.Connection[Any]) -> list[str]:
    """Tables in both databases, parents before the tables that refer to them (mentions before analyses)."""
    lite = {r[0] for r in source.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    ordered = [r[0] for r in pg.execute(
        "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.oid")]
    return [t for t in ordered if t in lite and t not in SKIPPED_TABLES]


def _shared_columns(source: sqlite3.Connection, pg: psycopg.Connection[Any], table: str) -> list[str]:
    lite = {r[1] for r in source.execute(f"PRAGMA table_info({table})")}
    pg_columns = [r[0] for r in pg.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_schema = 'public' AND table_name = %s "
        "ORDER BY ordinal_position", (table,))]
    return [c for c in pg_columns if c in lite]


def _rows(source: sqlite3.Connection, table: str, columns: list[str]) -> Iterator[tuple[Any, ...]]:
    cursor = source.execute(f"SELECT {', '.join(columns)} FROM {table}")
    while batch := cursor.fetchmany(BATCH):
        yield from batch


def _copy_table(pg: psycopg.Connection[Any], table: str, columns: list[str], rows: Iterator[tuple[Any, ...]]) -> int:
    count = 0
    with pg.cursor() as cursor, cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            count += 1
    return count


def _copy_mentions(source: sqlite3.Connection, pg: psycopg.Connection[Any], columns: list[str]) -> int:
    """Mentions with their search vector: the lemma-aware text (Python) staged beside each row, folded in SQL."""
    pg.execute("CREATE TEMP TABLE mentions_staging (LIKE mentions INCLUDING DEFAULTS, search_doc TEXT) "
               "ON COMMIT DROP")
    title, text = columns.index("title"), columns.index("text")
    rows = (row + (f"{search_text(row[title])} {search_text(row[text])}",)
            for row in _rows(source, "mentions", columns))
    count = _copy_table(pg, "mentions_staging", [*columns, "search_doc"], rows)
    names = ", ".join(columns)
    pg.execute(f"INSERT INTO mentions ({names}, search) "
               f"SELECT {names}, cw_search_vector(search_doc) FROM mentions_staging")
    return count


def _drop_secondary_indexes(pg: psycopg.Connection[Any]) -> list[str]:
    """Drop the indexes no constraint owns (built again after the copy, faster than row by row); their SQL."""
    rows = pg.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class t ON t.oid = i.indrelid JOIN pg_namespace n ON n.oid = t.relnamespace "
        "WHERE n.nspname = 'public' AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
    ).fetchall()
    for name, _ in rows:
        pg.execute(f"DROP INDEX {name}")
    return [definition for _, definition in rows]


def _advance_identities(pg: psycopg.Connection[Any]) -> None:
    """Identity sequences past the copied ids, so the store's own inserts get new ones."""
    for table, column in pg.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND is_identity = 'YES'").fetchall():
        pg.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                   f"coalesce((SELECT max({column}) FROM {table}), 0) + 1, false)")
