"""The Discourse collector against real HTTP on 127.0.0.1 answering like Discourse's public JSON API."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from collectors.base import SourceError
from collectors.forums.discourse import DiscourseCollector
from collectors.http import Fetcher
from tests.forum_fixtures import JSON, make_config, page, read
from tests.loopback import Request, Response

SEARCH_PAGES = {"1": "discourse_search_p1.json", "2": "discourse_search_p2.json"}


def discourse_source(base_url: str, **fields: Any) -> dict[str, Any]:
    return {"kind": "discourse", "name": "community-it", "base_url": base_url, "language": "it", **fields}


def collector(tmp_path, source: dict[str, Any], **http: Any) -> DiscourseCollector:
    config = make_config(tmp_path, [source], **http)
    return DiscourseCollector(config.sources[0], config, fetcher=Fetcher(config.http, backoff_seconds=0.01))


def search_handler(pages: dict[str, bytes]):
    def handler(request: Request) -> Response:
        query = parse_qs(urlsplit(request.path).query)
        body = pages.get(query.get("page", ["1"])[0])
        if body is None:
            return Response(200, json.dumps({"posts": [], "topics": [], "grouped_search_result": {}}).encode(), {"Content-Type": JSON})
        return Response(200, body, {"Content-Type": JSON})

    return handler


def serve_search(loopback, pages: dict[str, bytes] | None = None) -> None:
    default = {number: read(name) for number, name in SEARCH_PAGES.items()}
    loopback.routes["/search.json"] = search_handler(default if pages is None else pages)


def serve_category(loopback) -> None:
    loopback.routes["/c/pazienti/5.json"] = page("discourse_category.json", JSON)
    loopback.routes["/c/pazienti/5.json?page=1"] = page("discourse_category_page1.json", JSON)
    for topic in (700, 760, 799, 812):
        loopback.routes[f"/t/{topic}.json"] = page(f"discourse_topic_{topic}.json", JSON)
    loopback.routes["/t/812/posts.json"] = page("discourse_topic_812_posts.json", JSON)


def test_search_follows_pages_and_builds_permalinks(tmp_path, loopback) -> None:
    serve_search(loopback)
    result = collector(tmp_path, discourse_source(loopback.base_url, search=["Salus"])).collect({})

    assert [m.external_id for m in result.mentions] == ["9012", "9050", "9087", "9101", "9105"]
    newest = result.mentions[-1]
    assert newest.source_kind == "discourse" and newest.source_name == "community-it"
    assert newest.url == loopback.url("/t/salus-medica-referti-online-che-non-arrivano/812/3")
    assert newest.thread_url == loopback.url("/t/salus-medica-referti-online-che-non-arrivano/812")
    assert newest.thread_title == "Salus Medica: referti online che non arrivano"
    assert newest.author == "anna.colombo"
    assert newest.published_at == datetime(2025, 11, 14, 16, 42, 10, 512000, tzinfo=UTC)
    assert '"credenziali non valide"' in newest.text  # entities decoded, plain text
    assert newest.language == "it"
    assert result.mentions[3].score == 3
    searches = [parse_qs(urlsplit(r.path).query) for r in loopback.requests_to("/search.json")]
    assert [(s["q"][0], s["page"][0]) for s in searches] == [("Salus order:latest", "1"), ("Salus order:latest", "2")]
    assert result.cursor["search"]["Salus"]["last_id"] == 9105
    assert loopback.requests[0].headers["accept"] == "application/json"


def test_search_second_run_stops_at_the_first_known_post(tmp_path, loopback) -> None:
    serve_search(loopback)
    discourse = collector(tmp_path, discourse_source(loopback.base_url, search=["Salus"]))
    first = discourse.collect({})
    loopback.requests.clear()

    second = discourse.collect(first.cursor)
    assert second.mentions == []
    assert len(loopback.requests_to("/search.json")) == 1  # page 1 already reaches known posts
    assert second.cursor == first.cursor

    # A new reply appears at the top of page 1: only it is collected.
    data = json.loads(read("discourse_search_p1.json"))
    fresh = dict(data["posts"][0], id=9120, post_number=4, created_at="2025-11-15T09:00:00.000Z",
                 blurb="Anche io: Salus Medica non risponde né al telefono né alle mail.")
    data["posts"].insert(0, fresh)
    serve_search(loopback, {"1": json.dumps(data).encode(), "2": read("discourse_search_p2.json")})
    third = discourse.collect(second.cursor)
    assert [m.external_id for m in third.mentions] == ["9120"]
    assert third.cursor["search"]["Salus"]["last_id"] == 9120


def test_search_stops_at_max_pages(tmp_path, loopback) -> None:
    serve_search(loopback)
    result = collector(tmp_path, discourse_source(loopback.base_url, search=["Salus"], max_pages=1)).collect({})
    assert [m.external_id for m in result.mentions] == ["9087", "9101", "9105"]
    assert len(loopback.requests_to("/search.json")) == 1


def test_empty_search_and_categories_search_the_brand_names(tmp_path, loopback) -> None:
    serve_search(loopback, {})
    collector(tmp_path, discourse_source(loopback.base_url)).collect({})
    queries = [parse_qs(urlsplit(r.path).query)["q"][0] for r in loopback.requests_to("/search.json")]
    assert queries == ['"Salus Medica" order:latest', "Salus order:latest"]  # a name of two words is a phrase


def test_category_latest_posts_with_pagination(tmp_path, loopback) -> None:
    serve_category(loopback)
    result = collector(tmp_path, discourse_source(loopback.base_url, categories=["pazienti/5"])).collect({})

    ids = [m.external_id for m in result.mentions]
    assert ids == ["5000", "8800", "9012", "9050", "9087", "9101", "9105"]
    by_id = {m.external_id: m for m in result.mentions}
    # The post missing from the topic's first chunk is fetched through /t/<id>/posts.json?post_ids[]=…
    [extra] = loopback.requests_to("/t/812/posts.json")
    assert parse_qs(urlsplit(extra.path).query) == {"post_ids[]": ["9105"]}
    assert by_id["9105"].text.startswith("Confermo, il portale referti di Salus Medica")
    assert "app: stesso errore" in by_id["9105"].text
    # cooked HTML becomes plain text; the quoted post (aside.quote) is left out.
    assert by_id["9101"].text == ("Io ho scritto alla mail dei reclami di Salus e mi hanno risposto in due giorni, "
                                  "con i referti allegati. Provate così.")
    assert "<" not in by_id["9087"].text and "Salus Medica" in by_id["9087"].text
    assert by_id["8800"].url == loopback.url("/t/parcheggio-vicino-alla-salus-di-via-nizza/760/1")
    assert by_id["8800"].thread_title == "Parcheggio vicino alla Salus di via Nizza?"
    assert by_id["8800"].extra["category"] == "pazienti/5"
    assert loopback.requests_to("/c/pazienti/5.json") and len(loopback.requests_to("/c/pazienti/5.json")) == 2
    assert result.cursor["categories"]["pazienti/5"]["last_id"] == 9105


def test_category_second_run_fetches_only_bumped_topics(tmp_path, loopback) -> None:
    serve_category(loopback)
    discourse = collector(tmp_path, discourse_source(loopback.base_url, categories=["pazienti/5"]))
    first = discourse.collect({})
    loopback.requests.clear()

    second = discourse.collect(first.cursor)
    assert second.mentions == []
    # Nothing was bumped since the newest post: no topic is opened and the list stops at page one.
    assert [urlsplit(r.path).path for r in loopback.requests] == ["/c/pazienti/5.json"]


def test_search_and_category_overlap_is_one_mention_with_full_text(tmp_path, loopback) -> None:
    serve_search(loopback)
    serve_category(loopback)
    result = collector(tmp_path, discourse_source(loopback.base_url, search=["Salus"], categories=["pazienti/5"])).collect({})
    ids = [m.external_id for m in result.mentions]
    assert len(ids) == len(set(ids)) == 7
    # found both ways: counted once as a duplicate, so what was offered adds up
    assert result.seen == len(ids) + sum(result.dropped.values()) and result.dropped["duplicate"] > 0
    by_id = {m.external_id: m for m in result.mentions}
    assert "excerpt" not in by_id["9087"].extra and by_id["9087"].extra.get("category") == "pazienti/5"
    assert "Qualcuno ha avuto lo stesso problema?" in by_id["9087"].text  # the whole post, not the blurb


def test_rate_limit_is_reported_with_retry_after(tmp_path, loopback) -> None:
    body = json.dumps({"errors": ["Hai eseguito questa azione troppe volte. Riprova tra 2 minuti."],
                       "error_type": "rate_limit", "extras": {"wait_seconds": 120, "time_left": "2 minuti"}})
    loopback.routes["/search.json"] = lambda _r: Response(429, body.encode(), {"Content-Type": JSON, "Retry-After": "120"})
    with pytest.raises(SourceError) as error:
        collector(tmp_path, discourse_source(loopback.base_url, search=["Salus"])).collect({})
    assert error.value.kind == "rate_limited"
    assert error.value.retry_after == 120


def test_not_discourse_is_a_parse_error(tmp_path, loopback) -> None:
    loopback.routes["/search.json"] = lambda _r: Response(200, b"<html>Forum</html>", {"Content-Type": "text/html"})
    with pytest.raises(SourceError) as error:
        collector(tmp_path, discourse_source(loopback.base_url, search=["Salus"])).collect({})
    assert error.value.kind == "parse" and "JSON" in error.value.message


def test_slow_discourse_times_out(tmp_path, loopback) -> None:
    loopback.routes["/search.json"] = page("discourse_search_p1.json", JSON, delay=1.5)
    with pytest.raises(SourceError) as error:
        collector(tmp_path, discourse_source(loopback.base_url, search=["Salus"]), timeout_seconds=0.3).collect({})
    assert error.value.kind == "timeout"
