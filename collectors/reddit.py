"""Reddit collector: PRAW search plus new submissions/comments of chosen subreddits; public RSS without credentials."""
from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import AbstractContextManager
from typing import Any, ClassVar

import praw

from collectors.base import CollectResult, SourceKind
from collectors.reddit_client import (
    RedditSource,
    build_reddit,
    configured_subreddit,
    find_credentials,
    request_timeout,
    search_queries,
)
from collectors.reddit_errors import reddit_errors
from collectors.reddit_feeds import collect_public_feeds
from collectors.reddit_items import created_utc, fullname, to_mention
from core.config import Config
from core.models import Mention

# Reddit's search index lags behind new posts by minutes, so each search looks back this far past its cursor
# (the store drops what it already has).
SEARCH_OVERLAP_SECONDS = 15 * 60

Listing = Callable[..., Iterable[Any]]


class RedditCollector:
    kind: ClassVar[str] = "reddit"

    def __init__(self, source: RedditSource, config: Config) -> None:
        self.source = source
        self.config = config

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        credentials = find_credentials(self.source)
        if credentials is None:
            return collect_public_feeds(self.source, self.config, cursor)
        with build_reddit(self.source, self.config, credentials) as reddit:
            return _Run(reddit, self.source, self.config, cursor).collect()


class _Run:
    """One collection: every search and every subreddit listing, each from its own cursor entry."""

    def __init__(self, reddit: praw.Reddit, source: RedditSource, config: Config, cursor: dict[str, Any]) -> None:
        self.reddit = reddit
        self.source = source
        self.config = config
        self.old_cursor = cursor or {}
        self.cursor: dict[str, Any] = dict(self.old_cursor)
        self.found: dict[str, Mention] = {}
        self.seen = 0
        self.dropped: Counter[str] = Counter()

    def collect(self) -> CollectResult:
        for query in search_queries(self.source, self.config):
            self.search(query)
        for configured in self.source.stream_subreddits:
            name = configured_subreddit(configured)
            subreddit = self.reddit.subreddit(name)
            self.listing(f"submissions:{name}", f"r/{name}", subreddit.new)
            self.listing(f"comments:{name}", f"r/{name}", subreddit.comments)
        mentions = sorted(self.found.values(), key=lambda m: m.published)
        return CollectResult(mentions=mentions, cursor=self.cursor, seen=self.seen, dropped=self.dropped)

    def search(self, query: str) -> None:
        """Newest-first search; stops at the first result older than the cursor (minus the index-lag overlap)."""
        scope = "+".join(configured_subreddit(s) for s in self.source.search_subreddits) or "all"
        key = f"search:{query}" if scope == "all" else f"search:{query}@r/{scope}"
        target = "Reddit search" if scope == "all" else f"r/{scope}"
        since = self.old_cursor.get(key)
        newest = since
        with self._errors(target, "search_subreddits"):
            results = self.reddit.subreddit(scope).search(query, sort="new", time_filter="all", limit=self.source.limit)
            for thing in results:
                self.seen += 1
                stamp = created_utc(thing)
                if since is not None and stamp <= since - SEARCH_OVERLAP_SECONDS:
                    self.dropped["already_seen"] += 1
                    break
                self._keep(thing)
                newest = stamp if newest is None else max(newest, stamp)
        if newest is not None:
            self.cursor[key] = newest

    def listing(self, key: str, target: str, fetch: Listing) -> None:
        """Items newer than the last one seen, asked for with `before`.

        The cursor keeps the newest item's fullname and time and every fullname seen at that time: Reddit's
        times are whole seconds, so items of the anchor's second that arrive later are new, not old.
        """
        anchor = self.old_cursor.get(key)
        with self._errors(target, "stream_subreddits"):
            things = self._since_anchor(fetch, anchor)
        for thing in things:
            self._keep(thing)
        if things:
            self.cursor[key] = advanced_anchor(anchor, things)

    def _since_anchor(self, fetch: Listing, anchor: dict[str, Any] | None) -> list[Any]:
        limit = self.source.limit
        if not anchor:
            return self._fetched(fetch(limit=limit))
        things = self._fetched(fetch(limit=limit, params={"before": anchor["fullname"]}))
        if not things:
            # An empty answer is also what Reddit gives when the anchor was deleted or removed, so check the
            # newest items by time as well (PRAW's own streams do the same).
            things = self._fetched(fetch(limit=limit))
        fresh = [t for t in things if is_after_anchor(t, anchor)]
        if len(fresh) < len(things):
            self.dropped["already_seen"] += len(things) - len(fresh)
        return fresh

    def _fetched(self, listing: Iterable[Any]) -> list[Any]:
        things = list(listing)
        self.seen += len(things)
        return things

    def _keep(self, thing: Any) -> None:
        mention = to_mention(thing, self.source.name, self.source.language)
        if mention is None:
            self.dropped["not_a_post"] += 1
        elif mention.external_id in self.found:
            self.dropped["duplicate"] += 1  # found by two searches, or by a search and a listing
        else:
            self.found[mention.external_id] = mention

    def _errors(self, target: str, setting: str) -> AbstractContextManager[None]:
        return reddit_errors(target, setting=setting, timeout=request_timeout(self.config))


# Fullnames remembered for the anchor's second; far more than Reddit ever creates in one subreddit in a second.
IDS_AT_ANCHOR_KEPT = 1000


def is_after_anchor(thing: Any, anchor: dict[str, Any]) -> bool:
    """Newer than the anchor's second, or of that second and not seen yet."""
    since = float(anchor.get("created_utc") or 0)
    stamp = created_utc(thing)
    if stamp != since:
        return stamp > since
    seen_then = set(anchor.get("ids_at") or ()) | {anchor.get("fullname")}
    return fullname(thing) not in seen_then


def advanced_anchor(anchor: dict[str, Any] | None, things: list[Any]) -> dict[str, Any]:
    """The newest of `things` as the next anchor, with every fullname seen at its second (old ones included
    when the second is the same as the old anchor's)."""
    newest = max(things, key=created_utc)  # the first of equals: listings come newest first
    stamp = created_utc(newest)
    ids_at = [fullname(t) for t in things if created_utc(t) == stamp]
    if anchor and float(anchor.get("created_utc") or 0) == stamp:
        ids_at += [*(anchor.get("ids_at") or ()), str(anchor.get("fullname") or "")]
    return {"fullname": fullname(newest), "created_utc": stamp,
            "ids_at": list(dict.fromkeys(i for i in ids_at if i))[:IDS_AT_ANCHOR_KEPT]}


SOURCE_KIND = SourceKind("reddit", RedditSource, RedditCollector, handle_format="u/{name}")
