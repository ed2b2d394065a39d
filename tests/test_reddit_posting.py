"""Posting a staff-approved reply with the real PRAW client to a loopback server answering /api/comment like Reddit."""
from __future__ import annotations

import json
from urllib.parse import parse_qs

import pytest

from collectors.base import SourceError
from core.models import Mention
from publishing.reddit import post_reply
from replies.gate import GateRefused
from storage.store import Store
from tests.loopback import Request, Response
from tests.reddit_replay import RedditReplay, reddit_config

pytestmark = pytest.mark.usefixtures("reddit_user_credentials")

TOKEN_CASSETTE = "fixtures/reddit/TestSubredditStreams.test_comments__with_pause.json"
PARENT = "t1_dgauydy"


@pytest.fixture
def replay(shared_dir):
    with RedditReplay(shared_dir / TOKEN_CASSETTE) as server:  # its recorded token answer serves the grant
        yield server


def reddit_comment_answer(request: Request) -> Response:
    """What Reddit sends back for POST /api/comment with api_type=json: the new comment as a one-thing list."""
    form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
    thing = {
        "kind": "t1",
        "data": {
            "id": "reply01", "name": "t1_reply01", "body": form["text"], "author": "ClinicAccount",
            "parent_id": form["thing_id"], "link_id": "t3_654eqk", "subreddit": "kakapo",
            "permalink": "/r/kakapo/comments/654eqk/kakapo_calls/reply01/", "created_utc": 1700000000.0,
        },
    }
    return Response(200, json.dumps({"json": {"errors": [], "data": {"things": [thing]}}}).encode(),
                    {"Content-Type": "application/json; charset=UTF-8"})


def stored_parent(reddit_store: Store) -> int:
    mention = Mention(source_kind="reddit", source_name="reddit-test", external_id=PARENT,
                      url="https://www.reddit.com/r/kakapo/comments/654eqk/x/dgauydy/", text="i lick it")
    return reddit_store.record_success("reddit-test", [(mention, None)], {}, seen=1).new_ids[0]


def test_reply_is_posted_and_audited(replay, reddit_store):
    replay.server.routes["/api/comment/"] = reddit_comment_answer
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)

    permalink = post_reply(config, "reddit-test", PARENT, "Thank you, please write to us.", store=reddit_store, actor="anna")

    assert permalink == "https://www.reddit.com/r/kakapo/comments/654eqk/kakapo_calls/reply01/"
    posted = replay.server.requests_to("/api/comment/")
    assert len(posted) == 1 and posted[0].headers["authorization"].startswith("bearer ")
    form = parse_qs(posted[0].body.decode())
    assert form["thing_id"] == [PARENT] and form["text"] == ["Thank you, please write to us."]
    grant = parse_qs(replay.server.requests_to("/api/v1/access_token")[0].body.decode())
    assert grant["grant_type"] == ["refresh_token"]
    events = reddit_store.events(mention_id)
    assert [(e["actor"], e["action"]) for e in events] == [("anna", "reddit_reply_posted")]
    assert json.loads(events[0]["detail"])["permalink"] == permalink
    assert "test-refresh-token" not in events[0]["detail"]


def test_posting_is_off_by_default(replay, reddit_store):
    config = reddit_config(replay.base_url)
    with pytest.raises(SourceError) as caught:
        post_reply(config, "reddit-test", PARENT, "Hello", store=reddit_store, actor="anna")
    assert caught.value.kind == "config" and "allow_posting = true" in caught.value.message
    assert replay.requests == []


def test_posting_needs_a_refresh_token(replay, reddit_store, monkeypatch):
    monkeypatch.delenv("REDDIT_REFRESH_TOKEN")
    config = reddit_config(replay.base_url, allow_posting=True)
    with pytest.raises(SourceError) as caught:
        post_reply(config, "reddit-test", PARENT, "Hello", store=reddit_store, actor="anna")
    assert caught.value.kind == "auth" and "REDDIT_REFRESH_TOKEN" in caught.value.message
    assert replay.requests == []


def test_reddit_refusing_the_reply_is_a_clear_error_and_audited(replay, reddit_store):
    errors = [["RATELIMIT", "you are doing that too much. try again in 9 minutes.", "ratelimit"]]
    replay.server.routes["/api/comment/"] = lambda request: Response(
        200, json.dumps({"json": {"errors": errors}}).encode(), {"Content-Type": "application/json"})
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)

    with pytest.raises(SourceError) as caught:
        post_reply(config, "reddit-test", PARENT, "Hello", store=reddit_store, actor="anna")

    assert caught.value.kind == "rate_limited" and "9 minutes" in caught.value.message
    assert [e["action"] for e in reddit_store.events(mention_id)] == ["reddit_reply_failed"]


UNSAFE_REPLY = "As our patient you know your knee surgery went well; take ibuprofen 400 mg twice a day."


def test_an_unsafe_reply_is_refused_by_the_gate_before_any_request(replay, reddit_store):
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)
    with pytest.raises(GateRefused) as caught:
        post_reply(config, "reddit-test", PARENT, UNSAFE_REPLY, store=reddit_store, actor="anna", role="staff",
                   override_reason="I am sure this is fine to post")
    assert caught.value.verdict.refusal == "not_admin"
    assert {"confirms_patient", "medical_advice"} <= {f.rule for f in caught.value.verdict.findings}
    assert replay.requests == [] and reddit_store.events(mention_id) == []


def test_an_admin_override_posts_and_the_audit_keeps_the_reason(replay, reddit_store):
    replay.server.routes["/api/comment/"] = reddit_comment_answer
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)
    post_reply(config, "reddit-test", PARENT, UNSAFE_REPLY, store=reddit_store, actor="root", role="admin",
               override_reason="The patient asked us to answer publicly.")
    events = {e["action"]: json.loads(e["detail"]) for e in reddit_store.events(mention_id)}
    assert events["lint_override"]["reason"] == "The patient asked us to answer publicly."
    assert events["lint_override"]["via"] == "reddit" and events["lint_override"]["findings"]
    assert "reddit_reply_posted" in events
