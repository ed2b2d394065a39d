"""The store's connection to its database, one class per engine, behind one small interface.

Storage's modules write their SQL once, with `?` (and `:name`) placeholders; `SqliteDatabase` hands it to
sqlite3 unchanged and `PostgresDatabase` translates the placeholders for psycopg. What differs between the
engines beyond placeholders (upserts, JSON, date bucketing, search) is stated in storage/dialect.py.
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from typing import Any, Protocol

import psycopg
from psycopg.adapt import Loader
from psycopg_pool import ConnectionPool

from storage.dialect import POSTGRESQL, SQLITE, Dialect

# What a failed statement raises, on either engine.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sqlite3.Error, psycopg.Error)


class Rows(Protocol):
    """What a statement gives back: sqlite3's cursor or PostgresDatabase's fetched result."""

    @property
    def rowcount(self) -> int: ...
    @property
    def description(self) -> Any: ...

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class SqliteDatabase:
    """One sqlite3 connection in autocommit mode; transactions are explicit (transaction())."""

    dialect: Dialect = SQLITE

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._savepoints = 0

    def execute(self, sql: str, params: Any = ()) -> Rows:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Any]) -> Rows:
        return self.conn.executemany(sql, rows)

    def query(self, sql: str, params: Any = ()) -> Iterator[dict[str, Any]]:
        """Rows as dicts keyed by column name."""
        cursor = self.conn.execute(sql, params)
        names = [c[0] for c in cursor.description]
        for row in cursor:
            yield dict(zip(names, row))

    def stream(self, sql: str, params: Any = ()) -> Iterator[dict[str, Any]]:
        """As query: an SQLite cursor already reads rows as the caller consumes them."""
        return self.query(sql, params)

    def insert_id(self, sql: str, params: Any) -> int | None:
        """The id of the row an INSERT made, or None when it inserted nothing (a conflict it ignores)."""
        cursor = self.conn.execute(sql, params)
        return cursor.lastrowid if cursor.rowcount == 1 else None

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; a transaction inside another becomes a savepoint of it.

        The outermost one begins IMMEDIATE: a deferred transaction that reads and then writes while another
        process writes fails at once with SQLITE_BUSY (the busy timeout does not cover upgrading a read lock in
        WAL mode).
        """
        if self.conn.in_transaction:
            self._savepoints += 1
            name = f"s{self._savepoints}"
            self.conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:  # undo the savepoint's work, then let the error go on to the outer transaction
                self.conn.execute(f"ROLLBACK TO {name}")
                self.conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._savepoints -= 1
            self.conn.execute(f"RELEASE {name}")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:  # roll back whatever interrupted the transaction, then let it propagate
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    def close(self) -> None:
        self.conn.close()


# --- PostgreSQL --------------------------------------------------------------------------------------------

_QUOTED_OR_MARK = re.compile(r"'(?:[^']|'')*'|\?|(?<!:):([A-Za-z_]\w*)|%")


@lru_cache(maxsize=2048)
def to_psycopg(sql: str) -> str:
    """`?` → `%s`, `:name` → `%(name)s` and a literal `%` → `%%`, outside quoted strings (where `'?'` is a label
    value of the trend tables, not a placeholder); `::type` casts stay."""
    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token.startswith("'"):
            return token.replace("%", "%%")
        if token == "?":
            return "%s"
        if token == "%":
            return "%%"
        return f"%({match.group(1)})s"
    return _QUOTED_OR_MARK.sub(replace, sql)


class FetchedRows:
    """A statement's rows, fetched before its connection went back to the pool."""

    def __init__(self, rows: list[Any], rowcount: int, description: Any) -> None:
        self._rows = rows
        self.rowcount = rowcount
        self.description = description

    def fetchone(self) -> Any:
        return self._rows[0] if self._rows else None

    def fetchall(self) -> list[Any]:
        return list(self._rows)

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)


_ENV_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def expand_url(url: str) -> str:
    """A database URL with its `${VAR}` references replaced from the environment (so a config file need not hold
    the password); an unset variable is an error that names it. libpq also reads PGPASSWORD and ~/.pgpass."""
    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in os.environ:
            raise ValueError(f"database_url refers to ${{{name}}}, which is not set in the environment")
        return os.environ[name]
    return _ENV_REFERENCE.sub(value, url)


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


