"""Posting an owner reply to a Google review against the loopback Business Profile API: exactly one PUT after a
double click and after a retried timeout, the audit and the replied mark, and an unsafe reply refused unsent."""
from __future__ import annotations

import json
from typing import Any

import pytest

from collectors.api_client import ApiClient
from collectors.base import SourceError
from collectors.google_reviews import GoogleReviewsCollector
from publishing.google_reply import post_google_reply
from replies.gate import GateRefused
from storage.store import Store
from tests.forum_fixtures import make_config
from tests.platform_fixtures.google_api import REVIEWS_PATH, SECRETS, FakeGoogle

SAFE = "Przepraszamy za utrudnienia. Prosimy o kontakt z naszą rejestracją, wyjaśnimy sprawę."
UNSAFE = "Podczas Pani ostatniej wizyty lekarz zalecił ibuprofen, to nic poważnego."
REVIEW = "AbFvOqn7rK2v"


@pytest.fixture
def google(loopback, monkeypatch) -> FakeGoogle:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)
    return FakeGoogle(loopback)


def setup(tmp_path, loopback, *, allow_posting: bool = True, timeout: float = 2) -> tuple[Any, Store, int, ApiClient]:
    source = {"kind": "google_reviews", "name": "google-mokotow", "api_url": loopback.base_url,
              "token_url": loopback.url("/token"), "language": "pl", "allow_posting": allow_posting,
              "locations": [{"account": "1122334455", "location": "987654321", "label": "Salus Medica Mokotów",
                             "place_id": "ChIJdemoPlaceId"}]}
    config = make_config(tmp_path, [source], timeout_seconds=timeout)
    client = ApiClient(config.http, sleep=lambda _s: None)
    [review] = [m for m in GoogleReviewsCollector(config.sources[0], config, client=client).collect({}).mentions
                if m.external_id == REVIEW]
    store = Store(config.database)
    store.ensure_source("google-mokotow", "google_reviews")
    mention_id = store.record_success("google-mokotow", [(review, None)], {}, seen=1).new_ids[0]
    loopback.requests.clear()
    return config, store, mention_id, client


def writes(loopback) -> list[str]:
    return [f"{r.method} {r.path}" for r in loopback.requests if r.method in ("PUT", "POST") and r.path != "/token"]


def events(store: Store, mention_id: int) -> list[str]:
    return [event["action"] for event in store.events(mention_id)]


def test_a_reply_is_put_once_and_the_mention_marked_replied(tmp_path, loopback, google) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback)

    link = post_google_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)

    assert link == "https://search.google.com/local/reviews?placeid=ChIJdemoPlaceId"
    assert writes(loopback) == [f"PUT {REVIEWS_PATH}/{REVIEW}/reply"]
    assert json.loads(google.puts[0].body) == {"comment": SAFE}
    paths = [r.path for r in loopback.requests if r.path != "/token"]
    assert paths[0] == f"{REVIEWS_PATH}/{REVIEW}"  # the review is read before anything is written
    mention = store.mention(mention_id)
    assert mention is not None and mention["status"] == "replied"
    assert "google_reply_posted" in events(store, mention_id)
    posted = store._conn.execute("SELECT text, posted_url, created_by FROM replies WHERE mention_id = ?",
                                (mention_id,)).fetchall()
    assert posted == [(SAFE, link, "ewa")]


def test_a_double_click_posts_once(tmp_path, loopback, google) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback)

    post_google_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)
    post_google_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)

    assert len(google.puts) == 1
    assert events(store, mention_id).count("google_reply_already_there") == 1
    assert store._conn.execute("SELECT count(*) FROM replies WHERE mention_id = ?", (mention_id,)).fetchone()[0] == 1


def test_a_retry_after_a_timeout_does_not_post_twice(tmp_path, loopback, google) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback, timeout=0.5)
    google.reply_delay = 1.5  # Google stores the reply but answers after the client gave up

    with pytest.raises(SourceError) as raised:
        post_google_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)
    assert raised.value.kind == "timeout" and "will not post it twice" in raised.value.message
    assert "google_reply_failed" in events(store, mention_id)
    google.reply_delay = 0

    post_google_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)

    assert len(google.puts) == 1
    mention = store.mention(mention_id)
    assert mention is not None and mention["status"] == "replied"


def test_an_unsafe_reply_is_refused_before_any_request(tmp_path, loopback, google) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback)

    with pytest.raises(GateRefused) as raised:
        post_google_reply(config, mention_id, UNSAFE, store=store, actor="ewa", client=client)

    assert "confirms_patient" in {finding.rule for finding in raised.value.verdict.findings}
    assert loopback.requests == []
    mention = store.mention(mention_id)
    assert mention is not None and mention["status"] == "new"


def test_posting_is_off_unless_the_source_allows_it(tmp_path, loopback, google) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback, allow_posting=False)
    with pytest.raises(SourceError) as raised:
        post_google_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)
    assert "allow_posting = true" in raised.value.message and loopback.requests == []


def test_an_owner_reply_written_on_google_is_left_alone(tmp_path, loopback, google) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback)
    next(r for r in google.reviews if r["reviewId"] == REVIEW)["reviewReply"] = {
        "comment": "Odpowiedź napisana w panelu Google.", "updateTime": "2025-11-15T08:00:00Z"}

    with pytest.raises(SourceError) as raised:
        post_google_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)

    assert "different owner reply" in raised.value.message and google.puts == []
