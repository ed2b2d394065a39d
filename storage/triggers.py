"""The database's triggers as they are live, and the statements the store runs for a batch of new rows.

Stated once here: `reconcile_triggers` (run by storage.schema.migrate after the migrations) drops any trigger
not listed and (re)creates every listed one whose text changed, so reading this file tells what is live.
New mentions are indexed for search and counted for Trends once per batch (REGISTER_NEW_MENTIONS), not by
per-row insert triggers: FTS5 writes out its pending terms at every statement savepoint, so a per-row trigger
made one tiny index segment per mention. Updates and deletes keep triggers: they are rare and touch one row.
"""
from __future__ import annotations

import re
import sqlite3

from core.models import BEST_STARS, LOCATION_LABEL, RATING, WORST_STARS

# The index holds each text as storage.search_text.search_text makes it (folded, with its words' lemmas).
_INDEXED = "search_text({})"


# A mention's star rating (as analysis.rating_prior.star_rating reads it: a JSON number in range), and the test
# that it has one. Only rated mentions count in trend_ratings.
STARS = f"json_extract(m.extra, '$.{RATING}')"
RATED = (f"json_type(m.extra, '$.{RATING}') IN ('integer', 'real') "
         f"AND {STARS} BETWEEN {WORST_STARS} AND {BEST_STARS}")


def rating_rows(mentions: str, where: str, sign: int = 1) -> str:
    """SQL adding `sign` × the rated mentions of `mentions` (a table or subquery aliased m, with id,
    published_at, extra, matches) to trend_ratings: per day, once overall (dimension 'all') and once per distinct
    doctor or location term the mention matched; a review that matched no location term counts under the
    location its platform names (Google's location label), if any."""
    per_mention = f"""
        SELECT m.id, substr(m.published_at, 1, 10) AS day, 'all' AS dimension, '' AS value, {STARS} AS stars
            FROM {mentions} WHERE {where} AND {RATED}
        UNION ALL
        SELECT DISTINCT m.id, substr(m.published_at, 1, 10), json_extract(t.value, '$.category'),
            json_extract(t.value, '$.term'), {STARS}
            FROM {mentions}, json_each(m.matches) t WHERE {where} AND {RATED}
            AND json_extract(t.value, '$.category') IN ('doctor', 'location')
            AND json_extract(t.value, '$.term') IS NOT NULL
        UNION ALL
        SELECT m.id, substr(m.published_at, 1, 10), 'location', json_extract(m.extra, '$.{LOCATION_LABEL}'), {STARS}
            FROM {mentions} WHERE {where} AND {RATED} AND json_extract(m.extra, '$.{LOCATION_LABEL}') IS NOT NULL
            AND NOT EXISTS (SELECT 1 FROM json_each(m.matches) u WHERE json_extract(u.value, '$.category') = 'location')"""
    return f"""INSERT INTO trend_ratings (dimension, day, value, ratings, stars)
        SELECT dimension, day, value, {sign} * count(*), {sign} * sum(stars) FROM ({per_mention}) WHERE 1
        GROUP BY dimension, day, value
        ON CONFLICT (dimension, day, value) DO UPDATE SET ratings = ratings + excluded.ratings,
            stars = stars + excluded.stars"""


def _row_of(version: str) -> str:
    """The `old` or `new` mention of a trigger as a one-row subquery aliased m (for rating_rows)."""
    return (f"(SELECT {version}.id AS id, {version}.published_at AS published_at, {version}.extra AS extra, "
            f"{version}.matches AS matches) m")


