"""The store: schema, WAL, idempotent inserts, cursor in the same transaction, FTS, privacy commands."""
from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from core.config import ConfigError, parse_config
from core.models import Analysis, Mention, TermMatch
from storage import open_store, pg_schema
from storage.engine import DATABASE_ERRORS, expand_url
from storage.rows import MENTION_COLUMNS, SourceSave, matches_json, mention_row, stored_items
from storage.schema import SCHEMA_VERSION
from storage.store import WAL_CHECKPOINT_PAGES, WRITER_MMAP_BYTES
from storage.triggers import LIVE_TRIGGERS


def mention(external_id: str, text: str, source: str = "feed-a", **kw) -> Mention:
    return Mention("feed", source, external_id, f"https://example.org/{external_id}", text, **kw)


def analysis(kind: str = "complaint", urgency: float = 0.5) -> Analysis:
    return Analysis("pl", "negative", -0.6, kind, ["waiting_time"], urgency, ["strong_negative"])


@pytest.fixture
def store(store):
    """The conftest store (each engine in turn) with two feeds registered."""
    store.ensure_source("feed-a", "feed")
    store.ensure_source("feed-b", "feed")
    return store


@pytest.fixture
def sqlite_store(tmp_path):
    s = open_store(tmp_path / "data" / "test.db")
    yield s
    s.close()


def test_schema_version_wal_and_tables(sqlite_store):
    conn = sqlite_store._conn
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table')")}
    assert {"sources", "mentions", "analyses", "events", "replies", "labels", "alerts", "mentions_fts"} <= tables


def test_reopening_does_not_migrate_again(tmp_path):
    path = tmp_path / "x.db"
    open_store(path).close()
    again = open_store(path)
    assert again._conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    again.close()


def test_same_item_twice_is_stored_once(store):
    first = store.record_success("feed-a", [(mention("1", "Kolejka w Salusie"), analysis())], {"etag": "a"}, seen=1)
    second = store.record_success("feed-a", [(mention("1", "Kolejka w Salusie"), analysis())], {"etag": "b"}, seen=1)
    assert (first.new, second.new) == (1, 0)
    assert store.count_mentions() == 1
    assert store.cursor("feed-a") == {"etag": "b"}


def test_same_post_through_two_sources_is_stored_once(store):
    post = "https://blog.example.org/2025/06/salus/"
    store.record_success("feed-a", [(Mention("feed", "feed-a", "1", post, "Rejestracja  w SALUSIE  nie odbiera "
                                             "telefonu od rana", title="Salus"), None)], {}, seen=1)
    # another source's id and its own way of writing the same URL (www, tracking tag, no trailing slash)
    same = Mention("feed", "feed-b", "x9", "http://www.blog.example.org/2025/06/salus?utm_source=alerts",
                   "rejestracja w salusie nie odbiera telefonu od rana", title="Salus")
    result = store.record_success("feed-b", [(same, None)], {}, seen=1)
    assert result.new == 0
    assert store.count_mentions() == 1


def test_distinct_posts_sharing_one_body_are_all_stored(store):
    body = "Rejestracja w Salusie nie odbiera telefonu od rana, trzeci dzień z rzędu."
    items = [(Mention("feed", "feed-a", f"p{i}", f"https://blog.example.org/{i}", body, title=f"Wpis {i}"), None)
             for i in range(4)]
    assert store.record_success("feed-a", items, {}, seen=4).new == 4
    assert store.count_mentions() == 4


def test_cursor_and_mentions_roll_back_together(store):
    store.record_success("feed-a", [(mention("1", "one"), None)], {"n": 1}, seen=1)
    broken = analysis()
    broken.sentiment_score = [-0.6]  # neither engine stores a list as a real: fails after the mention row went in
    with pytest.raises(DATABASE_ERRORS):
        store.record_success("feed-a", [(mention("2", "two"), broken)], {"n": 2}, seen=1)
    assert store.count_mentions() == 1
    assert store.cursor("feed-a") == {"n": 1}


