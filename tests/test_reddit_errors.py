"""Reddit's failure answers, served on 127.0.0.1 to the real PRAW client, become SourceErrors a user can act on."""
from __future__ import annotations

import pytest

from collectors.base import SourceError
from collectors.reddit import RedditCollector
from storage.store import Store
from tests.reddit_replay import RedditReplay, reddit_config

SECRET = "s3cret-client-value"
INVALID_TOKEN = {"WWW-Authenticate": 'Bearer realm="reddit", error="invalid_token"'}


@pytest.fixture(autouse=True)
def reddit_credentials(monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "test-client-id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", SECRET)


@pytest.fixture
def replay(shared_dir):
    cassette = shared_dir / "fixtures/reddit/TestSubredditStreams.test_comments__with_pause.json"
    with RedditReplay(cassette) as server:
        server.add_empty_listing("/r/kakapo/new")
        yield server


def collector(replay: RedditReplay, timeout: float = 5) -> RedditCollector:
    config = reddit_config(replay.base_url, timeout=timeout, stream_subreddits=["kakapo"], search=[])
    config.brand.names = ["kakapo"]  # the default search must be answered too; an empty page is fine
    replay.add_empty_listing("/r/all/search?q=kakapo&restrict_sr=False")
    return RedditCollector(config.sources[0], config)


def failure(replay: RedditReplay, timeout: float = 5) -> SourceError:
    with pytest.raises(SourceError) as caught:
        collector(replay, timeout).collect({})
    assert SECRET not in str(caught.value)
    return caught.value


def test_rejected_credentials(replay):
    replay.fail_next("/api/v1/access_token", 401, {"message": "Unauthorized", "error": 401})
    error = failure(replay)
    assert error.kind == "auth"
    assert error.message == "Reddit rejected the credentials: check REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET"


def test_token_refused_by_the_api(replay):
    replay.fail_next("/r/kakapo/", 401, {"message": "Unauthorized", "error": 401}, headers=INVALID_TOKEN, times=5)
    error = failure(replay)
    assert error.kind == "auth" and "REDDIT_CLIENT_ID" in error.message


def test_token_refused_without_an_explanation_header(replay):
    replay.fail_next("/r/kakapo/", 401, {"message": "Unauthorized", "error": 401}, times=5)
    error = failure(replay)
    assert error.kind == "auth" and "REDDIT_CLIENT_SECRET" in error.message


def test_an_answer_that_is_not_a_listing(replay):
    replay.fail_next("/r/kakapo/", 200, {"unexpected": True})
    error = failure(replay)
    assert error.kind == "parse" and "r/kakapo" in error.message


def test_private_subreddit(replay):
    replay.fail_next("/r/kakapo/", 403, {"reason": "private", "message": "Forbidden", "error": 403})
    error = failure(replay)
    assert error.kind == "forbidden"
    assert error.message == "r/kakapo is private (403): remove it from stream_subreddits or get access"


def test_banned_or_missing_subreddit(replay):
    replay.fail_next("/r/kakapo/", 404, {"reason": "banned", "message": "Not Found", "error": 404})
    error = failure(replay)
    assert error.kind == "not_found"
    assert error.message.startswith("r/kakapo was not found or is banned (404)")


def test_subreddit_that_never_existed_redirects_to_search(replay):
    replay.fail_next("/r/kakapo/", 302, {}, headers={"Location": "/subreddits/search?q=kakapo"})
    error = failure(replay)
    assert error.kind == "not_found" and error.message.startswith("r/kakapo does not exist")


def test_rate_limited_with_retry_after(replay):
    replay.fail_next("/r/kakapo/", 429, {"message": "Too Many Requests", "error": 429}, headers={"Retry-After": "120"})
    error = failure(replay)
    assert error.kind == "rate_limited"
    assert error.retry_after == 120
    assert "429" in error.message and "120" in error.message


def test_server_error_after_praws_own_retries(replay):
    replay.fail_next("/r/kakapo/", 500, {"message": "Internal Server Error", "error": 500}, times=3)
    error = failure(replay)
    assert error.kind == "http"
    assert error.message == "Reddit is having trouble (500): will retry"
    assert len([r for r in replay.requests if "/r/kakapo/" in r.path]) == 3  # prawcore retried twice, no more


@pytest.mark.slow
def test_timeout(replay):
    replay.fail_next("/r/kakapo/", 200, {}, delay=2.5, times=3)
    error = failure(replay, timeout=1)
    assert error.kind == "timeout"
    assert error.message == "Reddit did not answer within 1 s: will retry"


def test_oversized_answer(replay):
    config = reddit_config(replay.base_url, stream_subreddits=["kakapo"], search=["x"])
    config.http.max_bytes = 5_000  # the recorded kakapo comments page is about 20 kB
    replay.add_empty_listing("/r/all/search?q=x&restrict_sr=False")
    with pytest.raises(SourceError) as caught:
        RedditCollector(config.sources[0], config).collect({})
    error = caught.value
    assert error.kind == "too_large" and "http.max_bytes" in error.message


def test_failure_is_recorded_as_health_and_the_next_run_recovers(replay, tmp_path):
    store = Store(tmp_path / "clinicwatch.db")
    store.ensure_source("reddit-test", "reddit")
    replay.fail_next("/r/kakapo/", 403, {"reason": "private", "message": "Forbidden", "error": 403})
    error = failure(replay)
    store.record_failure("reddit-test", error.kind, error.message, retry_after=error.retry_after)

    result = collector(replay).collect(store.cursor("reddit-test"))
    store.record_success("reddit-test", [(m, None) for m in result.mentions], result.cursor, seen=result.seen)

    health = store.source("reddit-test")
    assert health["last_error"] is None and health["consecutive_failures"] == 0
    assert store.count_mentions() > 0 and "comments:kakapo" in health["cursor"]
    store.close()