class PostgresDatabase:
    """A psycopg connection pool. A statement outside a transaction borrows a connection for itself (autocommit);
    a transaction pins one connection to its thread until it ends, so threads never share a transaction."""

    dialect: Dialect = POSTGRESQL

    def __init__(self, url: str, *, max_size: int = 8) -> None:
        self.url = url
        self._local = threading.local()
        self.pool = ConnectionPool(expand_url(url), min_size=1, max_size=max_size, open=True,
                                   kwargs={"autocommit": True}, configure=_configure, name="clinicwatch")
        self.pool.wait(timeout=30)

    def _pinned(self) -> Any:
        return getattr(self._local, "conn", None)

    def execute(self, sql: str, params: Any = ()) -> Rows:
        conn = self._pinned()
        if conn is not None:
            return _run(conn, sql, params)
        with self.pool.connection() as conn:
            return _run(conn, sql, params)

    def script(self, sql: str) -> None:
        """Several statements in one go, without parameters (schema steps, routines); no placeholder translation."""
        conn = self._pinned()
        if conn is not None:
            conn.execute(sql)
            return
        with self.pool.connection() as conn:
            conn.execute(sql)

    def executemany(self, sql: str, rows: Iterable[Any]) -> Rows:
        rows = list(rows)
        with self.transaction():
            conn = self._pinned()
            with conn.cursor() as cursor:
                if rows:
                    cursor.executemany(to_psycopg(sql), rows)
                return FetchedRows([], cursor.rowcount, None)

    def query(self, sql: str, params: Any = ()) -> Iterator[dict[str, Any]]:
        result = self.execute(sql, params)
        names = [c[0] for c in result.description or ()]
        for row in result:
            yield dict(zip(names, row))

    def stream(self, sql: str, params: Any = ()) -> Iterator[dict[str, Any]]:
        """Rows as dicts, read as the caller consumes them (exports of 100,000 mentions) rather than all at once.
        Inside a transaction the pinned connection may not be busy with a stream, so the rows are fetched."""
        if self._pinned() is not None:
            yield from self.query(sql, params)
            return
        with self.pool.connection() as conn, conn.cursor() as cursor:
            # psycopg's single-row mode: the server sends rows as they are read; the connection stays
            # borrowed until the caller stops iterating.
            names: list[str] | None = None
            for row in cursor.stream(to_psycopg(sql), _as_params(params)):
                if names is None:
                    names = [c[0] for c in cursor.description or ()]
                yield dict(zip(names, row))

    def insert_id(self, sql: str, params: Any) -> int | None:
        """`sql` ends with RETURNING id (dialect.insert_ignore / insert_returning build it)."""
        row = self.execute(sql, params).fetchone()
        return int(row[0]) if row else None

    @property
    def in_transaction(self) -> bool:
        return self._pinned() is not None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All or nothing; a transaction inside another becomes a savepoint of it (psycopg nests them so)."""
        conn = self._pinned()
        if conn is not None:
            with conn.transaction():
                yield
            return
        with self.pool.connection() as conn:
            self._local.conn = conn
            try:
                with conn.transaction():
                    yield
            finally:
                self._local.conn = None

    def close(self) -> None:
        self.pool.close()


def _as_params(params: Any) -> list[Any] | dict[str, Any]:
    """Always a list or a dict: psycopg then reads `%%` as `%`."""
    return params if isinstance(params, dict) else list(params)


def _run(conn: Any, sql: str, params: Any) -> FetchedRows:
    with conn.cursor() as cursor:
        cursor.execute(to_psycopg(sql), _as_params(params))
        rows = cursor.fetchall() if cursor.description is not None else []
        return FetchedRows(rows, cursor.rowcount, cursor.description)


def _configure(conn: Any) -> None:
    """Every pooled connection: sums of integers (numeric in PostgreSQL) load as int, other numerics as float,
    as SQLite gives them; and no parallel plans. The pages' reads are index walks that stop after a page
    (LIMIT); a parallel plan has each worker walk its share to the end: the Inbox filtered by one source took
    ~1,000 ms that way at 100,000 mentions and ~50 ms without (bench.queries --engine postgresql)."""
    conn.adapters.register_loader("numeric", _NumberLoader)
    conn.execute("SET max_parallel_workers_per_gather = 0")
    # Plan every statement with its values: psycopg prepares a statement on its 5th run, and after 5 more
    # PostgreSQL may switch to a generic plan, blind to the statuses and words (the open mentions' search index
    # needs them): the Inbox search count went from ~15 ms to ~500 ms at 1M mentions (bench.queries).
    conn.execute("SET plan_cache_mode = force_custom_plan")


class _NumberLoader(Loader):
    def load(self, data: Any) -> int | float:
        text = bytes(data).decode()
        return float(text) if any(c in text for c in ".eEn") else int(text)
