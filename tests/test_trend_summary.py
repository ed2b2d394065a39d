"""The Trends summary tables (schema migration 3) always equal counting the mentions themselves."""
from __future__ import annotations

import json
import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.dataset import build
from core.labels import TOPICS
from core.models import Analysis
from storage import open_store, queries, workflow
from storage.dialect import Dialect
from storage.store import Store


# Trends answers computed straight from mentions and analyses (the queries the summary tables replace), in the
# store's dialect (the JSON functions differ between SQLite and PostgreSQL).
def raw_cube(d: Dialect) -> str:
    return ("SELECT substr(m.published_at, 1, 10), m.source_name, coalesce(a.language, '?'), "
            "coalesce(a.sentiment, '?'), coalesce(a.kind, '?'), count(*) FROM mentions m "
            "LEFT JOIN analyses a ON a.mention_id = m.id GROUP BY 1, 2, 3, 4, 5")


def raw_topics(d: Dialect) -> str:
    return ("SELECT substr(m.published_at, 1, 10), t.value, count(*) FROM mentions m "
            f"JOIN analyses a ON a.mention_id = m.id, {d.each('a.topics', 't')} GROUP BY 1, 2")


def _match(d: Dialect, key: str) -> str:
    """A key of one element of mentions.matches (the FROM item `match`, its whole JSON as text)."""
    return d.json_text("match.value", key)


def raw_terms(d: Dialect) -> str:
    return (f"SELECT substr(m.published_at, 1, 10), {_match(d, 'term')}, count(DISTINCT m.id) "
            f"FROM mentions m, {_elements(d, 'm.matches')} WHERE {_match(d, 'category')} IN ('doctor', 'location') "
            "GROUP BY 1, 2")


def _elements(d: Dialect, column: str) -> str:
    """The elements of a JSON list column as whole JSON texts, `match`.value."""
    if d.postgres:
        return f"jsonb_array_elements(({column})::jsonb) AS match(value)"
    return f"json_each({column}) match"


# Star ratings straight from the mentions: per day and dimension ('all', or a doctor/location term), how many
# rated mentions and their average (each mention once per term it matched).
def raw_ratings(d: Dialect) -> str:
    stars = d.stars("extra", "rating")
    m_stars = d.stars("m.extra", "rating")
    return (
        "SELECT day, dimension, value, count(*), avg(stars) FROM ("
        f"  SELECT id, substr(published_at, 1, 10) AS day, 'all' AS dimension, '' AS value, {stars} AS stars "
        f"  FROM mentions WHERE {stars} IS NOT NULL"
        "  UNION ALL"
        f"  SELECT DISTINCT m.id, substr(m.published_at, 1, 10), {_match(d, 'category')}, {_match(d, 'term')}, "
        f"    {m_stars} FROM mentions m, {_elements(d, 'm.matches')} WHERE {m_stars} IS NOT NULL"
        f"    AND {_match(d, 'category')} IN ('doctor', 'location')"
        "  UNION ALL"
        f"  SELECT id, substr(published_at, 1, 10), 'location', {d.json_text('extra', 'location_label')}, {stars} "
        f"  FROM mentions WHERE {stars} IS NOT NULL AND {d.json_text('extra', 'location_label')} IS NOT NULL "
        "    AND matches NOT LIKE '%\"location\"%'"
        ") AS raw GROUP BY 1, 2, 3"
    )


WHOLE = (date(2000, 1, 1), date(2100, 1, 1))


