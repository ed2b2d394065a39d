"""Google Business Profile reviews against a loopback Business Profile API and OAuth token endpoint."""
from __future__ import annotations

import copy
import json
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from clinicwatch.pipeline import collect_once
from collectors.api_client import ApiClient
from collectors.base import SourceError
from collectors.google_reviews import GoogleReviewsCollector
from storage.store import open_store
from tests.forum_fixtures import make_config
from tests.loopback import Response
from tests.platform_fixtures.google_api import REVIEWS_PATH, SECRETS, FakeGoogle

NOW = datetime(2025, 11, 15, 12, 0, tzinfo=UTC)


@pytest.fixture
def google(loopback, monkeypatch) -> FakeGoogle:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return FakeGoogle(loopback)


def source(loopback, **fields: Any) -> dict[str, Any]:
    return {"kind": "google_reviews", "name": "google-mokotow", "api_url": loopback.base_url,
            "token_url": loopback.url("/token"), "page_size": 3, "language": "pl",
            "locations": [{"account": "1122334455", "location": "987654321", "label": "Salus Medica Mokotów",
                           "place_id": "ChIJdemoPlaceId"}], **fields}


def collector(tmp_path, loopback, now: datetime = NOW, **fields: Any) -> GoogleReviewsCollector:
    config = make_config(tmp_path, [source(loopback, **fields)])
    return GoogleReviewsCollector(config.sources[0], config, client=ApiClient(config.http, sleep=lambda _s: None),
                                  now=lambda: now)


def test_first_collection_reads_every_page_with_the_right_fields(tmp_path, loopback, google) -> None:
    result = collector(tmp_path, loopback).collect({})

    assert [m.external_id for m in result.mentions] == [
        "AbFvOqn7rK2v", "AbFvOqlXn0Pq", "AbFvOqm3uTzR", "AbFvOqkQ81aa", "AbFvOqj00bbb"]
    first, anonymous, translated, no_flag, rating_only = result.mentions
    assert first.author == "Katarzyna Wiśniewska" and first.extra["rating"] == 1
    assert first.published_at == datetime(2025, 11, 14, 9, 12, 44, 118000, tzinfo=UTC)
    assert first.thread_title == "Salus Medica Mokotów" and first.source_kind == "google_reviews"
    assert first.url == "https://search.google.com/local/reviews?placeid=ChIJdemoPlaceId"
    assert first.extra["review_name"] == "accounts/1122334455/locations/987654321/reviews/AbFvOqn7rK2v"
    assert anonymous.author == "anonymous" and anonymous.extra["rating"] == 5
    assert anonymous.text == "Świetna opieka, dr Anna Kowalska bardzo dokładnie wszystko wyjaśniła."
    assert anonymous.extra["owner_reply"]["comment"] == "Dziękujemy za miłe słowa!"
    assert translated.text == "Ambulatorio pulito, ma l'attesa è stata lunga."
    assert no_flag.author == "Piotr N." and no_flag.extra["rating"] == 2
    assert rating_only.text == "" and rating_only.extra["rating"] == 4
    assert result.seen == 5
    token_calls = [r for r in loopback.requests if r.path == "/token"]
    assert len(token_calls) == 1 and token_calls[0].method == "POST"
    assert parse_qs(token_calls[0].body.decode())["grant_type"] == ["refresh_token"]
    listings = [r for r in loopback.requests if r.path.startswith(REVIEWS_PATH)]
    assert [parse_qs(urlsplit(r.path).query).get("pageToken") for r in listings] == [None, ["3"]]
    assert all(r.headers["authorization"] == "Bearer tok-1" for r in listings)


def test_second_run_stops_at_the_cursor_and_finds_nothing(tmp_path, loopback, google) -> None:
    reader = collector(tmp_path, loopback)
    first = reader.collect({})
    loopback.requests.clear()

    second = reader.collect(first.cursor)

    assert second.mentions == []
    listings = [r for r in loopback.requests if r.path.startswith(REVIEWS_PATH)]
    assert len(listings) == 1  # the first page reaches reviews already known: page 2 is not read


def test_new_and_edited_reviews_come_back_once_each(tmp_path, loopback, google) -> None:
    first = collector(tmp_path, loopback).collect({})
    edited = next(r for r in google.reviews if r["reviewId"] == "AbFvOqm3uTzR")
    edited["updateTime"] = "2025-11-15T10:00:00Z"
    edited["starRating"] = "ONE"
    edited["comment"] = "Aggiornamento: mi hanno cancellato la visita due volte. Pessimo."
    fresh = copy.deepcopy(google.reviews[0])
    fresh.update(reviewId="AbFvNEW00001", name=fresh["name"].rsplit("/", 1)[0] + "/AbFvNEW00001",
                 createTime="2025-11-15T11:00:00Z", updateTime="2025-11-15T11:00:00Z")
    google.reviews.append(fresh)

    second = collector(tmp_path, loopback).collect(first.cursor)

    assert [m.external_id for m in second.mentions] == ["AbFvNEW00001", "AbFvOqm3uTzR@2025-11-15T10:00:00Z"]
    change = second.mentions[1]
    assert change.extra["edit_of"] == "AbFvOqm3uTzR" and change.extra["rating"] == 1
    assert change.extra["previous_update_time"] == "2025-11-10T08:00:00Z"
    assert change.text.startswith("Aggiornamento")
    third = collector(tmp_path, loopback).collect(second.cursor)
    assert third.mentions == []