def test_several_sources_saved_in_one_transaction(store):
    text = "Rejestracja w Salusie nie odbiera telefonu od rana"
    saves = [SourceSave("feed-a", stored_items([(mention("1", text), analysis())]), {"n": 1}, 1),
             SourceSave("feed-b", stored_items([(mention("1", text, "feed-b"), None),
                                                (mention("2", "Inny wpis", "feed-b"), analysis())]), {"n": 2}, 2)]
    results = store.record_saves(saves)
    assert [(r.seen, r.new) for r in results] == [(1, 1), (2, 1)]  # feed-b's first item is feed-a's text
    assert store.cursor("feed-a") == {"n": 1} and store.cursor("feed-b") == {"n": 2}
    assert store.source("feed-b")["items_new"] == 1
    assert store.mention(results[1].new_ids[0])["sentiment"] == "negative"
    assert store.count_mentions() == 2


def test_a_failing_source_rolls_back_the_whole_batch(store):
    broken = analysis()
    broken.sentiment_score = [-0.6]
    saves = [SourceSave("feed-a", stored_items([(mention("1", "one"), analysis())]), {"n": 1}, 1),
             SourceSave("feed-b", stored_items([(mention("2", "two", "feed-b"), broken)]), {"n": 2}, 1)]
    with pytest.raises(DATABASE_ERRORS):
        store.record_saves(saves)
    assert store.count_mentions() == 0
    assert store.cursor("feed-a") == {} and store.cursor("feed-b") == {}


def test_failure_backs_off_and_success_resets(store):
    now = datetime(2026, 11, 20, 12, tzinfo=UTC)
    store.record_failure("feed-a", "http", "server answered 500", at=now)
    store.record_failure("feed-a", "http", "server answered 500", at=now)
    state = store.source("feed-a")
    assert state["consecutive_failures"] == 2
    assert state["last_error_kind"] == "http"
    assert state["next_attempt_after"] > "2026-11-20T12:01:59"
    store.record_failure("feed-a", "rate_limited", "slow down", retry_after=3600, at=now)
    assert store.source("feed-a")["next_attempt_after"].startswith("2026-11-20T13:00")
    store.record_success("feed-a", [], {}, seen=0)
    state = store.source("feed-a")
    assert state["consecutive_failures"] == 0 and state["last_error"] is None


def test_full_text_search_is_diacritic_insensitive_and_safe(store):
    store.record_success("feed-a", [(mention("1", "Długie czekanie na wizytę"), analysis()),
                                    (mention("2", "Miła obsługa"), analysis("praise"))], {}, seen=2)
    assert [m["external_id"] for m in store.recent_mentions(search="dlugie")] == ["1"]
    assert store.recent_mentions(search='" OR * NEAR(') == []  # FTS syntax in user input is just words


def test_purge_and_erase_author(store):
    old = datetime.now(UTC) - timedelta(days=800)
    store.record_success("feed-a", [(mention("old", "stary wpis", published_at=old), analysis()),
                                    (mention("new", "nowy wpis", author="jan"), analysis()),
                                    (mention("new2", "drugi wpis", author="jan"), analysis())], {}, seen=3)
    store.add_event(1, "staff", "note", {"text": "x"})
    assert store.purge_older_than(730) == 1
    assert store.erase_author("jan") == 2
    assert store.count_mentions() == 0
    assert store._conn.execute("SELECT count(*) FROM analyses").fetchone()[0] == 0
    assert store._conn.execute("SELECT count(*) FROM events").fetchone()[0] == 0
    search = store.dialect
    assert store._conn.execute(search.search_count, [search.search_query("wpis")]).fetchone()[0] == 0


def test_newer_schema_is_refused(tmp_path):
    path = tmp_path / "future.db"
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    with pytest.raises(RuntimeError, match="newer than this program"):
        open_store(path)


def test_short_common_texts_from_different_posts_are_all_kept(store):
    items = [(mention(f"c{i}", "Thanks!", "feed-a"), None) for i in range(3)]
    assert store.record_success("feed-a", items, {}, seen=3).new == 3


def test_a_source_disabled_by_staff_stays_disabled(store):
    store.set_source_enabled("feed-a", "feed", False)
    store.ensure_source("feed-a", "feed")  # every pipeline start registers configured sources again
    assert store.source("feed-a")["enabled"] == 0


