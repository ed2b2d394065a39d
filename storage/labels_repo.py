"""Staff labels (corrections of sentiment, kind and topics): the SQL that writes and reads the labels table.

One row per correction; the latest row per (mention, field) is the label. Topics are stored as a JSON list.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from core.labels import KINDS, LABEL_FIELDS, SENTIMENTS, TOPICS
from core.models import EDIT_OF, RATING, utcnow
from storage.rows import iso
from storage.store import Store

_ALLOWED: dict[str, tuple[str, ...]] = {"sentiment": SENTIMENTS, "kind": KINDS, "topics": TOPICS}


def encode_label(field: str, value: str | list[str]) -> str:
    """Validate a correction and give its stored form; raises ValueError with the allowed values."""
    if field not in LABEL_FIELDS:
        raise ValueError(f"cannot label '{field}'; labelled fields are {', '.join(LABEL_FIELDS)}")
    allowed = _ALLOWED[field]
    if field == "topics":
        topics = [value] if isinstance(value, str) else list(value)
        unknown = [t for t in topics if t not in allowed]
        if unknown or not topics:
            raise ValueError(f"unknown topic(s) {unknown or '[]'}; topics are {', '.join(allowed)}")
        return json.dumps([t for t in TOPICS if t in topics])
    if value not in allowed:
        raise ValueError(f"'{value}' is not a {field}; choose one of {', '.join(allowed)}")
    return str(value)


def decode_label(field: str, stored: str) -> str | list[str]:
    return json.loads(stored) if field == "topics" else stored


def add_label(
    store: Store, mention_id: int, field: str, value: str | list[str], actor: str, at: datetime | None = None
) -> int:
    """Record one staff correction; returns the label id."""
    label_id = store._conn.insert_id(
        store.dialect.returning_id("INSERT INTO labels (mention_id, field, value, actor, at) VALUES (?, ?, ?, ?, ?)"),
        (mention_id, field, encode_label(field, value), actor, iso(at or utcnow())),
    )
    assert label_id is not None  # an INSERT without a conflict clause inserts its row or fails
    return label_id


def add_labels(store: Store, rows: Iterable[tuple[int, str, str | list[str]]], actor: str) -> int:
    """Record many corrections (mention_id, field, value) in one transaction; returns how many."""
    at = iso(utcnow())
    encoded = [(mention_id, field, encode_label(field, value), actor, at) for mention_id, field, value in rows]
    with store.transaction():
        store._conn.executemany("INSERT INTO labels (mention_id, field, value, actor, at) VALUES (?, ?, ?, ?, ?)", encoded)
    return len(encoded)


def labels_for(store: Store, mention_id: int) -> dict[str, str | list[str]]:
    """The current label of each corrected field of one mention."""
    rows = store._conn.execute(
        "SELECT field, value FROM labels WHERE id IN (SELECT max(id) FROM labels WHERE mention_id = ? GROUP BY field)",
        (mention_id,),
    ).fetchall()
    return {field: decode_label(field, value) for field, value in rows}


def training_rows(store: Store) -> list[dict[str, Any]]:
    """Every labelled mention with its text and current labels: {mention_id, text, declared_language, language, labels}."""
    query = """
        SELECT l.mention_id, l.field, l.value, m.title, m.text, m.declared_language, a.language
        FROM labels l
        JOIN mentions m ON m.id = l.mention_id
        LEFT JOIN analyses a ON a.mention_id = l.mention_id
        WHERE l.id IN (SELECT max(id) FROM labels GROUP BY mention_id, field)
        ORDER BY l.mention_id
    """
    by_mention: dict[int, dict[str, Any]] = {}
    for mention_id, field, value, title, text, declared, language in store._conn.execute(query):
        row = by_mention.setdefault(
            mention_id,
            {
                "mention_id": mention_id,
                "text": "\n".join(part for part in (title, text) if part),
                "declared_language": declared,
                "language": language,
                "labels": {},
            },
        )
        row["labels"][field] = decode_label(field, value)
    return list(by_mention.values())


def rated_rows(store: Store) -> list[dict[str, Any]]:
    """Every rated mention's latest version (an edited review's earlier versions are left out): {mention_id,
    text, declared_language, language, stars}. Only the clinic's own review sources give stars."""
    stars = store.dialect.stars("m.extra", RATING)
    query = f"""
        SELECT mention_id, title, text, declared_language, language, stars FROM (
            SELECT m.id AS mention_id, m.title, m.text, m.declared_language, a.language, {stars} AS stars,
                row_number() OVER (PARTITION BY m.source_name,
                                   coalesce({store.dialect.json_text('m.extra', EDIT_OF)}, m.external_id)
                                   ORDER BY m.published_at DESC, m.id DESC) AS newest
            FROM mentions m LEFT JOIN analyses a ON a.mention_id = m.id
            WHERE {stars} IS NOT NULL) AS rated
        WHERE newest = 1 ORDER BY mention_id
    """
    return [{"mention_id": mention_id, "text": "\n".join(part for part in (title, text) if part),
             "declared_language": declared, "language": language, "stars": float(stars)}
            for mention_id, title, text, declared, language, stars in store._conn.execute(query)]


def last_label_id(store: Store) -> int:
    return int(store._conn.execute("SELECT coalesce(max(id), 0) FROM labels").fetchone()[0])


def count_labels_since(store: Store, label_id: int) -> int:
    return int(store._conn.execute("SELECT count(*) FROM labels WHERE id > ?", (label_id,)).fetchone()[0])
