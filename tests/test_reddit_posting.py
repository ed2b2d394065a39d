"""Posting a staff-approved reply with the real PRAW client to a loopback server answering like Reddit: /api/comment
creates the reply; /api/v1/me and /user/<name>/comments list the account's comments for the look-first check."""
from __future__ import annotations

import json
import threading
from urllib.parse import parse_qs

import pytest

from collectors.base import SourceError
from core.models import Mention
from publishing.reddit import post_reddit_reply
from replies.gate import GateRefused
from storage.store import Store
from tests.loopback import Request, Response
from tests.reddit_replay import RedditReplay, reddit_config

pytestmark = pytest.mark.usefixtures("reddit_user_credentials")

TOKEN_CASSETTE = "fixtures/reddit/TestSubredditStreams.test_comments__with_pause.json"
PARENT = "t1_dgauydy"
ACCOUNT = "ClinicAccount"
PERMALINK = "https://www.reddit.com/r/kakapo/comments/654eqk/kakapo_calls/reply01/"


class RedditAccount:
    """The posting account as Reddit keeps it: /api/comment adds a comment, the account's listing shows it."""

    def __init__(self, replay: RedditReplay, *, answer_delay: float = 0.0) -> None:
        self.comments: list[dict] = []
        self.answer_delay = answer_delay  # > the client's timeout: the comment is made but its answer is lost
        self._lock = threading.Lock()
        routes = replay.server.routes
        routes["/api/comment/"] = self.comment
        routes["/api/v1/me"] = lambda request: json_response({"name": ACCOUNT, "id": "acc01"})
        routes[f"/user/{ACCOUNT}/comments/"] = self.listing
        routes[f"/user/{ACCOUNT}/comments"] = self.listing

    def comment(self, request: Request) -> Response:
        form = {key: values[0] for key, values in parse_qs(request.body.decode()).items()}
        with self._lock:
            number = len(self.comments) + 1
            data = {"id": f"reply{number:02d}", "name": f"t1_reply{number:02d}", "body": form["text"],
                    "author": ACCOUNT, "parent_id": form["thing_id"], "link_id": "t3_654eqk", "subreddit": "kakapo",
                    "permalink": f"/r/kakapo/comments/654eqk/kakapo_calls/reply{number:02d}/",
                    "created_utc": 1700000000.0 + number}
            self.comments.insert(0, data)  # newest first, as Reddit lists them
        answer = json_response({"json": {"errors": [], "data": {"things": [{"kind": "t1", "data": data}]}}})
        answer.delay = self.answer_delay
        return answer

    def listing(self, request: Request) -> Response:
        with self._lock:
            children = [{"kind": "t1", "data": data} for data in self.comments]
        return json_response({"kind": "Listing", "data": {"children": children, "after": None, "before": None}})


def json_response(payload: dict) -> Response:
    return Response(200, json.dumps(payload).encode(), {"Content-Type": "application/json; charset=UTF-8"})


@pytest.fixture
def replay(shared_dir):
    with RedditReplay(shared_dir / TOKEN_CASSETTE) as server:  # its recorded token answer serves the grant
        yield server


def stored_parent(reddit_store: Store) -> int:
    mention = Mention(source_kind="reddit", source_name="reddit-test", external_id=PARENT,
                      url="https://www.reddit.com/r/kakapo/comments/654eqk/x/dgauydy/", text="i lick it", language="en")
    return reddit_store.record_success("reddit-test", [(mention, None)], {}, seen=1).new_ids[0]


def test_reply_is_posted_audited_and_marked_replied(replay, reddit_store):
    account = RedditAccount(replay)
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)

    permalink = post_reddit_reply(config, mention_id, "Thank you, please write to us.", store=reddit_store,
                                  actor="anna")

    assert permalink == PERMALINK
    posted = replay.server.requests_to("/api/comment/")
    assert len(posted) == 1 and posted[0].headers["authorization"].startswith("bearer ")
    form = parse_qs(posted[0].body.decode())
    assert form["thing_id"] == [PARENT] and form["text"] == ["Thank you, please write to us."]
    grant = parse_qs(replay.server.requests_to("/api/v1/access_token")[0].body.decode())
    assert grant["grant_type"] == ["refresh_token"]
    events = [e for e in reddit_store.events(mention_id) if e["action"].startswith("reddit_")]
    assert [(e["actor"], e["action"]) for e in events] == [("anna", "reddit_reply_posted")]
    assert json.loads(events[0]["detail"])["url"] == permalink
    assert "test-refresh-token" not in events[0]["detail"]
    row = reddit_store.mention(mention_id)
    assert row["status"] == "replied" and row["first_response_at"]
    assert len(account.comments) == 1


def test_a_double_click_posts_once(replay, reddit_store):
    account = RedditAccount(replay)
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)
    results: list[str] = []
    clicks = [threading.Thread(target=lambda: results.append(post_reddit_reply(
        config, mention_id, "Please write to us.", store=reddit_store, actor="anna"))) for _ in range(2)]
    for click in clicks:
        click.start()
    for click in clicks:
        click.join(30)

    assert results == [PERMALINK, PERMALINK]
    assert len(replay.server.requests_to("/api/comment/")) == 1 and len(account.comments) == 1
    actions = [e["action"] for e in reddit_store.events(mention_id) if e["action"].startswith("reddit_")]
    assert sorted(actions) == ["reddit_reply_already_there", "reddit_reply_posted"]


