"""Every read the dashboard makes: filtering, pagination and aggregation happen in SQL, never in pandas."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from core.labels import OPEN_STATUSES
from core.models import NEEDS_LOOK_BELOW
from storage.rows import decode_row
from storage.search_text import fts_query
from storage.store import Store

UNASSIGNED = "__unassigned__"
DEEP_PAGE = 2_000  # rows skipped beyond which the urgency-index walk stops paying off
BUCKETS = ("day", "week")
GROUPINGS = ("source", "language", "topic", "sentiment", "kind", "term")

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
    if _search_only(flt):
        # Over every status, a common word (thousands of hits) is found early in urgency order, while sorting
        # all its hits costs ~0.2 s at 1M mentions; a rare word is faster from its hits. The FTS index counts
        # hits in milliseconds; the walk reads about (offset + page) × mentions / hits rows.
        hits = _search_hits(store, flt.search)
        mentions = store._conn.execute("SELECT coalesce(max(id), 0) FROM mentions").fetchone()[0]
        return hits * hits >= 2 * (offset + page_size) * mentions
    # A topic keeps about a tenth of the rows and "unassigned" most open ones: the walk finds a page of them sooner
    # than sorting every match. One user's items are few: sorting them is faster.
    mine = flt.assignee not in (None, UNASSIGNED)
    if mine or flt.date_from or flt.date_to or flt.changed_since:
        return False
    searched = bool(fts_query(flt.search or ""))
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
    matches = in_statuses * _search_hits(store, flt.search) / max(mentions, 1) if searched else in_statuses
    return matches * in_statuses >= 2 * (offset + page_size) * mentions


def _search_only(flt: MentionFilter) -> bool:
    """A search over every status with no other filter: the full-text index alone can answer its count."""
    others = (flt.sources, flt.languages, flt.kinds, flt.topics, flt.sentiments, flt.statuses, flt.assignee,
              flt.date_from, flt.date_to, flt.needs_look, flt.changed_since)
    return bool(fts_query(flt.search or "")) and not any(others)


def _search_hits(store: Store, search: str) -> int:
    sql = "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH ?"
    return store._conn.execute(sql, [fts_query(search)]).fetchone()[0]


def _where(flt: MentionFilter, walk: bool = False) -> tuple[str, list[Any]]:
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
        where.append("(" + " OR ".join("instr(a.topics, ?) > 0" for _ in flt.topics) + ")")
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
    query = fts_query(flt.search or "")
    if query:
        # '+' makes the hits a set to probe rather than the driving loop: with a status filter SQLite then reads
        # the status index (a few percent of the rows) instead of every hit of a common word (~4x faster at 1M),
        # and the urgency walk stays a walk.
        probe = "+m.id" if flt.statuses or walk else "m.id"
        where.append(f"{probe} IN (SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ?)")
        params.append(query)
    return ("WHERE " + " AND ".join(where)) if where else "", params


def inbox_ids(store: Store, flt: MentionFilter, page: int = 0, page_size: int = 25) -> list[int]:
    """Ids of one page of the queue: most urgent first, then oldest first (it has waited longest)."""
    offset = max(page, 0) * page_size
    if _walk_urgency_index(store, flt, offset, page_size):
        where, params = _where(flt, walk=True)
        # CROSS JOIN keeps analyses as the outer loop, so SQLite reads analyses_urgency in order and stops early.
        # Mentions without an analysis cannot be in this plan; they come after every analysed one (urgency 0).
        sql = (
            f"SELECT m.id FROM analyses a CROSS JOIN mentions m ON m.id = a.mention_id {where} "
            "ORDER BY a.urgency DESC, m.published_at ASC, m.id ASC LIMIT ? OFFSET ?"
        )
        ids = [row[0] for row in store._conn.execute(sql, params + [page_size, offset])]
        if len(ids) == page_size or _needs_analysis(flt):
            return ids
    where, params = _where(flt)
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


def inbox_count(store: Store, flt: MentionFilter) -> int:
    if _search_only(flt):  # every mention has its row in mentions_fts (kept by triggers)
        return _search_hits(store, flt.search)
    where, params = _where(flt)
    # Analysis filters drop unanalysed mentions anyway, so an inner join; CROSS keeps mentions (and so the
    # status index) as the outer loop, where SQLite would otherwise scan all analyses.
    join = "CROSS JOIN analyses a ON a.mention_id = m.id" if _needs_analysis(flt) else ""
    return store._conn.execute(f"SELECT count(*) FROM mentions m {join} {where}", params).fetchone()[0]


def iter_filtered(store: Store, flt: MentionFilter, limit: int = 100_000) -> Iterator[dict[str, Any]]:
    """Every mention matching the filter, in queue order (for exports), capped at `limit`."""
    where, params = _where(flt)
    sql = (
        f"SELECT {_INBOX_COLUMNS} FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id {where} "
        "ORDER BY coalesce(a.urgency, 0) DESC, m.published_at ASC, m.id ASC LIMIT ?"
    )
    for row in store._db.query(sql, params + [limit]):
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


# --- trends ----------------------------------------------------------------------------------------

def _period(bucket: str) -> str:
    """SQL for the period of a summary table's `day`: the day itself, or the Monday of its week."""
    if bucket not in BUCKETS:
        raise ValueError(f"bucket must be one of {BUCKETS}")
    # 'weekday 0' moves to the next Sunday (or stays), -6 days is its Monday.
    return "day" if bucket == "day" else "date(day, 'weekday 0', '-6 days')"


