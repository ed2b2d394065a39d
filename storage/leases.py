"""Source leases on PostgreSQL: which collector process may collect a source now, so that several processes (on
one machine or several) never collect the same source at once.

A lease is a row of `source_leases` (holder, expires_at). A free or expired row is locked with
`SELECT … FOR UPDATE SKIP LOCKED` (rows another process is taking or giving back right now are skipped, never
waited for) and granted in the same transaction. The holder renews its leases while it collects; a killed
holder stops renewing, its leases expire, and the next taker gets them. A source's lease is given back in the
transaction that stores its mentions and cursor, and only if it is still the holder's: a holder whose lease was
taken over stores nothing. SQLite keeps a single `run` process and has no such table.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from storage.store import Store


@dataclass(frozen=True, slots=True)
class Lease:
    """One grant of one source to one holder."""

    source: str
    holder: str
    grant_no: int


def _require_postgres(store: Store) -> None:
    if not store.dialect.postgres:
        raise ValueError("source leases need PostgreSQL; with SQLite run a single `run` process")


def ensure_leases(store: Store, names: Iterable[str]) -> None:
    """A lease row for each configured source (free), so taking leases only ever locks existing rows."""
    _require_postgres(store)
    store._conn.execute("INSERT INTO source_leases (source_name) SELECT unnest(?::text[]) ON CONFLICT DO NOTHING",
                        (list(names),))


def lock_free(store: Store, names: Iterable[str]) -> list[str]:
    """In the caller's transaction: lock the rows of these sources that nobody holds (or whose lease expired),
    skipping rows another transaction has locked; they stay locked until that transaction ends."""
    _require_postgres(store)
    if not store._conn.in_transaction:
        raise RuntimeError("lock_free must run inside a transaction (the locks end with it)")
    rows = store._conn.execute(
        """SELECT source_name FROM source_leases WHERE source_name = ANY(?)
           AND (holder IS NULL OR expires_at <= clock_timestamp()) ORDER BY source_name FOR UPDATE SKIP LOCKED""",
        (list(names),))
    return [name for (name,) in rows]


def grant(store: Store, names: list[str], holder: str, seconds: float) -> list[Lease]:
    """In the caller's transaction, after lock_free: these sources are `holder`'s for `seconds` (renewable)."""
    rows = store._conn.execute(
        """UPDATE source_leases SET holder = ?, grant_no = grant_no + 1, taken_at = clock_timestamp(),
           expires_at = clock_timestamp() + make_interval(secs => ?) WHERE source_name = ANY(?)
           RETURNING source_name, grant_no""",
        (holder, seconds, names))
    return [Lease(name, holder, grant_no) for name, grant_no in rows]


def renew(store: Store, holder: str, seconds: float) -> int:
    """Push back the expiry of every lease `holder` still holds; returns how many it holds."""
    _require_postgres(store)
    return store._conn.execute(
        "UPDATE source_leases SET expires_at = clock_timestamp() + make_interval(secs => ?) WHERE holder = ?",
        (seconds, holder)).rowcount


def give_back(store: Store, lease: Lease) -> bool:
    """Free the source if this grant is still its holder's (True); False when the lease was taken over.

    Called in the transaction that stores the source's results: the row stays locked until it commits, so a
    taker cannot grant the source between this check and the stored cursor.
    """
    return store._conn.execute(
        """UPDATE source_leases SET holder = NULL, expires_at = NULL
           WHERE source_name = ? AND holder = ? AND grant_no = ?""",
        (lease.source, lease.holder, lease.grant_no)).rowcount == 1


def give_back_all(store: Store, holder: str) -> int:
    """Free every lease `holder` holds (a collector stopping cleanly); returns how many."""
    _require_postgres(store)
    return store._conn.execute("UPDATE source_leases SET holder = NULL, expires_at = NULL WHERE holder = ?",
                               (holder,)).rowcount


def holders(store: Store) -> dict[str, str]:
    """Sources currently leased: name -> holder (for `status` and tests)."""
    _require_postgres(store)
    rows = store._conn.execute(
        "SELECT source_name, holder FROM source_leases WHERE holder IS NOT NULL AND expires_at > clock_timestamp()")
    return dict(rows.fetchall())
