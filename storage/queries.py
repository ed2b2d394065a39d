"""The Inbox's reads: filtering, pagination and counts happen in SQL, never in pandas.

The Trends reads live in storage/trends.py; they are named here too, so `storage.queries` stays the one module
the pages import their reads from.
"""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from core.labels import OPEN_STATUSES
from core.models import NEEDS_LOOK_BELOW
from storage.rows import decode_row
from storage.store import Store
from storage.trends import (  # noqa: F401  (the Trends reads, named here for the pages: see the docstring)
    BUCKETS,
    CUBE_DIMENSIONS,
    GROUPINGS,
    RATING_DIMENSIONS,
    as_date,
    daily_cube,
    daily_from_cube,
    daily_totals,
    health_from_cube,
    health_series,
    period_of,
    rating_totals,
    ratings,
    response_times,
    spikes,
    totals,
    totals_from_cube,
    volume,
    volume_from_cube,
)

UNASSIGNED = "__unassigned__"
# A search over every status is counted up to here, then the Inbox says "more than" (inbox_count).
COUNT_CAP = 10_000
DEEP_PAGE = 2_000  # rows skipped beyond which the urgency-index walk stops paying off

_INBOX_COLUMNS = (
    "m.id, m.source_name, m.source_kind, m.url, m.author, m.title, m.text, m.published_at, m.status, "
    "m.assignee, m.score, m.comment_count, m.thread_title, m.thread_url, m.matches, m.first_response_at, "
    "a.language, a.sentiment, a.sentiment_score, a.kind, a.topics, a.urgency, a.urgency_reasons, "
    "a.model_version, a.evidence, a.confidence, a.learned_from"
)


@dataclass(slots=True)
class MentionFilter:
    """What the user narrowed the list to; empty lists mean 'any'."""

    sources: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    sentiments: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=lambda: list(OPEN_STATUSES))
    assignee: str | None = None  # a username, UNASSIGNED, or None for anyone
    date_from: date | None = None
    date_to: date | None = None  # inclusive
    search: str = ""
    needs_look: bool = False  # only analyses less sure than core.models.NEEDS_LOOK_BELOW
    changed_since: str | None = None  # an iso() instant: only mentions whose status changed at or after it


def _in(column: str, values: list[str], where: list[str], params: list[Any]) -> None:
    if values:
        where.append(f"{column} IN ({', '.join('?' for _ in values)})")
        params.extend(values)


def _needs_analysis(flt: MentionFilter) -> bool:
    return bool(flt.languages or flt.kinds or flt.sentiments or flt.topics or flt.needs_look)


def _walk_urgency_index(store: Store, flt: MentionFilter, offset: int, page_size: int) -> bool:
    """Walking analyses by urgency finds a first page in milliseconds when the filter keeps many rows;
    a selective filter (a rare word or status, one assignee, dates, status change) or a deep page is faster from
    the status index."""
    if offset >= DEEP_PAGE:
        return False
    if _search_only(store, flt):
        # Over every status, a common word (thousands of hits) is found early in urgency order, while sorting
        # all its hits costs ~0.2 s at 1M mentions; a rare word is faster from its hits. The FTS index counts
        # hits in milliseconds (PostgreSQL estimates them); the walk reads about (offset + page) × mentions / hits rows.
        hits = _search_estimate(store, flt.search)
        mentions = store._conn.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0]
        return hits * hits >= 2 * (offset + page_size) * mentions
    # A topic keeps about a tenth of the rows and "unassigned" most open ones: the walk finds a page of them sooner
    # than sorting every match. One user's items are few: sorting them is faster.
    mine = flt.assignee not in (None, UNASSIGNED)
    if mine or flt.date_from or flt.date_to or flt.changed_since:
        return False
    searched = bool(store.dialect.search_query(flt.search or ""))
    if not searched and not (flt.statuses and not set(flt.statuses) & set(OPEN_STATUSES)):
        return True
    # A closed status (a view such as Escalated) may hold nothing or half the database, a word may be in three
    # mentions or in a sixth of them: the walk reads about (offset + page) × mentions / matches rows, the status
    # index reads every row of the statuses. Both sizes are counted from indexes in milliseconds.
    mentions = store._conn.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0]
    in_statuses = mentions
    if flt.statuses:
        marks = ", ".join("?" for _ in flt.statuses)
        rows = store._conn.execute(f"SELECT count(*) FROM mentions WHERE status IN ({marks})", flt.statuses)
        in_statuses = rows.fetchone()[0]
    matches = in_statuses * _search_estimate(store, flt.search) / max(mentions, 1) if searched else in_statuses
    return matches * in_statuses >= 2 * (offset + page_size) * mentions


