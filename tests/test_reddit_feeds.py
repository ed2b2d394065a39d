"""Without credentials the collector reads Reddit's public Atom feeds (served on 127.0.0.1) through the feed collector."""
from __future__ import annotations

from html import escape
from urllib.parse import parse_qs, urlsplit

import pytest

from collectors.reddit import RedditCollector
from collectors.reddit_feeds import NO_CREDENTIALS_NOTE
from tests.loopback import Response
from tests.reddit_replay import reddit_config

FEED_HEAD = '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>{}</title>'


def reddit_entry(fullname: str, author: str, subreddit: str, title: str, body: str, permalink: str) -> str:
    """One entry the way Reddit's .rss endpoints write it (HTML content with a "submitted by" footer)."""
    content = (f'<!-- SC_OFF --><div class="md"><p>{escape(body)}</p></div><!-- SC_ON --> &#32; submitted by &#32; '
               f'<a href="https://www.reddit.com/user/{author}"> /u/{author} </a> &#32; to &#32; '
               f'<a href="https://www.reddit.com/r/{subreddit}/"> r/{subreddit} </a> <br/> '
               f'<span><a href="{permalink}">[link]</a></span> &#32; <span><a href="{permalink}">[comments]</a></span>')
    return (f'<entry><author><name>/u/{author}</name><uri>https://www.reddit.com/user/{author}</uri></author>'
            f'<category term="{subreddit}" label="r/{subreddit}"/><content type="html">{escape(content)}</content>'
            f'<id>{fullname}</id><link href="{permalink}" /><updated>2024-05-01T09:58:00+00:00</updated>'
            f'<published>2024-05-01T09:58:00+00:00</published><title>{escape(title)}</title></entry>')


POST = dict(fullname="t3_1abcde", author="jan_kowalski", subreddit="warszawa",
            title="Czy ktoś był w Medicover na Bemowie?", body="Pytam o czas oczekiwania na wizytę.",
            permalink="https://www.reddit.com/r/warszawa/comments/1abcde/czy_ktos_byl/")
COMMENT = dict(fullname="t1_kq1x2y3", author="anna_w", subreddit="warszawa",
               title="/u/anna_w on Czy ktoś był w Medicover na Bemowie?", body="Czekałam dwa tygodnie.",
               permalink="https://www.reddit.com/r/warszawa/comments/1abcde/czy_ktos_byl/kq1x2y3/")


def atom(title: str, *entries: dict) -> Response:
    body = FEED_HEAD.format(escape(title)) + "".join(reddit_entry(**e) for e in entries) + "</feed>"
    return Response(200, body.encode(), {"Content-Type": "application/atom+xml; charset=UTF-8"})


@pytest.fixture
def no_credentials(monkeypatch):
    for name in ("REDDIT_CLIENT_ID", "REDDIT_CLIENT_SECRET", "praw_client_id", "praw_client_secret"):
        monkeypatch.delenv(name, raising=False)


def test_public_feeds_stand_in_without_credentials(loopback, no_credentials):
    loopback.routes["/search.rss"] = lambda request: atom("search results - Medicover", POST)
    loopback.routes["/r/warszawa/new/.rss"] = lambda request: atom("newest submissions : warszawa", POST)
    loopback.routes["/r/warszawa/comments/.rss"] = lambda request: atom("newest comments : warszawa", COMMENT)
    config = reddit_config(loopback.base_url, search=["Medicover"], stream_subreddits=["warszawa"])
    collector = RedditCollector(config.sources[0], config)

    result = collector.collect({})

    assert result.note == NO_CREDENTIALS_NOTE
    search = urlsplit(loopback.requests_to("/search.rss")[0].path)
    assert parse_qs(search.query) == {"q": ["Medicover"], "sort": ["new"]}
    by_id = {m.external_id: m for m in result.mentions}
    assert set(by_id) == {POST["fullname"], COMMENT["fullname"]}  # the post seen twice is kept once
    post, comment = by_id[POST["fullname"]], by_id[COMMENT["fullname"]]
    assert (post.source_kind, post.source_name) == ("reddit", "reddit-test")
    assert (post.author, post.title, post.text, post.url) == (POST["author"], POST["title"], POST["body"],
                                                              POST["permalink"])
    assert post.extra | {} == {"subreddit": "warszawa", "type": "submission", "via": "rss"}
    assert (comment.author, comment.title, comment.text) == (COMMENT["author"], "", COMMENT["body"])
    assert comment.thread_title == POST["title"] and comment.extra["type"] == "comment"

    again = collector.collect(result.cursor)
    assert again.mentions == [] and again.note == NO_CREDENTIALS_NOTE


def test_search_restricted_to_subreddits_uses_subreddit_search_feeds(loopback, no_credentials):
    loopback.routes["/r/krakow/search.rss"] = lambda request: atom("krakow search", POST)
    config = reddit_config(loopback.base_url, search=["Medicover"], search_subreddits=["krakow"])

    result = RedditCollector(config.sources[0], config).collect({})

    query = parse_qs(urlsplit(loopback.requests_to("/r/krakow/search.rss")[0].path).query)
    assert query == {"q": ["Medicover"], "restrict_sr": ["1"], "sort": ["new"]}
    assert [m.external_id for m in result.mentions] == [POST["fullname"]]