LIVE_TRIGGERS: dict[str, str] = {
    "mentions_ad": f"""
CREATE TRIGGER mentions_ad AFTER DELETE ON mentions BEGIN
    INSERT INTO mentions_fts (mentions_fts, rowid, title, text)
    VALUES ('delete', old.id, {_INDEXED.format('old.title')},
            {_INDEXED.format('old.text')});
END;
""",
    "mentions_au": f"""
CREATE TRIGGER mentions_au AFTER UPDATE OF title, text ON mentions BEGIN
    INSERT INTO mentions_fts (mentions_fts, rowid, title, text)
    VALUES ('delete', old.id, {_INDEXED.format('old.title')},
            {_INDEXED.format('old.text')});
    INSERT INTO mentions_fts (rowid, title, text)
    VALUES (new.id, {_INDEXED.format('new.title')}, {_INDEXED.format('new.text')});
END;
""",
    "trend_mention_bd": f"""
CREATE TRIGGER trend_mention_bd BEFORE DELETE ON mentions BEGIN
    DELETE FROM analyses WHERE mention_id = old.id;
    INSERT INTO trend_daily VALUES (substr(old.published_at, 1, 10), old.source_name, '?', '?', '?', -1)
        ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count - 1;
    INSERT INTO trend_terms SELECT DISTINCT substr(old.published_at, 1, 10), json_extract(t.value, '$.term'), -1
        FROM json_each(old.matches) t WHERE json_extract(t.value, '$.category') IN ('doctor', 'location')
        AND json_extract(t.value, '$.term') IS NOT NULL
        ON CONFLICT (day, term) DO UPDATE SET count = count - 1;
    {rating_rows(_row_of('old'), '1', -1)};
END;
""",
    # A mention's stars, date or matched terms changed: its rating moves in trend_ratings.
    "trend_rating_au": f"""
CREATE TRIGGER trend_rating_au AFTER UPDATE OF published_at, matches, extra ON mentions
WHEN old.published_at IS NOT new.published_at OR old.matches IS NOT new.matches OR old.extra IS NOT new.extra BEGIN
    {rating_rows(_row_of('old'), '1', -1)};
    {rating_rows(_row_of('new'), '1')};
END;
""",
    "trend_mention_au": """
CREATE TRIGGER trend_mention_au AFTER UPDATE OF published_at, source_name, matches ON mentions
WHEN old.published_at IS NOT new.published_at OR old.source_name IS NOT new.source_name
    OR old.matches IS NOT new.matches BEGIN
    INSERT INTO trend_daily SELECT substr(old.published_at, 1, 10), old.source_name, coalesce(a.language, '?'),
        coalesce(a.sentiment, '?'), coalesce(a.kind, '?'), -1 FROM (SELECT 1) LEFT JOIN analyses a
        ON a.mention_id = old.id WHERE 1
        ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count + excluded.count;
    INSERT INTO trend_daily SELECT substr(new.published_at, 1, 10), new.source_name, coalesce(a.language, '?'),
        coalesce(a.sentiment, '?'), coalesce(a.kind, '?'), 1 FROM (SELECT 1) LEFT JOIN analyses a
        ON a.mention_id = new.id WHERE 1
        ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count + excluded.count;
    INSERT INTO trend_topics SELECT substr(old.published_at, 1, 10), t.value, -1
        FROM analyses a, json_each(a.topics) t WHERE a.mention_id = old.id AND t.value IS NOT NULL
        ON CONFLICT (day, topic) DO UPDATE SET count = count + excluded.count;
    INSERT INTO trend_topics SELECT substr(new.published_at, 1, 10), t.value, 1
        FROM analyses a, json_each(a.topics) t WHERE a.mention_id = new.id AND t.value IS NOT NULL
        ON CONFLICT (day, topic) DO UPDATE SET count = count + excluded.count;
    INSERT INTO trend_terms SELECT DISTINCT substr(old.published_at, 1, 10), json_extract(t.value, '$.term'), -1
        FROM json_each(old.matches) t WHERE json_extract(t.value, '$.category') IN ('doctor', 'location')
        AND json_extract(t.value, '$.term') IS NOT NULL
        ON CONFLICT (day, term) DO UPDATE SET count = count - 1;
    INSERT INTO trend_terms SELECT DISTINCT substr(new.published_at, 1, 10), json_extract(t.value, '$.term'), 1
        FROM json_each(new.matches) t WHERE json_extract(t.value, '$.category') IN ('doctor', 'location')
        AND json_extract(t.value, '$.term') IS NOT NULL
        ON CONFLICT (day, term) DO UPDATE SET count = count + 1;
END;
""",
    "trend_analysis_au": """
CREATE TRIGGER trend_analysis_au AFTER UPDATE OF language, sentiment, kind, topics ON analyses BEGIN
    INSERT INTO trend_daily SELECT substr(m.published_at, 1, 10), m.source_name, coalesce(old.language, '?'),
        coalesce(old.sentiment, '?'), coalesce(old.kind, '?'), -1 FROM mentions m WHERE m.id = old.mention_id
        ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count + excluded.count;
    INSERT INTO trend_daily SELECT substr(m.published_at, 1, 10), m.source_name, coalesce(new.language, '?'),
        coalesce(new.sentiment, '?'), coalesce(new.kind, '?'), 1 FROM mentions m WHERE m.id = new.mention_id
        ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count + excluded.count;
    INSERT INTO trend_topics SELECT substr(m.published_at, 1, 10), t.value, -1
        FROM mentions m, json_each(old.topics) t WHERE m.id = old.mention_id AND t.value IS NOT NULL
        ON CONFLICT (day, topic) DO UPDATE SET count = count + excluded.count;
    INSERT INTO trend_topics SELECT substr(m.published_at, 1, 10), t.value, 1
        FROM mentions m, json_each(new.topics) t WHERE m.id = new.mention_id AND t.value IS NOT NULL
        ON CONFLICT (day, topic) DO UPDATE SET count = count + excluded.count;
END;
""",
    "trend_analysis_ad": """
CREATE TRIGGER trend_analysis_ad AFTER DELETE ON analyses BEGIN
    INSERT INTO trend_daily SELECT substr(m.published_at, 1, 10), m.source_name, coalesce(old.language, '?'),
        coalesce(old.sentiment, '?'), coalesce(old.kind, '?'), -1 FROM mentions m WHERE m.id = old.mention_id
        ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count + excluded.count;
    INSERT INTO trend_daily SELECT substr(m.published_at, 1, 10), m.source_name, '?', '?', '?', 1
        FROM mentions m WHERE m.id = old.mention_id
        ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count + excluded.count;
    INSERT INTO trend_topics SELECT substr(m.published_at, 1, 10), t.value, -1
        FROM mentions m, json_each(old.topics) t WHERE m.id = old.mention_id AND t.value IS NOT NULL
        ON CONFLICT (day, topic) DO UPDATE SET count = count + excluded.count;
END;
""",
}

