"""Move a single-clinic PostgreSQL store (the public schema) into a workspace's schema of the same database.

On SQLite a workspace is its database file, so an existing clinic's file becomes a workspace where it lies and
nothing is copied. On PostgreSQL a workspace is a schema (core.store_url), so the rows are copied, in one
transaction, in the order the app writes them: the target's triggers then build its per-day summaries as they
do for collected mentions, and its own search vectors are copied with the rows.
"""
from __future__ import annotations

from dataclasses import dataclass

from storage.store import Store

# Base tables in the order their foreign keys need; summaries (trend_*) are rebuilt by the target's triggers, and
# process state (heartbeats, source_leases, cw_meta) belongs to the processes that will run against the target.
COPIED_TABLES = ("sources", "mentions", "analyses", "events", "replies", "labels", "alerts", "source_drops")
_IDENTITY_TABLES = ("mentions", "events", "replies", "labels", "alerts")


class NotEmpty(ValueError):
    """The workspace already holds mentions: copying into it would mix two clinics' data."""


@dataclass(frozen=True, slots=True)
class CopyReport:
    rows: dict[str, int]

    def describe(self) -> str:
        return ", ".join(f"{table} {count}" for table, count in self.rows.items())


def copy_public_into(target: Store, source_schema: str = "public") -> CopyReport:
    """Copy every ClinicWatch row of `source_schema` into `target` (a workspace store in the same database)."""
    if target.engine != "postgresql":
        raise ValueError("copying between schemas is for PostgreSQL; an SQLite file becomes a workspace as it is")
    if target.count_mentions():
        raise NotEmpty(f"the workspace already holds {target.count_mentions()} mentions; "
                       "copy only into a new workspace")
    rows: dict[str, int] = {}
    with target.transaction() as db:
        for table in COPIED_TABLES:
            db.execute(f"INSERT INTO {table} SELECT * FROM {source_schema}.{table}")
            rows[table] = int(db.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        for table in _IDENTITY_TABLES:  # new rows continue after the copied ids
            db.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                       f"coalesce((SELECT max(id) FROM {table}), 0) + 1, false)")
    return CopyReport(rows)