def test_a_deleted_review_is_reported_on_the_next_full_listing(tmp_path, loopback, google) -> None:
    first = collector(tmp_path, loopback).collect({})
    google.reviews = [r for r in google.reviews if r["reviewId"] != "AbFvOqkQ81aa"]

    within_a_day = collector(tmp_path, loopback, now=NOW + timedelta(hours=2)).collect(first.cursor)
    assert within_a_day.note is None  # only a full listing can tell a deletion from a cursor stop
    next_day = collector(tmp_path, loopback, now=NOW + timedelta(hours=25)).collect(within_a_day.cursor)

    assert next_day.mentions == []
    assert next_day.note and "1 review(s) no longer listed" in next_day.note and "AbFvOqkQ81aa" in next_day.note
    assert next_day.extra["missing_reviews"] == {"1122334455/987654321": ["AbFvOqkQ81aa"]}
    # Newly gone: the pipeline marks the stored mention (and its latest edit's, had there been one).
    assert next_day.extra["deleted_ids"] == ["AbFvOqkQ81aa", "AbFvOqkQ81aa@2025-10-30T12:30:00Z"]
    day_after = collector(tmp_path, loopback, now=NOW + timedelta(hours=50)).collect(next_day.cursor)
    assert "deleted_ids" not in day_after.extra and "AbFvOqkQ81aa" in (day_after.note or "")  # marked once
    assert "AbFvOqkQ81aa" in next_day.cursor["locations"]["1122334455/987654321"]["known"]


def test_a_refused_token_is_refreshed_once(tmp_path, loopback, google) -> None:
    google.rejected = {"tok-1"}  # revoked early, before its expires_in ran out

    result = collector(tmp_path, loopback).collect({})

    assert len(result.mentions) == 5 and google.issued == 2
    calls = [(r.path.split("?")[0], r.headers.get("authorization")) for r in loopback.requests]
    assert calls[:4] == [("/token", None), (REVIEWS_PATH, "Bearer tok-1"), ("/token", None),
                         (REVIEWS_PATH, "Bearer tok-2")]


def test_the_token_is_reused_between_runs(tmp_path, loopback, google) -> None:
    reader = collector(tmp_path, loopback)
    reader.collect(reader.collect({}).cursor)
    assert google.issued == 1


def test_a_token_refused_after_refresh_is_an_auth_error(tmp_path, loopback, google, caplog) -> None:
    google.fail_with = Response(401, b'{"error": {"code": 401, "message": "Request had invalid credentials."}}')
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "auth" and "re-authorise" in raised.value.message
    assert google.issued == 2
    for secret_value in SECRETS.values():
        assert secret_value not in str(raised.value) and secret_value not in caplog.text


@pytest.mark.parametrize("status, headers, kind, advice", [
    (403, {}, "forbidden", "does not manage this location"),
    (429, {"Retry-After": "120"}, "rate_limited", "retried later"),
    (503, {}, "http", "retried later"),
])
def test_api_errors_say_what_to_do(tmp_path, loopback, google, status, headers, kind, advice) -> None:
    body = {"error": {"code": status, "message": "The caller does not have permission", "status": "X"}}
    google.fail_with = Response(status, json.dumps(body).encode(), {"Content-Type": "application/json", **headers})
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == kind and advice in raised.value.message
    if status == 429:
        assert raised.value.retry_after == 120


def test_a_revoked_refresh_token_says_how_to_get_a_new_one(tmp_path, loopback, google, monkeypatch) -> None:
    monkeypatch.setenv("GOOGLE_REFRESH_TOKEN", "1//revoked")
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "auth" and "GOOGLE_REFRESH_TOKEN" in raised.value.message
    assert "1//revoked" not in str(raised.value) and "s3cr3t-value" not in str(raised.value)


def test_missing_credentials_are_named(tmp_path, loopback, google, monkeypatch) -> None:
    monkeypatch.delenv("GOOGLE_REFRESH_TOKEN")
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "auth" and "GOOGLE_REFRESH_TOKEN" in raised.value.message
    assert "GOOGLE_CLIENT_ID" not in raised.value.message
    assert loopback.requests == []


def test_loopback_api_is_refused_unless_allowed(tmp_path, loopback, google) -> None:
    config = make_config(tmp_path, [source(loopback)], allow_private_addresses=False)
    reader = GoogleReviewsCollector(config.sources[0], config)
    with pytest.raises(SourceError) as raised:
        reader.collect({})
    assert raised.value.kind == "blocked_address"
    assert loopback.requests == []


