"""Every read of storage gives the same answer on SQLite and on PostgreSQL after the same writes.

One seeded set of mentions (sources, languages, statuses, star ratings, doctor and location terms, topics, some
without an analysis) goes into a store of each engine through the store's own writes; then every read the
pages, alerts, reports and training make is asked of both and the answers compared whole.
"""
from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from core.labels import TOPICS
from core.models import Analysis, Mention, TermMatch
from storage import labels_repo, queries, views
from storage.alerts_repo import AlertsRepo
from storage.rows import iso
from storage.store import Store, open_store
from tests.conftest import fresh_pg_database

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
SOURCES = ("forum-zdrowie", "clinic-reviews", "reddit-pl", "news-it")
TERMS = (("dr Anna Kowalska", "doctor"), ("Salus Mokotów", "location"), ("Salus Milano", "location"), ("Salus", "name"))
WORDS = "rejestracja rejestracji kolejka lekarz wizyta infolinia prenotazione attesa booking portal faktura".split()


def _items(rng: random.Random, source: str, count: int) -> list[tuple[Mention, Analysis | None]]:
    items: list[tuple[Mention, Analysis | None]] = []
    for n in range(count):
        language = rng.choice(("pl", "it", "en"))
        term, category = rng.choice(TERMS)
        text = f"{term} {' '.join(rng.sample(WORDS, 4))} #{source}-{n}"
        extra: dict[str, Any] = {}
        if source == "clinic-reviews":
            extra["rating"] = rng.choice((1, 2, 3, 4, 5, 4.5))
            if rng.random() < 0.3:
                extra["location_label"] = "Salus Wola"
        published = NOW - timedelta(days=rng.randrange(40), minutes=rng.randrange(1440))
        mention = Mention("feed", source, f"{source}-{n}", f"https://{source}.example/{n}", text,
                          title=f"{term} {n}", author=f"user{rng.randrange(8)}", published_at=published,
                          fetched_at=published + timedelta(minutes=3), language=language, extra=extra,
                          matches=[TermMatch(term, category, "text", 0, len(term))],
                          thread_url=f"https://{source}.example/t/{n % 3}")
        kind = rng.choice(("complaint", "question", "praise", "other"))
        sentiment = {"complaint": "negative", "praise": "positive"}.get(kind, "neutral")
        analysis = None if rng.random() < 0.15 else Analysis(
            language, sentiment, -0.5 if sentiment == "negative" else 0.4, kind, rng.sample(TOPICS[:-1], 2),
            round(rng.random(), 3), ["strong_negative"] if kind == "complaint" else [], confidence=rng.choice((0.5, 0.9)))
        items.append((mention, analysis))
    return items


def _write(store: Store) -> None:
    """The same writes on either engine, every time fixed (no utcnow), so the rows are equal."""
    rng = random.Random(20)
    for source in SOURCES:
        store.ensure_source(source, "feed")
        store.record_success(source, _items(rng, source, 25), {"etag": source}, seen=30, at=NOW,
                             dropped={"no_match": 5})
    store.record_failure("news-it", "http", "server answered 503", at=NOW)
    store.request_run("reddit-pl", "reddit", "anna", at=NOW)
    store.beat(Store.COLLECTOR, 4242, at=NOW)
    ids = [row[0] for row in store._conn.execute("SELECT id FROM mentions ORDER BY id")]
    for i, mention_id in enumerate(ids[:30]):
        status = ("replied", "escalated", "waiting_patient", "dismissed", "in_review")[i % 5]
        answered = status in ("replied", "waiting_patient")
        at = iso(NOW - timedelta(hours=i))
        store._conn.execute(
            "UPDATE mentions SET status = ?, status_changed_at = ?, assignee = ?, first_response_at = ? WHERE id = ?",
            (status, at, ("anna", None, "marek")[i % 3], at if answered else None, mention_id))
    for i, mention_id in enumerate(ids[30:40]):
        labels_repo.add_label(store, mention_id, "sentiment", ("positive", "negative")[i % 2], "anna", at=NOW)
        labels_repo.add_label(store, mention_id, "topics", [TOPICS[i % 5]], "anna", at=NOW)
    store.save_analysis(ids[41], Analysis("it", "positive", 0.5, "praise", ["vaccinations"], 0.2, []))
    store.erase_author("user7")
    repo = AlertsRepo(store)
    repo.add_alert("urgent", "urgent:1", "email:a@x", {"rule": "urgent"}, NOW)
    repo.add_alert("urgent", "urgent:2", "email:a@x", {"rule": "urgent"}, NOW)
    (first, second) = repo.due_alerts(NOW, max_attempts=5)
    repo.claim(first["id"], NOW, NOW + timedelta(minutes=10))
    repo.mark_delivered([first["id"]], NOW)
    repo.mark_failed([second["id"]], "refused", 1, NOW + timedelta(minutes=5))


@pytest.fixture(scope="module")
def pair(tmp_path_factory, pg_cluster) -> Iterator[tuple[Store, Store]]:
    """One store per engine after the same writes, shared by the module's tests (they only read)."""
    with fresh_pg_database(pg_cluster) as url:
        stores = (open_store(tmp_path_factory.mktemp("engines") / "cw.db"), open_store(url))
        for store in stores:
            _write(store)
        yield stores
        for store in stores:
            store.close()