def test_a_mention_row_has_every_column_and_the_hash_of_its_folded_text():
    row = mention_row(mention("1", "  Rejestracja w SALUSIE nie odbiera telefonu od rana "))
    assert len(row) == len(MENTION_COLUMNS)
    values = dict(zip(MENTION_COLUMNS, row))
    same_post = Mention("feed", "feed-b", "9", "https://www.example.org/1/",
                        "rejestracja w salusie nie odbiera telefonu od rana")
    assert values["content_hash"] == same_post.content_hash
    assert values["content_hash"] != mention("9", "rejestracja w salusie nie odbiera telefonu od rana").content_hash
    assert values["extra"] == "{}" and values["matches"] == "[]"
    assert values["published_estimated"] == 1 and values["published_at"] == values["fetched_at"]
    assert values["published_at"].endswith("Z")


@settings(max_examples=200, deadline=None)
@given(st.lists(st.builds(TermMatch, st.text(max_size=12), st.sampled_from(["name", "doctor", "location"]),
                          st.sampled_from(["title", "text"]), st.integers(0, 10**6), st.integers(0, 10**6)),
                max_size=4))
def test_matches_json_is_what_json_dumps_writes(matches):
    plain = [{"term": m.term, "category": m.category, "field": m.field, "start": m.start, "end": m.end}
             for m in matches]
    assert matches_json(matches) == json.dumps(plain)


def test_row_dates_are_right_when_items_share_or_change_their_dates():
    first = datetime(2026, 11, 20, 10, tzinfo=UTC)
    other = datetime(2026, 11, 20, 12, 30, tzinfo=timezone(timedelta(hours=2)))
    rows = [dict(zip(MENTION_COLUMNS, mention_row(mention(str(n), "x", published_at=moment, fetched_at=first))))
            for n, moment in enumerate([first, first, other, first])]
    assert [r["published_at"] for r in rows] == ["2026-11-20T10:00:00.000000Z"] * 2 + [
        "2026-11-20T10:30:00.000000Z", "2026-11-20T10:00:00.000000Z"]
    assert {r["fetched_at"] for r in rows} == {"2026-11-20T10:00:00.000000Z"}


def test_cursors_reads_every_source_at_once(store):
    store.record_success("feed-a", [], {"etag": "a"}, seen=0)
    assert store.cursors() == {"feed-a": {"etag": "a"}, "feed-b": {}}


def test_the_collector_maps_the_file_and_writers_checkpoint_less_often_than_sqlites_default(tmp_path):
    writer = open_store(tmp_path / "w.db", map_file=True)
    assert writer._conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert writer._conn.execute("PRAGMA mmap_size").fetchone()[0] == WRITER_MMAP_BYTES
    assert writer._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_CHECKPOINT_PAGES > 1000
    dashboard = open_store(tmp_path / "w.db")  # mapped pages would count in the dashboard's memory
    assert dashboard._conn.execute("PRAGMA mmap_size").fetchone()[0] == 0
    assert dashboard._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == WAL_CHECKPOINT_PAGES
    reader = open_store(tmp_path / "w.db", readonly=True)
    assert reader._conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000


def test_two_posts_of_one_forum_page_with_the_same_words_are_both_stored(store):
    """Forum permalinks differ only in their fragment (#p901, #p902): that is enough to be two posts."""
    words = "Potwierdzam, w Salusie na Mokotowie czeka się na wizytę ponad miesiąc."
    items = [(Mention("forum", "forum-a", post, f"https://forum.example.pl/viewtopic.php?t=42&sid=0123456789abcdef"
                      f"0123456789abcdef#p{post}", words), None) for post in ("901", "902")]
    assert store.record_success("forum-a", items, {}, seen=2).new == 2


def test_a_transaction_inside_another_is_a_savepoint_of_it(store):
    store.ensure_source("outer", "feed")
    with store.transaction():
        store.set_source_enabled("outer", "feed", False)
        with pytest.raises(RuntimeError), store.transaction():
            store.ensure_source("inner", "feed")
            raise RuntimeError("inner fails")
        assert store.source("inner") is None  # only the savepoint was rolled back
    assert store.source("outer")["enabled"] == 0
    with pytest.raises(RuntimeError), store.transaction():
        store.set_source_enabled("outer", "feed", True)
        with store.transaction():
            store.ensure_source("inner", "feed")
        raise RuntimeError("outer fails")
    assert store.source("outer")["enabled"] == 0 and store.source("inner") is None