def test_reviews_are_stored_once_through_the_pipeline(tmp_path, loopback, google) -> None:
    config = make_config(tmp_path, [source(loopback)])
    store = open_store(config.database)

    [run] = collect_once(config, store)
    assert run.status == "ok", run
    rows = {row["external_id"]: row for row in store.recent_mentions(100)}
    # Each review names no brand itself; its location's label ("Salus Medica Mokotów") makes it a mention.
    assert set(rows) == {"AbFvOqn7rK2v", "AbFvOqlXn0Pq", "AbFvOqm3uTzR", "AbFvOqkQ81aa", "AbFvOqj00bbb"}
    assert rows["AbFvOqn7rK2v"]["extra"]["rating"] == 1
    assert rows["AbFvOqn7rK2v"]["sentiment"] == "negative"
    assert rows["AbFvOqj00bbb"]["sentiment"] == "positive"  # no words, four stars: the rating decides

    [again] = collect_once(config, store)
    assert again.status == "ok" and again.new == 0 and store.count_mentions() == 5


def test_a_deleted_review_keeps_its_stored_mention_with_an_event(tmp_path, loopback, google) -> None:
    config = make_config(tmp_path, [source(loopback, full_scan_hours=1e-9)])  # every run reads every page
    store = open_store(config.database)
    collect_once(config, store)
    google.reviews = [r for r in google.reviews if r["reviewId"] != "AbFvOqkQ81aa"]

    collect_once(config, store)
    collect_once(config, store)

    mention_id = store.mention_id("google-mokotow", "AbFvOqkQ81aa")
    assert mention_id is not None  # kept
    actions = [event["action"] for event in store.events(mention_id)]
    assert actions.count("deleted_on_platform") == 1
    state = store.source("google-mokotow")
    assert "no longer listed by Google" in state["note"]


def test_a_full_listing_cut_by_max_pages_says_deletions_cannot_be_told(tmp_path, loopback, google) -> None:
    result = collector(tmp_path, loopback, max_pages=1).collect({})
    assert len(result.mentions) == 3
    assert result.note and "full listing stopped after 1 page(s)" in result.note
    assert "last_full" not in result.cursor["locations"]["1122334455/987654321"]


@pytest.mark.parametrize("stars", ["ONE", "FIVE"])  # changed stars, or only a moved updateTime
def test_an_edit_of_the_stars_alone_is_stored_and_analysed_with_its_history(tmp_path, loopback, google,
                                                                            stars) -> None:
    config = make_config(tmp_path, [source(loopback)])
    store = open_store(config.database)
    collect_once(config, store)
    review = next(r for r in google.reviews if r["reviewId"] == "AbFvOqlXn0Pq")  # five stars, words unchanged below
    review["starRating"] = stars
    review["updateTime"] = "2025-11-15T10:00:00Z"

    [run] = collect_once(config, store)

    assert run.status == "ok" and run.new == 1, run
    assert store.source_drops().get("google-mokotow", {}).get("duplicate", (0, 0))[0] == 0
    edit = store.mention(store.mention_id("google-mokotow", "AbFvOqlXn0Pq@2025-11-15T10:00:00Z") or -1)
    first = store.mention(store.mention_id("google-mokotow", "AbFvOqlXn0Pq") or -1)
    assert edit is not None and first is not None  # the earlier version stays as the history
    assert edit["text"] == first["text"] and edit["extra"]["edit_of"] == "AbFvOqlXn0Pq"
    assert edit["extra"]["rating"] == {"ONE": 1, "FIVE": 5}[stars] and first["extra"]["rating"] == 5
    # Analysed with its own stars: one star pulls the same kind words down (to neutral), five leave them positive.
    assert first["sentiment"] == "positive"
    assert edit["sentiment"] == ("neutral" if stars == "ONE" else "positive")
    assert (edit["sentiment_score"] < first["sentiment_score"]) == (stars == "ONE")
    [again] = collect_once(config, store)
    assert again.new == 0 and store.count_mentions() == 6


def test_a_deleted_review_marks_its_first_version_and_its_latest_edit(tmp_path, loopback, google) -> None:
    config = make_config(tmp_path, [source(loopback, full_scan_hours=1e-9)])  # every run reads every page
    store = open_store(config.database)
    collect_once(config, store)
    review = next(r for r in google.reviews if r["reviewId"] == "AbFvOqlXn0Pq")
    review.update(starRating="TWO", updateTime="2025-11-15T10:00:00Z")
    collect_once(config, store)
    google.reviews = [r for r in google.reviews if r["reviewId"] != "AbFvOqlXn0Pq"]

    collect_once(config, store)

    first = store.mention_id("google-mokotow", "AbFvOqlXn0Pq")
    edit = store.mention_id("google-mokotow", "AbFvOqlXn0Pq@2025-11-15T10:00:00Z")
    assert first is not None and edit is not None
    for mention_id in (first, edit):
        assert [e["action"] for e in store.events(mention_id)].count("deleted_on_platform") == 1
    others = [store.mention_id("google-mokotow", r["reviewId"]) for r in google.reviews]
    assert not any(e["action"] == "deleted_on_platform" for m in others if m for e in store.events(m))
