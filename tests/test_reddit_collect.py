"""The real PRAW client against recorded Reddit traffic replayed on 127.0.0.1: what is stored matches the recording."""
from __future__ import annotations

import json
import re
from datetime import UTC, datetime

import pytest

from clinicwatch.pipeline import Pipeline, collect_once
from collectors.reddit import RedditCollector
from core.models import content_hash
from storage.store import Store
from tests.reddit_replay import Recorded, RedditReplay, listing_children, reddit_config, request_key

pytestmark = pytest.mark.usefixtures("reddit_app_credentials")

CASSETTES = "fixtures/reddit"


@pytest.fixture
def replay(shared_dir):
    with RedditReplay(*sorted((shared_dir / CASSETTES).glob("*.json"))) as server:
        yield server


def run(collector: RedditCollector, reddit_store: Store):
    """One collection cycle as the pipeline stores it (matching is the pipeline's job, not tested here)."""
    result = collector.collect(reddit_store.cursor("reddit-test"))
    saved = reddit_store.record_success("reddit-test", [(m, None) for m in result.mentions], result.cursor,
                                 seen=result.seen, note=result.note)
    return result, saved


def stored_by_id(reddit_store: Store) -> dict[str, dict]:
    return {row["external_id"]: row for row in reddit_store.iter_mentions()}


