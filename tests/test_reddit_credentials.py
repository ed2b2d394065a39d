"""Where the Reddit collector finds its credentials: the environment first, else a praw.ini site."""
from __future__ import annotations

import base64

import praw.config
import pytest

from collectors.base import SourceError
from collectors.reddit import RedditCollector
from collectors.reddit_client import find_credentials
from tests.reddit_replay import RedditReplay, reddit_config

CASSETTE = "fixtures/reddit/TestSubredditStreams.test_comments__with_pause.json"


@pytest.fixture
def praw_ini(tmp_path, monkeypatch):
    """A user-level praw.ini (XDG_CONFIG_HOME), loaded afresh: PRAW caches the parsed files per process."""
    for name in ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "REDDIT_REFRESH_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(praw.config.Config, "CONFIG", None)
    (tmp_path / "praw.ini").write_text("[clinic]\nclient_id = ini-client\nclient_secret = ini-secret\n")
    return tmp_path


def basic_auth(request) -> str:
    return base64.b64decode(request.headers["authorization"].split(" ", 1)[1]).decode()


def test_praw_ini_site_supplies_the_credentials(shared_dir, praw_ini):
    with RedditReplay(shared_dir / CASSETTE) as replay:
        replay.add_empty_listing("/r/kakapo/new")
        config = reddit_config(replay.base_url, praw_site="clinic", stream_subreddits=["kakapo"], search=["x"])
        replay.add_empty_listing("/r/all/search?q=x&restrict_sr=False")

        result = RedditCollector(config.sources[0], config).collect({})

        token_request = replay.server.requests_to("/api/v1/access_token")[0]
        assert basic_auth(token_request) == "ini-client:ini-secret"
        assert result.note is None and result.mentions


def test_environment_wins_over_praw_ini(praw_ini, monkeypatch):
    monkeypatch.setenv("REDDIT_CLIENT_ID", "env-client")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "env-secret")
    config = reddit_config("http://127.0.0.1:9", praw_site="clinic")
    credentials = find_credentials(config.sources[0])
    assert (credentials.client_id, credentials.client_secret) == ("env-client", "env-secret")
    assert "env-secret" not in repr(credentials)


def test_unknown_praw_site_is_a_config_error(praw_ini):
    config = reddit_config("http://127.0.0.1:9", praw_site="nosuchsite")
    with pytest.raises(SourceError) as caught:
        RedditCollector(config.sources[0], config).collect({})
    assert caught.value.kind == "config" and "[nosuchsite]" in caught.value.message


def test_no_credentials_anywhere_means_the_public_feeds(praw_ini):
    config = reddit_config("http://127.0.0.1:9")
    assert find_credentials(config.sources[0]) is None
