"""A Facebook Page's recommendations and post comments against a loopback Graph API."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clinicwatch.pipeline import collect_once
from collectors.api_client import ApiClient
from collectors.base import SourceError
from collectors.facebook import FacebookCollector
from storage.store import open_store
from tests.forum_fixtures import make_config
from tests.platform_fixtures.facebook_api import PAGE_ID, TOKEN, FakeGraph

NOW = datetime(2025, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def graph(loopback, monkeypatch) -> FakeGraph:
    monkeypatch.setenv("FACEBOOK_PAGE_TOKEN", TOKEN)
    return FakeGraph(loopback)


def source(loopback, **fields: Any) -> dict[str, Any]:
    return {"kind": "facebook", "name": "facebook-page", "page_id": PAGE_ID, "label": "Salus Medica Mokotów",
            "graph_url": loopback.base_url, "language": "pl", **fields}


def collector(tmp_path, loopback, **fields: Any) -> FacebookCollector:
    config = make_config(tmp_path, [source(loopback, **fields)])
    return FacebookCollector(config.sources[0], config, client=ApiClient(config.http, sleep=lambda _s: None),
                             now=lambda: NOW)


def test_ratings_and_comments_with_their_threads(tmp_path, loopback, graph) -> None:
    result = collector(tmp_path, loopback).collect({})

    ratings = [m for m in result.mentions if m.external_id.startswith("rating:")]
    comments = [m for m in result.mentions if not m.external_id.startswith("rating:")]
    assert [m.author for m in ratings] == ["Magdalena Zielińska", "Adam Król", "anonymous"]  # two pages
    assert ratings[0].extra["recommendation"] == "negative" and "rating" not in ratings[0].extra
    assert ratings[1].extra["rating"] == 5
    assert ratings[0].url == "https://www.facebook.com/10228876543210001_1190022334455667"
    assert ratings[0].published_at == datetime(2025, 11, 14, 18, 2, 11, tzinfo=UTC)
    assert ratings[0].thread_title == "Salus Medica Mokotów"
    assert [m.external_id for m in comments] == ["1234500000000001_9000000000000003",
                                                 "1234500000000001_9000000000000001",
                                                 "1234500000000002_9000000000000010"]
    first = comments[0]
    assert first.author == "Karolina Wójcik" and first.text.startswith("Rejestracja online nie działa")
    assert first.thread_title == ("Salus Medica Mokotów: Od poniedziałku nowa rejestracja online! "
                                  "Umów wizytę w kilka minut.")
    assert first.thread_url == "https://www.facebook.com/104455667788990/posts/1234500000000001"
    assert comments[1].author == "anonymous"  # the commenter's privacy hides the name
    assert result.note == "1 comment(s) by the Page itself left out"
    assert all(r.headers["authorization"] == f"Bearer {TOKEN}" for r in loopback.requests)
    assert not any(TOKEN in r.path for r in loopback.requests)  # the token never sits in a URL


def test_a_second_run_finds_only_what_is_new(tmp_path, loopback, graph) -> None:
    reader = collector(tmp_path, loopback)
    first = reader.collect({})
    loopback.requests.clear()

    assert reader.collect(first.cursor).mentions == []
    ratings_calls = [r for r in loopback.requests if r.path.startswith(f"/{PAGE_ID}/ratings")]
    assert len(ratings_calls) == 1  # newest first: the first page already reaches known ratings

    graph.comments["104455667788990_1234500000000002"].insert(0, {
        "id": "1234500000000002_9000000000000011", "message": "Salus Medica: czy badanie jest też w niedzielę?",
        "created_time": "2025-11-15T09:00:00+0000", "from": {"id": "7000000000000003", "name": "Ola"},
        "permalink_url": "https://www.facebook.com/104455667788990/posts/1234500000000002?comment_id=11"})
    third = reader.collect(first.cursor)
    assert [m.external_id for m in third.mentions] == ["1234500000000002_9000000000000011"]


@pytest.mark.parametrize("status, code, headers, kind, advice", [
    (400, 190, {}, "auth", "FACEBOOK_PAGE_TOKEN"),
    (403, 200, {}, "forbidden", "pages_read_user_content"),
    (400, 4, {"X-Business-Use-Case-Usage": json.dumps({PAGE_ID: [{"type": "pages", "call_count": 100,
                                                                   "estimated_time_to_regain_access": 7}]})},
     "rate_limited", "rate limit"),
    (500, 2, {}, "http", "temporary"),
])
def test_graph_errors_say_what_to_do(tmp_path, loopback, graph, status, code, headers, kind, advice) -> None:
    graph.fail_with = FakeGraph.error(status, code, "An error", "OAuthException", **headers)
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == kind and advice in raised.value.message
    if code == 4:
        assert raised.value.retry_after == 7 * 60


def test_without_a_token_nothing_is_requested(tmp_path, loopback, graph, monkeypatch) -> None:
    monkeypatch.delenv("FACEBOOK_PAGE_TOKEN")
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "auth" and "FACEBOOK_PAGE_TOKEN" in raised.value.message
    assert loopback.requests == []


def test_loopback_graph_is_refused_unless_allowed(tmp_path, loopback, graph) -> None:
    config = make_config(tmp_path, [source(loopback)], allow_private_addresses=False)
    with pytest.raises(SourceError) as raised:
        FacebookCollector(config.sources[0], config).collect({})  # type: ignore[arg-type]
    assert raised.value.kind == "blocked_address" and loopback.requests == []


def test_page_items_are_stored_once_through_the_pipeline(tmp_path, loopback, graph) -> None:
    config = make_config(tmp_path, [source(loopback)])
    store = open_store(config.database)

    [run] = collect_once(config, store)
    assert run.status == "ok", run
    assert store.count_mentions() == 6
    [again] = collect_once(config, store)
    assert again.status == "ok" and again.new == 0 and store.count_mentions() == 6


GONE = "1234500000000001_9000000000000001"  # "A kiedy wreszcie ktoś odbierze telefon?", the oldest on its post


def collector_at(tmp_path, loopback, now: datetime, **fields: Any) -> FacebookCollector:
    config = make_config(tmp_path, [source(loopback, **fields)])
    return FacebookCollector(config.sources[0], config, client=ApiClient(config.http, sleep=lambda _s: None),
                             now=lambda: now)


def test_a_deleted_comment_is_reported_once_on_the_next_full_listing(tmp_path, loopback, graph) -> None:
    first = collector_at(tmp_path, loopback, NOW).collect({})
    post = "104455667788990_1234500000000001"
    graph.comments[post] = [c for c in graph.comments[post] if c["id"] != GONE]

    within_a_day = collector_at(tmp_path, loopback, NOW + timedelta(hours=2)).collect(first.cursor)
    assert "deleted_ids" not in within_a_day.extra  # a run that stops at known comments cannot tell
    next_day = collector_at(tmp_path, loopback, NOW + timedelta(hours=25)).collect(within_a_day.cursor)

    assert next_day.mentions == [] and next_day.extra["deleted_ids"] == [GONE]
    assert next_day.note and "1 comment(s) no longer on Facebook" in next_day.note and GONE in next_day.note
    day_after = collector_at(tmp_path, loopback, NOW + timedelta(hours=50)).collect(next_day.cursor)
    assert "deleted_ids" not in day_after.extra  # reported once


def test_a_full_listing_cut_by_max_pages_tells_no_deletion(tmp_path, loopback, graph) -> None:
    first = collector_at(tmp_path, loopback, NOW).collect({})
    post = "104455667788990_1234500000000001"
    graph.comments[post] = [c for c in graph.comments[post] if c["id"] != GONE]
    graph.comments[post] += [{"id": f"1234500000000001_80000000000000{n:02d}", "message": f"Stary komentarz {n}",
                              "created_time": "2025-11-09T10:00:00+0000", "permalink_url": "https://fb.example/c"}
                             for n in range(4)]  # the post now needs three pages of two

    later = collector_at(tmp_path, loopback, NOW + timedelta(hours=25), max_pages=2).collect(first.cursor)

    assert "deleted_ids" not in later.extra
    assert later.note and "stopped after 2 page(s)" in later.note
    assert GONE in later.cursor["comment_ids"][post]  # still known: a later complete listing can tell


def test_a_deleted_comment_keeps_its_stored_mention_with_an_event(tmp_path, loopback, graph) -> None:
    config = make_config(tmp_path, [source(loopback, full_scan_hours=1e-9)])  # every run lists every comment
    store = open_store(config.database)
    collect_once(config, store)
    mention_id = store.mention_id("facebook-page", GONE)
    assert mention_id is not None
    post = "104455667788990_1234500000000001"
    graph.comments[post] = [c for c in graph.comments[post] if c["id"] != GONE]

    [run] = collect_once(config, store)
    assert run.status == "ok" and "no longer on Facebook" in (store.source("facebook-page") or {})["note"]
    collect_once(config, store)

    assert store.mention(mention_id) is not None  # kept, not erased
    actions = [event["action"] for event in store.events(mention_id)]
    assert actions.count("deleted_on_platform") == 1
    assert store.count_mentions() == 6