def _summary_matches_raw(store: Store) -> None:
    cube = {(r["day"], r["source"], r["language"], r["sentiment"], r["kind"]): r["count"]
            for r in queries.daily_cube(store, *WHOLE)}
    d = store.dialect
    assert cube == {tuple(row[:5]): row[5] for row in store._conn.execute(raw_cube(d))}
    for by, raw in (("topic", raw_topics(d)), ("term", raw_terms(d))):
        summary = {(r["period"], r["group"]): r["count"] for r in queries.volume(store, *WHOLE, "day", by)}
        assert summary == {(row[0], row[1]): row[2] for row in store._conn.execute(raw)}
    ratings = {(r["period"], dimension, r["group"]): (r["ratings"], round(r["average"], 9))
               for dimension in queries.RATING_DIMENSIONS for r in queries.ratings(store, *WHOLE, "day", dimension)}
    counted = {(row[0], row[1], row[2]): (row[3], round(row[4], 9))
                   for row in store._conn.execute(raw_ratings(d))}
    assert ratings == counted and any(key[1] == "location" for key in ratings)


@pytest.fixture()
def store(store_target: Path | str):
    """1,500 bench.dataset mentions on each engine in turn."""
    build(store_target, 1500, chunk=500)
    opened = open_store(store_target)
    yield opened
    opened.close()


def _set_extra(store: Store, ids: list[int], **values: object) -> None:
    """Set keys of mentions' extra (JSON numbers stay numbers), as a collector storing a review again would."""
    for mention_id in ids:
        extra = json.loads(store._conn.execute("SELECT extra FROM mentions WHERE id = ?", (mention_id,)).fetchone()[0])
        store._conn.execute("UPDATE mentions SET extra = ? WHERE id = ?", (json.dumps({**extra, **values}), mention_id))


def test_summary_equals_counting_after_every_kind_of_write(store: Store) -> None:
    _summary_matches_raw(store)
    ids = [row[0] for row in store._conn.execute("SELECT id FROM mentions ORDER BY id LIMIT 60")]
    # Re-analysis (INSERT OR REPLACE), staff corrections (UPDATE), a lost analysis, a moved date.
    for mention_id in ids[:10]:
        twice = ["vaccinations", "vaccinations"]  # a topic listed twice counts twice, as json_each does
        store.save_analysis(mention_id, Analysis(language="it", sentiment="positive", sentiment_score=0.5,
                                                 kind="praise", topics=twice, urgency=0.1, urgency_reasons=[]))
    for mention_id in ids[10:20]:
        workflow.correct_label(store, mention_id, "kind", "question", "anna")
        workflow.correct_label(store, mention_id, "topics", [TOPICS[0], TOPICS[1]], "anna")
    store._conn.execute("DELETE FROM analyses WHERE mention_id IN (?, ?, ?)", ids[20:23])
    store._conn.execute("UPDATE mentions SET published_at = '2020-02-02T10:00:00.000000Z', source_name = 'moved', "
                       "matches = '[]' WHERE id IN (?, ?)", ids[23:25])
    # Ratings: stars changed in place, a rating removed, one added, a rated mention moved to another day.
    rated = [row[0] for row in store._conn.execute(
        f"SELECT id FROM mentions WHERE {store.dialect.json_text('extra', 'rating')} IS NOT NULL ORDER BY id LIMIT 8")]
    assert len(rated) == 8
    _set_extra(store, rated[:2], rating=1)
    store._conn.execute("UPDATE mentions SET extra = '{}' WHERE id = ?", (rated[2],))
    _set_extra(store, [ids[26]], rating=4.5)
    store._conn.execute("UPDATE mentions SET published_at = '2021-03-03T10:00:00.000000Z' WHERE id = ?", (rated[3],))
    # A review whose platform names its location: counted there unless it matched a location term.
    _set_extra(store, rated[5:8], location_label="Salus Medica Wola")
    store._conn.execute("UPDATE mentions SET matches = '[]' WHERE id = ?", (rated[5],))
    _summary_matches_raw(store)
    # Deletes: one mention, retention, erasure of an author; the summary loses exactly those mentions.
    store._conn.execute("DELETE FROM mentions WHERE id IN (?, ?)", (ids[30], rated[4]))
    assert store.purge_older_than(365) > 0
    author = store._conn.execute("SELECT author FROM mentions WHERE id = ?", (ids[40],)).fetchone()[0]
    assert store.erase_author(author) >= 1
    _summary_matches_raw(store)
    assert store._conn.execute("SELECT count(*) FROM analyses WHERE mention_id NOT IN (SELECT id FROM mentions)")\
        .fetchone()[0] == 0


