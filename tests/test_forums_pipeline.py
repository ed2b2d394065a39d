"""Forum sources through the real pipeline and SQLite store: stored once, and nothing stored when the layout breaks."""
from __future__ import annotations

import pytest

from clinicwatch.pipeline import collect_once
from collectors.http import close_shared_fetchers
from storage.store import open_store
from tests.forum_fixtures import JSON, make_config, page, text

pytestmark = pytest.mark.slow  # subprocesses, AppTest runs or kill tests: not in `make test-fast`

PHPBB_P1 = "/viewtopic.php?t=42"
PHPBB_P2 = "/viewtopic.php?t=42&start=3"


@pytest.fixture(autouse=True)
def _fresh_fetchers():
    yield
    close_shared_fetchers()


def sources(loopback) -> list[dict]:
    return [
        {"kind": "forum", "name": "zdrowie-mazowsze", "url": loopback.url(PHPBB_P1), "preset": "phpbb",
         "delay_seconds": 0, "timezone": "Europe/Warsaw", "date_language": "pl"},
        {"kind": "discourse", "name": "community-it", "base_url": loopback.base_url, "categories": ["pazienti/5"]},
    ]


def serve(loopback) -> None:
    loopback.routes["/robots.txt"] = text("User-agent: *\nDisallow: /ucp.php\n")
    loopback.routes[PHPBB_P1] = page("phpbb_topic_p1.html")
    loopback.routes[PHPBB_P2] = page("phpbb_topic_p2.html")
    loopback.routes["/c/pazienti/5.json"] = page("discourse_category.json", JSON)
    loopback.routes["/c/pazienti/5.json?page=1"] = page("discourse_category_page1.json", JSON)
    for topic in (700, 760, 799, 812):
        loopback.routes[f"/t/{topic}.json"] = page(f"discourse_topic_{topic}.json", JSON)
    loopback.routes["/t/812/posts.json"] = page("discourse_topic_812_posts.json", JSON)


def stored(store, source_name: str) -> dict[str, dict]:
    return {row["external_id"]: row for row in store.recent_mentions(1000) if row["source_name"] == source_name}


def test_forums_store_once_and_a_second_run_adds_nothing(tmp_path, loopback) -> None:
    serve(loopback)
    config = make_config(tmp_path, sources(loopback))
    store = open_store(config.database)

    runs = {run.name: run for run in collect_once(config, store)}
    assert runs["zdrowie-mazowsze"].status == "ok" and runs["community-it"].status == "ok", runs
    forum = stored(store, "zdrowie-mazowsze")
    # Posts naming the clinic are kept; "U mnie to samo" is kept for its thread's title, not for the quote
    # it carries (quotes are left out of the text).
    assert {"1201", "1207", "1244"} <= set(forum)
    assert {m["field"] for m in forum["1207"]["matches"]} == {"thread"}
    assert "Nikt nie odbiera" not in forum["1207"]["text"]
    assert forum["1201"]["thread_title"] == "Salus Medica - rejestracja telefoniczna to dramat"
    assert forum["1201"]["thread_url"] == loopback.url("/viewtopic.php?t=42")
    assert {"9087", "9105"} <= set(stored(store, "community-it"))
    total = store.count_mentions()

    runs = {run.name: run for run in collect_once(config, store)}
    assert runs["zdrowie-mazowsze"].new == 0 and runs["community-it"].new == 0
    assert store.count_mentions() == total


def test_changed_layout_stores_nothing_and_records_the_error(tmp_path, loopback) -> None:
    serve(loopback)
    loopback.routes[PHPBB_P2] = text("<html><body><div class='new-theme-post'>Salus Medica</div></body></html>",
                                     content_type="text/html")
    config = make_config(tmp_path, sources(loopback)[:1])
    store = open_store(config.database)

    [run] = collect_once(config, store)
    assert run.status == "error" and run.error_kind == "parse"
    assert store.count_mentions() == 0  # page 1 was fine, but nothing of a broken run is stored
    state = store.source("zdrowie-mazowsze")
    assert state["last_error_kind"] == "parse"
    assert "selector 'div.post' matched nothing on page 2" in state["last_error"]
    assert state["cursor"] == {}
