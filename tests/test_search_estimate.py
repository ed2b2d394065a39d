"""The Inbox's search on both engines: the cheap hit estimate that picks a plan stays near the exact count, and a
search over the open statuses (PostgreSQL: its own partial index) finds exactly the open mentions with the word."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from core.models import Analysis, Mention
from storage import queries
from storage.queries import MentionFilter
from storage.workflow import set_status

WORD = "infolinia"


def _fill(store, count: int = 240) -> dict[int, tuple[bool, str]]:
    """`count` mentions, a third with WORD, every fourth replied; {id: (has the word, status)}."""
    now = datetime.now(UTC)
    items = []
    for i in range(count):
        text = f"{'Infolinia nie odbiera' if i % 3 == 0 else 'Miła obsługa'} numer {i}"
        mention = Mention(source_kind="feed", source_name="forum", external_id=f"m{i}", url=f"https://f.example/{i}",
                          text=text, title="", author=f"u{i}", published_at=now - timedelta(minutes=i), language="pl")
        items.append((mention, Analysis("pl", "neutral", 0.0, "other", ["other"], 0.1, [])))
    store.ensure_source("forum", "feed")
    store.record_success("forum", items, {}, seen=len(items), at=now)
    truth = {}
    for row in store._db.query("SELECT id, text FROM mentions"):
        replied = int(row["text"].rsplit(" ", 1)[1]) % 4 == 0
        if replied:
            set_status(store, row["id"], "replied", "tester")
        truth[row["id"]] = ("Infolinia" in row["text"], "replied" if replied else "new")
    store._conn.execute("ANALYZE")
    return truth


def test_the_hit_estimate_is_near_the_exact_count(store):
    truth = _fill(store)
    exact = queries._search_hits(store, WORD)
    assert exact == sum(has for has, _ in truth.values()) == 80
    estimate = queries._search_estimate(store, WORD)
    assert abs(estimate - exact) <= 0.25 * exact, (estimate, exact)
    assert queries._search_estimate(store, "nieobecne") <= 0.05 * len(truth)  # a word in no mention


def test_a_search_over_open_statuses_finds_exactly_the_open_mentions_with_the_word(store):
    truth = _fill(store)
    expected = {i for i, (has, status) in truth.items() if has and status == "new"}
    flt = MentionFilter(search=WORD)
    assert queries.inbox_count(store, flt) == len(expected) == 60
    found = {row["id"] for row in queries.inbox_page(store, flt, 0, 100)}
    assert found == expected
    everywhere = MentionFilter(search=WORD, statuses=[])
    assert queries.inbox_count(store, everywhere) == 80
    replied = MentionFilter(search=WORD, statuses=["replied"])
    assert {row["id"] for row in queries.inbox_page(store, replied, 0, 100)} == {
        i for i, (has, status) in truth.items() if has and status == "replied"}


def test_a_search_over_every_status_is_counted_up_to_the_cap_and_other_counts_exactly(store):
    _fill(store)
    everywhere = MentionFilter(search=WORD, statuses=[])  # counted from the search index: capped
    assert queries.inbox_count(store, everywhere) == 80
    assert queries.inbox_count(store, everywhere, search_cap=50) == 51  # "more than 50"
    assert queries.inbox_count(store, everywhere, search_cap=80) == 80  # at the cap: still exact
    for flt, exact in ((MentionFilter(search=WORD), 60), (MentionFilter(), 180)):  # index-only counts: exact
        assert queries.inbox_count(store, flt, search_cap=50) == exact
