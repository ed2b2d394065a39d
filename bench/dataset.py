"""Build a large, realistic mentions database for the query benchmarks (bulk SQL into the real schema)."""
from __future__ import annotations

import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from core.labels import TOPICS
from core.models import content_hash
from storage import open_store
from storage.rows import iso
from storage.search_text import search_text
from storage.store import Store

SOURCES = [("google-news", "feed"), ("google-alerts", "feed"), ("reddit", "reddit"), ("forum-zdrowie", "forum"),
           ("znanylekarz-forum", "forum"), ("discourse-it", "discourse"), ("milano-salute", "feed"),
           ("clinic-reviews", "feed"), ("wykop", "feed"), ("facebook-alerts", "feed")]
LANGUAGES = [("pl", 0.5), ("it", 0.3), ("en", 0.2)]
KIND_WEIGHTS = {"complaint": 0.25, "question": 0.2, "praise": 0.2, "other": 0.35}
WORDS = {
    "pl": "wizyta rejestracja kolejka lekarz termin infolinia telefon faktura cena wyniki portal szczepienie "
          "przychodnia recepcja czekanie opłata badanie pediatra dermatolog parking godziny".split(),
    "it": "visita prenotazione attesa medico centralino telefono fattura prezzo referto portale vaccino "
          "ambulatorio reception costo esame pediatra dermatologo parcheggio orari".split(),
    "en": "appointment booking waiting doctor phone invoice price results portal vaccination clinic "
          "reception cost test paediatrician dermatologist parking hours".split(),
}
# Reviews carry a star rating (Mention.extra["rating"]), like the Google, Facebook and Docplanner sources.
RATED_SOURCE = "clinic-reviews"
STARS_BY_SENTIMENT = {"negative": (1, 2), "neutral": (3, 3), "positive": (4, 5)}
# Analysis confidences as the rules give them on data/triage/mentions.jsonl (value: share); ~13 % fall below
# core.models.NEEDS_LOOK_BELOW (the Inbox's "needs a human look").
CONFIDENCES = {0.5: 4, 0.55: 5, 0.6: 4, 0.65: 12, 0.7: 24, 0.75: 6, 0.8: 15, 0.85: 11, 0.9: 3, 0.95: 16}
TERMS = [("Salus", "name"), ("Salus Medica", "name"), ("dr Anna Kowalska", "doctor"), ("Salus Mokotów", "location"),
         ("Salus Milano", "location")]


MENTION_INSERT = """INSERT INTO mentions (id, source_name, source_kind, external_id, url, author, title, text,
    published_at, fetched_at, declared_language, score, comment_count, extra, matches, content_hash, status,
    first_response_at{search}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?{search_value})"""


def build(path: Path | str, count: int, *, seed: int = 7, chunk: int = 20_000) -> None:
    """Write `count` mentions with analyses spread over two years ending now, into an SQLite file or a
    PostgreSQL database (a postgresql:// URL)."""
    rng = random.Random(seed)
    store = open_store(path)
    postgres = store.dialect.postgres
    # PostgreSQL's search column is written with the row (SQLite's index by register_new_mentions below).
    insert = MENTION_INSERT.format(search=", search" if postgres else "",
                                   search_value=", cw_search_vector(?)" if postgres else "")
    for name, kind in SOURCES:
        store.ensure_source(name, kind)
    now = datetime.now(UTC)
    started = time.perf_counter()
    for offset in range(0, count, chunk):
        rows = [_row(rng, offset + i, now) for i in range(min(chunk, count - offset))]
        with store.transaction():
            store._conn.executemany(
                insert,
                [(*r[0], f"{search_text(r[0][6])} {search_text(r[0][7])}") if postgres else r[0] for r in rows],
            )
            store._conn.executemany(
                """INSERT INTO analyses (mention_id, language, sentiment, sentiment_score, kind, topics, urgency,
                   urgency_reasons, needs_reply, model_version, analysed_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)""",
                [r[1] for r in rows],
            )
            store.register_new_mentions([r[0][0] for r in rows])
        done = offset + len(rows)
        print(f"\r  built {done:,}/{count:,} mentions ({time.perf_counter() - started:.0f} s)", end="", file=sys.stderr)
    print(file=sys.stderr)
    if postgres:  # the ids were given, so the identity sequence must move past them for the store's inserts
        store._conn.execute("SELECT setval(pg_get_serial_sequence('mentions', 'id'), max(id)) FROM mentions")
    add_confidences(store, seed)
    store._conn.execute("ANALYZE")
    store.close()


