"""What the search index holds for a text (its words folded, plus their lemmas) and how typed words become an
FTS5 query, so "rejestracja" finds "rejestracji" and "portal" finds "portalu" and "portale".

The index is fed through search_text(), registered as an SQL function on every connection of the store
(`register_functions`), because the index's triggers call it. A typed word is or-ed with its lemmas from the same
dictionaries (core.lemmas), so the index and the search box fold every word alike.

search_text must give the same output for the same text for as long as the index holds it, since the index's
'delete' command is fed it again: after an upgrade of simplemma's dictionaries, run `rebuild_search_index`.
"""
from __future__ import annotations

import re
import sqlite3
import sys
import time

from core.lemmas import text_lemmas

# unicode61 folds most diacritics but not the Polish ł; the search index and the search box fold it alike.
SEARCH_FOLDS = {"ł": "l", "Ł": "L"}
_SEARCH_TABLE = str.maketrans(SEARCH_FOLDS)
# C0/C1 controls (a NUL ends SQLite's FTS string: "unterminated string") and lone surrogates (not UTF-8).
_UNSEARCHABLE = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
REBUILD_CHUNK = 20_000
PROGRESS_FROM = 100_000  # smaller rebuilds take seconds and print nothing


def fold_for_search(text: str) -> str:
    """Text folded as the search index stores it."""
    return text.translate(_SEARCH_TABLE)


def search_text(text: str | None) -> str:
    """What the index stores for `text`: the text folded, then the lemmas of its inflected words."""
    text = text or ""
    lemmas = " ".join(dict.fromkeys(lemma for _, lemma in text_lemmas(text)))
    return fold_for_search(f"{text} {lemmas}" if lemmas else text)


def register_functions(conn: sqlite3.Connection) -> None:
    """The SQL function the index's triggers and statements call; on every connection, before any write."""
    conn.create_function("search_text", 1, search_text, deterministic=True)


def fts_query(text: str) -> str:
    """An FTS5 query for the words of `text`: each word quoted (never parsed as FTS5 syntax) and or-ed with its
    lemmas; all words must match. Control characters separate words."""
    terms = []
    for alternatives in _alternatives(text):
        quoted = " OR ".join(f'"{w}"' for w in alternatives)
        terms.append(f"({quoted})" if len(alternatives) > 1 else quoted)
    return " AND ".join(terms)  # FTS5 takes no implicit AND after a bracketed group


def _alternatives(text: str) -> list[list[str]]:
    """Per word of `text` (control characters separate words): the word and its lemmas, folded alike."""
    words = []
    for word in _UNSEARCHABLE.sub(" ", text).replace('"', "").split():
        lower = word.lower()
        lemmas = (lemma for _, lemma in text_lemmas(lower))  # the index's own word split: no lemma for "x"
        words.append(list(dict.fromkeys(fold_for_search(w) for w in (lower, *lemmas))))
    return words


def ts_query(text: str) -> str:
    """PostgreSQL's to_tsquery text for the words of `text`, as fts_query builds FTS5's: each word quoted as a
    lexeme (never parsed as query syntax), or-ed with its lemmas; all words must match."""
    def lexeme(word: str) -> str:
        return "'" + word.replace("\\", "\\\\").replace("'", "''") + "'"
    return " & ".join("(" + " | ".join(lexeme(w) for w in words) + ")" for words in _alternatives(text))


def rebuild_search_index(conn: sqlite3.Connection) -> None:
    """Index every mention again with search_text, in the caller's transaction; big databases print their
    progress to stderr."""
    total = conn.execute("SELECT count(*) FROM mentions").fetchone()[0]
    conn.execute("INSERT INTO mentions_fts (mentions_fts) VALUES ('delete-all')")
    started, done, last_id = time.perf_counter(), 0, 0
    while True:
        ids = [row[0] for row in conn.execute(
            "SELECT id FROM mentions WHERE id > ? ORDER BY id LIMIT ?", (last_id, REBUILD_CHUNK))]
        if not ids:
            break
        conn.execute("INSERT INTO mentions_fts (rowid, title, text) SELECT id, search_text(title), search_text(text) "
                     "FROM mentions WHERE id BETWEEN ? AND ?", (ids[0], ids[-1]))
        done, last_id = done + len(ids), ids[-1]
        if total >= PROGRESS_FROM:
            elapsed = time.perf_counter() - started
            print(f"\rrebuilding the search index: {done:,}/{total:,} mentions ({elapsed:.0f} s)", end="",
                  file=sys.stderr, flush=True)
    if total >= PROGRESS_FROM:
        print(file=sys.stderr)
