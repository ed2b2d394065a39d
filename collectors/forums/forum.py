"""phpBB, XenForo, vBulletin and other forums: through their feed, or page by page with CSS selectors."""
from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, tzinfo
from typing import Any, ClassVar, Literal
from urllib.parse import urldefrag

from pydantic import AnyHttpUrl, Field

from collectors.base import CollectResult, SourceError, SourceKind
from collectors.feeds import FeedCollector, FeedSource
from collectors.forums.dates import DateParseError, parse_forum_date, parse_machine_date, zone
from collectors.forums.html_posts import ForumPage, RawPost, extract_page
from collectors.forums.presets import resolve_selectors
from collectors.forums.robots import RobotsPolicy
from collectors.http import Fetcher, shared_fetcher
from core.config import Config, SourceBase
from core.models import Mention, utcnow
from core.redact import redact
from core.urls import without_session_ids

# Post ids remembered between runs; a run reads at most max_pages pages of a few dozen posts.
SEEN_IDS_KEPT = 2000
# phpBB feed titles read "Forum name • Re: Topic"; the thread is the part after the last bullet.
_FEED_TITLE_PREFIX = re.compile(r"^.*\u2022\s*")
_REPLY_PREFIX = re.compile(r"^(re|odp|r)\s*:\s*", re.IGNORECASE)


class ForumSource(SourceBase):
    """A forum read through its feed (phpBB feed.php, XenForo RSS) or through CSS selectors."""

    kind: Literal["forum"]
    url: AnyHttpUrl
    engine: Literal["feed", "html"] = "html"
    timezone: str = "UTC"
    date_language: str | None = None
    max_pages: int = Field(default=5, ge=1, le=100)
    delay_seconds: float = Field(default=1.0, ge=0)
    preset: Literal["phpbb", "xenforo", "vbulletin", "vbulletin4", "vbulletin3"] | None = Field(
        default=None, description="Default selectors of a stock forum theme; `selectors` override them."
    )
    selectors: dict[str, str] = Field(
        default={},
        description="post, author, date, text, permalink, next_page, thread_title, quote (CSS selectors).",
    )