# What the store runs, in the inserting transaction, for a batch of new mentions (ids as a JSON list) inserted
# together with their analyses: the search index (fed as the triggers above feed it) and the trend summary
# tables (a mention without an analysis counts under '?').
REGISTER_NEW_MENTIONS: tuple[str, ...] = (
    f"""INSERT INTO mentions_fts (rowid, title, text)
       SELECT id, {_INDEXED.format('title')}, {_INDEXED.format('text')}
       FROM mentions WHERE id IN (SELECT value FROM json_each(:ids))""",
    """INSERT INTO trend_daily SELECT substr(m.published_at, 1, 10), m.source_name, coalesce(a.language, '?'),
           coalesce(a.sentiment, '?'), coalesce(a.kind, '?'), count(*)
       FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id
       WHERE m.id IN (SELECT value FROM json_each(:ids)) GROUP BY 1, 2, 3, 4, 5
       ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count + excluded.count""",
    """INSERT INTO trend_topics SELECT substr(m.published_at, 1, 10), t.value, count(*)
       FROM mentions m JOIN analyses a ON a.mention_id = m.id, json_each(a.topics) t
       WHERE m.id IN (SELECT value FROM json_each(:ids)) AND t.value IS NOT NULL GROUP BY 1, 2
       ON CONFLICT (day, topic) DO UPDATE SET count = count + excluded.count""",
    """INSERT INTO trend_terms SELECT substr(m.published_at, 1, 10), json_extract(t.value, '$.term'),
           count(DISTINCT m.id)
       FROM mentions m, json_each(m.matches) t
       WHERE m.id IN (SELECT value FROM json_each(:ids))
           AND json_extract(t.value, '$.category') IN ('doctor', 'location')
           AND json_extract(t.value, '$.term') IS NOT NULL GROUP BY 1, 2
       ON CONFLICT (day, term) DO UPDATE SET count = count + excluded.count""",
    rating_rows("mentions m", "m.id IN (SELECT value FROM json_each(:ids))"),
)

# An analysis stored for a mention that had none (or whose old analysis a REPLACE just deleted, which the
# delete trigger moved back under '?'): the mention moves from '?' to the analysis's labels.
REGISTER_NEW_ANALYSIS: tuple[str, ...] = (
    """INSERT INTO trend_daily SELECT substr(m.published_at, 1, 10), m.source_name, '?', '?', '?', -1
       FROM mentions m WHERE m.id = :mention_id
       ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count + excluded.count""",
    """INSERT INTO trend_daily SELECT substr(m.published_at, 1, 10), m.source_name, coalesce(a.language, '?'),
           coalesce(a.sentiment, '?'), coalesce(a.kind, '?'), 1
       FROM mentions m JOIN analyses a ON a.mention_id = m.id WHERE m.id = :mention_id
       ON CONFLICT (day, source_name, language, sentiment, kind) DO UPDATE SET count = count + excluded.count""",
    """INSERT INTO trend_topics SELECT substr(m.published_at, 1, 10), t.value, 1
       FROM mentions m JOIN analyses a ON a.mention_id = m.id, json_each(a.topics) t
       WHERE m.id = :mention_id AND t.value IS NOT NULL
       ON CONFLICT (day, topic) DO UPDATE SET count = count + excluded.count""",
)




def reconcile_triggers(conn: sqlite3.Connection) -> None:
    """Make the database's triggers exactly LIVE_TRIGGERS (inside the caller's transaction)."""
    existing = dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())
    for name, sql in existing.items():
        if name not in LIVE_TRIGGERS or _normalised(sql) != _normalised(LIVE_TRIGGERS[name]):
            conn.execute(f"DROP TRIGGER {name}")
    for name, sql in LIVE_TRIGGERS.items():
        if name not in existing or _normalised(existing[name]) != _normalised(sql):
            conn.execute(sql)


def _normalised(sql: str) -> str:
    return re.sub(r"\s+", " ", sql).strip().rstrip(";")
