"""SQL for alerts and the weekly report: rule inputs, the alerts outbox, and report aggregates."""
from __future__ import annotations

import json
from datetime import datetime, timedelta
from typing import Any

from storage.rows import decode_row, iso
from storage.store import Store

OPEN_STATUSES = ("new", "in_review")
# When a mention was seen: the later of its publication and its fetch (both ISO text, so they order as text).
_SEEN = "(CASE WHEN m.published_at > m.fetched_at THEN m.published_at ELSE m.fetched_at END)"
MENTION_COLUMNS = (
    "m.id, m.source_name, m.source_kind, m.url, m.author, m.title, m.text, m.published_at, m.fetched_at, "
    "m.status, m.first_response_at, a.language, a.sentiment, a.kind, a.topics, a.urgency, a.urgency_reasons"
)


class AlertsRepo:
    """Reads and writes for the alerts package; every query it needs lives here."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._conn = store._conn
        self._d = store.dialect

    def _rows(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        return [decode_row(dict(row)) for row in self.store._db.query(sql, list(params))]

    # --- rule inputs ---------------------------------------------------------------------------

    def urgent_mentions(self, threshold: float, fetched_since: datetime, published_since: datetime) -> list[dict[str, Any]]:
        """Open mentions at or above the urgency threshold, recently fetched and not old news."""
        return self._rows(
            f"SELECT {MENTION_COLUMNS} FROM mentions m JOIN analyses a ON a.mention_id = m.id "
            "WHERE a.urgency >= ? AND m.fetched_at >= ? AND m.published_at >= ? AND m.status IN (?, ?) "
            "ORDER BY a.urgency DESC, m.id",
            [threshold, iso(fetched_since), iso(published_since), *OPEN_STATUSES],
        )

    def unanswered_complaints(self, seen_before: datetime, seen_after: datetime) -> list[dict[str, Any]]:
        """Open complaints without a first response, seen (fetched) in [seen_after, seen_before)."""
        return self._rows(
            f"SELECT {MENTION_COLUMNS} FROM mentions m JOIN analyses a ON a.mention_id = m.id "
            "WHERE a.kind = 'complaint' AND m.status IN (?, ?) AND m.first_response_at IS NULL "
            f"AND {_SEEN} < ? AND {_SEEN} >= ? ORDER BY m.id",
            [*OPEN_STATUSES, iso(seen_before), iso(seen_after)],
        )

    def window_counts(self, end: datetime, window_hours: float, windows: int) -> list[tuple[int, int]]:
        """(total, negative) mentions per window, newest first: index 0 ends at `end`, index k ends k windows earlier."""
        start = end - timedelta(hours=window_hours * windows)
        bucket = self._d.whole(f"{self._d.hours_between('?', 'm.published_at')} / ?")
        rows = self._conn.execute(
            f"SELECT {bucket} AS bucket, count(*), sum(CASE WHEN a.sentiment = 'negative' THEN 1 ELSE 0 END) "
            "FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id "
            "WHERE m.published_at >= ? AND m.published_at < ? GROUP BY 1",
            (iso(end), window_hours, iso(start), iso(end)),
        ).fetchall()
        counts = [(0, 0)] * windows
        for bucket, total, negative in rows:
            if 0 <= bucket < windows:
                counts[bucket] = (total, negative or 0)
        return counts

    # --- the outbox ----------------------------------------------------------------------------

    def add_alert(self, rule: str, dedup_key: str, channel: str, payload: dict[str, Any], at: datetime) -> bool:
        """Record an alert for one channel unless its dedup key is already there; True when new."""
        cursor = self._conn.execute(
            "INSERT INTO alerts (rule, dedup_key, channel, created_at, payload) VALUES (?, ?, ?, ?, ?) "
            "ON CONFLICT DO NOTHING",
            (rule, dedup_key, channel, iso(at), json.dumps(payload, ensure_ascii=False, default=str)),
        )
        return cursor.rowcount == 1

    def due_alerts(self, now: datetime, max_attempts: int) -> list[dict[str, Any]]:
        """Undelivered alerts whose next attempt is due, oldest first."""
        rows = self._rows(
            "SELECT * FROM alerts WHERE delivered_at IS NULL AND attempts < ? "
            f"AND coalesce({self._d.json_text('payload', 'next_attempt_at')}, '') <= ? ORDER BY id",
            [max_attempts, iso(now)],
        )
        for row in rows:
            row["payload"] = json.loads(row["payload"])
        return rows

    def claim(self, alert_id: int, now: datetime, lease_until: datetime) -> bool:
        """Take an alert for sending so a concurrent run cannot send it too; False if someone else has it."""
        cursor = self._conn.execute(
            f"UPDATE alerts SET payload = {self._d.json_set('payload', 'next_attempt_at', '?')} WHERE id = ? "
            f"AND delivered_at IS NULL AND coalesce({self._d.json_text('payload', 'next_attempt_at')}, '') <= ?",
            (iso(lease_until), alert_id, iso(now)),
        )
        return cursor.rowcount == 1

    def mark_delivered(self, alert_ids: list[int], at: datetime) -> None:
        self._conn.executemany(
            "UPDATE alerts SET delivered_at = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?",
            [(iso(at), alert_id) for alert_id in alert_ids],
        )

    def mark_failed(self, alert_ids: list[int], error: str, attempts: int, next_attempt_at: datetime) -> None:
        """Record failed attempts and when to try again (the backoff lives in the payload)."""
        self._conn.executemany(
            "UPDATE alerts SET attempts = attempts + ?, last_error = ?, "
            f"payload = {self._d.json_set('payload', 'next_attempt_at', '?')} WHERE id = ?",
            [(attempts, error[:2000], iso(next_attempt_at), alert_id) for alert_id in alert_ids],
        )

    def alerts(self) -> list[dict[str, Any]]:
        rows = self._rows("SELECT * FROM alerts ORDER BY id")
        for row in rows:
            row["payload"] = json.loads(row["payload"])
        return rows

    # --- the weekly report ---------------------------------------------------------------------

    def count_between(self, start: datetime, end: datetime) -> int:
        return self._conn.execute(
            "SELECT count(*) FROM mentions WHERE published_at >= ? AND published_at < ?", (iso(start), iso(end))
        ).fetchone()[0]

    def counts_by(self, column: str, start: datetime, end: datetime) -> dict[str, int]:
        """Mentions per value of an analysis column (sentiment, kind, language) in [start, end)."""
        if column not in ("sentiment", "kind", "language"):
            raise ValueError(f"cannot group by {column!r}")
        rows = self._conn.execute(
            f"SELECT coalesce(a.{column}, 'unknown'), count(*) FROM mentions m "
            "LEFT JOIN analyses a ON a.mention_id = m.id WHERE m.published_at >= ? AND m.published_at < ? "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
            (iso(start), iso(end)),
        ).fetchall()
        return dict(rows)

    def counts_by_source(self, start: datetime, end: datetime) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT source_name, count(*) FROM mentions WHERE published_at >= ? AND published_at < ? "
            "GROUP BY 1 ORDER BY 2 DESC, 1",
            (iso(start), iso(end)),
        ).fetchall()
        return dict(rows)

    def topic_counts(self, start: datetime, end: datetime) -> dict[str, int]:
        rows = self._conn.execute(
            "SELECT t.value, count(*) FROM mentions m JOIN analyses a ON a.mention_id = m.id, "
            f"{self._d.each('a.topics', 't')} WHERE m.published_at >= ? AND m.published_at < ? GROUP BY 1 ORDER BY 2 DESC, 1",
            (iso(start), iso(end)),
        ).fetchall()
        return dict(rows)

    def response_pairs(self, start: datetime, end: datetime) -> list[tuple[str, str | None]]:
        """(published_at, first_response_at) of mentions needing a reply published in [start, end)."""
        return self._conn.execute(
            "SELECT m.published_at, m.first_response_at FROM mentions m JOIN analyses a ON a.mention_id = m.id "
            "WHERE a.needs_reply = 1 AND m.published_at >= ? AND m.published_at < ?",
            (iso(start), iso(end)),
        ).fetchall()

    def top_complaints(self, start: datetime, end: datetime, limit: int = 10) -> list[dict[str, Any]]:
        return self._rows(
            f"SELECT {MENTION_COLUMNS} FROM mentions m JOIN analyses a ON a.mention_id = m.id "
            "WHERE a.kind = 'complaint' AND m.published_at >= ? AND m.published_at < ? "
            "ORDER BY a.urgency DESC, m.published_at DESC LIMIT ?",
            [iso(start), iso(end), limit],
        )

    def sources_health(self) -> list[dict[str, Any]]:
        return self._rows(
            "SELECT name, kind, enabled, last_success, last_attempt, last_error_kind, last_error, "
            "consecutive_failures, items_total FROM sources ORDER BY name"
        )