def _search_only(store: Store, flt: MentionFilter) -> bool:
    """A search over every status with no other filter: the full-text index alone can answer its count."""
    others = (flt.sources, flt.languages, flt.kinds, flt.topics, flt.sentiments, flt.statuses, flt.assignee,
              flt.date_from, flt.date_to, flt.needs_look, flt.changed_since)
    return bool(store.dialect.search_query(flt.search or "")) and not any(others)


def _search_hits(store: Store, search: str) -> int:
    return store._conn.execute(store.dialect.search_count, [store.dialect.search_query(search)]).fetchone()[0]


def _search_estimate(store: Store, search: str) -> int:
    """About _search_hits, for choosing a plan (exact on SQLite)."""
    row = store._conn.execute(store.dialect.search_estimate, [store.dialect.search_query(search)]).fetchone()
    return int(row[0] or 0)


def _where(store: Store, flt: MentionFilter, walk: bool = False) -> tuple[str, list[Any]]:
    where: list[str] = []
    params: list[Any] = []
    _in("m.status", flt.statuses, where, params)
    _in("m.source_name", flt.sources, where, params)
    _in("a.language", flt.languages, where, params)
    _in("a.kind", flt.kinds, where, params)
    _in("a.sentiment", flt.sentiments, where, params)
    if flt.needs_look:
        where.append("a.confidence < ?")
        params.append(NEEDS_LOOK_BELOW)
    if flt.topics:
        # a.topics is a JSON list of core.labels.TOPICS identifiers (no quotes or escapes in them), so a quoted
        # identifier occurs in it exactly when the list holds it; instr() costs a fraction of json_each per row.
        where.append("(" + " OR ".join(store.dialect.contains("a.topics", "?") for _ in flt.topics) + ")")
        params.extend(f'"{topic}"' for topic in flt.topics)
    if flt.assignee == UNASSIGNED:
        where.append("m.assignee IS NULL")
    elif flt.assignee:
        where.append("m.assignee = ?")
        params.append(flt.assignee)
    if flt.changed_since:
        where.append("m.status_changed_at >= ?")
        params.append(flt.changed_since)
    if flt.date_from:
        where.append("m.published_at >= ?")
        params.append(flt.date_from.isoformat())
    if flt.date_to:
        where.append("m.published_at < ?")
        params.append((flt.date_to + timedelta(days=1)).isoformat())
    query = store.dialect.search_query(flt.search or "")
    if query:
        # '+' makes the hits a set to probe rather than the driving loop: with a status filter SQLite then reads
        # the status index (a few percent of the rows) instead of every hit of a common word (~4x faster at 1M),
        # and the urgency walk stays a walk.
        probe = "+m.id" if flt.statuses or walk else "m.id"
        where.append(store.dialect.search_match(probe))
        params.append(query)
    return ("WHERE " + " AND ".join(where)) if where else "", params


def inbox_ids(store: Store, flt: MentionFilter, page: int = 0, page_size: int = 25) -> list[int]:
    """Ids of one page of the queue: most urgent first, then oldest first (it has waited longest)."""
    offset = max(page, 0) * page_size
    if _walk_urgency_index(store, flt, offset, page_size):
        where, params = _where(store, flt, walk=True)
        # CROSS JOIN keeps analyses as the outer loop, so SQLite reads analyses_urgency in order and stops early.
        # Mentions without an analysis cannot be in this plan; they come after every analysed one (urgency 0).
        sql = (
            f"SELECT m.id FROM analyses a {store.dialect.fixed_join} mentions m ON m.id = a.mention_id {where} "
            "ORDER BY a.urgency DESC, m.published_at ASC, m.id ASC LIMIT ? OFFSET ?"
        )
        ids = [row[0] for row in store._conn.execute(sql, params + [page_size, offset])]
        if len(ids) == page_size or _needs_analysis(flt):
            return ids
    where, params = _where(store, flt)
    sql = (
        f"SELECT m.id FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id {where} "
        "ORDER BY coalesce(a.urgency, 0) DESC, m.published_at ASC, m.id ASC LIMIT ? OFFSET ?"
    )
    return [row[0] for row in store._conn.execute(sql, params + [page_size, offset])]


