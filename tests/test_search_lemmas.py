"""Search finds inflected forms (lemmas indexed beside the text) in Polish, Italian and English, with a real
SQLite file; the migration re-indexes mentions stored before it."""
from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from core.models import Analysis, Mention
from storage import queries
from storage.schema import SCHEMA_VERSION
from storage.search_text import fts_query
from storage.store import Store, open_store

TEXTS = [
    ("pl", "Rejestracja nie odbiera", "Dzwoniłem trzy razy, rejestracja milczy."),
    ("pl", "Problem z rejestracją", "Nie mogę się dodzwonić do rejestracji od rana."),
    ("pl", "Portal pacjenta", "Na portalu nie ma moich wyników."),
    ("pl", "Oba portale padły", "Portale znowu nie działają, a w portalach brak terminów."),
    ("it", "Prenotazione impossibile", "Le prenotazioni online non funzionano."),
    ("en", "Booking", "My appointments were cancelled twice."),
    ("pl", "Inne", "Bardzo miła obsługa, polecam."),
]


def _store(path) -> Store:
    return _fill(open_store(path))


def _fill(store: Store) -> Store:
    now = datetime.now(UTC)
    items = []
    for i, (lang, title, text) in enumerate(TEXTS):
        mention = Mention(source_kind="feed", source_name="forum", external_id=f"m{i}", url=f"https://f.example/{i}",
                          text=text, title=title, author=f"u{i}", published_at=now - timedelta(hours=i), language=lang)
        items.append((mention, Analysis(lang, "neutral", 0.0, "other", ["other"], 0.1, [])))
    store.ensure_source("forum", "feed")
    store.record_success("forum", items, {}, seen=len(items), at=now)
    return store


@pytest.fixture
def store(store):
    """The conftest store (each engine in turn) holding TEXTS."""
    return _fill(store)


def _found(store: Store, search: str) -> set[str]:
    flt = queries.MentionFilter(search=search, statuses=[])
    titles = {row["title"] for row in queries.inbox_page(store, flt, 0, 50)}
    assert queries.inbox_count(store, flt) == len(titles)
    return titles


REJESTRACJA = {"Rejestracja nie odbiera", "Problem z rejestracją"}
PORTAL = {"Portal pacjenta", "Oba portale padły"}


@pytest.mark.parametrize("word", ["rejestracja", "rejestracji", "rejestracją", "REJESTRACJĘ"])
def test_every_form_of_a_polish_word_finds_every_other(store, word):
    assert _found(store, word) == REJESTRACJA


@pytest.mark.parametrize("word", ["portal", "portalu", "portale", "portalach"])
def test_portal_finds_all_its_forms(store, word):
    assert _found(store, word) == PORTAL


def test_italian_and_english_forms(store):
    assert _found(store, "prenotazione") == {"Prenotazione impossibile"}
    assert _found(store, "prenotazioni") == {"Prenotazione impossibile"}
    assert _found(store, "appointment") == {"Booking"}


def test_several_words_must_all_match_and_nothing_else_leaks_in(store):
    assert _found(store, "rejestracji rana") == {"Problem z rejestracją"}
    assert _found(store, "portal wyniki") == {"Portal pacjenta"}
    assert _found(store, "szpital") == set()


def test_the_query_ors_each_word_with_its_lemmas():
    assert fts_query("Rejestracji") == '("rejestracji" OR "rejestracja")'
    assert fts_query('portal "x') == '"portal" AND "x"'  # a lemma itself; quotes never reach FTS5 syntax
    assert fts_query("opłaty\x00") == '("oplaty" OR "oplata")'  # ł folded after the lookup, as in the index


def test_editing_and_deleting_a_mention_keeps_the_index_consistent(store):
    mid = store._conn.execute("SELECT id FROM mentions WHERE title = 'Inne'").fetchone()[0]
    store._conn.execute("UPDATE mentions SET text = 'Rejestracją jestem zachwycony.' WHERE id = ?", (mid,))
    assert _found(store, "rejestracja") == REJESTRACJA | {"Inne"}
    store._conn.execute("DELETE FROM mentions WHERE id = ?", (mid,))
    assert _found(store, "rejestracja") == REJESTRACJA
    if store.engine == "sqlite":  # FTS5's own check; PostgreSQL's search vector is a column of the row itself
        assert store._conn.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('integrity-check')").rowcount != 0


def test_migration_indexes_mentions_stored_before_it(tmp_path):
    """A database as the previous version left it: the index holds folded text only and no vocabulary."""
    path = tmp_path / "old.db"
    _store(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('delete-all')")
    conn.execute("INSERT INTO mentions_fts (rowid, title, text) SELECT id, replace(title, 'ł', 'l'), "
                 "replace(text, 'ł', 'l') FROM mentions")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    def hits(word: str) -> int:
        return conn.execute("SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH ?", (word,)).fetchone()[0]

    assert (hits("rejestracji"), hits("portal")) == (1, 1)  # before: the exact form only
    conn.close()

    store = open_store(path)
    try:
        assert _found(store, "rejestracji") == REJESTRACJA
        assert _found(store, "portal") == PORTAL
    finally:
        store.close()