def expected_fields(thing: dict) -> dict:
    """What a stored mention must hold, derived from Reddit's own listing data."""
    is_comment = thing["kind"] == "t1"
    post_id = thing.get("link_id", "").removeprefix("t3_")
    thread_url = thing.get("link_permalink") or f"https://www.reddit.com/r/{thing['subreddit']}/comments/{post_id}/"
    if "permalink" in thing:
        permalink = thing["permalink"]
    elif "link_permalink" in thing:
        permalink = thing["link_permalink"] + f"{thing['id']}/"
    else:  # 2016 listings give neither; Reddit resolves a "_" slug
        permalink = f"{thread_url}_/{thing['id']}/"
    if not permalink.startswith("https://"):
        permalink = "https://www.reddit.com" + permalink
    return {
        "external_id": thing["name"],
        "url": permalink,
        "author": thing["author"],
        "title": "" if is_comment else thing["title"],
        "text": thing["body"] if is_comment else thing["selftext"],
        "thread_title": thing["link_title"] if is_comment else "",
        "thread_url": thread_url if is_comment else "",
        "score": thing["score"],
        "published_at": datetime.fromtimestamp(thing["created_utc"], UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "extra": {"subreddit": thing["subreddit"], "type": "comment" if is_comment else "submission"},
    }


def assert_stored_as_recorded(reddit_store: Store, things: list[dict]) -> int:
    """Each recorded thing is stored with its fields, unless the reddit_store kept an identical text once already."""
    rows = stored_by_id(reddit_store)
    hashes = {row["content_hash"] for row in rows.values()}
    checked = 0
    for thing in things:
        expected = expected_fields(thing)
        row = rows.get(expected["external_id"])
        if row is None:  # the reddit_store keeps one copy of the same long text; short ones ("Thanks!") are all kept
            key = f"reddit-test\x1f{expected['external_id']}"
            assert content_hash(expected["title"], expected["text"], unique_key=key, url=expected["url"]) in hashes, \
                expected["external_id"]
            continue
        assert {key: row[key] for key in expected} == expected
        assert row["source_kind"] == "reddit"
        if thing["kind"] == "t3":
            assert row["comment_count"] == thing["num_comments"]
        checked += 1
    return checked


def test_search_and_subreddit_comments_are_stored_as_recorded(replay, reddit_store):
    config = reddit_config(replay.base_url, search=["praw oauth search"], stream_subreddits=["askreddit"])
    replay.add_empty_listing("/r/askreddit/new")  # the cassettes hold askreddit's comments only
    search = replay.recorded("GET", "/r/all/search/")[0]
    comments = replay.recorded("GET", "/r/askreddit/comments/")[0]

    result, saved = run(RedditCollector(config.sources[0], config), reddit_store)

    things = listing_children(search) + listing_children(comments)
    assert replay.unmatched == []
    assert result.seen == len(things)
    assert {m.external_id for m in result.mentions} == {t["name"] for t in things}
    checked = assert_stored_as_recorded(reddit_store, things)
    assert checked == saved.new == reddit_store.count_mentions()
    assert checked >= len(things) - 10  # only a few recorded comments repeat another's text
    # comments carry their post's title without a request per comment: one search, one /new, one /comments
    assert len(replay.api_requests()) == 3


def test_second_run_fetches_with_the_cursor_and_stores_nothing_twice(replay, reddit_store):
    config = reddit_config(replay.base_url, search=["praw oauth search"], stream_subreddits=["askreddit"])
    replay.add_empty_listing("/r/askreddit/new")
    collector = RedditCollector(config.sources[0], config)
    run(collector, reddit_store)
    first_cursor = reddit_store.cursor("reddit-test")
    newest = listing_children(replay.recorded("GET", "/r/askreddit/comments/")[0])[0]["name"]
    assert first_cursor["comments:askreddit"]["fullname"] == newest
    # nothing newer than the anchor was recorded: Reddit answers such a listing with an empty page
    replay.add_empty_listing(f"/r/askreddit/comments/?before={newest}")

    result, saved = run(collector, reddit_store)

    assert saved.new == 0
    assert len(stored_by_id(reddit_store)) == reddit_store.count_mentions()
    assert not [m for m in result.mentions if m.extra["type"] == "comment"]  # the cursor filtered them, not the reddit_store
    assert any(f"before={newest}" in r.path for r in replay.api_requests())
    assert replay.unmatched == []


def test_streams_pick_up_only_what_is_new_on_the_next_run(replay, reddit_store):
    """The stream cassettes hold a first page and what arrived later (after `before=<newest>`, or by time)."""
    config = reddit_config(replay.base_url, stream_subreddits=["kakapo", "all"], search=["kakapo"])
    replay.add_empty_listing("/r/kakapo/new")
    replay.add_empty_listing("/r/all/comments")
    replay.add_empty_listing("/r/all/search?q=kakapo&restrict_sr=False")
    kakapo_first, _, kakapo_later = replay.recorded("GET", "/r/kakapo/comments/")
    all_first, all_later = replay.recorded("GET", "/r/all/new")
    collector = RedditCollector(config.sources[0], config)

    _, first = run(collector, reddit_store)
    first_ids = set(stored_by_id(reddit_store))
    _, second = run(collector, reddit_store)

    newest_first = max(t["created_utc"] for t in listing_children(kakapo_first))
    new_comments = [t for t in listing_children(kakapo_later) if t["created_utc"] > newest_first]
    new_things = new_comments + listing_children(all_later)
    assert new_comments and listing_children(all_later)
    assert replay.unmatched == []
    stored = stored_by_id(reddit_store)
    assert set(stored) - first_ids == {t["name"] for t in new_things} - first_ids
    assert second.new == len(set(stored) - first_ids)
    assert reddit_store.count_mentions() == first.new + second.new
    assert_stored_as_recorded(reddit_store, listing_children(kakapo_first) + listing_children(all_first) + new_things)
    paths = [r.path for r in replay.api_requests()]
    assert any("before=t1_dgauydy" in p for p in paths) and any("before=t3_5jo13y" in p for p in paths)


def test_search_defaults_to_the_brand_names(replay, reddit_store):
    config = reddit_config(replay.base_url)
    config.brand.names = ["Medicover", "Lux Med"]
    replay.add_empty_listing("/r/all/search?q=Medicover&restrict_sr=False")
    replay.add_empty_listing('/r/all/search?q="Lux Med"&restrict_sr=False')

    result, _ = run(RedditCollector(config.sources[0], config), reddit_store)

    assert result.mentions == [] and replay.unmatched == []
    assert set(result.cursor) == set()  # nothing found, so nothing to remember yet
    queries = [r.path for r in replay.api_requests()]
    assert len(queries) == 2 and all("sort=new" in q for q in queries)


def test_search_restricted_to_subreddits_uses_one_request(replay, reddit_store):
    config = reddit_config(replay.base_url, search=["Medicover"], search_subreddits=["r/warszawa", "krakow"])
    replay.add_empty_listing("/r/warszawa+krakow/search?q=Medicover&restrict_sr=True")

    result, _ = run(RedditCollector(config.sources[0], config), reddit_store)

    assert replay.unmatched == [] and result.mentions == []
    assert len(replay.api_requests()) == 1


def test_pipeline_matches_stores_and_records_health(replay, tmp_path):
    """The lead's collect_once: only comments about the brand are kept, a rerun adds nothing, a 403 is health."""
    config = reddit_config(replay.base_url, stream_subreddits=["kakapo"])
    config.brand.names = ["Sirocco"]  # a famous kakapo, named in one recorded comment
    replay.add_empty_listing("/r/kakapo/new")
    replay.add_empty_listing("/r/all/search?q=Sirocco&restrict_sr=False")
    recorded = listing_children(replay.recorded("GET", "/r/kakapo/comments/")[0])
    reddit_store = Store(tmp_path / "pipeline.db")
    pipeline = Pipeline(config, reddit_store)  # built once: the analyser loads its dictionaries

    [first] = collect_once(config, reddit_store, pipeline=pipeline)
    [second] = collect_once(config, reddit_store, pipeline=pipeline)

    stored = stored_by_id(reddit_store)
    # A comment is a mention when it names the brand, or when its post's title does (it is in that thread).
    naming = {t["name"] for t in recorded
              if re.search(r"\bsirocco\b", t["body"] + " " + t.get("link_title", ""), re.IGNORECASE)}
    unrelated = {t["name"] for t in recorded if "siroc" not in (t["body"] + t.get("link_title", "")).lower()}
    assert (first.status, first.error) == ("ok", None) and first.new == len(stored)
    assert naming and naming == set(stored) and not unrelated & set(stored)
    assert all(row["thread_title"] for row in stored.values())
    assert second.status == "ok" and second.new == 0

    replay.fail_next("/r/kakapo/", 403, {"reason": "private", "message": "Forbidden", "error": 403})
    [failed] = collect_once(config, reddit_store, pipeline=pipeline)
    health = reddit_store.source("reddit-test")
    assert failed.status == "error" and health["last_error_kind"] == "forbidden"
    assert health["last_error"] == "r/kakapo is private (403): remove it from stream_subreddits or get access"
    reddit_store.close()


def serve_listing(replay: RedditReplay, path: str, children: list[dict]) -> None:
    """Answer GET `path` with a Listing of these recorded children (as Reddit sent them)."""
    body = json.dumps({"kind": "Listing", "data": {"children": children, "after": None, "before": None}})
    key = request_key("GET", path)
    replay.recordings[key] = [Recorded("GET", key, 200, {"content-type": "application/json"}, body, path)]


def test_comments_of_the_anchors_second_that_arrive_later_are_neither_lost_nor_doubled(replay, reddit_store):
    """Reddit's times are whole seconds: a run may end in the middle of a second that later runs add to."""
    config = reddit_config(replay.base_url, search=[], stream_subreddits=["askreddit"])
    config.sources[0].search = []
    recorded = replay.recorded("GET", "/r/askreddit/comments/")[0].json()["data"]["children"]  # newest first
    stamps = [child["data"]["created_utc"] for child in recorded]
    # split the recording inside the busiest second: the older part is what the first run saw
    busiest = max(set(stamps), key=stamps.count)
    split = stamps.index(busiest) + stamps.count(busiest) // 2
    assert stamps[split - 1] == stamps[split] == busiest
    older, newer = recorded[split:], recorded[:split]
    replay.add_empty_listing("/r/askreddit/new")
    replay.add_empty_listing('/r/all/search?q="Kakapo Clinic"&restrict_sr=False')
    serve_listing(replay, "/r/askreddit/comments", older)
    serve_listing(replay, f"/r/askreddit/comments?before={older[0]['data']['name']}", newer)
    serve_listing(replay, f"/r/askreddit/comments?before={newer[0]['data']['name']}", [])
    collector = RedditCollector(config.sources[0], config)

    first, _ = run(collector, reddit_store)
    second, _ = run(collector, reddit_store)
    third, _ = run(collector, reddit_store)  # nothing new: Reddit answers before=<newest> empty, then by time

    names = [[m.external_id for m in result.mentions] for result in (first, second, third)]
    assert sorted(names[0] + names[1]) == sorted(child["data"]["name"] for child in recorded)  # none lost
    assert not set(names[0]) & set(names[1]) and names[2] == []  # none twice
    assert second.seen == len(newer) and second.dropped == {}
    assert replay.unmatched == []


def test_subreddits_in_a_listing_are_not_stored_as_submissions(replay, reddit_store):
    config = reddit_config(replay.base_url, search=["kakapo"])
    recorded = replay.recorded("GET", "/r/kakapo/comments/")[0].json()["data"]["children"][:3]
    subreddit = {"kind": "t5", "data": {"id": "2qh1i", "name": "t5_2qh1i", "display_name": "kakapo",
                                        "title": "Kakapo", "created_utc": recorded[0]["data"]["created_utc"],
                                        "url": "/r/kakapo/"}}
    serve_listing(replay, "/r/all/search?q=kakapo&restrict_sr=False", [subreddit, *recorded])

    result, saved = run(RedditCollector(config.sources[0], config), reddit_store)

    assert {m.external_id for m in result.mentions} == {c["data"]["name"] for c in recorded}
    assert {row["external_id"] for row in reddit_store.iter_mentions()} == {c["data"]["name"] for c in recorded}
    assert result.dropped == {"not_a_post": 1} and result.seen == 4
