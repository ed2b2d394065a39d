"""The database schema and its migrations: the one source of truth for every table."""
from __future__ import annotations

import sqlite3
from collections.abc import Callable

import sqlite_utils

from storage.search_text import rebuild_search_index
from storage.triggers import reconcile_triggers


def _index_lemmas(conn: sqlite3.Connection) -> None:
    """10: the search index holds each word's lemmas beside the text (storage/search_text.py), so any inflected
    form finds the others; every stored mention is indexed again."""
    rebuild_search_index(conn)


# Each entry migrates from version i to i + 1; append, never edit a released step. Triggers are not created
# here: the live set is stated once in storage/triggers.py and reconciled after the migrations run. A step is SQL,
# or a function for work SQL alone cannot do (it runs in the step's transaction).
MIGRATIONS: list[str | Callable[[sqlite3.Connection], None]] = [
    # 1: the first schema
    """
    CREATE TABLE sources (
        name TEXT PRIMARY KEY,
        kind TEXT NOT NULL,
        enabled INTEGER NOT NULL DEFAULT 1,
        cursor TEXT NOT NULL DEFAULT '{}',
        last_attempt TEXT,
        last_success TEXT,
        last_error_kind TEXT,
        last_error TEXT,
        consecutive_failures INTEGER NOT NULL DEFAULT 0,
        next_attempt_after TEXT,
        items_seen INTEGER NOT NULL DEFAULT 0,
        items_new INTEGER NOT NULL DEFAULT 0,
        items_total INTEGER NOT NULL DEFAULT 0,
        note TEXT
    );
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        source_name TEXT NOT NULL,
        source_kind TEXT NOT NULL,
        external_id TEXT NOT NULL,
        url TEXT NOT NULL DEFAULT '',
        author TEXT NOT NULL DEFAULT '',
        title TEXT NOT NULL DEFAULT '',
        text TEXT NOT NULL DEFAULT '',
        published_at TEXT NOT NULL,
        published_estimated INTEGER NOT NULL DEFAULT 0,
        fetched_at TEXT NOT NULL,
        declared_language TEXT,
        score INTEGER,
        comment_count INTEGER,
        thread_title TEXT NOT NULL DEFAULT '',
        thread_url TEXT NOT NULL DEFAULT '',
        extra TEXT NOT NULL DEFAULT '{}',
        matches TEXT NOT NULL DEFAULT '[]',
        content_hash TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'new',
        assignee TEXT,
        first_response_at TEXT,
        UNIQUE (source_name, external_id)
    );
    CREATE UNIQUE INDEX mentions_content_hash ON mentions (content_hash);
    CREATE INDEX mentions_published ON mentions (published_at);
    CREATE INDEX mentions_status ON mentions (status, published_at);
    CREATE INDEX mentions_author ON mentions (author);
    CREATE TABLE analyses (
        mention_id INTEGER PRIMARY KEY REFERENCES mentions(id) ON DELETE CASCADE,
        language TEXT,
        sentiment TEXT,
        sentiment_score REAL,
        kind TEXT,
        topics TEXT NOT NULL DEFAULT '[]',
        urgency REAL NOT NULL DEFAULT 0,
        urgency_reasons TEXT NOT NULL DEFAULT '[]',
        needs_reply INTEGER NOT NULL DEFAULT 0,
        model_version TEXT,
        analysed_at TEXT NOT NULL
    );
    CREATE INDEX analyses_urgency ON analyses (urgency DESC);
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        mention_id INTEGER REFERENCES mentions(id) ON DELETE CASCADE,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        detail TEXT NOT NULL DEFAULT '{}'
    );
    CREATE INDEX events_mention ON events (mention_id, at);
    CREATE TABLE replies (
        id INTEGER PRIMARY KEY,
        mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        language TEXT,
        template_id TEXT,
        text TEXT NOT NULL,
        state TEXT NOT NULL DEFAULT 'suggested',
        lint TEXT NOT NULL DEFAULT '[]',
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        posted_url TEXT
    );
    CREATE INDEX replies_mention ON replies (mention_id);
    CREATE TABLE labels (
        id INTEGER PRIMARY KEY,
        mention_id INTEGER NOT NULL REFERENCES mentions(id) ON DELETE CASCADE,
        field TEXT NOT NULL,
        value TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE INDEX labels_mention ON labels (mention_id);
    CREATE TABLE alerts (
        id INTEGER PRIMARY KEY,
        rule TEXT NOT NULL,
        dedup_key TEXT NOT NULL UNIQUE,
        channel TEXT NOT NULL,
        created_at TEXT NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        attempts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT,
        delivered_at TEXT
    );
    CREATE VIRTUAL TABLE mentions_fts USING fts5 (
        title, text, content='mentions', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
    );
    -- unicode61 folds most diacritics but not the Polish ł: the index is fed folded text (storage/triggers.py).
    """,
    # 2: a covering index for the Trends aggregates (volume by source, response times) over a date range
    """
    CREATE INDEX mentions_published_cover ON mentions (published_at, source_name, first_response_at);
    DROP INDEX mentions_published;
    """,
    # 3: per-day counts for the Trends page, kept by triggers in the same transaction as every write.
    # Counting 200,000 rows of a 90-day range through the mentions→analyses join takes ~0.7 s at 1M mentions
    # (and seconds for a year); these tables answer the same questions from a few thousand rows.
    # A mention counts under '?' labels until its analysis arrives. INSERT OR REPLACE of an analysis is counted
    # right only with PRAGMA recursive_triggers on (sqlite-utils turns it on; then REPLACE fires the delete
    # trigger for the row it removes). Rows may fall to count 0; readers skip them.
    """
    -- Inbox counts by status with a source or assignee filter read this index only, not the wide rows.
    CREATE INDEX mentions_status_source ON mentions (status, source_name, assignee);
    CREATE TABLE trend_daily (
        day TEXT NOT NULL, source_name TEXT NOT NULL, language TEXT NOT NULL, sentiment TEXT NOT NULL,
        kind TEXT NOT NULL, count INTEGER NOT NULL,
        PRIMARY KEY (day, source_name, language, sentiment, kind)
    ) WITHOUT ROWID;
    CREATE TABLE trend_topics (
        day TEXT NOT NULL, topic TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, topic)
    ) WITHOUT ROWID;
    CREATE TABLE trend_terms (
        day TEXT NOT NULL, term TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, term)
    ) WITHOUT ROWID;


    INSERT INTO trend_daily SELECT substr(m.published_at, 1, 10), m.source_name, coalesce(a.language, '?'),
        coalesce(a.sentiment, '?'), coalesce(a.kind, '?'), count(*)
        FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id GROUP BY 1, 2, 3, 4, 5;
    INSERT INTO trend_topics SELECT substr(m.published_at, 1, 10), t.value, count(*)
        FROM mentions m JOIN analyses a ON a.mention_id = m.id, json_each(a.topics) t WHERE t.value IS NOT NULL
        GROUP BY 1, 2;
    INSERT INTO trend_terms SELECT substr(m.published_at, 1, 10), json_extract(t.value, '$.term'), count(DISTINCT m.id)
        FROM mentions m, json_each(m.matches) t WHERE json_extract(t.value, '$.category') IN ('doctor', 'location')
        AND json_extract(t.value, '$.term') IS NOT NULL GROUP BY 1, 2;
    """,
    # 4: new mentions are indexed for search and counted for Trends by the store, once per batch
    # (REGISTER_NEW_MENTIONS), not by per-row insert triggers. FTS5 writes out its pending terms at every
    # statement savepoint, so a per-row trigger made one tiny index segment per mention (and merge work after);
    # with the per-row trend upserts that was half the cost of storing a mention. Updates and deletes keep
    # their triggers: they are rare and touch one row.
    """
    DROP TRIGGER IF EXISTS mentions_ai;
    DROP TRIGGER IF EXISTS trend_mention_ai;
    DROP TRIGGER IF EXISTS trend_analysis_ai;
    """,
    # 5: "Run now" on the Sources page asks the collector process for a run instead of collecting inside a
    # dashboard request; the request waits on the source's row until a run (success or failure) clears it.
    """
    ALTER TABLE sources ADD COLUMN run_requested_at TEXT;
    ALTER TABLE sources ADD COLUMN run_requested_by TEXT;
    CREATE TABLE heartbeats (process TEXT PRIMARY KEY, seen_at TEXT NOT NULL, pid INTEGER);
    """,
    # 6: items a source offered but that were not stored, by reason (core.drops.DROP_REASONS): in its last
    # successful run and in all, so "nothing lost" can be checked per source.
    """
    CREATE TABLE source_drops (
        source_name TEXT NOT NULL, reason TEXT NOT NULL,
        last_run INTEGER NOT NULL DEFAULT 0, total INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (source_name, reason)
    ) WITHOUT ROWID;
    """,
    # 7: star ratings for Trends (average by period, location and doctor), kept like trend_daily (the store's
    # REGISTER_NEW_MENTIONS and the triggers in storage/triggers.py): per dimension ('all', 'location',
    # 'doctor'), day and term, how many rated mentions and the sum of their stars. Only rated mentions count; a
    # review that matched no location term counts under the location its platform names (extra.location_label).
    """
    CREATE TABLE trend_ratings (
        dimension TEXT NOT NULL, day TEXT NOT NULL, value TEXT NOT NULL,
        ratings INTEGER NOT NULL, stars REAL NOT NULL,
        PRIMARY KEY (dimension, day, value)
    ) WITHOUT ROWID;
    INSERT INTO trend_ratings (dimension, day, value, ratings, stars)
        SELECT dimension, day, value, count(*), sum(stars) FROM (
            SELECT m.id, substr(m.published_at, 1, 10) AS day, 'all' AS dimension, '' AS value,
                json_extract(m.extra, '$.rating') AS stars
            FROM mentions m WHERE json_type(m.extra, '$.rating') IN ('integer', 'real')
                AND json_extract(m.extra, '$.rating') BETWEEN 1.0 AND 5.0
            UNION ALL
            SELECT DISTINCT m.id, substr(m.published_at, 1, 10), json_extract(t.value, '$.category'),
                json_extract(t.value, '$.term'), json_extract(m.extra, '$.rating')
            FROM mentions m, json_each(m.matches) t WHERE json_type(m.extra, '$.rating') IN ('integer', 'real')
                AND json_extract(m.extra, '$.rating') BETWEEN 1.0 AND 5.0
                AND json_extract(t.value, '$.category') IN ('doctor', 'location')
                AND json_extract(t.value, '$.term') IS NOT NULL
            UNION ALL
            SELECT m.id, substr(m.published_at, 1, 10), 'location', json_extract(m.extra, '$.location_label'),
                json_extract(m.extra, '$.rating')
            FROM mentions m WHERE json_type(m.extra, '$.rating') IN ('integer', 'real')
                AND json_extract(m.extra, '$.rating') BETWEEN 1.0 AND 5.0
                AND json_extract(m.extra, '$.location_label') IS NOT NULL
                AND NOT EXISTS (SELECT 1 FROM json_each(m.matches) u
                                WHERE json_extract(u.value, '$.category') = 'location'))
        GROUP BY dimension, day, value;
    """,
    # 8: why the analysis decided what it did (issue 17): per decision the words that drove it (JSON object of
    # lists), its confidence (NULL for analyses stored before this step: not known, so never "needs a human
    # look"), and per decision the clinic's model made, how many staff-labelled mentions it learned from.
    # No index on confidence: the filter's first page walks the urgency index (~35 ms at 1M mentions) and its
    # count costs what every analysis filter's does (one analyses lookup per open mention, ~0.3 s). Tried at 1M:
    # a covering (mention_id, confidence) index (the planner skips it; forced, under a fifth faster) and an
    # index on confidence probed as a set (about a third faster, noisy) - neither worth its writes and bytes.
    """
    ALTER TABLE analyses ADD COLUMN evidence TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE analyses ADD COLUMN confidence REAL;
    ALTER TABLE analyses ADD COLUMN learned_from TEXT NOT NULL DEFAULT '{}';
    """,
    # 9: Inbox views. "Done today" needs when a mention's status last changed (from the audit trail for old rows).
    # Escalating no longer counts as a first response: where the first answer-like status event was an
    # escalation, first_response_at becomes the first reply (or NULL), as storage/workflow.py now stamps it.
    """
    ALTER TABLE mentions ADD COLUMN status_changed_at TEXT;
    UPDATE mentions SET status_changed_at = (
        SELECT max(e.at) FROM events e WHERE e.mention_id = mentions.id AND e.action = 'status')
    WHERE id IN (SELECT mention_id FROM events WHERE action = 'status');
    UPDATE mentions SET first_response_at = (
        SELECT min(e.at) FROM events e WHERE e.mention_id = mentions.id AND e.action = 'status'
        AND json_extract(e.detail, '$.to') IN ('replied', 'waiting_patient'))
    WHERE first_response_at IS NOT NULL AND (
        SELECT json_extract(e.detail, '$.to') FROM events e WHERE e.mention_id = mentions.id AND e.action = 'status'
        AND json_extract(e.detail, '$.to') IN ('replied', 'escalated') ORDER BY e.at, e.id LIMIT 1) = 'escalated';
    -- Views count by status alone (escalated, waiting) or by status and time (done today) from this index;
    -- My queue and Unassigned by assignee and status from the next (without it SQLite read each open row).
    CREATE INDEX mentions_status_changed ON mentions (status, status_changed_at);
    CREATE INDEX mentions_assignee ON mentions (assignee, status);
    """,
    _index_lemmas,
]

SCHEMA_VERSION = len(MIGRATIONS)

def migrate(db: sqlite_utils.Database) -> int:
    """Bring the database up to SCHEMA_VERSION; returns the version it started from."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise RuntimeError(
            f"database schema version {current} is newer than this program knows ({SCHEMA_VERSION}); upgrade ClinicWatch"
        )
    for version in range(current, SCHEMA_VERSION):
        step = MIGRATIONS[version]
        if isinstance(step, str):
            with db.conn:
                db.conn.executescript("BEGIN;" + step + f"; PRAGMA user_version = {version + 1}; COMMIT;")
            continue
        db.conn.execute("BEGIN")
        try:
            step(db.conn)
            db.conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:  # the step is all or nothing, whatever stopped it; the error goes on to the caller
            db.conn.execute("ROLLBACK")
            raise
        db.conn.execute("COMMIT")
    with db.conn:
        reconcile_triggers(db.conn)
    return current
