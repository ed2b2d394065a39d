"""The Inbox's "Post this reply to Reddit" button through AppTest, posting with real PRAW to a loopback Reddit."""
from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import parse_qs

import pytest
from streamlit.testing.v1 import AppTest

from core.models import Analysis, Mention
from storage.store import open_store
from tests.dashboard_fixtures import DASHBOARD, build_demo
from tests.reddit_replay import RedditReplay
from tests.test_reddit_posting import PARENT, PERMALINK, TOKEN_CASSETTE, RedditAccount

pytestmark = [pytest.mark.usefixtures("reddit_user_credentials"), pytest.mark.slow]

CLEAN_REPLY = "Thank you, please write to us."

REDDIT_TOML = """
[http]
allow_private_addresses = true
timeout_seconds = 5
retries = 0

[[sources]]
name = "reddit-test"
kind = "reddit"
oauth_url = "{base}"
reddit_url = "{base}"
allow_posting = {allow}
"""


@pytest.fixture
def replay(shared_dir):
    with RedditReplay(shared_dir / TOKEN_CASSETTE) as server:
        RedditAccount(server)
        yield server


def reddit_demo(tmp_path, monkeypatch, base_url: str, allow: bool):
    """The dashboard demo plus a Reddit source and its most urgent mention (so the Inbox opens it first)."""
    config_path, database = build_demo(tmp_path)
    config_path.write_text(config_path.read_text(encoding="utf-8")
                           + REDDIT_TOML.format(base=base_url, allow=str(allow).lower()), encoding="utf-8")
    monkeypatch.setenv("CLINICWATCH_CONFIG", str(config_path))
    monkeypatch.setenv("CLINICWATCH_USERS", str(tmp_path / "users.yaml"))
    store = open_store(database)
    mention = Mention(source_kind="reddit", source_name="reddit-test", external_id=PARENT,
                      url="https://www.reddit.com/r/kakapo/comments/654eqk/x/dgauydy/", text="Salus Medica lost my results",
                      title="Salus Medica on Reddit", author="kakapo_fan", published_at=datetime.now(UTC),
                      language="en")
    analysis = Analysis("en", "negative", -0.8, "complaint", ["other"], 0.99, [])
    store.ensure_source("reddit-test", "reddit")
    mention_id = store.record_success("reddit-test", [(mention, analysis)], {}, seen=1).new_ids[0]
    return store, mention_id


def open_app(mention_id: int) -> AppTest:
    app = AppTest.from_file(DASHBOARD, default_timeout=60).run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.text_area(key=f"reply_{mention_id}")  # the Reddit mention is the one open in the detail
    return app


def post_button_keys(app: AppTest) -> list[str]:
    return [b.key for b in app.button if (b.key or "").startswith("post_reply_")]


def test_clicking_the_button_posts_once_marks_replied_and_audits(tmp_path, monkeypatch, local_server, replay):
    store, mention_id = reddit_demo(tmp_path, monkeypatch, replay.base_url, allow=True)
    try:
        app = open_app(mention_id)
        app.text_area(key=f"reply_{mention_id}").set_value(CLEAN_REPLY).run()
        app.button(key=f"post_reply_{mention_id}").click().run()
        assert not app.exception, [e.value for e in app.exception]
        assert not app.error, [e.value for e in app.error]

        posted = replay.server.requests_to("/api/comment/")
        assert len(posted) == 1
        form = parse_qs(posted[0].body.decode())
        assert form["thing_id"] == [PARENT] and form["text"] == [CLEAN_REPLY]
        row = store.mention(mention_id)
        assert row["status"] == "replied" and row["first_response_at"]
        reply = store._conn.execute("SELECT text, posted_url, created_by FROM replies WHERE mention_id = ?",
                                   (mention_id,)).fetchone()
        assert tuple(reply) == (CLEAN_REPLY, PERMALINK, "demo")
        events = {e["action"]: json.loads(e["detail"]) for e in store.events(mention_id)}
        assert events["reddit_reply_posted"]["url"] == PERMALINK
        assert any(PERMALINK in s.value for s in app.success)
    finally:
        store.close()


def test_no_button_when_posting_is_not_enabled(tmp_path, monkeypatch, local_server, replay):
    store, mention_id = reddit_demo(tmp_path, monkeypatch, replay.base_url, allow=False)
    try:
        app = open_app(mention_id)
        assert post_button_keys(app) == []
        assert [b.key for b in app.button if b.key == "act_replied"]  # the rest of the detail is there
    finally:
        store.close()


def test_a_reply_with_a_linter_finding_is_not_posted(tmp_path, monkeypatch, local_server, replay):
    store, mention_id = reddit_demo(tmp_path, monkeypatch, replay.base_url, allow=True)
    try:
        app = open_app(mention_id)
        app.text_area(key=f"reply_{mention_id}").set_value(
            "You are our patient, we will surely cure this tomorrow.").run()
        app.button(key=f"post_reply_{mention_id}").click().run()
        assert not app.exception, [e.value for e in app.exception]
        assert app.error and "problem" in app.error[0].value
        assert any("Confirms that the person is or was a patient" in h.proto.body for h in app.get("html"))  # shown
        assert replay.requests == []  # not even a token request
        assert store.mention(mention_id)["status"] != "replied"
        assert store.events(mention_id) == []
    finally:
        store.close()
