"""Mastodon hashtag timelines and status search against a loopback instance answering Mastodon's JSON."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from clinicwatch.pipeline import collect_once
from collectors.api_client import ApiClient
from collectors.base import SourceError
from collectors.mastodon import MastodonCollector, links
from storage.store import open_store
from tests.forum_fixtures import make_config
from tests.loopback import Request, Response
from tests.platform_fixtures import load_json

TAG_PATH = "/api/v1/timelines/tag/SalusMedica"
NOW = datetime(2025, 11, 15, 12, 0, tzinfo=UTC)


class FakeInstance:
    """Pages a hashtag timeline as Mastodon does: since_id/max_id, and a Link header whose next URL carries
    max_id only; status search by offset/min_id; rate-limit headers on every answer."""

    def __init__(self, loopback, page_size: int = 3) -> None:
        self.loopback = loopback
        self.statuses: list[dict[str, Any]] = load_json("mastodon_tag_p1.json") + load_json("mastodon_tag_p2.json")
        self.search_results: list[dict[str, Any]] = load_json("mastodon_search.json")["statuses"]
        self.page_size = page_size
        self.remaining = 300
        self.fail_with: Response | None = None
        loopback.routes[TAG_PATH] = self.timeline
        loopback.routes["/api/v2/search"] = self.search

    def _headers(self, **extra: str) -> dict[str, str]:
        self.remaining -= 1
        return {"Content-Type": "application/json; charset=utf-8", "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": str(self.remaining), "X-RateLimit-Reset": "2025-11-15T12:05:00.000Z",
                **extra}

    def timeline(self, request: Request) -> Response:
        if self.fail_with is not None:
            return self.fail_with
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}
        limit = min(int(query.get("limit", 20)), self.page_size)
        ordered = sorted(self.statuses, key=lambda s: int(s["id"]), reverse=True)
        page = [s for s in ordered if int(s["id"]) > int(query.get("since_id", 0))
                and int(s["id"]) < int(query.get("max_id", 10**20))][:limit]
        headers = self._headers()
        if page:
            base = self.loopback.url(TAG_PATH)
            headers["Link"] = (f'<{base}?limit={limit}&max_id={page[-1]["id"]}>; rel="next", '
                               f'<{base}?limit={limit}&min_id={page[0]["id"]}>; rel="prev"')
        return Response(200, json.dumps(page).encode(), headers)

    def search(self, request: Request) -> Response:
        if request.headers.get("authorization") != "Bearer masto-token-xyz":
            return Response(401, b'{"error":"The access token is invalid"}', self._headers())
        query = {k: v[0] for k, v in parse_qs(urlsplit(request.path).query).items()}
        assert query["type"] == "statuses"
        found = [s for s in self.search_results if int(s["id"]) > int(query.get("min_id", 0))]
        offset, limit = int(query.get("offset", 0)), int(query.get("limit", 20))
        body = {"accounts": [], "hashtags": [], "statuses": found[offset:offset + limit]}
        return Response(200, json.dumps(body).encode(), self._headers())


@pytest.fixture
def instance(loopback) -> FakeInstance:
    return FakeInstance(loopback)


def collector(tmp_path, loopback, **fields: Any) -> MastodonCollector:
    source = {"kind": "mastodon", "name": "mastodon", "instances": [loopback.base_url], "hashtags": ["#SalusMedica"],
              "page_size": 3, **fields}
    config = make_config(tmp_path, [source])
    return MastodonCollector(config.sources[0], config, client=ApiClient(config.http, sleep=lambda _s: None),
                             now=lambda: NOW)


def test_first_run_reads_the_newest_page_as_text(tmp_path, loopback, instance) -> None:
    result = collector(tmp_path, loopback).collect({})

    assert [m.author for m in result.mentions] == ["ola_w", "luca@mastodon.uno"]  # the boost is left out
    first = result.mentions[0]
    assert first.text == ("Trzeci raz przełożona wizyta w #SalusMedica na Mokotowie. "
                          "Ktoś ma numer do kierownika?")
    assert first.external_id == "https://mastodon.social/users/ola_w/statuses/113500000000000050"
    assert first.url == "https://mastodon.social/@ola_w/113500000000000050"
    assert first.published_at == datetime(2025, 11, 14, 20, 11, 2, tzinfo=UTC)
    assert first.language == "pl" and result.mentions[1].language == "it"
    assert first.comment_count == 2 and first.score == 4
    assert result.cursor == {f"{loopback.base_url} tag:salusmedica": "113500000000000050"}
    assert len(loopback.requests) == 1  # a first run does not page back through the hashtag's history
    assert parse_qs(urlsplit(loopback.requests[0].path).query) == {"limit": ["3"]}


def test_later_runs_page_with_since_id_and_the_link_header(tmp_path, loopback, instance) -> None:
    cursor = {f"{loopback.base_url} tag:salusmedica": "113490000000000000"}  # before every status
    result = collector(tmp_path, loopback).collect(cursor)

    assert [m.author for m in result.mentions] == ["ola_w", "luca@mastodon.uno", "kasia_k"]
    assert result.mentions[2].title == "zdrowie"  # the content warning
    queries = [parse_qs(urlsplit(r.path).query) for r in loopback.requests]
    assert queries[0] == {"limit": ["3"], "since_id": ["113490000000000000"]}
    assert queries[1]["max_id"] == ["113498000000000030"]  # followed rel="next"
    assert len(queries) == 2

    loopback.requests.clear()
    instance.statuses += load_json("mastodon_tag_newer.json")
    again = collector(tmp_path, loopback).collect(result.cursor)
    assert [m.text for m in again.mentions] == ["Update: #SalusMedica oddzwonili, wizyta jutro."]
    assert again.mentions[0].extra["in_reply_to_id"] == "113500000000000050"
    assert len(loopback.requests) == 1


def test_status_search_uses_the_token_from_the_environment(tmp_path, loopback, instance, monkeypatch) -> None:
    monkeypatch.setenv("MASTODON_TOKEN", "masto-token-xyz")
    result = collector(tmp_path, loopback, search=["Salus Medica"]).collect({})

    ids = [m.extra["status_id"] for m in result.mentions]
    # The status found both by hashtag and by search is kept once.
    assert ids == ["113500000000000050", "113499000000000040", "113505000000000060"]
    search = [r for r in loopback.requests if r.path.startswith("/api/v2/search")]
    assert parse_qs(urlsplit(search[0].path).query)["q"] == ["Salus Medica"]
    assert result.cursor[f"{loopback.base_url} search:Salus Medica"] == "113505000000000060"
    assert "masto-token-xyz" not in json.dumps(result.cursor)


def test_search_without_a_token_is_skipped_with_a_note(tmp_path, loopback, instance, monkeypatch) -> None:
    monkeypatch.delenv("MASTODON_TOKEN", raising=False)
    result = collector(tmp_path, loopback, search=["Salus Medica"]).collect({})
    assert result.note and "MASTODON_TOKEN" in result.note and "read:search" in result.note
    assert not any(r.path.startswith("/api/v2/search") for r in loopback.requests)
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback, hashtags=[], search=["Salus Medica"]).collect({})
    assert raised.value.kind == "auth" and "MASTODON_TOKEN" in raised.value.message


def test_a_nearly_spent_rate_limit_stops_the_run_early(tmp_path, loopback, instance) -> None:
    instance.remaining = 2  # the first answer says 1 left
    loopback.routes["/api/v1/timelines/tag/ZnanyLekarz"] = instance.timeline
    result = collector(tmp_path, loopback, hashtags=["SalusMedica", "ZnanyLekarz"]).collect({})

    assert len(result.mentions) == 2  # what the first answer held is kept
    assert result.note and "rate limit nearly used up" in result.note and "2025-11-15T12:05:00" in result.note
    assert len(loopback.requests) == 1
    assert f"{loopback.base_url} tag:znanylekarz" not in result.cursor


def test_429_waits_until_the_rate_limit_window_resets(tmp_path, loopback, instance) -> None:
    instance.fail_with = Response(429, b'{"error":"Too many requests"}',
                                  {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "2025-11-15T12:05:00.000Z"})
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "rate_limited" and raised.value.retry_after == 300


def test_an_instance_refusing_public_timelines_says_what_to_do(tmp_path, loopback, instance) -> None:
    instance.fail_with = Response(422, b'{"error":"This method requires an authenticated user"}')
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "http" and "requires an authenticated user" in raised.value.message
    instance.fail_with = Response(403, b'{"error":"This action is not allowed"}')
    with pytest.raises(SourceError) as raised:
        collector(tmp_path, loopback).collect({})
    assert raised.value.kind == "forbidden" and "MASTODON_TOKEN" in raised.value.message


def test_link_header_parsing() -> None:
    header = ('<https://m.example/api/v1/timelines/tag/x?max_id=7>; rel="next", '
              '<https://m.example/api/v1/timelines/tag/x?min_id=9>; rel="prev"')
    assert links(header) == {"next": "https://m.example/api/v1/timelines/tag/x?max_id=7",
                             "prev": "https://m.example/api/v1/timelines/tag/x?min_id=9"}


def test_loopback_instance_is_refused_unless_allowed(tmp_path, loopback, instance) -> None:
    source = {"kind": "mastodon", "name": "mastodon", "instances": [loopback.base_url], "hashtags": ["SalusMedica"]}
    config = make_config(tmp_path, [source], allow_private_addresses=False)
    with pytest.raises(SourceError) as raised:
        MastodonCollector(config.sources[0], config).collect({})  # type: ignore[arg-type]
    assert raised.value.kind == "blocked_address" and loopback.requests == []


def test_statuses_are_stored_once_through_the_pipeline(tmp_path, loopback, instance) -> None:
    source = {"kind": "mastodon", "name": "mastodon", "instances": [loopback.base_url], "hashtags": ["SalusMedica"]}
    config = make_config(tmp_path, [source])
    store = open_store(config.database)
    instance.page_size = 40  # Mastodon's own cap: the default page holds every status

    [run] = collect_once(config, store)
    assert run.status == "ok", run
    assert store.count_mentions() == 3  # the boost is not stored
    [again] = collect_once(config, store)
    assert again.status == "ok" and again.new == 0 and store.count_mentions() == 3


def test_more_new_statuses_than_max_pages_are_reported(tmp_path, loopback, instance) -> None:
    cursor = {f"{loopback.base_url} tag:salusmedica": "113490000000000000"}
    result = collector(tmp_path, loopback, max_pages=1).collect(cursor)
    assert len(result.mentions) == 2 and len(loopback.requests) == 1
    assert result.note and "more than 1 page(s) of new statuses for #SalusMedica" in result.note


def test_a_stream_cut_short_by_the_rate_limit_keeps_its_cursor(tmp_path, loopback, instance) -> None:
    instance.remaining = 2  # the first answer says 1 left, so the second page waits for the next run
    cursor = {f"{loopback.base_url} tag:salusmedica": "113490000000000000"}
    result = collector(tmp_path, loopback).collect(cursor)
    assert len(loopback.requests) == 1
    assert result.cursor[f"{loopback.base_url} tag:salusmedica"] == "113490000000000000"