def test_a_retry_after_a_lost_answer_does_not_post_again(replay, reddit_store):
    account = RedditAccount(replay, answer_delay=3.0)
    config = reddit_config(replay.base_url, allow_posting=True, timeout=1)
    mention_id = stored_parent(reddit_store)

    with pytest.raises(SourceError) as caught:
        post_reddit_reply(config, mention_id, "Please write to us.", store=reddit_store, actor="anna")
    assert caught.value.kind == "timeout" and "will not post it twice" in caught.value.message
    assert reddit_store.mention(mention_id)["status"] != "replied"

    account.answer_delay = 0.0
    assert post_reddit_reply(config, mention_id, "Please write to us.", store=reddit_store, actor="anna") \
        == PERMALINK
    assert len(replay.server.requests_to("/api/comment/")) == 1 and len(account.comments) == 1
    actions = [e["action"] for e in reddit_store.events(mention_id) if e["action"].startswith("reddit_")]
    assert actions == ["reddit_reply_failed", "reddit_reply_already_there"]
    assert reddit_store.mention(mention_id)["status"] == "replied"


def test_the_same_text_to_another_parent_is_posted(replay, reddit_store):
    account = RedditAccount(replay)
    account.comments.append({"id": "old01", "name": "t1_old01", "body": "Please write to us.", "author": ACCOUNT,
                             "parent_id": "t1_other", "link_id": "t3_654eqk", "created_utc": 1600000000.0,
                             "permalink": "/r/kakapo/comments/654eqk/x/old01/"})
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)
    link = post_reddit_reply(config, mention_id, "Please write to us.", store=reddit_store, actor="anna")
    assert len(replay.server.requests_to("/api/comment/")) == 1
    assert link.endswith(account.comments[0]["permalink"]) and account.comments[0]["parent_id"] == PARENT


def test_posting_is_off_by_default(replay, reddit_store):
    config = reddit_config(replay.base_url)
    mention_id = stored_parent(reddit_store)
    with pytest.raises(SourceError) as caught:
        post_reddit_reply(config, mention_id, "Hello", store=reddit_store, actor="anna")
    assert caught.value.kind == "config" and "allow_posting = true" in caught.value.message
    assert replay.requests == []


def test_posting_needs_a_refresh_token(replay, reddit_store, monkeypatch):
    monkeypatch.delenv("REDDIT_REFRESH_TOKEN")
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)
    with pytest.raises(SourceError) as caught:
        post_reddit_reply(config, mention_id, "Hello", store=reddit_store, actor="anna")
    assert caught.value.kind == "auth" and "REDDIT_REFRESH_TOKEN" in caught.value.message
    assert replay.requests == []


def test_reddit_refusing_the_reply_is_a_clear_error_and_audited(replay, reddit_store):
    RedditAccount(replay)
    errors = [["RATELIMIT", "you are doing that too much. try again in 9 minutes.", "ratelimit"]]
    replay.server.routes["/api/comment/"] = lambda request: json_response({"json": {"errors": errors}})
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)

    with pytest.raises(SourceError) as caught:
        post_reddit_reply(config, mention_id, "Hello", store=reddit_store, actor="anna")

    assert caught.value.kind == "rate_limited" and "9 minutes" in caught.value.message
    assert [e["action"] for e in reddit_store.events(mention_id)] == ["reddit_reply_failed"]
    assert reddit_store.mention(mention_id)["status"] != "replied"


UNSAFE_REPLY = "As our patient you know your knee surgery went well; take ibuprofen 400 mg twice a day."


def test_an_unsafe_reply_is_refused_by_the_gate_before_any_request(replay, reddit_store):
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)
    with pytest.raises(GateRefused) as caught:
        post_reddit_reply(config, mention_id, UNSAFE_REPLY, store=reddit_store, actor="anna", role="staff",
                          override_reason="I am sure this is fine to post")
    assert caught.value.verdict.refusal == "not_admin"
    assert {"confirms_patient", "medical_advice"} <= {f.rule for f in caught.value.verdict.findings}
    assert replay.requests == [] and reddit_store.events(mention_id) == []


def test_an_admin_override_posts_and_the_audit_keeps_the_reason(replay, reddit_store):
    RedditAccount(replay)
    config = reddit_config(replay.base_url, allow_posting=True)
    mention_id = stored_parent(reddit_store)
    post_reddit_reply(config, mention_id, UNSAFE_REPLY, store=reddit_store, actor="root", role="admin",
                      override_reason="The patient asked us to answer publicly.")
    events = {e["action"]: json.loads(e["detail"]) for e in reddit_store.events(mention_id)}
    assert events["lint_override"]["reason"] == "The patient asked us to answer publicly."
    assert events["lint_override"]["via"] == "reddit" and events["lint_override"]["findings"]
    assert "reddit_reply_posted" in events
