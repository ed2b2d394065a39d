"""Replying to a Facebook comment as the Page against the loopback Graph API: one POST after a double click and a
retried timeout, the audit and the replied mark, and an unsafe reply refused unsent."""
from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

import pytest

from collectors.api_client import ApiClient
from collectors.base import SourceError
from collectors.facebook import FacebookCollector
from publishing.facebook_reply import post_facebook_reply
from replies.gate import GateRefused
from storage.store import Store
from tests.forum_fixtures import make_config
from tests.platform_fixtures.facebook_api import PAGE_ID, TOKEN, FakeGraph

SAFE = "Przepraszamy, już sprawdzamy formularz. Prosimy o kontakt z naszą rejestracją."
UNSAFE = "Podczas Pani ostatniej wizyty lekarz zalecił ibuprofen."
COMMENT = "1234500000000001_9000000000000003"


@pytest.fixture
def graph(loopback, monkeypatch) -> FakeGraph:
    monkeypatch.setenv("FACEBOOK_PAGE_TOKEN", TOKEN)
    return FakeGraph(loopback)


def setup(tmp_path, loopback, *, allow_posting: bool = True, timeout: float = 2) -> tuple[Any, Store, int, ApiClient]:
    source = {"kind": "facebook", "name": "facebook-page", "page_id": PAGE_ID, "label": "Salus Medica Mokotów",
              "graph_url": loopback.base_url, "language": "pl", "allow_posting": allow_posting}
    config = make_config(tmp_path, [source], timeout_seconds=timeout)
    client = ApiClient(config.http, sleep=lambda _s: None)
    [comment] = [m for m in FacebookCollector(config.sources[0], config, client=client).collect({}).mentions
                 if m.external_id == COMMENT]
    store = Store(config.database)
    store.ensure_source("facebook-page", "facebook")
    mention_id = store.record_success("facebook-page", [(comment, None)], {}, seen=1).new_ids[0]
    loopback.requests.clear()
    return config, store, mention_id, client


def test_a_reply_is_posted_once_and_the_mention_marked_replied(tmp_path, loopback, graph) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback)

    link = post_facebook_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)

    assert [r.path.split("?")[0] for r in graph.created] == [f"/{COMMENT}/comments"]
    assert parse_qs(graph.created[0].body.decode())["message"] == [SAFE]
    assert link.startswith(f"https://www.facebook.com/{PAGE_ID}/posts/1?comment_id=")
    assert loopback.requests[0].method == "GET"  # the comment's replies are read before anything is written
    mention = store.mention(mention_id)
    assert mention is not None and mention["status"] == "replied"
    assert "facebook_reply_posted" in [e["action"] for e in store.events(mention_id)]
    assert store._conn.execute("SELECT posted_url FROM replies WHERE mention_id = ?", (mention_id,)).fetchall() \
        == [(link,)]


def test_a_double_click_and_a_retried_timeout_post_once(tmp_path, loopback, graph) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback, timeout=0.5)
    graph.reply_delay = 1.5  # Facebook creates the reply but answers after the client gave up
    with pytest.raises(SourceError) as raised:
        post_facebook_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)
    assert raised.value.kind == "timeout" and "will not post it twice" in raised.value.message
    graph.reply_delay = 0

    first = post_facebook_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)
    second = post_facebook_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)

    assert len(graph.created) == 1 and first == second
    actions = [e["action"] for e in store.events(mention_id)]
    assert actions.count("facebook_reply_already_there") == 2 and "facebook_reply_failed" in actions


def test_an_unsafe_reply_is_refused_before_any_request(tmp_path, loopback, graph) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback)
    with pytest.raises(GateRefused) as raised:
        post_facebook_reply(config, mention_id, UNSAFE, store=store, actor="ewa", client=client)
    assert raised.value.verdict.findings and loopback.requests == []


def test_posting_is_off_unless_the_source_allows_it(tmp_path, loopback, graph) -> None:
    config, store, mention_id, client = setup(tmp_path, loopback, allow_posting=False)
    with pytest.raises(SourceError) as raised:
        post_facebook_reply(config, mention_id, SAFE, store=store, actor="ewa", client=client)
    assert "allow_posting = true" in raised.value.message and loopback.requests == []