class ForumCollector:
    """One forum source. Cursor: {"start_url", "resume_url", "seen_ids"} for HTML, the feed's own for feeds."""

    kind: ClassVar[str] = "forum"

    def __init__(
        self,
        source: ForumSource,
        config: Config,
        *,
        fetcher: Fetcher | None = None,
        sleep: Callable[[float], None] = time.sleep,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        self.source = source
        self.config = config
        self.fetcher = fetcher or shared_fetcher(config.http)
        self.sleep = sleep
        self.now = now

    def collect(self, cursor: dict[str, Any]) -> CollectResult:
        if self.source.engine == "feed":
            return self._collect_feed(cursor or {})
        return self._collect_html(cursor or {})

    # --- feed engine ----------------------------------------------------------------------------------

    def _collect_feed(self, cursor: dict[str, Any]) -> CollectResult:
        feed_source = FeedSource(
            kind="feed", name=self.source.name, url=self.source.url, language=self.source.language,
            interval_minutes=self.source.interval_minutes,
        )
        result = FeedCollector(feed_source, self.config, fetcher=self.fetcher).collect(cursor)
        result.mentions = [self._from_feed_entry(mention) for mention in result.mentions]
        return result

    def _from_feed_entry(self, mention: Mention) -> Mention:
        thread_title = _REPLY_PREFIX.sub("", _FEED_TITLE_PREFIX.sub("", mention.title)).strip()
        return replace(
            mention,
            source_kind=self.kind,
            thread_title=mention.thread_title or thread_title,
            thread_url=mention.thread_url or urldefrag(mention.url)[0],
        )

    # --- HTML engine ----------------------------------------------------------------------------------

    def _collect_html(self, cursor: dict[str, Any]) -> CollectResult:
        selectors = self._selectors()
        start_url = str(self.source.url)
        if cursor.get("start_url") != redact(start_url):
            cursor = {}  # the source now points elsewhere: what was seen there says nothing here
        seen = set(cursor.get("seen_ids") or [])
        robots = RobotsPolicy(self.fetcher)
        url: str | None = cursor.get("resume_url") or start_url
        visited: list[str] = []
        page_ids: list[str] = []
        mentions: list[Mention] = []
        result = CollectResult(mentions=mentions, cursor={}, seen=0)
        seen_before = set(seen)
        while url and len(visited) < self.source.max_pages and url not in visited:
            robots.check(url)
            if visited:
                self.sleep(max(self.source.delay_seconds, robots.crawl_delay(url)))
            try:
                page = self._fetch_page(url, selectors, len(visited) + 1)
            except SourceError as error:
                if error.kind != "not_found" or visited or url == start_url:
                    raise
                url = start_url  # the page we meant to resume at is gone (pruned, re-paginated): start over
                continue
            visited.append(url)
            for raw in page.posts:
                page_ids.append(raw.post_id)
                if raw.post_id in seen:
                    # some themes repeat the opening post on every page
                    result.drop("already_seen" if raw.post_id in seen_before else "duplicate")
                    continue
                seen.add(raw.post_id)
                if raw.had_text and not raw.text:
                    result.drop("empty_text")  # words on the page, none extracted: a loss to be seen
                    continue
                mentions.append(self._mention(raw, page, url, len(visited)))
            url = page.next_url
        # The next run starts at the first page not read yet, else re-reads the last one for new replies.
        resume_url = url if url and url not in visited else visited[-1]
        new_cursor = {
            # Cursors are stored: a URL carrying a credential is kept masked (then the next run starts over).
            "start_url": redact(start_url),
            "resume_url": resume_url if redact(resume_url) == resume_url else None,
            "seen_ids": list(dict.fromkeys([*page_ids, *(cursor.get("seen_ids") or [])]))[:SEEN_IDS_KEPT],
        }
        note = f"read {len(visited)} page(s)" + (", more remain" if url and url not in visited else "")
        lost = result.dropped.get("empty_text", 0)
        if lost:
            note += (f"; WARNING: {lost} post(s) showed text on the page but none was extracted "
                     "(check selectors.text and selectors.quote, or the preset)")
        result.cursor, result.seen, result.note = new_cursor, len(page_ids), note
        return result

    def _selectors(self) -> dict[str, str]:
        try:
            return resolve_selectors(self.source.preset, self.source.selectors)
        except ValueError as exc:
            raise SourceError("config", f"source {self.source.name!r}: {exc}") from None

    def _fetch_page(self, url: str, selectors: dict[str, str], page_number: int) -> ForumPage:
        response = self.fetcher.get(url, headers={"Accept": "text/html,application/xhtml+xml"})
        return extract_page(response.html, page_url=response.url, selectors=selectors, page_number=page_number)

    def _mention(self, raw: RawPost, page: ForumPage, page_url: str, page_number: int) -> Mention:
        return Mention(
            source_kind=self.kind,
            source_name=self.source.name,
            external_id=raw.post_id,
            url=raw.permalink,
            text=raw.text,
            author=raw.author,
            published_at=self._published(raw, page_number, page_url),
            language=self.source.language or self.source.date_language,
            thread_title=page.thread_title,
            thread_url=page.thread_url or without_session_ids(str(self.source.url)),
            extra={"page": page_number},
        )

    def _published(self, raw: RawPost, page_number: int, page_url: str) -> datetime | None:
        tz = source_zone(self.source.name, self.source.timezone)
        if raw.machine_date:
            moment = parse_machine_date(raw.machine_date, tz)
            if moment is not None:
                return moment
        if not raw.date_text:
            return None  # Mention marks the date as estimated
        try:
            return parse_forum_date(raw.date_text, now=self.now(), tz=tz, language=self.source.date_language)
        except DateParseError as exc:
            raise SourceError(
                "parse",
                f"{exc} (post {raw.post_id} on page {page_number}, {page_url}); "
                "set date_language for this source or point selectors.date at the date element",
            ) from None


def source_zone(source_name: str, name: str) -> tzinfo:
    """The source's time zone, or SourceError "config" naming the source when the name is unknown."""
    try:
        return zone(name)
    except ValueError as exc:
        raise SourceError("config", f"source {source_name!r}: {exc}") from None


SOURCE_KIND = SourceKind("forum", ForumSource, ForumCollector, handle_format="{name}")