def add_confidences(store: Store, seed: int = 7) -> None:
    """Give every analysis a confidence (CONFIDENCES), from its own random stream so the other columns stay as
    they were; also fills a benchmark database built before confidences were stored."""
    rng = random.Random(seed + 1)
    ids = [row[0] for row in store._conn.execute("SELECT mention_id FROM analyses ORDER BY mention_id")]
    values = rng.choices(list(CONFIDENCES), list(CONFIDENCES.values()), k=len(ids))
    with store.transaction():
        store._conn.executemany("UPDATE analyses SET confidence = ? WHERE mention_id = ?", zip(values, ids))


def _row(rng: random.Random, n: int, now: datetime) -> tuple[tuple, tuple]:
    mention_id = n + 1
    source, source_kind = rng.choice(SOURCES)
    language = rng.choices([lang for lang, _ in LANGUAGES], [w for _, w in LANGUAGES])[0]
    kind = rng.choices(list(KIND_WEIGHTS), list(KIND_WEIGHTS.values()))[0]
    # Volume grows over the two years, so recent weeks are busier than old ones.
    age_days = 730 * (rng.random() ** 1.3)
    published = now - timedelta(days=age_days, seconds=rng.randrange(86_400))
    term, category = rng.choice(TERMS)
    words = rng.sample(WORDS[language], 6)
    text = f"{term} {' '.join(words)} #{n}"
    sentiment = {"complaint": "negative", "praise": "positive"}.get(kind) or rng.choice(["neutral", "negative", "positive"])
    topics = rng.sample(TOPICS[:-1], rng.choice([1, 1, 2]))
    urgency = round(rng.betavariate(1.5, 5), 3)
    status, responded = _status(rng, kind, age_days, published)
    mention = (mention_id, source, source_kind, f"ext-{n}", f"https://example.org/{n}", f"user{rng.randrange(50_000)}",
               f"{term} – {words[0]}", text, iso(published), iso(published + timedelta(minutes=5)), language,
               rng.randrange(200), rng.randrange(40), _extra(source, sentiment, n),
               json.dumps([{"term": term, "category": category, "field": "text", "start": 0, "end": len(term)}]),
               content_hash("", text), status, iso(responded) if responded else None)
    analysis = (mention_id, language, sentiment, {"negative": -0.6, "positive": 0.6}.get(sentiment, 0.0), kind,
                json.dumps(topics), urgency, json.dumps(["strong_negative"] if urgency > 0.7 else []),
                int(kind in ("complaint", "question")), "rules", iso(published))
    return mention, analysis


def _extra(source: str, sentiment: str, n: int) -> str:
    """A review's stars follow its sentiment (taken from n, not the generator, so the rest stays as it was)."""
    if source != RATED_SOURCE:
        return "{}"
    return json.dumps({"rating": STARS_BY_SENTIMENT[sentiment][n % 2]})


def _status(rng: random.Random, kind: str, age_days: float, published: datetime) -> tuple[str, datetime | None]:
    if kind not in ("complaint", "question"):
        return rng.choice(["new", "dismissed"]) if age_days < 30 else "dismissed", None
    if age_days < 3 or rng.random() < 0.03:
        return "new", None
    status = rng.choice(["replied", "replied", "escalated"])
    if status == "escalated":  # escalating is internal, not a response to the patient (storage/workflow.py)
        return status, None
    return status, published + timedelta(hours=rng.expovariate(1 / 5))


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "bench/output/mentions-1m.db")
    size = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    target.parent.mkdir(parents=True, exist_ok=True)
    build(target, size)
    print(f"{target}: {size:,} mentions, {target.stat().st_size / 1e6:.0f} MB")