FROM, TO = date(2026, 10, 1), date(2026, 11, 20)
FILTERS = {
    "open": queries.MentionFilter(),
    "every status": queries.MentionFilter(statuses=[]),
    "complaints pl": queries.MentionFilter(kinds=["complaint"], languages=["pl"], statuses=[]),
    "topic": queries.MentionFilter(topics=[TOPICS[0]], statuses=[]),
    "unassigned": queries.MentionFilter(assignee=queries.UNASSIGNED),
    "anna": queries.MentionFilter(assignee="anna", statuses=[]),
    "dates": queries.MentionFilter(date_from=date(2026, 11, 1), date_to=date(2026, 11, 10), statuses=[]),
    "needs look": queries.MentionFilter(needs_look=True, statuses=[]),
    "search": queries.MentionFilter(search="rejestracja", statuses=[]),
    "search and status": queries.MentionFilter(search="kolejka lekarz", statuses=["new", "replied"]),
    "diacritics": queries.MentionFilter(search="mokotow", statuses=[]),
    "changed": queries.MentionFilter(statuses=["replied", "dismissed"], changed_since=iso(NOW - timedelta(hours=10))),
}
READS: dict[str, Callable[[Store], Any]] = {
    "sources": lambda s: s.sources(),
    "cursors": lambda s: s.cursors(),
    "source drops": lambda s: s.source_drops(),
    "run requests": lambda s: s.run_requests(),
    "last beat": lambda s: s.last_beat(Store.COLLECTOR),
    "mention id": lambda s: s.mention_id("clinic-reviews", "clinic-reviews-3"),
    "count": lambda s: s.count_mentions(),
    "iter mentions": lambda s: list(s.iter_mentions()),
    "mention": lambda s: s.mention(5),
    "recent, searched": lambda s: s.recent_mentions(50, search="wizyta", source_name="forum-zdrowie"),
    "status counts": queries.status_counts,
    "source names": queries.source_names,
    "thread": lambda s: queries.thread_context(s, s.mention(2) or {}),
    "labels of a mention": lambda s: queries.mention_labels(s, 31),
    "export rows": lambda s: list(queries.iter_filtered(s, queries.MentionFilter(statuses=[]))),
    "views": lambda s: views.view_counts(s, "anna", NOW - timedelta(hours=12)),
    # Ordered by day only: within a day the rows come in no promised order.
    "daily cube": lambda s: sorted(queries.daily_cube(s, FROM, TO), key=lambda row: tuple(row.values())),
    "health by week": lambda s: queries.health_series(s, FROM, TO, "week"),
    "totals": lambda s: queries.totals(s, FROM, TO),
    "daily totals": lambda s: queries.daily_totals(s, FROM, TO),
    "response times": lambda s: queries.response_times(s, FROM, TO),
    "current labels": lambda s: labels_repo.labels_for(s, 31),
    "training rows": labels_repo.training_rows,
    "rated rows": labels_repo.rated_rows,
    "labels since": lambda s: (labels_repo.last_label_id(s), labels_repo.count_labels_since(s, 5)),
    "urgent": lambda s: AlertsRepo(s).urgent_mentions(0.5, NOW - timedelta(days=60), NOW - timedelta(days=60)),
    "unanswered": lambda s: AlertsRepo(s).unanswered_complaints(NOW, NOW - timedelta(days=60)),
    "windows": lambda s: AlertsRepo(s).window_counts(NOW, 24, 30),
    "due alerts": lambda s: AlertsRepo(s).due_alerts(NOW + timedelta(hours=1), 5),
    "alerts": lambda s: AlertsRepo(s).alerts(),
    "report counts": lambda s: (AlertsRepo(s).count_between(NOW - timedelta(days=7), NOW),
                                *(AlertsRepo(s).counts_by(c, NOW - timedelta(days=30), NOW)
                                  for c in ("sentiment", "kind", "language")),
                                AlertsRepo(s).counts_by_source(NOW - timedelta(days=30), NOW),
                                AlertsRepo(s).topic_counts(NOW - timedelta(days=30), NOW)),
    "report responses": lambda s: sorted(AlertsRepo(s).response_pairs(NOW - timedelta(days=30), NOW)),
    "top complaints": lambda s: AlertsRepo(s).top_complaints(NOW - timedelta(days=30), NOW),
    "sources health": lambda s: AlertsRepo(s).sources_health(),
}
for _name, _flt in FILTERS.items():
    READS[f"inbox {_name}"] = (lambda f: lambda s: (queries.inbox_count(s, f), queries.inbox_page(s, f, 0, 10),
                                                     queries.inbox_ids(s, f, 1, 10)))(_flt)
for _bucket in queries.BUCKETS:
    for _by in queries.GROUPINGS:
        READS[f"volume {_bucket} x {_by}"] = (lambda b, g: lambda s: queries.volume(s, FROM, TO, b, g))(_bucket, _by)
    for _dimension in queries.RATING_DIMENSIONS:
        READS[f"ratings {_bucket} x {_dimension}"] = (
            lambda b, d: lambda s: (queries.ratings(s, FROM, TO, b, d), queries.rating_totals(s, FROM, TO, d)))(
            _bucket, _dimension)


@pytest.mark.parametrize("read", sorted(READS))
def test_both_engines_answer_alike(pair: tuple[Store, Store], read: str) -> None:
    sqlite, postgresql = (READS[read](store) for store in pair)
    assert sqlite == postgresql
    assert sqlite not in (None, [], {}, 0, ()), "a read that finds nothing proves nothing"
