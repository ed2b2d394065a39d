"""Bluesky searchPosts against a loopback PDS: createSession, cursor paging, an expired token, errors."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from clinicwatch.pipeline import collect_once
from collectors.api_client import ApiClient
from collectors.base import SourceError
from collectors.bluesky import BlueskyCollector, web_link
from storage.store import open_store
from tests.forum_fixtures import make_config
from tests.loopback import Request, Response
from tests.platform_fixtures import load_json

SESSION = "/xrpc/com.atproto.server.createSession"
SEARCH = "/xrpc/app.bsky.feed.searchPosts"
HANDLE, PASSWORD = "salusmedica.bsky.social", "abcd-efgh-ijkl-mnop"
JSON = {"Content-Type": "application/json"}


class FakePds:
    def __init__(self, loopback) -> None:
        self.posts: list[dict[str, Any]] = load_json("bluesky_search_all.json")["posts"]
        self.sessions = 0
        self.valid: set[str] = set()
        self.fail_with: Response | None = None
        loopback.routes[SESSION] = self.create_session
        loopback.routes[SEARCH] = self.search
        loopback.routes["/xrpc/app.bsky.feed.getPosts"] = self.get_posts
        self.roots = {"at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbw0root0000":
                      "Szukam dobrej przychodni w Krakowie, polecacie coś?\nNajlepiej z kardiologiem."}

    def get_posts(self, request: Request) -> Response:
        uris = parse_qs(urlsplit(request.path).query)["uris"]
        assert len(uris) <= 25
        posts = [{"uri": uri, "cid": "bafyreiroot", "author": {"did": "did:plc:x", "handle": "anna-w.bsky.social"},
                  "record": {"$type": "app.bsky.feed.post", "text": self.roots[uri],
                             "createdAt": "2025-11-15T06:00:00Z"}} for uri in uris if uri in self.roots]
        return Response(200, json.dumps({"posts": posts}).encode(), JSON)

    def create_session(self, request: Request) -> Response:
        body = json.loads(request.body)
        if (body.get("identifier"), body.get("password")) != (HANDLE, PASSWORD):
            return Response(401, b'{"error":"AuthenticationRequired","message":"Invalid identifier or password"}', JSON)
        self.sessions += 1
        token = f"jwt-{self.sessions}"
        self.valid.add(token)
        return Response(200, json.dumps({"did": "did:plc:salus", "handle": HANDLE, "accessJwt": token,
                                         "refreshJwt": "refresh-" + token, "active": True}).encode(), JSON)

    def search(self, request: Request) -> Response:
        if self.fail_with is not None:
            return self.fail_with
        if request.headers.get("authorization", "").removeprefix("Bearer ") not in self.valid:
            return Response(400, b'{"error":"ExpiredToken","message":"Token has expired"}', JSON)
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}
        assert query["sort"] == "latest"
        hits = sorted((p for p in self.posts if p["record"]["createdAt"] >= query.get("since", "")),
                      key=lambda p: p["record"]["createdAt"], reverse=True)
        start, limit = int(query.get("cursor", 0)), int(query["limit"])
        body: dict[str, Any] = {"posts": hits[start:start + limit], "hitsTotal": len(hits)}
        if start + limit < len(hits):
            body["cursor"] = str(start + limit)
        return Response(200, json.dumps(body).encode(), JSON)


@pytest.fixture
def pds(loopback, monkeypatch) -> FakePds:
    monkeypatch.setenv("BLUESKY_HANDLE", HANDLE)
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", PASSWORD)
    return FakePds(loopback)


def source(loopback, **fields: Any) -> dict[str, Any]:
    return {"kind": "bluesky", "name": "bluesky", "service_url": loopback.base_url, "page_size": 2, **fields}


def collector(tmp_path, loopback, **fields: Any) -> BlueskyCollector:
    config = make_config(tmp_path, [source(loopback, **fields)])
    return BlueskyCollector(config.sources[0], config, client=ApiClient(config.http, sleep=lambda _s: None))


def searches(loopback) -> list[dict[str, list[str]]]:
    return [parse_qs(urlsplit(r.path).query) for r in loopback.requests if r.path.startswith(SEARCH)]


def test_signs_in_and_reads_the_newest_page_with_the_fields(tmp_path, loopback, pds) -> None:
    result = collector(tmp_path, loopback, search=["Salus"]).collect({})

    assert [m.author for m in result.mentions] == ["anna-w.bsky.social", "clinicfan.bsky.social"]
    first, reply = result.mentions
    assert first.url == "https://bsky.app/profile/anna-w.bsky.social/post/3lbx7newest01"
    assert first.external_id == "at://did:plc:ewvi7nxzyoun6zhxrhs64oiz/app.bsky.feed.post/3lbx7newest01"
    assert first.published_at == datetime(2025, 11, 15, 8, 30, 12, 345000, tzinfo=UTC)
    assert first.language == "pl" and first.score == 3 and first.comment_count == 1
    assert reply.thread_url == "https://bsky.app/profile/did:plc:ewvi7nxzyoun6zhxrhs64oiz/post/3lbw0root0000"
    assert reply.thread_title == "Szukam dobrej przychodni w Krakowie, polecacie coś?"  # the thread's first post
    assert first.thread_title == ""
    session_calls = [r for r in loopback.requests if r.path == SESSION]
    assert len(session_calls) == 1 and session_calls[0].method == "POST"
    assert all(r.headers["authorization"] == "Bearer jwt-1" for r in loopback.requests if r.path.startswith(SEARCH))
    assert result.cursor["Salus"]["since"] == "2025-11-15T08:30:12.345Z"
    assert PASSWORD not in json.dumps(result.cursor)


def test_later_runs_follow_the_cursor_until_known_posts(tmp_path, loopback, pds) -> None:
    reader = collector(tmp_path, loopback, search=["Salus"])
    cursor = {"Salus": {"since": "2025-11-13T00:00:00Z", "seen": []}}
    result = reader.collect(cursor)

    assert len(result.mentions) == 4
    assert [q.get("cursor") for q in searches(loopback)] == [None, ["2"]]
    assert searches(loopback)[0]["since"] == ["2025-11-13T00:00:00Z"]

    loopback.requests.clear()
    again = reader.collect(result.cursor)
    assert again.mentions == []
    assert len(searches(loopback)) == 1 and pds.sessions == 1  # the session is kept between runs


def test_the_brand_names_are_the_default_queries(tmp_path, loopback, pds) -> None:
    collector(tmp_path, loopback).collect({})
    assert sorted(q["q"][0] for q in searches(loopback)) == ['"Salus Medica"', "Salus"]


def test_an_expired_token_signs_in_again_once(tmp_path, loopback, pds) -> None:
    reader = collector(tmp_path, loopback, search=["Salus"])
    reader.collect({})
    pds.valid.clear()  # the access JWT expired (they live about two hours)

    result = reader.collect({})
    assert len(result.mentions) == 2 and pds.sessions == 2


def test_missing_or_wrong_credentials_say_what_to_set(tmp_path, loopback, pds, monkeypatch) -> None:
    monkeypatch.delenv("BLUESKY_APP_PASSWORD")
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "auth" and "BLUESKY_APP_PASSWORD" in raised.value.message
    assert "BLUESKY_HANDLE" not in raised.value.message and loopback.requests == []

    monkeypatch.setenv("BLUESKY_APP_PASSWORD", "wrong-pass-word-xxxx")
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "auth" and "app password" in raised.value.message
    assert "wrong-pass-word-xxxx" not in str(raised.value)


def test_rate_limit_is_a_source_error_with_the_wait(tmp_path, loopback, pds) -> None:
    pds.fail_with = Response(429, b'{"error":"RateLimitExceeded","message":"Rate Limit Exceeded"}',
                             {**JSON, "Retry-After": "90", "RateLimit-Remaining": "0"})
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "rate_limited" and raised.value.retry_after == 90


def test_web_link() -> None:
    assert web_link("at://did:plc:abc/app.bsky.feed.post/3k2", "") == "https://bsky.app/profile/did:plc:abc/post/3k2"
    assert web_link("at://did:plc:abc/app.bsky.feed.like/3k2", "x") == "https://bsky.app"


def test_loopback_pds_is_refused_unless_allowed(tmp_path, loopback, pds) -> None:
    config = make_config(tmp_path, [source(loopback)], allow_private_addresses=False)
    with pytest.raises(SourceError) as raised:
        BlueskyCollector(config.sources[0], config).collect({})  # type: ignore[arg-type]
    assert raised.value.kind == "blocked_address" and loopback.requests == []


def test_posts_are_stored_once_through_the_pipeline(tmp_path, loopback, pds) -> None:
    config = make_config(tmp_path, [source(loopback, page_size=100)])
    store = open_store(config.database)

    [run] = collect_once(config, store)
    assert run.status == "ok", run
    assert store.count_mentions() == 4
    [again] = collect_once(config, store)
    assert again.status == "ok" and again.new == 0 and store.count_mentions() == 4
