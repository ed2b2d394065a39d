"""The Trends page's reads: volumes, health, ratings and response times, from the per-day summary tables that
the store keeps in the transaction of every write (storage/triggers.py, storage/pg_schema.py)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from storage.dialect import Dialect
from storage.store import Store

BUCKETS = ("day", "week")
GROUPINGS = ("source", "language", "topic", "sentiment", "kind", "term")


def _period(bucket: str, dialect: Dialect | None = None) -> str:
    """SQL for the period of a summary table's `day`: the day itself, or the Monday of its week."""
    if bucket not in BUCKETS:
        raise ValueError(f"bucket must be one of {BUCKETS}")
    return "day" if bucket == "day" or dialect is None else dialect.week_start("day")


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
        f"SELECT {_period(bucket, store.dialect)} AS period, {column}, sum(count) FROM {table} WHERE day >= ? AND day <= ? "
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
        f"SELECT {_period(bucket, store.dialect)} AS period, value, sum(ratings), sum(stars) FROM trend_ratings "
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
    minute = store.dialect.whole(store.dialect.hours_between("m.first_response_at", "m.published_at") + " * 60")
    sql = (
        f"SELECT {minute} AS minute, count(*) FROM mentions m "
        f"WHERE m.first_response_at IS NOT NULL AND {rng} GROUP BY 1 ORDER BY 1"
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