def test_migration_fills_the_summary_of_an_existing_database(tmp_path: Path) -> None:
    build(tmp_path / "m.db", 1500, chunk=500)  # SQLite's migrations 3-9 (PostgreSQL's schema starts past them)
    store = open_store(tmp_path / "m.db")
    before = queries.daily_cube(store, *WHOLE)
    store.close()
    conn = sqlite3.connect(tmp_path / "m.db")
    triggers = conn.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'trend_%'").fetchall()
    for (name,) in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    # Back to schema version 2: undo migrations 3 (the summary tables), 5 (run requests), 6 (drop counts) and
    # 7 (ratings), 8 (explanations) and 9 (status times; 10 re-indexes and leaves no trace to undo).
    conn.executescript("DROP TABLE trend_ratings; DROP TABLE trend_daily; DROP TABLE trend_topics; DROP TABLE trend_terms; "
                       "DROP INDEX mentions_status_source; DROP TABLE heartbeats; DROP TABLE source_drops; "
                       "ALTER TABLE sources DROP COLUMN run_requested_at; "
                       "ALTER TABLE sources DROP COLUMN run_requested_by; "
                       "ALTER TABLE analyses DROP COLUMN evidence; ALTER TABLE analyses DROP COLUMN confidence; "
                       "ALTER TABLE analyses DROP COLUMN learned_from; "
                       "DROP INDEX mentions_status_changed; DROP INDEX mentions_assignee; ALTER TABLE mentions DROP COLUMN status_changed_at; "
                       "PRAGMA user_version = 2;")
    conn.close()
    reopened = open_store(tmp_path / "m.db")
    try:
        assert queries.daily_cube(reopened, *WHOLE) == before
        _summary_matches_raw(reopened)
    finally:
        reopened.close()


def test_trends_read_only_the_requested_days(store: Store) -> None:
    today = date.today()
    start = today - timedelta(days=6)
    cube = queries.daily_cube(store, start, today)
    assert cube and all(start.isoformat() <= row["day"] <= today.isoformat() for row in cube)
    weekly = queries.volume(store, start - timedelta(days=30), today, "week", "topic")
    assert weekly and all(date.fromisoformat(row["period"]).weekday() == 0 for row in weekly)
    raw = store._conn.execute(
        "SELECT count(*) FROM mentions WHERE published_at >= ? AND published_at < ?",
        (start.isoformat(), (today + timedelta(days=1)).isoformat()),
    ).fetchone()[0]
    assert sum(row["count"] for row in cube) == raw


@pytest.mark.parametrize("word", ["Salus", "infolinia", "wizyta rejestracja", "#12", "nothing-like-this"])
@pytest.mark.parametrize("statuses", [[], ["new", "in_review"], ["replied"]])
def test_search_pages_and_counts_equal_the_plain_sorted_query(store: Store, word: str, statuses: list[str]) -> None:
    # Common words take the urgency walk over all statuses, rare ones sort their hits: the answers must not differ.
    flt = queries.MentionFilter(search=word, statuses=statuses)
    status_sql = f"AND m.status IN ({', '.join('?' for _ in statuses)})" if statuses else ""
    reference = [row[0] for row in store._conn.execute(
        "SELECT m.id FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id "
        f"WHERE {store.dialect.search_match()} {status_sql} "
        "ORDER BY coalesce(a.urgency, 0) DESC, m.published_at, m.id", [store.dialect.search_query(word), *statuses])]
    assert queries.inbox_count(store, flt) == len(reference)
    for page in range(3):
        assert queries.inbox_ids(store, flt, page, 20) == reference[page * 20:(page + 1) * 20]
