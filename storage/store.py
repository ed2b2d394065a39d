"""The Store: one SQLite file in WAL mode, or a PostgreSQL database; idempotent, transactional writes; reads for
every page. Which engine is chosen by the target: a `postgresql://` URL or a file path."""
from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils

from core.models import Analysis, Mention, utcnow
from core.redact import redact
from core.store_url import schema_of_url
from storage import pg_schema
from storage.dialect import Dialect
from storage.engine import PostgresDatabase, SqliteDatabase, is_postgres_url
from storage.rows import (
    ANALYSIS_COLUMNS,
    MENTION_COLUMNS,
    STORED_MENTION,
    AnalysisRow,
    MentionRow,
    SourceSave,
    analysis_row,
    decode_row,
    iso,
    parse_iso,
    stored_items,
)
from storage.schema import migrate
from storage.search_text import register_functions, search_text
from storage.triggers import REGISTER_NEW_ANALYSIS, REGISTER_NEW_MENTIONS

# A writer lets the write-ahead log grow to ~32 MB before copying it into the database (SQLite's default is ~4 MB):
# a page that every batch touches (the index leaves, the search index) is then copied and synced once per
# checkpoint, not once per few batches. The collecting process (`map_file`) also reads pages through a memory map
# rather than a read() call each. Together they lifted bench.ingest from ~0.30 to ~0.33 of VADER's rate. The
# dashboard does not map the file: mapped pages count in its resident memory (220 -> 445 MB at 1M mentions).
WRITER_MMAP_BYTES = 256 * 1024 * 1024
WAL_CHECKPOINT_PAGES = 8000
BUSY_TIMEOUT_MS = 30_000


@dataclass(slots=True)
class SaveResult:
    seen: int
    new: int
    new_ids: list[int]
    duplicates: int = 0  # matched items not inserted: already stored (this source's id, or the same item)


def open_store(target: str | Path, *, readonly: bool = False, map_file: bool = False) -> Store:
    """The store at `target`: a `postgresql://` URL (its `${VAR}` references read from the environment) or an
    SQLite file path; `map_file` for a long-running collecting process on SQLite (see WRITER_MMAP_BYTES)."""
    return Store(target, readonly=readonly, map_file=map_file)