def test_live_triggers_are_exactly_those_stated_in_triggers_py(sqlite_store, tmp_path):
    store = sqlite_store

    def live(conn):
        return dict(conn.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall())

    assert live(store._conn).keys() == LIVE_TRIGGERS.keys()
    store.close()
    conn = sqlite3.connect(store.path)
    conn.execute("CREATE TRIGGER stale_one AFTER INSERT ON labels BEGIN SELECT 1; END")
    conn.execute("DROP TRIGGER mentions_au")
    conn.execute("CREATE TRIGGER mentions_au AFTER UPDATE OF title ON mentions BEGIN SELECT 1; END")
    conn.commit()
    conn.close()
    reopened = open_store(store.path)
    try:
        triggers = live(reopened._conn)
        assert triggers.keys() == LIVE_TRIGGERS.keys()
        assert "OF title, text" in triggers["mentions_au"]
    finally:
        reopened.close()


def test_postgresql_schema_is_migrated_once_and_a_newer_one_refused(pg_url):
    store = open_store(pg_url)  # the template was migrated: opening again changes nothing
    try:
        version = store._conn.execute("SELECT value FROM cw_meta WHERE key = 'schema_version'").fetchone()[0]
        assert int(version) == pg_schema.SCHEMA_VERSION
        assert pg_schema.migrate(store._sql) == pg_schema.SCHEMA_VERSION
        tables = {r[0] for r in store._conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")}
        assert {"sources", "mentions", "analyses", "events", "replies", "labels", "alerts", "trend_daily",
                "trend_ratings", "source_drops", "heartbeats"} <= tables
        store._conn.execute("UPDATE cw_meta SET value = '999' WHERE key = 'schema_version'")
    finally:
        store.close()
    with pytest.raises(RuntimeError, match="newer than this program"):
        open_store(pg_url)


def test_a_database_url_takes_its_password_from_the_environment(monkeypatch):
    monkeypatch.setenv("CW_TEST_PASSWORD", "s3cret")
    assert expand_url("postgresql://cw:${CW_TEST_PASSWORD}@db/cw") == "postgresql://cw:s3cret@db/cw"
    monkeypatch.delenv("CW_TEST_PASSWORD")
    with pytest.raises(ValueError, match="CW_TEST_PASSWORD"):
        expand_url("postgresql://cw:${CW_TEST_PASSWORD}@db/cw")


def test_the_config_names_a_postgresql_database_by_url(tmp_path, pg_url):
    base = {"clinic_name": "Salus", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Salus"]}}
    assert parse_config(base).store_target == tmp_path / "cw.db"
    config = parse_config({**base, "database_url": pg_url})
    store = open_store(config.store_target)
    try:
        assert store.engine == "postgresql" and store.count_mentions() == 0
    finally:
        store.close()
    with pytest.raises(ConfigError, match="database_url"):
        parse_config({**base, "database_url": "mysql://cw@db/cw"})


def test_messages_name_a_database_url_without_its_password(tmp_path):
    base = {"clinic_name": "Salus", "database": str(tmp_path / "cw.db"), "brand": {"names": ["Salus"]}}
    assert parse_config(base).store_label == str(tmp_path / "cw.db")
    url = "postgresql://cw:s3cret@db.internal:5433/clinicwatch"
    label = parse_config({**base, "database_url": url}).store_label
    assert label == "postgresql://cw@db.internal:5433/clinicwatch" and "s3cret" not in label


def test_reading_every_mention_streams_on_postgresql(pg_url):
    store = open_store(pg_url)
    try:
        items = [(mention(str(n), f"Salus {n}"), None) for n in range(5)]
        store.record_success("forum", items, {}, seen=5)
        free = store._db.pool.get_stats()["pool_available"]
        rows = store.iter_mentions()
        first = next(rows)
        # Mid-iteration the stream holds its connection: the rows are read as consumed, not all at once.
        assert store._db.pool.get_stats()["pool_available"] == free - 1
        assert [first["external_id"], *(r["external_id"] for r in rows)] == [str(n) for n in range(5)]
        assert store._db.pool.get_stats()["pool_available"] == free
    finally:
        store.close()