def _range(date_from: date, date_to: date) -> tuple[str, list[Any]]:
    return "m.published_at >= ? AND m.published_at < ?", [
        date_from.isoformat(),
        (date_to + timedelta(days=1)).isoformat(),
    ]


CUBE_DIMENSIONS = ("source", "language", "sentiment", "kind")


def daily_cube(store: Store, date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Counts per day × source × language × sentiment × kind over the period (from trend_daily).

    Every Trends chart except topics and terms is a roll-up of this small table; trend_daily is kept by
    triggers and store (storage/triggers.py), so the page never counts the period's mentions one by one.
    """
    sql = (
        "SELECT day, source_name, language, sentiment, kind, count FROM trend_daily "
        "WHERE day >= ? AND day <= ? AND count != 0 ORDER BY day"
    )
    keys = ("day", "source", "language", "sentiment", "kind", "count")
    return [dict(zip(keys, row)) for row in store._conn.execute(sql, _day_range(date_from, date_to))]


def _day_range(date_from: date, date_to: date) -> list[str]:
    return [date_from.isoformat(), date_to.isoformat()]


@lru_cache(maxsize=4096)  # a few hundred distinct days per page; called once per cube row
def period_of(day: str, bucket: str) -> str:
    """A day's period: the day itself, or the Monday of its week (the same as SQL's 'weekday 0', '-6 days')."""
    if bucket == "day":
        return day
    moment = date.fromisoformat(day)
    return (moment - timedelta(days=moment.weekday())).isoformat()


def volume_from_cube(cube: list[dict[str, Any]], bucket: str, by: str) -> list[dict[str, Any]]:
    if by not in CUBE_DIMENSIONS:
        raise ValueError(f"the daily cube has no {by!r}; expected one of {CUBE_DIMENSIONS}")
    counts: dict[tuple[str, str], int] = {}
    for row in cube:
        key = (period_of(row["day"], bucket), row[by])
        counts[key] = counts.get(key, 0) + row["count"]
    return [{"period": p, "group": g, "count": c} for (p, g), c in sorted(counts.items())]


def health_from_cube(cube: list[dict[str, Any]], bucket: str) -> list[dict[str, Any]]:
    """Per period: total, complaints, positive, negative, complaint share and Brand Health Index."""
    periods: dict[str, dict[str, Any]] = {}
    for row in cube:
        period = period_of(row["day"], bucket)
        agg = periods.setdefault(period, {"period": period, "total": 0, "complaints": 0, "positive": 0, "negative": 0})
        agg["total"] += row["count"]
        agg["complaints"] += row["count"] if row["kind"] == "complaint" else 0
        agg["positive"] += row["count"] if row["sentiment"] == "positive" else 0
        agg["negative"] += row["count"] if row["sentiment"] == "negative" else 0
    result = []
    for period in sorted(periods):
        agg = periods[period]
        rated = agg["positive"] + agg["negative"]
        agg["complaint_share"] = agg["complaints"] / agg["total"] if agg["total"] else None
        agg["brand_health"] = agg["positive"] / rated if rated else None
        result.append(agg)
    return result


def totals_from_cube(cube: list[dict[str, Any]]) -> dict[str, Any]:
    """Headline numbers for the whole period."""
    total = sum(row["count"] for row in cube)
    if not total:
        return {"total": 0, "complaint_share": None, "brand_health": None}
    complaints = sum(row["count"] for row in cube if row["kind"] == "complaint")
    positive = sum(row["count"] for row in cube if row["sentiment"] == "positive")
    negative = sum(row["count"] for row in cube if row["sentiment"] == "negative")
    rated = positive + negative
    return {"total": total, "complaint_share": complaints / total, "brand_health": positive / rated if rated else None}


def daily_from_cube(cube: list[dict[str, Any]], date_from: date, date_to: date) -> list[dict[str, Any]]:
    """Per-day totals with every day present (zeros filled), for spike detection."""
    counts: dict[str, int] = {}
    for row in cube:
        counts[row["day"]] = counts.get(row["day"], 0) + row["count"]
    days = [(date_from + timedelta(days=i)).isoformat() for i in range((date_to - date_from).days + 1)]
    return [{"period": day, "count": counts.get(day, 0)} for day in days]


def volume(store: Store, date_from: date, date_to: date, bucket: str = "day", by: str = "source") -> list[dict[str, Any]]:
    """Mention counts per period and group: rows of {period, group, count}."""
    if by in CUBE_DIMENSIONS:
        _period(bucket)
        return volume_from_cube(daily_cube(store, date_from, date_to), bucket, by)
    if by not in ("topic", "term"):
        raise ValueError(f"by must be one of {GROUPINGS}")
    # Summary tables (see daily_cube): a mention counts once per topic it has, once per doctor/location term.
    table, column = ("trend_topics", "topic") if by == "topic" else ("trend_terms", "term")
    sql = (
        f"SELECT {_period(bucket)} AS period, {column}, sum(count) FROM {table} WHERE day >= ? AND day <= ? "
        "GROUP BY 1, 2 HAVING sum(count) != 0 ORDER BY 1, 2"
    )
    rows = store._conn.execute(sql, _day_range(date_from, date_to))
    return [{"period": r[0], "group": r[1], "count": r[2]} for r in rows]


def health_series(store: Store, date_from: date, date_to: date, bucket: str = "day") -> list[dict[str, Any]]:
    _period(bucket)
    return health_from_cube(daily_cube(store, date_from, date_to), bucket)


def totals(store: Store, date_from: date, date_to: date) -> dict[str, Any]:
    return totals_from_cube(daily_cube(store, date_from, date_to))


def daily_totals(store: Store, date_from: date, date_to: date) -> list[dict[str, Any]]:
    return daily_from_cube(daily_cube(store, date_from, date_to), date_from, date_to)


RATING_DIMENSIONS = ("all", "location", "doctor")


def ratings(store: Store, date_from: date, date_to: date, bucket: str = "week", dimension: str = "all",
            ) -> list[dict[str, Any]]:
    """Average star rating per period and group (a location or doctor term; '' for "all"), with the number of
    ratings each rests on. Only rated mentions count (from trend_ratings, kept like trend_daily)."""
    if dimension not in RATING_DIMENSIONS:
        raise ValueError(f"dimension must be one of {RATING_DIMENSIONS}")
    sql = (
        f"SELECT {_period(bucket)} AS period, value, sum(ratings), sum(stars) FROM trend_ratings "
        "WHERE dimension = ? AND day >= ? AND day <= ? GROUP BY 1, 2 HAVING sum(ratings) > 0 ORDER BY 1, 2"
    )
    rows = store._conn.execute(sql, [dimension, *_day_range(date_from, date_to)])
    return [{"period": r[0], "group": r[1], "ratings": r[2], "average": r[3] / r[2]} for r in rows]


def rating_totals(store: Store, date_from: date, date_to: date, dimension: str = "all") -> list[dict[str, Any]]:
    """Per group (a location or doctor term; '' for "all") over the whole period: average stars and how many
    ratings, most rated first."""
    if dimension not in RATING_DIMENSIONS:
        raise ValueError(f"dimension must be one of {RATING_DIMENSIONS}")
    sql = (
        "SELECT value, sum(ratings), sum(stars) FROM trend_ratings WHERE dimension = ? AND day >= ? AND day <= ? "
        "GROUP BY 1 HAVING sum(ratings) > 0 ORDER BY 2 DESC, 1"
    )
    rows = store._conn.execute(sql, [dimension, *_day_range(date_from, date_to)])
    return [{"group": r[0], "ratings": r[1], "average": r[2] / r[1]} for r in rows]


def response_times(store: Store, date_from: date, date_to: date) -> dict[str, float | int | None]:
    """Median and 90th percentile of hours to first response, from a per-minute histogram built in SQL."""
    rng, params = _range(date_from, date_to)
    sql = (
        "SELECT CAST((julianday(m.first_response_at) - julianday(m.published_at)) * 1440 AS INTEGER) AS minute, "
        f"count(*) FROM mentions m WHERE m.first_response_at IS NOT NULL AND {rng} GROUP BY minute ORDER BY minute"
    )
    histogram = store._conn.execute(sql, params).fetchall()
    count = sum(n for _, n in histogram)
    if not count:
        return {"count": 0, "median_hours": None, "p90_hours": None}
    return {
        "count": count,
        "median_hours": _quantile(histogram, count, 0.5) / 60,
        "p90_hours": _quantile(histogram, count, 0.9) / 60,
    }


def _quantile(histogram: list[tuple[int, int]], count: int, q: float) -> float:
    """The value at rank round(q·(n−1)) of the sorted data the histogram describes."""
    rank = round(q * (count - 1))
    seen = 0
    for value, n in histogram:
        seen += n
        if seen > rank:
            return float(value)
    return float(histogram[-1][0])


def spikes(series: list[dict[str, Any]], key: str = "count", min_count: int = 5, k: float = 3.0) -> list[str]:
    """Periods whose value exceeds median + k·MAD of the series (and at least min_count)."""
    values = sorted(row[key] for row in series)
    if len(values) < 3:
        return []
    median = _median(values)
    mad = _median(sorted(abs(v - median) for v in values))
    threshold = max(median + k * max(mad, 1.0), min_count)
    return [row["period"] for row in series if row[key] > threshold]


def _median(values: list[float]) -> float:
    n = len(values)
    mid = n // 2
    return values[mid] if n % 2 else (values[mid - 1] + values[mid]) / 2


def as_date(value: str | datetime | date) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])
