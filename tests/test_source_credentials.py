"""Each new source kind says which environment variables it still lacks, before a run fails on them."""
from __future__ import annotations

import pytest

from collectors.registry import missing_credentials
from tests.forum_fixtures import make_config

SOURCES = [
    {"kind": "google_reviews", "name": "g", "locations": [{"account": "1", "location": "2", "label": "Salus"}]},
    {"kind": "facebook", "name": "f", "page_id": "123", "label": "Salus"},
    {"kind": "mastodon", "name": "m-search", "instances": ["https://m.example"], "search": ["Salus"]},
    {"kind": "mastodon", "name": "m-tags", "instances": ["https://m.example"], "hashtags": ["Salus"]},
    {"kind": "bluesky", "name": "b"},
    {"kind": "docplanner", "name": "d", "url": "https://www.znanylekarz.pl/x"},
    {"kind": "feed", "name": "feed", "url": "https://example.org/feed.xml"},
]
ENV = ("GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN", "FACEBOOK_PAGE_TOKEN", "MASTODON_TOKEN",
       "BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD")


@pytest.fixture
def config(tmp_path, monkeypatch):
    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    return make_config(tmp_path, SOURCES)


def test_every_lacking_variable_is_named(config) -> None:
    lacking = {source.name: missing_credentials(source) for source in config.sources}
    assert lacking == {
        "g": ["GOOGLE_CLIENT_ID", "GOOGLE_CLIENT_SECRET", "GOOGLE_REFRESH_TOKEN"],
        "f": ["FACEBOOK_PAGE_TOKEN"],
        "m-search": ["MASTODON_TOKEN"],
        "m-tags": [],  # hashtag timelines are public
        "b": ["BLUESKY_HANDLE", "BLUESKY_APP_PASSWORD"],
        "d": [],
        "feed": [],
    }


def test_set_variables_are_no_longer_listed(config, monkeypatch) -> None:
    monkeypatch.setenv("GOOGLE_CLIENT_ID", "x")
    monkeypatch.setenv("GOOGLE_REFRESH_TOKEN", "y")
    monkeypatch.setenv("BLUESKY_HANDLE", "salus.bsky.social")
    by_name = {source.name: source for source in config.sources}
    assert missing_credentials(by_name["g"]) == ["GOOGLE_CLIENT_SECRET"]
    assert missing_credentials(by_name["b"]) == ["BLUESKY_APP_PASSWORD"]