class Store:
    """All reads and writes of the database go through here."""

    def __init__(self, target: str | Path, *, readonly: bool = False, map_file: bool = False) -> None:
        self._sql: SqliteDatabase | PostgresDatabase
        if is_postgres_url(target):
            self.path: Path | None = None
            self.url: str | None = str(target)
            schema = schema_of_url(str(target))  # a bad name is refused before connecting
            self._sql = PostgresDatabase(str(target))
            if not readonly:
                pg_schema.migrate(self._sql, schema)
            return
        self.path, self.url = Path(target), None
        if not readonly:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            self.path, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False, isolation_level=None
        )
        # Autocommit mode; transactions are explicit (see transaction()).
        self._sql = SqliteDatabase(conn)
        register_functions(conn)  # the search index's triggers call them
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not readonly:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            if map_file:
                conn.execute(f"PRAGMA mmap_size = {WRITER_MMAP_BYTES}")
            conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_CHECKPOINT_PAGES}")
            conn.isolation_level = "DEFERRED"  # back to implicit transactions for migrate()
            migrate(sqlite_utils.Database(conn))
            conn.isolation_level = None

    @property
    def engine(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self._sql.dialect.name

    @property
    def dialect(self) -> Dialect:
        """What differs in SQL between the engines (storage/dialect.py); storage's modules build SQL with it."""
        return self._sql.dialect

    @property
    def _conn(self) -> SqliteDatabase | PostgresDatabase:
        """The database; storage's modules share it (execute, executemany, query), nothing outside storage does."""
        return self._sql

    @property
    def _db(self) -> SqliteDatabase | PostgresDatabase:
        """The same database (the name sqlite-utils' Database had here, for `query`)."""
        return self._sql

    def close(self) -> None:
        self._sql.close()

    @contextmanager
    def transaction(self) -> Iterator[SqliteDatabase | PostgresDatabase]:
        """All or nothing; a transaction inside another becomes a savepoint of it (see the engines' transaction())."""
        with self._sql.transaction():
            yield self._sql

    # --- sources -------------------------------------------------------------------------------

    def ensure_source(self, name: str, kind: str) -> None:
        """Register a configured source; its enabled flag (the Sources page toggle) is left as staff set it."""
        self._conn.execute(
            "INSERT INTO sources (name, kind) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind",
            (name, kind),
        )

    def source(self, name: str) -> dict[str, Any] | None:
        rows = list(self._db.query("SELECT * FROM sources WHERE name = ?", (name,)))
        if not rows:
            return None
        record = rows[0]
        record["cursor"] = json.loads(record["cursor"] or "{}")
        return record

    def sources(self) -> list[dict[str, Any]]:
        rows = list(self._db.query("SELECT * FROM sources ORDER BY name"))
        for row in rows:
            row["cursor"] = json.loads(row["cursor"] or "{}")
        return rows

    def cursor(self, name: str) -> dict[str, Any]:
        record = self.source(name)
        return record["cursor"] if record else {}

    def cursors(self) -> dict[str, dict[str, Any]]:
        """Every source's cursor, in one query."""
        rows = self._conn.execute("SELECT name, cursor FROM sources").fetchall()
        return {name: json.loads(cursor or "{}") for name, cursor in rows}

    def set_source_enabled(self, name: str, kind: str, enabled: bool) -> None:
        """The Sources page toggle; registers a configured source the store has not seen yet."""
        with self.transaction():
            self.ensure_source(name, kind)
            self._conn.execute("UPDATE sources SET enabled = ? WHERE name = ?", (int(enabled), name))

    def request_run(self, name: str, kind: str, actor: str, *, at: datetime | None = None) -> None:
        """Ask the collector process to run a source at its next look (the Sources page's "Run now")."""
        with self.transaction():
            self.ensure_source(name, kind)
            self._conn.execute(
                "UPDATE sources SET run_requested_at = coalesce(run_requested_at, ?), run_requested_by = ? "
                "WHERE name = ?", (iso(at or utcnow()), actor, name),
            )

    # The collector's `run` loop beats under this name; the Sources page reads it to tell whether a "Run now"
    # request will be picked up.
    COLLECTOR = "collector"

    def beat(self, process: str, pid: int, *, at: datetime | None = None) -> None:
        """A long-running process (the collector's `run` loop) says it is alive."""
        self._conn.execute(
            "INSERT INTO heartbeats (process, seen_at, pid) VALUES (?, ?, ?) "
            "ON CONFLICT(process) DO UPDATE SET seen_at = excluded.seen_at, pid = excluded.pid",
            (process, iso(at or utcnow()), pid),
        )

    def last_beat(self, process: str) -> datetime | None:
        row = self._conn.execute("SELECT seen_at FROM heartbeats WHERE process = ?", (process,)).fetchone()
        return parse_iso(row[0]) if row else None

    def run_requests(self) -> dict[str, str]:
        """Sources whose run was asked for and not yet done: name -> when it was asked."""
        rows = self._conn.execute("SELECT name, run_requested_at FROM sources WHERE run_requested_at IS NOT NULL")
        return dict(rows.fetchall())

    def record_success(
        self,
        name: str,
        items: Iterable[tuple[Mention, Analysis | None]],
        cursor: dict[str, Any],
        *,
        seen: int,
        note: str | None = None,
        at: datetime | None = None,
        dropped: dict[str, int] | None = None,
    ) -> SaveResult:
        """Store a source's new mentions and advance its cursor in one transaction."""
        return self.record_saves([SourceSave(name, stored_items(items), cursor, seen, note, dict(dropped or {}))],
                                 at=at)[0]

    def record_saves(self, saves: list[SourceSave], *, at: datetime | None = None) -> list[SaveResult]:
        """Store several sources' prepared rows (storage.rows) and advance their cursors in one transaction.

        One transaction for many sources: a commit and a search-index segment cost about as much as storing
        twenty mentions, so a busy cycle saves what has piled up in one go. Each source still gets its new
        items and its cursor together, or neither.
        """
        at_iso = iso(at or utcnow())
        results, all_new = [], []
        with self.transaction():
            for save in saves:
                new_ids = self._insert_items(save.items, at_iso)
                all_new.extend(new_ids)
                self._conn.execute(
                    """UPDATE sources SET cursor = ?, last_attempt = ?, last_success = ?, last_error_kind = NULL,
                       last_error = NULL, consecutive_failures = 0, next_attempt_after = NULL, items_seen = ?,
                       items_new = ?, items_total = items_total + ?, note = ?, run_requested_at = NULL
                       WHERE name = ?""",
                    (json.dumps(save.cursor), at_iso, at_iso, save.seen, len(new_ids), len(new_ids),
                     redact(save.note) if save.note else None, save.name),
                )
                duplicates = len(save.items) - len(new_ids)
                self._record_drops(save.name, {**save.dropped, "duplicate": save.dropped.get("duplicate", 0) + duplicates})
                results.append(SaveResult(seen=save.seen, new=len(new_ids), new_ids=new_ids, duplicates=duplicates))
            self.register_new_mentions(all_new)
        return results

    def _record_drops(self, name: str, dropped: dict[str, int]) -> None:
        """This run's drop counts replace the last run's and add to the totals (schema migration 5)."""
        self._conn.execute("UPDATE source_drops SET last_run = 0 WHERE source_name = ?", (name,))
        self._conn.executemany(
            """INSERT INTO source_drops (source_name, reason, last_run, total) VALUES (?, ?, ?, ?)
               ON CONFLICT (source_name, reason) DO UPDATE SET last_run = excluded.last_run,
               total = source_drops.total + excluded.last_run""",
            [(name, reason, count, count) for reason, count in dropped.items() if count],
        )

    def source_drops(self) -> dict[str, dict[str, tuple[int, int]]]:
        """Per source, per reason: (dropped in the last successful run, dropped in all runs)."""
        drops: dict[str, dict[str, tuple[int, int]]] = {}
        rows = self._conn.execute("SELECT source_name, reason, last_run, total FROM source_drops ORDER BY 1, 2")
        for name, reason, last_run, total in rows:
            drops.setdefault(name, {})[reason] = (last_run, total)
        return drops

    def _insert_items(self, items: list[tuple[MentionRow, AnalysisRow | None]], at_iso: str | None) -> list[int]:
        """Insert unless the same source item or the same text is already stored; returns the new ids."""
        new_ids: list[int] = []
        insert_id = self._sql.insert_id
        insert, upsert = _insert_mention(self.dialect), _upsert_analysis(self.dialect)
        postgres = self.dialect.postgres
        for mention, analysis in items:
            # PostgreSQL's search column is fed the lemma-aware text here (SQLite's index, per batch: see
            # register_new_mentions). Title and text are MENTION_COLUMNS 5 and 6.
            row = (*mention, f"{search_text(mention[5])} {search_text(mention[6])}") if postgres else mention
            mention_id = insert_id(insert, row)
            if mention_id is None:
                continue
            new_ids.append(mention_id)
            if analysis is not None:
                self._sql.execute(upsert, (mention_id, *analysis, at_iso))
        return new_ids

    def record_failure(
        self,
        name: str,
        kind: str,
        message: str,
        *,
        retry_after: float | None = None,
        base_backoff: float = 60.0,
        at: datetime | None = None,
    ) -> None:
        """Record a failed attempt; repeated failures push the next attempt further out (capped at a day)."""
        now = at or utcnow()
        record = self.source(name) or {"consecutive_failures": 0}
        failures = record["consecutive_failures"] + 1
        delay = min(base_backoff * 2 ** (failures - 1), 86_400.0)
        if retry_after:
            delay = max(delay, retry_after)
        self._conn.execute(
            """UPDATE sources SET last_attempt = ?, last_error_kind = ?, last_error = ?,
               consecutive_failures = ?, next_attempt_after = ?, run_requested_at = NULL WHERE name = ?""",
            (iso(now), kind, redact(message)[:2000], failures, iso(now + timedelta(seconds=delay)), name),
        )

    def register_new_mentions(self, mention_ids: list[int]) -> None:
        """Index new mentions for search and count them in the Trends tables, in the transaction that inserted
        them together with their analyses (see triggers.REGISTER_NEW_MENTIONS)."""
        if mention_ids and not self.dialect.postgres:  # PostgreSQL's row triggers counted them (pg_schema)
            parameters = {"ids": json.dumps(mention_ids)}
            for statement in REGISTER_NEW_MENTIONS:
                self._conn.execute(statement, parameters)

    def save_analysis(self, mention_id: int, analysis: Analysis) -> None:
        """Store (or replace) the analysis of an already stored mention."""
        with self.transaction():
            self._conn.execute(_upsert_analysis(self.dialect), (mention_id, *analysis_row(analysis), iso(utcnow())))
            if not self.dialect.postgres:  # there the upsert's own row trigger moved the counts (pg_schema)
                for statement in REGISTER_NEW_ANALYSIS:
                    self._conn.execute(statement, {"mention_id": mention_id})

    # --- reads ---------------------------------------------------------------------------------

    def mention_id(self, source_name: str, external_id: str) -> int | None:
        """The stored id of a source's item (e.g. a Reddit fullname), or None when it was never stored."""
        row = self._conn.execute(
            "SELECT id FROM mentions WHERE source_name = ? AND external_id = ?", (source_name, external_id)
        ).fetchone()
        return int(row[0]) if row else None

    def count_mentions(self) -> int:
        return self._conn.execute("SELECT count(*) FROM mentions").fetchone()[0]

    def mention(self, mention_id: int) -> dict[str, Any] | None:
        rows = list(
            self._db.query(
                f"SELECT {STORED_MENTION}, a.language, a.sentiment, a.sentiment_score, a.kind, a.topics, a.urgency, "
                "a.urgency_reasons, a.needs_reply, a.model_version, a.evidence, a.confidence, a.learned_from "
                "FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id "
                "WHERE m.id = ?",
                [mention_id],
            )
        )
        return decode_row(rows[0]) if rows else None

    def recent_mentions(self, limit: int = 100, *, search: str | None = None, **filters: Any) -> list[dict[str, Any]]:
        """Newest first, with simple equality filters on mention or analysis columns and FTS search."""
        where, params = [], []
        for column, value in filters.items():
            if value in (None, "", []):
                continue
            table = "a" if column in ("language", "sentiment", "kind") else "m"
            where.append(f"{table}.{column} = ?")
            params.append(value)
        if search:
            where.append(self.dialect.search_match())
            params.append(self.dialect.search_query(search))
        sql = (
            f"SELECT {STORED_MENTION}, a.language, a.sentiment, a.kind, a.topics, a.urgency, a.urgency_reasons "
            "FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id "
            + (("WHERE " + " AND ".join(where)) if where else "")
            + " ORDER BY m.published_at DESC LIMIT ?"
        )
        return [decode_row(row) for row in self._db.query(sql, params + [limit])]

    def iter_mentions(self) -> Iterator[dict[str, Any]]:
        for row in self._db.stream(f"SELECT {STORED_MENTION} FROM mentions m ORDER BY m.id"):
            yield decode_row(row)

    # --- workflow ------------------------------------------------------------------------------

    def add_event(self, mention_id: int | None, actor: str, action: str, detail: dict[str, Any] | None = None) -> None:
        self._conn.execute(
            "INSERT INTO events (mention_id, at, actor, action, detail) VALUES (?, ?, ?, ?, ?)",
            (mention_id, iso(utcnow()), actor, action, json.dumps(detail or {})),
        )

    def events(self, mention_id: int) -> list[dict[str, Any]]:
        return list(self._db.query("SELECT * FROM events WHERE mention_id = ? ORDER BY id", [mention_id]))


    # --- privacy -------------------------------------------------------------------------------

    def purge_older_than(self, days: int, *, now: datetime | None = None) -> int:
        """Retention: delete mentions published more than `days` ago, with their analyses, events, replies."""
        cutoff = iso((now or utcnow()) - timedelta(days=days))
        with self.transaction():
            return self._conn.execute("DELETE FROM mentions WHERE published_at < ?", (cutoff,)).rowcount

    def erase_author(self, author: str) -> int:
        """Erase every mention by one author, and what hangs off them (cascading deletes)."""
        with self.transaction():
            return self._conn.execute("DELETE FROM mentions WHERE author = ?", (author,)).rowcount



def _insert_mention(dialect: Dialect) -> str:
    """INSERT of a MentionRow that ignores a stored item (same source id or same text); PostgreSQL's also takes
    the search text."""
    return dialect.insert_ignore("mentions", MENTION_COLUMNS, "cw_search_vector(?)" if dialect.postgres else "")


def _upsert_analysis(dialect: Dialect) -> str:
    """Store or replace an analysis: the mention id first, then an AnalysisRow, then the analysis time."""
    return dialect.replace_row("analyses", "mention_id", (*ANALYSIS_COLUMNS, "analysed_at"))