def inbox_page(store: Store, flt: MentionFilter, page: int = 0, page_size: int = 25) -> list[dict[str, Any]]:
    """One page of the queue with everything the Inbox shows; the wide rows are read only for this page."""
    return inbox_rows(store, inbox_ids(store, flt, page, page_size))


def inbox_rows(store: Store, ids: list[int]) -> list[dict[str, Any]]:
    """The Inbox's rows for these mention ids, in the order given (missing ids are left out)."""
    if not ids:
        return []
    marks = ", ".join("?" for _ in ids)
    sql = f"SELECT {_INBOX_COLUMNS} FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id WHERE m.id IN ({marks})"
    rows = {row["id"]: decode_row(row) for row in store._db.query(sql, ids)}
    return [rows[i] for i in ids if i in rows]


def inbox_count(store: Store, flt: MentionFilter, search_cap: int | None = None) -> int:
    """How many mentions match. With `search_cap`, a search over every status is counted only up to `search_cap`
    + 1 (a result above it means "more than"): counting a common word's 143,000 hits read each hit's row on
    PostgreSQL (~200 ms at 1M mentions), where every other count reads indexes alone and stays exact."""
    if _search_only(store, flt):  # every mention has its row in the search index (kept by triggers)
        hits = store.dialect.search_count.replace("SELECT count(*)", "SELECT 1", 1)
        limit = "" if search_cap is None else f" LIMIT {int(search_cap) + 1}"
        counted = f"SELECT count(*) FROM ({hits}{limit}) AS hits"
        return store._conn.execute(counted, [store.dialect.search_query(flt.search)]).fetchone()[0]
    where, params = _where(store, flt)
    # Analysis filters drop unanalysed mentions anyway, so an inner join; CROSS keeps mentions (and so the
    # status index) as the outer loop, where SQLite would otherwise scan all analyses.
    join = f"{store.dialect.fixed_join} analyses a ON a.mention_id = m.id" if _needs_analysis(flt) else ""
    return store._conn.execute(f"SELECT count(*) FROM mentions m {join} {where}", params).fetchone()[0]


def iter_filtered(store: Store, flt: MentionFilter, limit: int = 100_000) -> Iterator[dict[str, Any]]:
    """Every mention matching the filter, in queue order (for exports), capped at `limit`."""
    where, params = _where(store, flt)
    sql = (
        f"SELECT {_INBOX_COLUMNS} FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id {where} "
        "ORDER BY coalesce(a.urgency, 0) DESC, m.published_at ASC, m.id ASC LIMIT ?"
    )
    for row in store._db.stream(sql, params + [limit]):
        yield decode_row(row)


def status_counts(store: Store) -> dict[str, int]:
    return {row[0]: row[1] for row in store._conn.execute("SELECT status, count(*) FROM mentions GROUP BY status")}


def source_names(store: Store) -> list[str]:
    """Values for the source picker (from the small sources table, not from a million mentions)."""
    return [row[0] for row in store._conn.execute("SELECT name FROM sources ORDER BY name")]


def thread_context(store: Store, mention: dict[str, Any], limit: int = 10) -> list[dict[str, Any]]:
    """Other stored mentions of the same thread, oldest first."""
    if not mention.get("thread_url"):
        return []
    sql = (
        "SELECT id, author, title, text, published_at FROM mentions WHERE thread_url = ? AND id != ? "
        "ORDER BY published_at LIMIT ?"
    )
    return list(store._db.query(sql, [mention["thread_url"], mention["id"], limit]))


def mention_labels(store: Store, mention_id: int) -> list[dict[str, Any]]:
    return list(store._db.query("SELECT * FROM labels WHERE mention_id = ? ORDER BY id", [mention_id]))


