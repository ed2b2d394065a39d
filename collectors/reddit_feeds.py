"""Without Reddit credentials: read Reddit's public search and subreddit feeds through the feed collector."""
from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from collectors.base import CollectResult
from collectors.feeds import FeedCollector, FeedSource
from collectors.reddit_client import RedditSource, configured_subreddit, search_queries, web_url
from core.config import Config
from core.models import Mention

NO_CREDENTIALS_NOTE = (
    "no Reddit credentials: using public search RSS (set REDDIT_CLIENT_ID / REDDIT_CLIENT_SECRET for full coverage)"
)
# Reddit appends "submitted by /u/x to r/y [link] [comments]" to every feed entry's content.
SUBMITTED_BY = re.compile(r"\s*submitted by\s+/?u/\S+(\s+to\s+/?r/\S+)?.*$", re.DOTALL)
COMMENT_TITLE = re.compile(r"^/?u/\S+ on (?P<title>.+)$", re.DOTALL)
SUBREDDIT_IN_PATH = re.compile(r"^/r/([^/]+)/")
# Reddit's entry ids are bare fullnames ("t3_1abcde"); the feed parser may resolve them against the feed's URL.
FULLNAME_AT_END = re.compile(r"(?:^|/)(t[13]_[a-z0-9]+)$")


def public_feeds(source: RedditSource, config: Config) -> list[tuple[str, str]]:
    """(cursor key, feed URL) for every search and subreddit of the source."""
    base = web_url(source)
    feeds = []
    subreddits = [configured_subreddit(s) for s in source.search_subreddits]
    for query in search_queries(source, config):
        if not subreddits:
            feeds.append((f"rss:search:{query}", f"{base}/search.rss?" + urlencode({"q": query, "sort": "new"})))
        for sub in subreddits:
            params = urlencode({"q": query, "restrict_sr": 1, "sort": "new"})
            feeds.append((f"rss:search:{query}@r/{sub}", f"{base}/r/{quote(sub)}/search.rss?{params}"))
    for configured in source.stream_subreddits:
        sub = configured_subreddit(configured)
        feeds.append((f"rss:submissions:{sub}", f"{base}/r/{quote(sub)}/new/.rss"))
        feeds.append((f"rss:comments:{sub}", f"{base}/r/{quote(sub)}/comments/.rss"))
    return feeds


def collect_public_feeds(source: RedditSource, config: Config, cursor: dict[str, Any]) -> CollectResult:
    """Every public feed of the source through FeedCollector, its items relabelled as Reddit mentions."""
    new_cursor = dict(cursor or {})
    found: dict[str, Mention] = {}
    combined = CollectResult(mentions=[], cursor=new_cursor, seen=0, note=NO_CREDENTIALS_NOTE)
    all_not_modified = True
    for key, url in public_feeds(source, config):
        feed = FeedSource(kind="feed", name=source.name, url=url, language=source.language)
        result = FeedCollector(feed, config).collect((cursor or {}).get(key, {}))
        new_cursor[key] = result.cursor
        combined.seen += result.seen
        combined.dropped.update(result.dropped)
        all_not_modified = all_not_modified and result.not_modified
        for mention in result.mentions:
            reddit_mention = as_reddit_mention(mention, source.name)
            if reddit_mention.external_id in found:
                combined.drop("duplicate")  # in the search feed and a subreddit's feed
            else:
                found[reddit_mention.external_id] = reddit_mention
    combined.mentions = sorted(found.values(), key=lambda m: m.published)
    combined.not_modified = all_not_modified and not combined.mentions
    return combined


def as_reddit_mention(mention: Mention, source_name: str) -> Mention:
    """A feed entry from Reddit with the same ids, author names and extra fields as the PRAW path gives."""
    found_id = FULLNAME_AT_END.search(mention.external_id)
    external_id = found_id.group(1) if found_id else mention.external_id
    is_comment = external_id.startswith("t1_")
    title, thread_title = mention.title, mention.thread_title
    if is_comment:
        found = COMMENT_TITLE.match(title)
        title, thread_title = "", (found.group("title").strip() if found else thread_title)
    return dataclasses.replace(
        mention,
        source_kind="reddit",
        source_name=source_name,
        external_id=external_id,
        title=title,
        text=SUBMITTED_BY.sub("", mention.text).strip(),
        author=_author(mention.author),
        thread_title=thread_title,
        extra={
            **mention.extra,
            "subreddit": _subreddit(mention.url),
            "type": "comment" if is_comment else "submission",
            "via": "rss",
        },
    )


def _author(name: str) -> str:
    name = name.strip()
    for prefix in ("/u/", "u/"):
        if name.startswith(prefix):
            return name[len(prefix):]
    return name or "[deleted]"


def _subreddit(url: str) -> str:
    found = SUBREDDIT_IN_PATH.match(urlsplit(url).path)
    return found.group(1) if found else ""
