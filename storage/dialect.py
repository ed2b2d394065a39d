"""The few places where SQLite's SQL and PostgreSQL's differ, as small functions of one Dialect per engine.

Every other statement is written once (with `?` placeholders, translated for psycopg by storage/engine.py) and
runs on both. Dates stay ISO-8601 text in both engines and JSON stays text, so comparisons, ordering and the
rows callers get back are the same; only functions over them differ.
"""
from __future__ import annotations

from dataclasses import dataclass

from core.models import BEST_STARS, WORST_STARS
from storage.search_text import fts_query, ts_query


@dataclass(frozen=True, slots=True)
class Dialect:
    name: str

    @property
    def postgres(self) -> bool:
        return self.name == "postgresql"

    # --- inserts ---------------------------------------------------------------------------------------

    def insert_ignore(self, table: str, columns: tuple[str, ...], extra: str = "") -> str:
        """INSERT of one row that does nothing when it breaks a unique key; on PostgreSQL it returns the new id.
        `extra` is one more SQL value expression (with its own placeholder) for PostgreSQL's `search` column."""
        marks = ", ".join("?" * len(columns))
        if not self.postgres:
            return f"INSERT OR IGNORE INTO {table} ({', '.join(columns)}) VALUES ({marks})"
        names = ", ".join((*columns, "search") if extra else columns)
        values = f"{marks}, {extra}" if extra else marks
        return f"INSERT INTO {table} ({names}) VALUES ({values}) ON CONFLICT DO NOTHING RETURNING id"

    def returning_id(self, sql: str) -> str:
        """An INSERT that gives back its row's id (SQLite has the cursor's lastrowid)."""
        return sql + " RETURNING id" if self.postgres else sql

    def replace_row(self, table: str, key: str, columns: tuple[str, ...]) -> str:
        """Insert a row or replace the one with the same key. SQLite's REPLACE deletes the old row first (its
        delete trigger moves the trend counts back); PostgreSQL updates it in place (its update trigger moves
        them)."""
        marks = ", ".join("?" * (len(columns) + 1))
        names = ", ".join((key, *columns))
        if not self.postgres:
            return f"INSERT OR REPLACE INTO {table} ({names}) VALUES ({marks})"
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
        return f"INSERT INTO {table} ({names}) VALUES ({marks}) ON CONFLICT ({key}) DO UPDATE SET {updates}"

    # --- joins, text and time --------------------------------------------------------------------------

    @property
    def fixed_join(self) -> str:
        """An inner join whose left side stays the outer loop: SQLite's CROSS JOIN … ON; PostgreSQL plans it."""
        return "JOIN" if self.postgres else "CROSS JOIN"

    def contains(self, haystack: str, needle: str) -> str:
        return f"strpos({haystack}, {needle}) > 0" if self.postgres else f"instr({haystack}, {needle}) > 0"

    def week_start(self, day: str) -> str:
        """The Monday of an ISO day's week, as ISO text."""
        if self.postgres:
            return f"to_char(date_trunc('week', ({day})::date), 'YYYY-MM-DD')"
        return f"date({day}, 'weekday 0', '-6 days')"  # 'weekday 0' moves to the Sunday (or stays); -6 its Monday

    def hours_between(self, later: str, earlier: str) -> str:
        """Hours from `earlier` to `later`, two ISO instants, as a real number."""
        if self.postgres:
            return f"(extract(epoch FROM ({later})::timestamptz - ({earlier})::timestamptz) / 3600.0)"
        return f"((julianday({later}) - julianday({earlier})) * 24.0)"

    def whole(self, number: str) -> str:
        """A real number truncated toward zero to an integer (PostgreSQL's CAST rounds). SQLite's julianday()
        differences carry float error (an exact 48,192 minutes came out 48,191.99999…): rounded to 6 decimals
        first, so both engines count whole minutes alike."""
        return f"trunc({number})::bigint" if self.postgres else f"CAST(round({number}, 6) AS INTEGER)"

    # --- JSON held as text -----------------------------------------------------------------------------

    def json_text(self, column: str, key: str) -> str:
        """A top-level key of a JSON object column, as text (NULL when absent)."""
        return f"(({column})::jsonb ->> '{key}')" if self.postgres else f"json_extract({column}, '$.{key}')"

    def json_set(self, column: str, key: str, value: str) -> str:
        """The JSON object column with a top-level text key set to `value` (an SQL expression)."""
        if self.postgres:
            return f"jsonb_set(({column})::jsonb, '{{{key}}}', to_jsonb(({value})::text))::text"
        return f"json_set({column}, '$.{key}', {value})"

    def each(self, column: str, alias: str) -> str:
        """A FROM item over the elements of a JSON list column, its elements as `alias`.value (text)."""
        if self.postgres:
            return f"jsonb_array_elements_text(({column})::jsonb) AS {alias}(value)"
        return f"json_each({column}) {alias}"

    def stars(self, extra: str, key: str) -> str:
        """A JSON number in range [WORST_STARS, BEST_STARS] under `key` of `extra`, else NULL."""
        if self.postgres:
            value = f"(({extra})::jsonb -> '{key}')"
            return (f"(CASE WHEN jsonb_typeof({value}) = 'number' AND ({value})::float8 BETWEEN {WORST_STARS} "
                    f"AND {BEST_STARS} THEN ({value})::float8 END)")
        return (f"(CASE WHEN json_type({extra}, '$.{key}') IN ('integer', 'real') AND json_extract({extra}, "
                f"'$.{key}') BETWEEN {WORST_STARS} AND {BEST_STARS} THEN json_extract({extra}, '$.{key}') END)")

    # --- search ----------------------------------------------------------------------------------------

    def search_query(self, text: str) -> str:
        """The engine's query string for the words of `text` ('' when it has no words)."""
        return ts_query(text) if self.postgres else fts_query(text)

    def search_match(self, probe: str = "m.id") -> str:
        """A condition on mentions m with one placeholder for search_query's string. SQLite: `probe` ('+m.id'
        keeps the hits a set to probe rather than the driving loop, see queries._where)."""
        if self.postgres:
            return "m.search @@ cw_search_query(?)"
        return f"{probe} IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)"

    @property
    def search_count(self) -> str:
        """How many mentions the search (one placeholder) finds, from the index alone."""
        if self.postgres:
            return "SELECT count(*) FROM mentions m WHERE m.search @@ cw_search_query(?)"
        return "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH ?"

    @property
    def search_estimate(self) -> str:
        """About how many mentions the search (one placeholder) finds, cheaply, for choosing a plan. SQLite counts
        from its FTS index in milliseconds; PostgreSQL's exact count reads every hit's heap page, so its planner's
        estimate (storage/pg_schema.py cw_search_estimate)."""
        return "SELECT cw_search_estimate(?)" if self.postgres else self.search_count


SQLITE = Dialect("sqlite")
POSTGRESQL = Dialect("postgresql")
